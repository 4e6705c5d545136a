#if PostgreSQL
import Foundation
import LicenseKit
import Logging
import PostgresNIO

/// The PostgreSQL state backend (docs/state.md §5.1, docs/README.md §8 "PostgreSQL"): the state of every license repo
/// (an *owner*) sharing one platform account, in one database.
///
/// ## Schema `licensectl` (version ``schemaVersion``)
/// ```
/// schema_version(version)                                 one row; a newer one is refused
/// tenants(owner, name, document jsonb, lineage, serial, applied_at)        one row per tenant
/// codes(code PRIMARY KEY, owner, tenant)             every redeemed code, unique in the database
/// applies(id, owner, kind, at, inputs_digest, host, pid, started_at, ended_at, tenants, events)
/// journal(apply_id, position, line)          one row per applied event, with the apply it is of
/// ```
/// `document` is the §5 tenant document; reads re-serialize it with
/// ``TenantState/canonicalJSON()``, so documents are byte-identical to a state directory's.
/// `line` is the event's journal line exactly as a state directory records it (its `tenant`,
/// `at` and `action` are in it). The schema is created by the first apply that writes
/// something, in its transaction, under a fixed advisory lock (concurrent first applies are
/// safe); the first apply of this version upgrades a version-1 schema in place the same way;
/// reads of a database without it see empty state and run no DDL, and read a version-1 schema
/// as it is. Which index serves which query: `Session.schema`.
///
/// ## Locking
/// ``lock(tenants:timeout:holder:)`` opens one connection and one transaction and takes a
/// transaction-level advisory lock per tenant, on (owner, name), in tenant-name order — for
/// tenants with and without a row alike, so that a holder can be named: the connection's
/// `application_name` is `licensectl PID HOST START`, which other runs read from
/// `pg_stat_activity`. A killed client's connection ends, and the server drops its transaction
/// and its locks: nothing outlives it.
///
/// Every call opens its own connection; the lease keeps one for its transaction.
public struct PostgresStateStore: Sendable {
    /// The connection URL (its password is never printed).
    public var url: PostgresStateURL
    /// Test hook called at named steps of a commit: `locked` (after the tenant locks), `written`
    /// (every row written, before `COMMIT`). A hook that throws or kills the connection
    /// simulates a crash at that step.
    public var faultInjection: (@Sendable (_ step: String, _ lease: PostgresStateLease) async throws -> Void)?
    /// How long a statement outside an apply's transaction (a plan's, status's or migrate's
    /// read, and an apply's reads before it takes its locks) waits for a lock that another
    /// session holds on a `licensectl` table (seconds; docs/state.md §5.1): then it fails naming
    /// that session instead of hanging. An apply's transaction uses `--lock-timeout` instead.
    public var readLockWait: Double = 60

    /// The schema version this build creates (and upgrades version 1 to); it reads both.
    public static let schemaVersion = 2

    /// The store the URL names; nothing is connected until the first call.
    public init(url: PostgresStateURL) {
        self.url = url
    }

    // MARK: - Reading

    /// Every tenant document of ``url``'s owner, keyed by tenant name, each with its place
    /// `postgres:<owner>/<tenant>` as ``PriorState/path``. A database without the schema is
    /// empty state; nothing is created.
    ///
    /// - Throws: ``StateStoreError``: cannot connect (one line, no password); a newer schema
    ///   version; one diagnostic per invalid document (as a state file's, docs/rules.md §4.5).
    public func load() async throws(StateStoreError) -> [String: PriorState] {
        try await withConnection { session async throws(StateStoreError) in
            guard try await session.schemaExists() else { return [:] }
            return try await session.loadTenants()
        }
    }

    /// What a plan reads (``StateBackend/load()``): ``load()`` that keeps going past invalid
    /// documents (one problem each, at its place), with the codes of other owners, which a plan
    /// checks its manifests against (docs/state.md §5.1).
    public func loadEach() async throws(StateStoreError) -> LoadedState {
        try await withConnection { session async throws(StateStoreError) in try await session.loadForPlanning() }
    }

    /// ``loadEach()`` with, of other owners' codes, only those among `codes` (the manifests'
    /// codes: a plan checks no other, docs/state.md §5.1).
    public func loadEach(checkingCodes codes: [ActivationCode]) async throws(StateStoreError) -> LoadedState {
        try await withConnection { session async throws(StateStoreError) in
            try await session.loadForPlanning(checkingCodes: codes)
        }
    }

    /// The codes recorded for tenants of other owners, by canonical code: a code in this
    /// owner's manifests that is listed here is redeemed by another license repo (docs/state.md §5.1).
    public func codesOfOtherOwners() async throws(StateStoreError) -> [String: RedeemedCode] {
        try await withConnection { session async throws(StateStoreError) in
            guard try await session.schemaExists() else { return [:] }
            return try await session.codesOfOtherOwners()
        }
    }

    /// The applies recorded for this owner, oldest first (migrations included).
    public func history() async throws(StateStoreError) -> [ApplyRecord] {
        try await withConnection { session async throws(StateStoreError) in
            guard try await session.schemaExists() else { return [] }
            let rows = try await session.rows(
                """
                SELECT id, kind, floor(extract(epoch FROM at))::int8, inputs_digest, host, pid,
                       floor(extract(epoch FROM started_at))::int8, floor(extract(epoch FROM ended_at))::int8, tenants, events
                FROM licensectl.applies WHERE owner = \(url.owner) ORDER BY id
                """, as: (Int, String, Int, String?, String, Int32, Int, Int, Int32, Int32).self)
            return rows.map { row in
                ApplyRecord(
                    id: row.0, kind: row.1, at: Instant(secondsSinceEpoch: Int64(row.2)), inputsDigest: row.3,
                    holder: LockHolder(host: row.4, pid: row.5, start: Instant(secondsSinceEpoch: Int64(row.6))),
                    endedAt: Instant(secondsSinceEpoch: Int64(row.7)), tenants: Int(row.8), events: Int(row.9))
            }
        }
    }

    // MARK: - Locking

    /// Opens a transaction holding the lock of each named tenant of this owner (docs/state.md §5.1).
    ///
    /// - Parameters:
    ///   - tenants: the tenants the apply plans (the owner's manifests and state, or the
    ///     selection's); locked in name order, whether they have a row or not.
    ///   - timeout: seconds to wait for a tenant another run holds (`--lock-timeout`); 0 fails
    ///     at once.
    ///   - holder: this run, as other runs name it.
    /// - Returns: the lease; ``PostgresStateLease/commit(_:)`` or
    ///   ``PostgresStateLease/release()`` ends it.
    /// - Throws: ``StateStoreError``: `tenant 'acme' is locked by pid 4242 on host ci-1 since …`
    ///   (or `still locked … after waiting N seconds`); cannot connect; the connection was lost
    ///   (nothing was recorded: start the server and apply again).
    public func lock(tenants: [String], timeout: Double, holder: LockHolder) async throws(StateStoreError)
        -> PostgresStateLease
    {
        try await lock(tenants: tenants, timeout: timeout, holder: holder, run: .apply)
    }

    /// ``lock(tenants:timeout:holder:)`` for `run`, which a lost connection's error names.
    func lock(tenants: [String], timeout: Double, holder: LockHolder, run: PostgresRun) async throws(StateStoreError)
        -> PostgresStateLease
    {
        let session = try await Session.open(url, applicationName: holder.applicationName, lockWait: readLockWait)
        let lease = PostgresStateLease(store: self, session: session, tenants: Set(tenants), holder: holder)
        do throws(StateStoreError) {
            try await session.execute("BEGIN")
            try await session.limitLockWaits(to: timeout)
            try await session.lockTenants(tenants.sorted(), timeout: timeout)
            try await inject("locked", lease)
        } catch {
            let error = session.explainingConnectionLoss(error, run: run)
            await lease.release()
            throw error
        }
        return lease
    }

    // MARK: - Migration

    /// Everything recorded for this owner: documents and the journal in order.
    public func snapshot() async throws(StateStoreError) -> StateSnapshot {
        try await withConnection { session async throws(StateStoreError) in
            guard try await session.schemaExists() else { return StateSnapshot(documents: [], journal: []) }
            // One consistent view of documents and journal, whatever commits meanwhile.
            try await session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            let documents = try await session.loadTenants().values.map(\.document)
            let journal = try await session.rows(
                """
                SELECT line FROM licensectl.journal
                WHERE apply_id = ANY(ARRAY(SELECT id FROM licensectl.applies WHERE owner = \(url.owner)))
                ORDER BY apply_id, position
                """,
                as: String.self)
            try await session.execute("COMMIT")
            return StateSnapshot(documents: documents, journal: journal)
        }
    }

    /// Writes a snapshot for this owner, which must hold no state here yet, in one transaction
    /// (docs/state.md §5.1 `state migrate`). Its journal is recorded as one history entry (kind
    /// `migrate`) per original apply, by the journal lines' `apply`.
    ///
    /// - Throws: ``StateStoreError``: the owner already holds state; a code recorded by another
    ///   owner's tenant (naming it); a journal line that is not an event; connection errors.
    public func restore(_ snapshot: StateSnapshot, holder: LockHolder) async throws(StateStoreError) {
        let lease = try await lock(tenants: snapshot.documents.map(\.tenant), timeout: 0, holder: holder, run: .migrate)
        do throws(StateStoreError) {
            try await lease.restore(snapshot)
        } catch {
            let error = await lease.session.explainingLockTimeout(
                lease.session.explainingConnectionLoss(error, run: .migrate), tenants: lease.tenants)
            await lease.release()
            throw error
        }
    }

    /// Runs ``faultInjection`` at `step`; what it throws fails the commit.
    func inject(_ step: String, _ lease: PostgresStateLease) async throws(StateStoreError) {
        guard let faultInjection else { return }
        do {
            try await faultInjection(step, lease)
        } catch {
            throw StateStoreError(.simulatedCrash(step: step, reason: "\(error)"))
        }
    }

    func withConnection<T: Sendable>(_ body: (Session) async throws(StateStoreError) -> T) async throws(StateStoreError)
        -> T
    {
        let session = try await Session.open(url, applicationName: nil, lockWait: readLockWait)
        do throws(StateStoreError) {
            let value = try await body(session)
            await session.close()
            return value
        } catch {
            let explained = await session.explainingReadLockTimeout(error, waited: readLockWait)
            await session.close()
            throw explained
        }
    }
}

/// How a ``LockHolder`` is named to other runs through PostgreSQL (docs/state.md §5.1).
extension LockHolder {
    /// `licensectl PID HOST START`: the connection's `application_name` (at most 63 bytes; a
    /// long host name is cut).
    var applicationName: String {
        let fixed = "licensectl \(pid)  \(start)"
        let room = max(1, 63 - fixed.utf8.count)
        let safeHost = String(decoding: host.utf8.filter { $0 > 0x20 && $0 < 0x7F }.prefix(room), as: UTF8.self)
        return "licensectl \(pid) \(safeHost.isEmpty ? "unknown" : safeHost) \(start)"
    }

    init?(applicationName: String) {
        let parts = applicationName.split(separator: " ").map(String.init)
        guard parts.count == 4, parts[0] == "licensectl", let pid = Int32(parts[1]),
            let start = try? Instant.parse(parts[3])
        else {
            return nil
        }
        self.init(host: parts[2], pid: pid, start: start)
    }
}

/// A code recorded in another tenant's state (docs/state.md §5.1): which owner and tenant hold it.
public struct RedeemedCode: Sendable, Hashable {
    /// The owner (license repo) of the tenant.
    public var owner: String
    /// The tenant whose state records the code.
    public var tenant: String

    /// The code's holder: `tenant` of `owner`.
    public init(owner: String, tenant: String) {
        self.owner = owner
        self.tenant = tenant
    }
}

/// One entry of the history of applies (docs/state.md §5.1).
public struct ApplyRecord: Sendable, Hashable {
    /// Increasing over the database.
    public var id: Int
    /// `apply`, or `migrate` for journal copied by `state migrate`.
    public var kind: String
    /// The plan's `at` (UTC).
    public var at: Instant
    /// The plan's inputs digest (`sha256:…`); `nil` for a migration.
    public var inputsDigest: String?
    /// The process that applied, with its start time.
    public var holder: LockHolder
    /// When the apply committed (UTC, whole seconds).
    public var endedAt: Instant
    /// Tenants written and events journaled.
    public var tenants: Int
    /// Journal lines recorded.
    public var events: Int

    /// A history entry.
    public init(
        id: Int, kind: String, at: Instant, inputsDigest: String?, holder: LockHolder, endedAt: Instant, tenants: Int,
        events: Int
    ) {
        self.id = id
        self.kind = kind
        self.at = at
        self.inputsDigest = inputsDigest
        self.holder = holder
        self.endedAt = endedAt
        self.tenants = tenants
        self.events = events
    }
}
#endif
