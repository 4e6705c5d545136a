import TestSupport

/// The throwaway PostgreSQL server of the benchmark's PostgreSQL rows (`--postgres`,
/// docs/benchmarks.md "PostgreSQL"): TestSupport's ``ThrowawayPostgres`` — the cluster the tests
/// start too — with the server's default durability (`fsync` and `synchronous_commit` on), so
/// that an apply into it is as durable as one into a state directory, and password (SCRAM)
/// authentication as a real server would ask. ``ThrowawayPostgres/stop()`` stops it (`-m fast`)
/// and deletes its folder.
typealias PostgresServer = ThrowawayPostgres

extension ThrowawayPostgres {
    /// Initializes and starts a durable server in `scratch/pg`; waits until it accepts
    /// connections.
    ///
    /// - Throws: ``BenchError`` with the failing command's output (e.g. no PostgreSQL installed).
    static func start(scratch: String) throws -> ThrowawayPostgres {
        do {
            return try ThrowawayPostgres.start(in: scratch + "/pg", durability: .durable)
        } catch {
            throw BenchError("--postgres: \(error)")
        }
    }

    /// A new, empty database (each timed apply writes into an empty one, as each directory apply
    /// starts without `state/`). Returns its `postgres://` URL. Earlier ones are kept until
    /// ``ThrowawayPostgres/stop()``: dropping one deletes its files, which slows the file
    /// creations of the next timed runs (see ``Runner``'s `measureApply`).
    func freshDatabase() throws -> String {
        url(database: try createDatabase(prefix: "bench"))
    }

    /// Asks the server to write its dirty buffers now (between timed runs, like `sync()` for the
    /// directory), so that a checkpoint does not fall into a timed run.
    func checkpoint() { _ = try? sql("CHECKPOINT") }
}
