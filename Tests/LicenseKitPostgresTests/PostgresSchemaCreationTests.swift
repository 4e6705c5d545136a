#if PostgreSQL
import Foundation
import LicenseKit
@testable import LicenseKitPostgres
import PostgresTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Concurrent first applies and the creation of the schema (docs/state.md §5.1): the first
/// apply creates it under the schema lock; one that waited for that lock uses the schema the
/// other committed, and runs no DDL of its own.
@Suite(.postgresCluster, .timeLimit(.minutes(10))) struct PostgresSchemaCreationTests {
    let holder = LockHolder(host: "test-host", pid: 4242, start: Example.instant("2026-11-29T10:00:00Z"))

    /// The race of eight `apply --shard i/8` at once, made certain: an apply waits for the schema
    /// lock while the schema is created and committed, and a third apply is still writing (its
    /// lock on `licensectl.applies` held until it commits). Running the DDL again would wait for
    /// that lock (`CREATE INDEX IF NOT EXISTS` locks its table before it looks) and fail after
    /// `--lock-timeout 0`'s 100 ms, naming the writer.
    @Test func aFirstApplyThatWaitedForTheSchemaLockUsesTheSchemaCommittedMeanwhile() async throws {
        let (cluster, database, store) = try PostgresStateStoreTests.fresh()
        let repo = try Example()
        defer { repo.remove() }
        let plan = Example.only(repo.plan(at: "2025-01-01", states: [:]), ["acme-water"])

        // Another first apply holds the schema lock (the schema does not exist yet).
        let (key, subkey) = Session.schemaLockKey
        let creator = try cluster.startClient(
            "BEGIN;\nSELECT pg_advisory_xact_lock(\(key), \(subkey));", database: database)
        try await Self.until(cluster, database, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")

        // This apply finds no schema and waits for the lock.
        let lease = try await store.lock(tenants: ["acme-water"], timeout: 0, holder: holder)
        let applying = Task { try await lease.commit(plan) }
        try await Self.until(
            cluster, database, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")

        // Meanwhile the schema is committed, and a third apply writes its history row.
        let ddl = Session.schema.joined(separator: ";\n")
        try cluster.sql(
            ddl + ";\nINSERT INTO licensectl.schema_version VALUES (\(PostgresStateStore.schemaVersion));",
            database: database)
        let writer = try cluster.startClient(
            """
            BEGIN;
            INSERT INTO licensectl.applies (owner, kind, at, host, pid, started_at, ended_at, tenants, events)
            VALUES ('other', 'apply', now(), 'ci-2', 77, now(), now(), 0, 0);
            """, database: database)
        defer {
            kill(writer.pid, SIGKILL)
            cluster.reap(writer)
        }
        try await Self.until(
            cluster, database,
            """
            SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
            WHERE c.relname = 'applies' AND l.mode = 'RowExclusiveLock' AND l.granted
            """)

        // The creator's transaction ends: the waiting apply goes ahead on the committed schema.
        kill(creator.pid, SIGKILL)
        cluster.reap(creator)
        let result = try await applying.value
        #expect(result.written == ["postgres:default/acme-water"])
        #expect(try await store.load().keys.sorted() == ["acme-water"])
        #expect(try cluster.sql("SELECT count(*) FROM licensectl.schema_version", database: database) == "1\n")
    }

    /// Polls `count` (a `SELECT count(*)`) until it is 1, for up to 30 seconds.
    static func until(_ cluster: PostgresCluster, _ database: String, _ count: String) async throws {
        for _ in 0..<600 {
            if try cluster.sql(count, database: database) == "1\n" { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("still not 1 after 30 seconds: \(count)")
    }
}
#endif
