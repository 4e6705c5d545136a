import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The state directory as a ``StateBackend`` (docs/state.md §5): documents at
/// `state/tenants/<t>.json`, one `flock(2)` lock for the whole directory, commits by
/// ``StateStore``'s crash protocol.
extension StateStore: StateBackend {
    /// `state/tenants/<t>.json`, relative to the repo root (as `--state` was given).
    public func location(ofTenant tenant: String) -> String {
        display("tenants/\(tenant).json")
    }

    /// The tenant of `…/tenants/<t>.json`.
    public func tenant(atLocation location: String) -> String? {
        guard location.hasSuffix(".json") else { return nil }
        let parts = location.split(separator: "/")
        guard parts.count >= 2, parts[parts.count - 2] == "tenants" else { return nil }
        return String(parts[parts.count - 1].dropLast(".json".count))
    }

    /// `state/tenants`.
    public var tenantsLocation: String { display("tenants") }

    /// ``loadEach()`` with the pending intent's place.
    public func load() throws(StateStoreError) -> LoadedState {
        let pending = pendingApply
        let (states, problems) = try loadEach()
        // With an interrupted apply pending, its intent decides the journal's end (recovery
        // truncates it to the intent's offset first).
        let journal = pending == nil ? journalDiagnostics(tenantDocuments: states.count) : []
        return LoadedState(
            states: states, problems: problems + journal.filter { $0.severity == .error }, pendingApply: pending,
            warnings: journal.filter { $0.severity == .warning })
    }

    /// Whether `state/.lock` exists (docs/README.md §8 "Apply and the lock").
    public var locksBeforePlanning: Bool { lockExists }

    /// Takes the directory's one lock, whatever `tenants` names (creating `state/` and `.lock`).
    public func lock(tenants: [String]?, timeout: Double, holder: LockHolder) throws(StateStoreError) -> any StateLease
    {
        DirectoryLease(
            store: self,
            lock: try StateLock.acquire(stateDirectory: statePath, display: directory, timeout: timeout, holder: holder)
        )
    }

    /// The lines of `state/journal.jsonl` (none when it does not exist).
    public func history() throws(StateStoreError) -> [String] {
        let shown = display(StateStore.journalName)
        let fd = open(
            (statePath as NSString).appendingPathComponent(StateStore.journalName), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT || errno == ENOTDIR { return [] }
            throw StateStoreError(.cannotRead(file: shown, reason: FileSystem.errnoText()), file: shown)
        }
        defer { _ = close(fd) }
        guard let bytes = FileSystem.readAll(fd) else {
            throw StateStoreError(.cannotRead(file: shown, reason: FileSystem.errnoText()), file: shown)
        }
        return bytes.split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
    }

    /// ``snapshot()`` under the directory's lock; a directory that does not exist has no state
    /// to copy (and is not created).
    public func snapshot(timeout: Double, holder: LockHolder) throws(StateStoreError) -> StateSnapshot {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: statePath, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StateStoreError(.noStateToCopy(directory: directory))
        }
        // Reading creates nothing (docs/state.md §5.1): an apply that may be running holds an
        // existing `.lock`; without one, no apply has ever written here under a lock to wait for.
        guard lockExists else { return try snapshot() }
        let lock = try StateLock.acquire(
            stateDirectory: statePath, display: directory, timeout: timeout, holder: holder)
        defer { lock.release() }
        return try snapshot()
    }

    /// ``restore(_:lock:)`` under the directory's lock (creating `state/` and `.lock`).
    ///
    /// A copy that is refused creates nothing (docs/state.md §5 "Writes and crash guarantees"):
    /// without `.lock` (and without an interrupted apply, which the lock's holder completes
    /// first) the destination is checked before the lock is taken, as an apply plans before it
    /// creates `state/` and `.lock`, and checked again under the lock.
    public func restore(_ snapshot: StateSnapshot, timeout: Double, holder: LockHolder) throws(StateStoreError) {
        if !lockExists, pendingApply == nil {
            try refuseUnrestorable(snapshot)
            if snapshot.isEmpty { return }
        }
        let lock = try StateLock.acquire(
            stateDirectory: statePath, display: directory, timeout: timeout, holder: holder)
        defer { lock.release() }
        try restore(snapshot, lock: lock)
    }
}

/// The held lock of a state directory, for one apply.
final class DirectoryLease: StateLease {
    let store: StateStore
    let lock: StateLock

    init(store: StateStore, lock: StateLock) {
        self.store = store
        self.lock = lock
    }

    var isHeld: Bool { lock.isHeld }

    func recover() throws(StateStoreError) -> Bool { try store.recoverIfNeeded(lock: lock) }

    func load() throws(StateStoreError) -> LoadedState { try store.load() }

    func commit(_ plan: Plan) throws(StateStoreError) -> ApplyResult { try store.write(plan, lock: lock) }

    func release() { lock.release() }
}
