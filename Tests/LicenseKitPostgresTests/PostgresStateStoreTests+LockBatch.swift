#if PostgreSQL
import Foundation
import LicenseKit
import LicenseKitPostgres
import PostgresTestSupport
import Testing

/// The tenant locks of an apply are taken in one statement until the first busy tenant
/// (docs/state.md §5.1): a busy tenant in the middle of many is named, waited for, and the rest
/// are locked after it. In the suite of ``PostgresStateStoreTests``, on its cluster (a cluster
/// per suite is started on the test pool's threads, which every other suite shares).
extension PostgresStateStoreTests {
    /// Advisory locks granted in `database`.
    static func heldLocks(_ cluster: PostgresCluster, _ database: String) throws -> String {
        try cluster.sql(
            """
            SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
              AND database = (SELECT oid FROM pg_database WHERE datname = '\(database)')
            """, database: database)
    }

    @Test func aBusyTenantAmongManyIsNamedWaitedForAndTheRestAreLockedAfterIt() async throws {
        let (cluster, database, store) = try Self.fresh()
        let names = (1...300).map { String(format: "t-%04d", $0) }
        let first = try await store.lock(tenants: ["t-0150"], timeout: 0, holder: holder)
        let other = LockHolder(host: "ci-2", pid: 77, start: holder.start)
        await #expect(
            throws: StateStoreError(
                "tenant 't-0150' is locked by pid 4242 on host test-host since 2026-11-29T10:00:00Z; wait or retry with --lock-timeout"
            )
        ) {
            try await store.lock(tenants: names.reversed(), timeout: 0, holder: other)
        }
        // The refused attempt released what it had taken before the busy tenant.
        #expect(try Self.heldLocks(cluster, database) == "1\n")

        // Generous, as in anOverlappingApplyWaitsAndPlansOnTheCommittedState: in a whole swift test
        // on a loaded machine the polling below took more than 30 s, and the wait timed out.
        let waiting = Task { try await store.lock(tenants: names, timeout: 600, holder: other) }
        // Waiting at t-0150, holding the 149 tenants before it (and the first run its one).
        var held = ""
        for _ in 0..<200 {
            held = try Self.heldLocks(cluster, database)
            if held == "150\n" { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(held == "150\n")
        try await Task.sleep(for: .milliseconds(200))
        #expect(try Self.heldLocks(cluster, database) == "150\n", "nothing after the busy tenant is taken")
        await first.release()
        let lease = try await waiting.value
        #expect(try Self.heldLocks(cluster, database) == "300\n")
        await lease.release()
        #expect(try Self.heldLocks(cluster, database) == "0\n")
    }
}
#endif
