#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where recorded state lives (docs/state.md "State backends", docs/state.md §5, §5.1): the one interface
/// through which every command reads and `apply` writes tenant documents and journal lines.
///
/// A conformer decides how documents are stored and locked; it does not change what licensectl
/// plans or prints. Every backend gives the same plans, output bytes, exit codes and errors —
/// only diagnostics about stored documents name their place differently
/// (``location(ofTenant:)``). The directory backend (`state/`) is the first conformer;
/// `Tests/LicenseKitTests/State/Conformance` holds the suite every conformer must pass.
///
/// Conformers are values that can be shared between threads. Reads (``load()``,
/// ``history()``) never modify anything; writes happen only through a ``StateLease``.
public protocol StateBackend: Sendable {
    /// How a tenant's stored document is named in diagnostics: `state/tenants/<t>.json` for a
    /// directory (relative to the repo root), `postgres:<owner>/<t>` for PostgreSQL.
    func location(ofTenant tenant: String) -> String

    /// The tenant a diagnostic place of this backend names (the inverse of
    /// ``location(ofTenant:)``), or `nil` for a place that is no tenant's document.
    func tenant(atLocation location: String) -> String?

    /// Where the tenant documents are, as shown in messages: `state/tenants` for a directory.
    var tenantsLocation: String { get }

    /// Every recorded tenant document, read-only (nothing is created, locked or repaired).
    ///
    /// A document that cannot be read is one diagnostic in ``LoadedState/problems`` at its
    /// location (so that a selection that excludes its tenant still runs, docs/README.md §8
    /// "Selections"); an interrupted apply's result stands in for the documents it replaces.
    ///
    /// - Throws: ``StateStoreError`` for problems of the store itself that no selection escapes
    ///   (a symlinked or unreadable state directory, a lost connection).
    func load() throws(StateStoreError) -> LoadedState

    /// ``load()`` for a plan of manifests that name `codes`: ``LoadedState/codesOfOtherOwners``
    /// then needs to hold only those of them (a plan checks no other code against other owners,
    /// docs/state.md §5.1), so a backend shared by many owners reads only those. Every other
    /// part is ``load()``'s, which is the default.
    ///
    /// - Throws: what ``load()`` throws.
    func load(checkingCodes codes: [ActivationCode]) throws(StateStoreError) -> LoadedState

    /// Whether `apply` must take the lock before it plans (docs/README.md §8 "Apply and the lock"): for a
    /// directory, whether `state/.lock` exists. When `false`, `apply` plans first, locks only
    /// when it has something to write, and plans again under the lock.
    var locksBeforePlanning: Bool { get }

    /// Locks state for one apply and returns the lease through which it recovers, re-reads and
    /// commits. The lock ends with ``StateLease/release()``, with a commit, or when the process
    /// dies; nothing outlives a killed process.
    ///
    /// - Parameters:
    ///   - tenants: the tenants the apply plans, or `nil` for every tenant of this state, for a
    ///     backend that ``locksBeforePlanning`` (then the apply does not know them yet). A
    ///     backend may lock more (the directory locks all of them); one that locks per tenant
    ///     commits only documents of tenants it locked.
    ///   - timeout: seconds to wait for a lock another run holds (`--lock-timeout`); 0 fails at
    ///     once.
    ///   - holder: this run, as other runs name it in their messages.
    /// - Throws: ``StateStoreError`` naming the holder (`state is locked by pid 4242 on host
    ///   ci-1 since 2026-11-29T10:00:00Z; …`), or when the store cannot be opened.
    func lock(tenants: [String]?, timeout: Double, holder: LockHolder) throws(StateStoreError) -> any StateLease

    /// The journal, oldest first: one compact JSON object per applied event, without newlines
    /// (docs/README.md §8 "State"; the line format is ``StateStore``'s "Journal lines").
    ///
    /// - Throws: ``StateStoreError`` when the journal cannot be read.
    func history() throws(StateStoreError) -> [String]
    /// Everything recorded, for `licensectl state migrate` (docs/state.md §5.1): every tenant
    /// document and the journal in order, read under this backend's lock (a directory) or in one
    /// consistent view (PostgreSQL). Nothing is created or repaired.
    ///
    /// - Parameters:
    ///   - timeout: seconds to wait for a lock another run holds; 0 fails at once.
    ///   - holder: this run, as other runs name it in their messages.
    /// - Throws: ``StateStoreError``: no state store exists here (a missing directory); an
    ///   interrupted apply is pending; a document or journal line cannot be read; the lock is
    ///   held; connection errors.
    func snapshot(timeout: Double, holder: LockHolder) throws(StateStoreError) -> StateSnapshot
    /// Records a snapshot (``snapshot(timeout:holder:)`` of another backend) here, as one unit
    /// with an apply's crash guarantees. Documents are stored as
    /// ``TenantState/canonicalJSON()``, so a round trip through any backends is byte-identical
    /// (docs/state.md §5.1).
    ///
    /// - Parameters:
    ///   - snapshot: what to record.
    ///   - timeout: seconds to wait for a lock another run holds; 0 fails at once.
    ///   - holder: this run, recorded where the backend keeps its history.
    /// - Throws: ``StateStoreError`` (nothing is recorded): this backend already holds state; a
    ///   tenant name it cannot store; a code another owner records; the lock is held; I/O or
    ///   connection errors.
    func restore(_ snapshot: StateSnapshot, timeout: Double, holder: LockHolder) throws(StateStoreError)
}

/// The lock of one apply (see ``StateBackend/lock(tenants:timeout:holder:)``): what is read and
/// committed through it cannot change under it.
public protocol StateLease: AnyObject {
    /// Whether the lease still holds its lock.
    var isHeld: Bool { get }

    /// Completes an apply that a crash interrupted, so that the journal holds each of its events
    /// once. Backends whose commit is one transaction have nothing to complete.
    ///
    /// - Returns: whether an interrupted apply was completed.
    /// - Throws: ``StateStoreError`` when the interrupted apply's record is unreadable or a
    ///   write fails.
    func recover() throws(StateStoreError) -> Bool

    /// ``StateBackend/load()`` under the lock: what the apply plans against.
    func load() throws(StateStoreError) -> LoadedState

    /// ``StateBackend/load(checkingCodes:)`` under the lock; by default ``load()``.
    func load(checkingCodes codes: [ActivationCode]) throws(StateStoreError) -> LoadedState

    /// Records every `changed` tenant's ``PlanTenant/newState`` and the journal lines of their
    /// events as one unit: after a crash at any point either all of it is recorded (at the
    /// latest by the next ``recover()``) or none of it, and each event is journaled exactly
    /// once. Documents whose stored bytes are already identical are not rewritten. A plan with
    /// nothing to write writes nothing.
    ///
    /// - Throws: ``StateStoreError`` (nothing is written): the plan has errors; a changed tenant
    ///   without a new document or with a name the store cannot hold; an interrupted apply that
    ///   was not recovered first; I/O or connection errors.
    func commit(_ plan: Plan) throws(StateStoreError) -> ApplyResult

    /// Ends the lease without committing. Safe to call twice.
    func release()
}

extension StateBackend {
    /// ``load()``: a backend of one owner has no other owners' codes to restrict.
    public func load(checkingCodes codes: [ActivationCode]) throws(StateStoreError) -> LoadedState { try load() }
}

extension StateLease {
    /// ``load()``: a backend of one owner has no other owners' codes to restrict.
    public func load(checkingCodes codes: [ActivationCode]) throws(StateStoreError) -> LoadedState { try load() }
}

/// What a ``StateBackend`` read: the documents and the problems of those it could not.
public struct LoadedState: Sendable {
    /// Every readable tenant document, by tenant name, each with its backend location.
    public var states: [String: PriorState]
    /// One error per document that could not be read, at its location.
    public var problems: [Diagnostic]
    /// Where an interrupted apply left its pending result (`state/.pending.json`), `nil` when
    /// there is none. Its documents are already in ``states``.
    public var pendingApply: String?
    /// The codes redeemed into tenants of other owners (other license repos sharing a
    /// PostgreSQL database, docs/state.md §5.1), by code; always empty for a directory. A plan
    /// whose manifests hold one of them is refused (``Reconciler/plan(repo:states:at:selection:codesOfOtherOwners:)``).
    public var codesOfOtherOwners: [ActivationCode: OtherOwnersCode]
    /// Warnings about the stored state that do not stop a plan (a state directory's torn last
    /// journal line, which the next apply that writes cuts).
    public var warnings: [Diagnostic]

    /// What a backend read: `states` by tenant, `problems` at their locations, the pending
    /// apply's place when there is one, and `warnings` that do not stop a plan.
    public init(
        states: [String: PriorState], problems: [Diagnostic] = [], pendingApply: String? = nil,
        codesOfOtherOwners: [ActivationCode: OtherOwnersCode] = [:], warnings: [Diagnostic] = []
    ) {
        self.states = states
        self.problems = problems
        self.pendingApply = pendingApply
        self.codesOfOtherOwners = codesOfOtherOwners
        self.warnings = warnings
    }
}

/// A code recorded in the state of another owner's tenant (docs/state.md §5.1: "the codes of
/// every owner count for the same code in two tenants").
public struct OtherOwnersCode: Sendable, Hashable {
    /// The other owner (`?owner=` of its URL).
    public var owner: String
    /// Its tenant holding the code.
    public var tenant: String
    /// Where that tenant's document is stored, as diagnostics name it (`postgres:team-a/acme`).
    public var location: String

    /// A code of `owner`'s tenant `tenant`, whose document is at `location`.
    public init(owner: String, tenant: String, location: String) {
        self.owner = owner
        self.tenant = tenant
        self.location = location
    }
}

/// What one commit wrote (see ``StateLease/commit(_:)``).
public struct ApplyResult: Sendable, Hashable {
    /// Locations of the tenant documents written (``StateBackend/location(ofTenant:)``), by name.
    public var written: [String] = []
    /// Locations of changed tenants whose stored document already had identical bytes.
    public var unchanged: [String] = []
    /// Journal lines (applied events) recorded.
    public var journalLines = 0
    /// Whether an interrupted apply was completed first.
    public var recovered = false
    /// E.g. a torn journal line without a pending intent that was cut off.
    public var warnings: [Diagnostic] = []

    /// - Parameters:
    ///   - written: locations written.
    ///   - unchanged: locations already identical.
    ///   - journalLines: events journaled.
    public init(written: [String] = [], unchanged: [String] = [], journalLines: Int = 0) {
        self.written = written
        self.unchanged = unchanged
        self.journalLines = journalLines
    }
}

/// Who holds a lock (docs/state.md §5): a process on a host since its start, named in other runs'
/// messages as `pid 4242 on host ci-1 since 2026-11-29T10:00:00Z`.
public struct LockHolder: Sendable, Hashable, CustomStringConvertible {
    /// The host name (`unknown` when it cannot be read).
    public var host: String
    /// The process id.
    public var pid: Int32
    /// The process's start time (UTC).
    public var start: Instant

    /// The process `pid` on `host`, started at `start` (UTC).
    public init(host: String, pid: Int32, start: Instant) {
        self.host = host
        self.pid = pid
        self.start = start
    }

    /// This process on this host, started at `start`.
    public static func current(start: Instant) -> LockHolder {
        LockHolder(host: ProcessIdentity.hostName(), pid: getpid(), start: start)
    }

    /// `pid 4242 on host ci-1 since 2026-11-29T10:00:00Z`.
    public var description: String { "pid \(pid) on host \(host) since \(start)" }
}

/// Factories of the built-in state backends, so that callers need not name the conformers.
public enum StateBackends {
    /// The state directory `directory` (`--state`, default `state`) of the repo at `root`
    /// (docs/state.md §5).
    ///
    /// - Parameters:
    ///   - root: the repo root (`-C`).
    ///   - directory: the state directory, relative to `root` unless absolute.
    ///   - crashAfter: crash tests only: the protocol step after which the process kills itself
    ///     (``StateStore``'s "Crash tests"); `nil` in normal runs. The library never reads it
    ///     from the environment.
    public static func directory(root: String, directory: String = "state", crashAfter: String? = nil)
        -> any StateBackend
    {
        StateStore(root: root, directory: directory, crashAfter: crashAfter)
    }
}

/// This process's identity as lock holders record it.
enum ProcessIdentity {
    /// `gethostname(2)`, or `unknown`.
    static func hostName() -> String {
        var name = [CChar](repeating: 0, count: 256)
        let host =
            gethostname(&name, name.count - 1) == 0
            ? String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        return host.isEmpty ? "unknown" : host
    }
}
