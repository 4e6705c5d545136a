#if PostgreSQL
import Dispatch
import Foundation
import LicenseKit

/// The PostgreSQL state backend as a ``StateBackend`` (docs/state.md §5.1): every command and
/// ``ApplySession`` reach ``PostgresStateStore`` through it. Documents are named
/// `postgres:<owner>/<t>`; a lease is one transaction holding the locks of its tenants, so
/// there is never an interrupted apply to recover.
///
/// The protocol is synchronous (the commands are); each call waits for the store's
/// asynchronous work on Swift's concurrency pool. Call it from a thread outside that pool (a
/// command's main thread, a test).
public struct PostgresBackend: StateBackend {
    /// The store this backend drives.
    public var store: PostgresStateStore

    /// The backend over `store`.
    public init(store: PostgresStateStore) {
        self.store = store
    }

    /// `postgres:<owner>/<t>`.
    public func location(ofTenant tenant: String) -> String { store.url.place(ofTenant: tenant) }

    /// The tenant of `postgres:<owner>/<t>` for this backend's owner; `nil` for any other place.
    public func tenant(atLocation location: String) -> String? {
        let prefix = "postgres:\(store.url.owner)/"
        guard location.hasPrefix(prefix), location.count > prefix.count else { return nil }
        return String(location.dropFirst(prefix.count))
    }

    /// `postgres:<owner>`.
    public var tenantsLocation: String { "postgres:\(store.url.owner)" }

    /// The owner's tenant documents; a document that cannot be read is one problem at its
    /// location.
    ///
    /// - Throws: ``StateStoreError`` for connection errors.
    public func load() throws(StateStoreError) -> LoadedState {
        let store = store
        return try Blocking.wait { () async throws(StateStoreError) in try await store.loadEach() }
    }

    /// ``load()`` that reads, of other owners' codes, only those among `codes` (one query with
    /// the codes as an array), not every code of every other owner (docs/state.md §5.1).
    ///
    /// - Throws: ``StateStoreError`` for connection errors.
    public func load(checkingCodes codes: [ActivationCode]) throws(StateStoreError) -> LoadedState {
        let store = store
        return try Blocking.wait { () async throws(StateStoreError) in try await store.loadEach(checkingCodes: codes) }
    }

    /// Always `false`: a refused or no-op apply must create nothing, so the locks are taken
    /// after the first plan (docs/README.md §8).
    public var locksBeforePlanning: Bool { false }

    /// Locks `tenants` (or every tenant of the owner) in one transaction (docs/state.md §5.1).
    public func lock(tenants: [String]?, timeout: Double, holder: LockHolder) throws(StateStoreError) -> any StateLease
    {
        let store = store
        let names: [String]
        if let tenants {
            names = tenants
        } else {
            names = Array(try load().states.keys)
        }
        let lease = try Blocking.wait { () async throws(StateStoreError) in
            try await store.lock(tenants: names, timeout: timeout, holder: holder)
        }
        return PostgresBackendLease(lease: lease)
    }

    /// The owner's journal lines, oldest first.
    public func history() throws(StateStoreError) -> [String] {
        let store = store
        return try Blocking.wait { () async throws(StateStoreError) in try await store.snapshot() }.journal
    }

    /// The owner's documents and journal in one consistent view (no lock is needed, so
    /// `timeout` and `holder` are not used); an owner without state gives an empty snapshot.
    public func snapshot(timeout: Double, holder: LockHolder) throws(StateStoreError) -> StateSnapshot {
        let store = store
        return try Blocking.wait { () async throws(StateStoreError) in try await store.snapshot() }
    }

    /// ``PostgresStateStore/restore(_:holder:)``: one transaction holding the snapshot's tenants'
    /// locks, which fails at once when another run holds one (`timeout` is not used).
    public func restore(_ snapshot: StateSnapshot, timeout: Double, holder: LockHolder) throws(StateStoreError) {
        let store = store
        try Blocking.wait { () async throws(StateStoreError) in try await store.restore(snapshot, holder: holder) }
    }
}

/// A ``PostgresStateLease`` as a ``StateLease``.
final class PostgresBackendLease: StateLease {
    let lease: PostgresStateLease

    init(lease: PostgresStateLease) { self.lease = lease }

    var isHeld: Bool { lease.isHeld }

    /// Nothing to complete: a commit is one transaction.
    func recover() throws(StateStoreError) -> Bool { false }

    func load() throws(StateStoreError) -> LoadedState {
        let lease = lease
        return try Blocking.wait { () async throws(StateStoreError) in try await lease.loadEach() }
    }

    func load(checkingCodes codes: [ActivationCode]) throws(StateStoreError) -> LoadedState {
        let lease = lease
        return try Blocking.wait { () async throws(StateStoreError) in try await lease.loadEach(checkingCodes: codes) }
    }

    func commit(_ plan: Plan) throws(StateStoreError) -> ApplyResult {
        let lease = lease
        return try Blocking.wait { () async throws(StateStoreError) in try await lease.commit(plan) }
    }

    func release() {
        let lease = lease
        _ = try? Blocking.wait { () async throws(StateStoreError) in await lease.release() }
    }
}

extension StateBackends {
    /// The PostgreSQL database a `postgres://` / `postgresql://` URL names (docs/state.md §5.1).
    ///
    /// - Parameters:
    ///   - text: the URL.
    ///   - environment: where `PGPASSWORD` is read.
    ///   - crashAfter: crash tests only: the step of a commit after which the process kills
    ///     itself with SIGKILL (``PostgresStateStore/faultInjection``'s steps: `locked`,
    ///     `written`); `nil` in normal runs. The library never reads it from the environment.
    /// - Throws: ``StateStoreError`` for a URL that cannot be parsed (its password never shown).
    public static func postgres(url text: String, environment: [String: String], crashAfter: String? = nil)
        throws(StateStoreError) -> any StateBackend
    {
        var store = PostgresStateStore(url: try PostgresStateURL(parsing: text, environment: environment))
        if let crashAfter, !crashAfter.isEmpty {
            store.faultInjection = { step, _ in
                if step == crashAfter { kill(getpid(), SIGKILL) }
            }
        }
        return PostgresBackend(store: store)
    }

    /// Whether `text` names a PostgreSQL database rather than a state directory.
    public static func isPostgres(_ text: String) -> Bool { PostgresStateURL.isPostgresURL(text) }
}

/// The one place where synchronous code (the backend's protocol methods, the CLI's
/// `state migrate`) waits for the PostgreSQL store's asynchronous work.
///
/// The work runs on ``PostgresExecutor`` (threads of its own), not on Swift's concurrency pool:
/// a caller that blocks a thread of that pool (a synchronous test; the pool has one thread per
/// core) can never starve the work it waits for.
package enum Blocking {
    /// Runs `body` on ``PostgresExecutor`` and blocks the calling thread until it ends.
    ///
    /// - Throws: what `body` throws, as ``StateStoreError``.
    package static func wait<T: Sendable>(_ body: @escaping @Sendable () async throws(StateStoreError) -> T)
        throws(StateStoreError) -> T
    {
        let outcome = Outcome<T>()
        let done = DispatchSemaphore(value: 0)
        let work: @Sendable () async -> Void = {
            do throws(StateStoreError) {
                outcome.set(.success(try await body()))
            } catch {
                outcome.set(.failure(error))
            }
            done.signal()
        }
        if #available(macOS 15.0, *) {
            Task.detached(executorPreference: PostgresExecutor.shared, operation: work)
        } else {
            Task.detached(operation: work)
        }
        done.wait()
        guard let result = outcome.result else {
            throw StateStoreError(.noResult)
        }
        return try result.get()
    }

    private final class Outcome<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Result<T, StateStoreError>?
        var result: Result<T, StateStoreError>? { lock.withLock { value } }
        func set(_ result: Result<T, StateStoreError>) { lock.withLock { value = result } }
    }
}

/// Where the PostgreSQL backend's asynchronous work runs when it is waited for synchronously
/// (``Blocking``) and where each query waits for its answer (`Session`): a concurrent dispatch
/// queue, whose threads are not bounded by the number of cores as Swift's concurrency pool's are.
@available(macOS 15.0, *)
package final class PostgresExecutor: TaskExecutor {
    /// The one instance.
    package static let shared = PostgresExecutor()

    private let queue = DispatchQueue(label: "licensectl.postgres", attributes: .concurrent)

    /// Runs `job` on a thread of the queue.
    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
#endif
