#if PostgreSQL
import Foundation
import LicenseKit
import LicenseKitPostgres
import PostgresTestSupport
import StateBackendConformance
import Testing

/// The state backend conformance checks (`Tests/StateBackendConformance`) on the PostgreSQL
/// backend, one database per check. Serialized: the synchronous protocol waits for PostgreSQL's
/// asynchronous work, and the checks must not occupy every thread of Swift's pool.
@Suite(.postgresCluster, .serialized, .timeLimit(.minutes(10))) struct PostgresConformanceTests {
    @Test(arguments: StateBackendConformance.checks)
    func postgresBackend(check: String) throws {
        let cluster = try #require(PostgresCluster.current)
        try StateBackendConformance.run(check, on: .postgres(cluster))
    }
}

/// A crash simulated by the store's fault injection.
private struct SimulatedCrash: Error {}

extension BackendFixture {
    /// A fresh database of the test cluster, owner `default`.
    static func postgres(_ cluster: PostgresCluster) -> BackendFixture {
        BackendFixture(name: "postgres") {
            let database = try cluster.createDatabase()
            let store = PostgresStateStore(
                url: try PostgresStateURL(parsing: cluster.url(database: database), environment: [:]))
            let root = FileManager.default.temporaryDirectory.appendingPathComponent(
                "licensectl-pg-conformance-\(UUID().uuidString)"
            ).path
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            return BackendUnderTest(
                root: root,
                backend: PostgresBackend(store: store),
                crashing: { step in
                    var crashing = store
                    crashing.faultInjection = { reached, _ in if reached == step { throw SimulatedCrash() } }
                    return PostgresBackend(store: crashing)
                },
                crashSteps: ["locked", "written"],
                corrupt: { tenant in
                    _ = try cluster.sql(
                        "UPDATE licensectl.tenants SET document = '{\"formatVersion\": 1}'::jsonb WHERE name = '\(tenant)'",
                        database: database)
                },
                cleanup: { try? FileManager.default.removeItem(atPath: root) })
        }
    }
}
#endif
