#if PostgreSQL
import LicenseKit

/// Where state lives for `state migrate`: a state directory or a PostgreSQL database
/// (docs/state.md §5, §5.1), as the ``StateBackend`` that reads and writes it.
public struct StateLocation: Sendable, CustomStringConvertible {
    /// The backend that holds this state.
    public var backend: any StateBackend
    /// Whether ``backend`` is a PostgreSQL database (`state migrate` copies only between a
    /// state directory and PostgreSQL).
    public var isPostgres: Bool
    /// The directory as given, or the URL without its password.
    public var description: String

    /// A state directory.
    package static func directory(_ store: StateStore) -> StateLocation {
        StateLocation(backend: store, isPostgres: false, description: store.directory)
    }

    /// A PostgreSQL database.
    public static func postgres(_ store: PostgresStateStore) -> StateLocation {
        StateLocation(backend: PostgresBackend(store: store), isPostgres: true, description: store.url.description)
    }

    /// `postgres://…`/`postgresql://…` is PostgreSQL; anything else a state directory,
    /// relative to `root` unless absolute.
    ///
    /// - Throws: ``StateStoreError`` for a URL that cannot be parsed (see ``PostgresStateURL``).
    public static func parse(_ text: String, root: String, environment: [String: String]) throws(StateStoreError)
        -> StateLocation
    {
        if StateBackends.isPostgres(text) {
            return .postgres(PostgresStateStore(url: try PostgresStateURL(parsing: text, environment: environment)))
        }
        return StateLocation(
            backend: StateBackends.directory(root: root, directory: text), isPostgres: false, description: text)
    }
}

/// `licensectl state migrate --from SRC --to DST` (docs/state.md §5.1): copies every tenant document
/// and the journal of one license repo between a state directory and PostgreSQL, either way,
/// through the ``StateBackend`` protocol.
public enum StateMigration {
    /// Copies the state; documents are byte-identical after a round trip (every backend records
    /// ``TenantState/canonicalJSON()``), the journal keeps its order.
    ///
    /// Synchronous, as ``StateBackend`` is: call it from a thread outside Swift's concurrency
    /// pool (a command's main thread, a test).
    ///
    /// - Parameters:
    ///   - source: read by ``StateBackend/snapshot(timeout:holder:)`` (a directory under its
    ///     `.lock`; a consistent view in PostgreSQL).
    ///   - destination: must hold no state for the owner; written by
    ///     ``StateBackend/restore(_:timeout:holder:)`` (one transaction in PostgreSQL; an apply's
    ///     crash protocol under its lock in a directory).
    ///   - holder: this run, recorded in PostgreSQL's history and named to waiting runs.
    ///   - lockTimeout: seconds to wait for a directory's lock.
    /// - Returns: what was copied.
    /// - Throws: ``StateStoreError``: both are directories; the source holds no state; the
    ///   destination holds state; the source cannot be read (a pending interrupted apply,
    ///   invalid documents); a code held by another owner; connection errors.
    public static func migrate(
        from source: StateLocation, to destination: StateLocation, holder: LockHolder,
        lockTimeout: Double = 0
    ) throws(StateStoreError) -> StateSnapshot {
        guard source.isPostgres || destination.isPostgres else {
            throw StateStoreError(.migrateNeedsPostgres)
        }
        let snapshot = try source.backend.snapshot(timeout: lockTimeout, holder: holder)
        guard !snapshot.isEmpty else {
            throw StateStoreError(.nothingToCopy(source: "\(source)"))
        }
        try destination.backend.restore(snapshot, timeout: lockTimeout, holder: holder)
        return snapshot
    }
}
#endif
