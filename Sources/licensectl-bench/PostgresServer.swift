import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A throwaway PostgreSQL server for the benchmark's PostgreSQL rows (`--postgres`,
/// docs/benchmarks.md "PostgreSQL"): `initdb` into a temporary folder, `pg_ctl start` listening
/// only on a Unix socket in that folder, password (SCRAM) authentication as a real server would
/// ask, and the server's default durability (`fsync` and `synchronous_commit` on), so that an
/// apply into it is as durable as one into a state directory. ``stop()`` stops it and deletes the
/// folder. As root, the server runs as the `postgres` user through `runuser` (PostgreSQL refuses
/// to run as root).
///
/// Binaries: `PG_BINDIR` if set, else the newest `/usr/lib/postgresql/*/bin` (Debian's
/// `postgresql` package), else `pg_config --bindir`.
final class PostgresServer {
    let folder: String
    let binaries: String
    let user = "licensectl"
    let password: String
    private let runAs: String?
    private var databases = 0

    private init(folder: String, binaries: String, password: String, runAs: String?) {
        self.folder = folder
        self.binaries = binaries
        self.password = password
        self.runAs = runAs
    }

    /// Initializes and starts a server; waits until it accepts connections.
    ///
    /// - Throws: ``BenchError`` with the failing command's output (e.g. no PostgreSQL installed).
    static func start(scratch: String) throws -> PostgresServer {
        let binaries = try findBinaries()
        let folder = scratch + "/pg"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let runAs = getuid() == 0 ? "postgres" : nil
        let password = "bench-" + UUID().uuidString.prefix(8)
        let server = PostgresServer(folder: folder, binaries: binaries, password: password, runAs: runAs)
        try password.write(toFile: folder + "/pwfile", atomically: false, encoding: .utf8)
        chmod(scratch, 0o755)
        chmod(folder, 0o755)
        if let runAs { try run("/bin/chown", ["-R", runAs, folder]) }
        try server.serverTool(
            "initdb",
            [
                "-D", folder + "/data", "-U", server.user, "--pwfile=" + folder + "/pwfile", "-A", "scram-sha-256",
                "-E", "UTF8", "--locale=C",
            ])
        try server.serverTool(
            "pg_ctl",
            [
                "-D", folder + "/data", "-l", folder + "/log", "-w", "-t", "60", "-o",
                "-c listen_addresses='' -c unix_socket_directories='\(folder)'", "start",
            ])
        return server
    }

    /// A new, empty database (each timed apply writes into an empty one, as each directory apply
    /// starts without `state/`). Returns its `postgres://` URL. Earlier ones are kept until
    /// ``stop()``: dropping one deletes its files, which slows the file creations of the next
    /// timed runs (see ``Runner``'s `measureApply`).
    func freshDatabase() throws -> String {
        databases += 1
        try sql("CREATE DATABASE bench\(databases)")
        return url(database: "bench\(databases)")
    }

    /// `postgres://licensectl:PASSWORD@%2F…%2Fpg/DB`: the socket folder as the host.
    func url(database: String) -> String {
        "postgres://\(user):\(password)@\(folder.replacingOccurrences(of: "/", with: "%2F"))/\(database)"
    }

    /// Runs SQL through `psql` as the superuser.
    func sql(_ statement: String) throws {
        try Self.run(
            binaries + "/psql",
            ["-h", folder, "-U", user, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-X", "-q", "-c", statement],
            environment: ["PGPASSWORD": password])
    }

    /// Asks the server to write its dirty buffers now (between timed runs, like `sync()` for the
    /// directory), so that a checkpoint does not fall into a timed run.
    func checkpoint() { try? sql("CHECKPOINT") }

    /// Stops the server (`-m fast`) and removes the folder.
    func stop() {
        _ = try? serverTool("pg_ctl", ["-D", folder + "/data", "-m", "fast", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func serverTool(_ tool: String, _ arguments: [String]) throws {
        if let runAs {
            try Self.run("/usr/sbin/runuser", ["-u", runAs, "--", binaries + "/" + tool] + arguments)
        } else {
            try Self.run(binaries + "/" + tool, arguments)
        }
    }

    /// Runs a program to its end, its output in a file: `pg_ctl start` leaves a server running
    /// that inherits the output descriptors, so a pipe would never reach its end.
    private static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        let outputPath = NSTemporaryDirectory() + "licensectl-bench-pg-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let variables = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
            .map { "\($0.key)=\($0.value)" }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else { throw BenchError("cannot run \(executable): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status & 0x7F == 0, (status >> 8) & 0xFF == 0 else {
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            throw BenchError("\(executable) \(arguments.prefix(3).joined(separator: " ")) … failed: \(text)")
        }
    }

    private static func findBinaries() throws -> String {
        if let configured = ProcessInfo.processInfo.environment["PG_BINDIR"], !configured.isEmpty { return configured }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init)
            .sorted()
        if let newest = versions.last { return "\(root)/\(newest)/bin" }
        throw BenchError(
            "--postgres: no PostgreSQL server binaries found (install Debian's postgresql package, or set PG_BINDIR)")
    }
}
