#if PostgreSQL
import Foundation
import PostgresTestSupport
import Testing

/// The throwaway cluster that the tests and the benchmark share (TestSupport's
/// `ThrowawayPostgres`): the tests' one trades durability for speed, the benchmark's keeps the
/// server's defaults in the folder it is given; both are gone after `stop()`. The clusters are
/// started and queried on a thread of their own (``onOwnThread(_:)``), and what they answered is
/// checked afterwards: starting a cluster blocks for seconds, and a blocked thread of Swift's
/// small test pool would hold up the timing-sensitive lock tests of the other suites.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ThrowawayPostgresTests {
    /// `body`'s result, computed on a new thread, awaited without holding a thread of the pool.
    static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    @Test func theBenchmarksClusterIsDurableInItsOwnFolderAndRemovedOnStop() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "licensectl-throwaway-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(
            atPath: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        let answers = try await Self.onOwnThread { () throws -> [String] in
            let cluster = try PostgresCluster.start(in: scratch + "/pg", durability: .durable)
            defer { cluster.stop() }
            let first = try cluster.createDatabase(prefix: "bench")
            let second = try cluster.createDatabase(prefix: "bench")
            return [
                cluster.folder, try cluster.sql("SHOW fsync"), try cluster.sql("SHOW synchronous_commit"),
                try cluster.sql("SHOW listen_addresses"), first, second,
                try cluster.sql("SELECT current_database()", database: second), cluster.url(database: second),
            ]
        }
        #expect(Array(answers.prefix(7)) == [scratch + "/pg", "on\n", "on\n", "\n", "bench1", "bench2", "bench2\n"])
        #expect(answers.last?.hasSuffix("%2Fpg/bench2") == true, "\(answers)")
        // stop() removed the cluster's folder, not the scratch folder around it.
        #expect(!FileManager.default.fileExists(atPath: scratch + "/pg"))
        #expect(FileManager.default.fileExists(atPath: scratch))
    }

    @Test func aTestsClusterTradesDurabilityForSpeed() async throws {
        let (folder, answers) = try await Self.onOwnThread { () throws -> (String, [String]) in
            let cluster = try PostgresCluster.start()
            defer { cluster.stop() }
            return (
                cluster.folder,
                [try cluster.sql("SHOW fsync"), try cluster.sql("SHOW max_connections"), try cluster.createDatabase()]
            )
        }
        #expect(folder.hasPrefix("/tmp/lctl-pg-"))
        #expect(answers == ["off\n", "200\n", "t1"])
        #expect(!FileManager.default.fileExists(atPath: folder))
    }
}
#endif
