#if PostgreSQL
import Foundation
import PostgresTestSupport
import Testing

/// The throwaway cluster that the tests and the benchmark share (TestSupport's
/// `ThrowawayPostgres`): the tests' one trades durability for speed, the benchmark's keeps the
/// server's defaults in the folder it is given; both are gone after `stop()`.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ThrowawayPostgresTests {
    @Test func theBenchmarksClusterIsDurableInItsOwnFolderAndRemovedOnStop() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "licensectl-throwaway-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(
            atPath: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let cluster = try PostgresCluster.start(in: scratch + "/pg", durability: .durable)
        var running = true
        defer { if running { cluster.stop() } }

        #expect(cluster.folder == scratch + "/pg")
        #expect(try cluster.sql("SHOW fsync") == "on\n")
        #expect(try cluster.sql("SHOW synchronous_commit") == "on\n")
        #expect(try cluster.sql("SHOW listen_addresses") == "\n")
        let first = try cluster.createDatabase(prefix: "bench")
        let second = try cluster.createDatabase(prefix: "bench")
        #expect([first, second] == ["bench1", "bench2"])
        #expect(try cluster.sql("SELECT current_database()", database: second) == "bench2\n")
        #expect(cluster.url(database: second).hasSuffix("%2Fpg/bench2"))

        cluster.stop()
        running = false
        #expect(!FileManager.default.fileExists(atPath: scratch + "/pg"))
        #expect(FileManager.default.fileExists(atPath: scratch))
    }

    @Test func aTestsClusterTradesDurabilityForSpeed() throws {
        let cluster = try PostgresCluster.start()
        defer { cluster.stop() }
        #expect(cluster.folder.hasPrefix("/tmp/lctl-pg-"))
        #expect(try cluster.sql("SHOW fsync") == "off\n")
        #expect(try cluster.sql("SHOW max_connections") == "200\n")
        #expect(try cluster.createDatabase() == "t1")
    }
}
#endif
