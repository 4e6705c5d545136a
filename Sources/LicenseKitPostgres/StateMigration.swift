#if PostgreSQL
import Foundation
import LicenseKit

/// Where state lives: a state directory or a PostgreSQL database (docs/state.md §5, §5.1).
public enum StateLocation: Sendable, CustomStringConvertible {
    case directory(StateStore)
    case postgres(PostgresStateStore)

    /// `postgres://…`/`postgresql://…` is PostgreSQL; anything else a state directory,
    /// relative to `root` unless absolute.
    ///
    /// - Throws: ``StateStoreError`` for a URL that cannot be parsed (see ``PostgresStateURL``).
    public static func parse(_ text: String, root: String, environment: [String: String]) throws(StateStoreError)
        -> StateLocation
    {
        if PostgresStateURL.isPostgresURL(text) {
            return .postgres(PostgresStateStore(url: try PostgresStateURL(parsing: text, environment: environment)))
        }
        return .directory(StateStore(root: root, directory: text, crashAfter: nil))
    }

    /// The directory as given, or the URL without its password.
    public var description: String {
        switch self {
        case .directory(let store): store.directory
        case .postgres(let store): store.url.description
        }
    }
}

/// `licensectl state migrate --from SRC --to DST` (docs/state.md §5.1): copies every tenant document
/// and the journal of one license repo between a state directory and PostgreSQL, either way.
public enum StateMigration {
    /// Copies the state; documents are byte-identical after a round trip (both backends write
    /// ``TenantState/canonicalJSON()``), the journal keeps its order.
    ///
    /// - Parameters:
    ///   - source: read under its lock (a directory's `.lock` when the directory exists; a
    ///     consistent snapshot in PostgreSQL).
    ///   - destination: must hold no state for the owner; written in one transaction
    ///     (PostgreSQL) or with an apply's crash protocol under its lock (directory).
    ///   - holder: this run, recorded in PostgreSQL's history and named to waiting runs.
    ///   - lockTimeout: seconds to wait for a directory's lock.
    /// - Returns: what was copied.
    /// - Throws: ``StateStoreError``: both are directories; the destination holds state; the
    ///   source cannot be read (a pending interrupted apply, invalid documents); a code held by
    ///   another owner; connection errors.
    public static func migrate(
        from source: StateLocation, to destination: StateLocation, holder: LockHolder,
        lockTimeout: Double = 0
    ) async throws(StateStoreError) -> StateSnapshot {
        if case .directory = source, case .directory = destination {
            throw StateStoreError(
                "state migrate copies between a state directory and PostgreSQL: give a postgres:// URL as --from or --to"
            )
        }
        let snapshot: StateSnapshot
        switch source {
        case .directory(let store):
            var isDirectory: ObjCBool = false
            let path =
                store.directory.hasPrefix("/")
                ? store.directory : (store.root as NSString).appendingPathComponent(store.directory)
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                let lock = try store.lock(timeout: lockTimeout, startTime: holder.start)
                defer { lock.release() }
                snapshot = try store.snapshot()
            } else {
                throw StateStoreError("\(store.directory) does not exist; there is no state to copy")
            }
        case .postgres(let store):
            snapshot = try await store.snapshot()
        }
        guard !snapshot.isEmpty else {
            throw StateStoreError("\(source) holds no state; nothing was copied")
        }
        switch destination {
        case .directory(let store):
            let lock = try store.lock(timeout: lockTimeout, startTime: holder.start)
            defer { lock.release() }
            try store.restore(snapshot, lock: lock)
        case .postgres(let store):
            try await store.restore(snapshot, holder: holder)
        }
        return snapshot
    }
}
#endif
