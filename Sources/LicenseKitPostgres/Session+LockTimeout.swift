#if PostgreSQL
import Foundation
import LicenseKit
import PostgresNIO

/// `--lock-timeout` against locks that are not licensectl's (docs/state.md §5.1): a session
/// that is no licensectl run (psql, a report, a migration) holding a tenant's row, a code's row
/// or a table. licensectl's own tenant locks are advisory locks, tried without waiting
/// (``Session/lockTenants(_:timeout:)``); every other lock an apply meets is bounded by the
/// transaction's `lock_timeout`, set right after `BEGIN` from `--lock-timeout`:
///
/// - `--lock-timeout 0` waits ``lockWaitFloor`` (100 ms; PostgreSQL's `lock_timeout = 0` would
///   mean "wait forever"), so it fails at once for a person;
/// - longer timeouts wait that long per lock, at most ``lockWaitCeiling`` (240 s), so that the
///   server always answers before ``Session/statementDeadline`` (300 s) gives the connection up.
///
/// The schema's creation lock (``Session/createSchemaIfNeeded()``) waits up to the ceiling
/// whatever `--lock-timeout` says: concurrent first applies take turns there, they do not fail.
///
/// Statements outside an apply's transaction (every read of `plan`, `status`, `forecast`,
/// `show`, `state migrate`, and an apply's reads before it locks) run with the session's
/// `lock_timeout` of ``PostgresStateStore/readLockWait`` (60 s), set when it connects: a table
/// that another session locked (`LOCK TABLE`, a migration) fails them naming that session
/// instead of a silent hang.
///
/// When a statement times out, the transaction is rolled back and the session holding the
/// lock is named: the transaction that locked the tenant's or code's row (the row's `xmax`,
/// whose transaction-id lock that session holds), else a session holding a lock on a
/// `licensectl` table; a licensectl run by host, pid and start, anything else by pid,
/// `application_name`, client address and transaction start.
extension Session {
    /// `lock_timeout` for `--lock-timeout 0` (seconds).
    static let lockWaitFloor = 0.1
    /// The longest `lock_timeout` (seconds), below ``statementDeadline``.
    static let lockWaitCeiling = 240.0

    /// The `lock_timeout`, in whole milliseconds, for `--lock-timeout` `seconds`.
    static func lockTimeoutMilliseconds(forLockTimeout seconds: Double) -> Int {
        let bounded = min(max(seconds.isFinite ? seconds : lockWaitCeiling, lockWaitFloor), lockWaitCeiling)
        return Int((bounded * 1000).rounded())
    }

    /// Whether `error` is PostgreSQL's "canceling statement due to lock timeout" (SQLSTATE 55P03).
    static func isLockTimeout(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, error.code == .server else { return false }
        return error.serverInfo?[.sqlState] == "55P03"
    }

    /// `SET LOCAL lock_timeout` for this transaction from `--lock-timeout` `seconds`; call right
    /// after `BEGIN`.
    func limitLockWaits(to seconds: Double) async throws(StateStoreError) {
        let milliseconds = Self.lockTimeoutMilliseconds(forLockTimeout: seconds)
        lockWaits.set(seconds: seconds, milliseconds: milliseconds)
        try await execute(PostgresQuery(unsafeSQL: "SET LOCAL lock_timeout = \(milliseconds)"))
    }

    /// Runs `body` with this transaction's `lock_timeout` raised to ``lockWaitCeiling``, then
    /// puts `--lock-timeout`'s back.
    func waitingUpToTheCeiling(_ body: () async throws(StateStoreError) -> Void) async throws(StateStoreError) {
        guard let milliseconds = lockWaits.milliseconds else { return try await body() }
        try await execute(PostgresQuery(unsafeSQL: "SET LOCAL lock_timeout = \(Int(Self.lockWaitCeiling * 1000))"))
        try await body()
        try await execute(PostgresQuery(unsafeSQL: "SET LOCAL lock_timeout = \(milliseconds)"))
    }

    /// `error` itself, or, when a statement of this transaction hit its `lock_timeout`, an error
    /// naming the session that holds the lock. Rolls the (failed) transaction back first.
    ///
    /// - Parameter tenants: the tenants whose rows and codes this transaction writes.
    func explainingLockTimeout(_ error: StateStoreError, tenants: Set<String>) async -> StateStoreError {
        guard lockWaits.timedOut else { return error }
        try? await execute("ROLLBACK")
        let waited =
            lockWaits.seconds > 0
            ? "it still held the lock after \(Self.seconds(lockWaits.seconds)) seconds; end that transaction or retry with a longer --lock-timeout"
            : "end that transaction, or wait for it with --lock-timeout"
        var blocker = try? await rowLockHolder(tenants: tenants)
        if blocker == nil { blocker = try? await tableLockHolder() }
        guard let blocker else {
            return StateStoreError(.lockHolderEnded(url: "\(url)"))
        }
        return StateStoreError(.lockedBySession(what: blocker.what, who: blocker.who, advice: waited))
    }

    /// `error` itself, or, when a read outside an apply's transaction hit the session's
    /// `lock_timeout` (``PostgresStateStore/readLockWait``), an error naming the session that
    /// holds a lock on a `licensectl` table (a person's `LOCK TABLE`, a migration, `VACUUM FULL`).
    func explainingReadLockTimeout(_ error: StateStoreError, waited seconds: Double) async -> StateStoreError {
        guard lockWaits.timedOut else { return error }
        try? await execute("ROLLBACK")
        guard let blocker = try? await tableLockHolder() else { return error }
        return StateStoreError(
            .readLockedBySession(url: "\(url)", what: blocker.what, who: blocker.who, seconds: Self.seconds(seconds)))
    }

    /// The session whose transaction locked a row of one of `tenants` or one of their codes.
    private func rowLockHolder(tenants: Set<String>) async throws(StateStoreError) -> (what: String, who: String)? {
        let names = tenants.sorted()
        let rows = try await rows(
            """
            SELECT r.what, a.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), ''),
                   floor(extract(epoch FROM a.xact_start))::int8
            FROM (SELECT 'tenant ''' || name || '''' AS what, name AS sort, xmax FROM licensectl.tenants
                  WHERE owner = \(url.owner) AND name = ANY(\(names))
                  UNION ALL
                  SELECT 'code ' || left(code, 5) || '****' || right(code, 5) || ' of tenant ''' || tenant || '''', tenant, xmax
                  FROM licensectl.codes WHERE owner = \(url.owner) AND tenant = ANY(\(names))) AS r
            JOIN pg_locks l ON l.locktype = 'transactionid' AND l.mode = 'ExclusiveLock' AND l.granted
                           AND l.transactionid = r.xmax
            JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE a.pid <> pg_backend_pid()
            ORDER BY r.sort, r.what LIMIT 1
            """, as: (String, Int32, String, String, Int64).self)
        guard let row = rows.first else { return nil }
        return (row.0, Self.sessionDescription(pid: row.1, applicationName: row.2, client: row.3, since: row.4))
    }

    /// A session holding a lock on one of the `licensectl` tables.
    private func tableLockHolder() async throws(StateStoreError) -> (what: String, who: String)? {
        let rows = try await rows(
            """
            SELECT c.relname, a.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), ''),
                   floor(extract(epoch FROM a.xact_start))::int8
            FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'licensectl'
            JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'relation' AND l.granted AND a.pid <> pg_backend_pid()
              AND l.mode IN ('ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock')
            ORDER BY c.relname, a.pid LIMIT 1
            """, as: (String, Int32, String, String, Int64).self)
        guard let row = rows.first else { return nil }
        return (
            "table licensectl.\(row.0)",
            Self.sessionDescription(pid: row.1, applicationName: row.2, client: row.3, since: row.4)
        )
    }

    /// A licensectl run as its holder (`pid 4242 on host ci-1 since …`); any other session as
    /// `another session (pid 812, application_name 'psql', client 10.0.0.5, in a transaction
    /// since …; not a licensectl run)`.
    static func sessionDescription(pid: Int32, applicationName: String, client: String, since: Int64) -> String {
        if let holder = LockHolder(applicationName: applicationName) { return holder.description }
        let start = Instant(secondsSinceEpoch: since)
        let address = client.isEmpty ? "local socket" : client
        return
            "another session (pid \(pid), application_name '\(oneLine(applicationName))', client \(address), in a transaction since \(start); not a licensectl run)"
    }
}

/// One transaction's `lock_timeout` and whether a statement hit it.
final class LockWaits: @unchecked Sendable {
    private let lock = NSLock()
    private var value: (seconds: Double, milliseconds: Int)?
    private var hit = false

    func set(seconds: Double, milliseconds: Int) { lock.withLock { value = (seconds, milliseconds) } }
    func markTimedOut() { lock.withLock { hit = true } }

    /// `--lock-timeout`, when set.
    var seconds: Double { lock.withLock { value?.seconds ?? 0 } }
    /// The `lock_timeout` in milliseconds, when set.
    var milliseconds: Int? { lock.withLock { value?.milliseconds } }
    /// Whether a statement hit the `lock_timeout`.
    var timedOut: Bool { lock.withLock { hit } }
}
#endif
