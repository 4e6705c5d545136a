import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A throwaway PostgreSQL cluster, shared by the tests (`PostgresTestSupport`'s
/// `PostgresCluster`) and the benchmark's PostgreSQL rows: `initdb` into a folder of its own,
/// `pg_ctl start` listening only on a Unix socket in that folder (`listen_addresses=''`),
/// password authentication (SCRAM) for the superuser ``user``; ``stop()`` stops it and deletes
/// the folder. As root (CI), the server runs as the `postgres` user through `runuser`, because
/// PostgreSQL refuses to run as root. No `import Testing`: the benchmark executable links it.
///
/// Binaries: `PG_BINDIR` if set, else the newest `/usr/lib/postgresql/*/bin` (Debian's
/// `postgresql` package; `.ci/run` installs it), else `pg_config --bindir`.
public final class ThrowawayPostgres: Sendable {
    /// How the server treats durability.
    public enum Durability: Sendable {
        /// `fsync=off` and `initdb --no-sync`, 200 connections: fast, for tests (a crash of the
        /// machine loses the cluster, which is thrown away anyway).
        case tests
        /// The server's defaults (`fsync` and `synchronous_commit` on): an apply into it is as
        /// durable as one into a state directory, for the benchmark.
        case durable
    }

    /// The cluster's folder: `data/`, `log`, and the server's socket `.s.PGSQL.5432`.
    public let folder: String
    /// The folder of `initdb`, `pg_ctl` and `psql`.
    public let binaries: String
    /// The superuser's name.
    public let user = "licensectl"
    /// The superuser's password.
    public let password: String
    private let runAs: String?
    private let durability: Durability
    private let counter = Counter()

    private init(folder: String, binaries: String, password: String, runAs: String?, durability: Durability) {
        self.folder = folder
        self.binaries = binaries
        self.password = password
        self.runAs = runAs
        self.durability = durability
    }

    /// Initializes and starts a cluster in `folder` (created; a new folder under `/tmp` when
    /// `nil`); waits until it accepts connections.
    ///
    /// - Throws: ``ClusterError`` with the failing command's output (e.g. no PostgreSQL
    ///   binaries installed); the folder is removed then.
    public static func start(in folder: String? = nil, durability: Durability = .tests) throws -> ThrowawayPostgres {
        let binaries = try findBinaries()
        let path: String
        if let folder {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            path = folder
        } else {
            var template = Array("/tmp/lctl-pg-XXXXXX".utf8CString)
            guard mkdtemp(&template) != nil else { throw ClusterError("mkdtemp failed (errno \(errno))") }
            path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        let runAs = getuid() == 0 ? "postgres" : nil
        let password = "pw-" + UUID().uuidString.prefix(8)
        let cluster = ThrowawayPostgres(
            folder: path, binaries: binaries, password: password, runAs: runAs, durability: durability)
        do {
            try password.write(toFile: path + "/pwfile", atomically: false, encoding: .utf8)
            // The server's user must reach a given folder through its parent (a scratch folder
            // of mode 0700); a folder made here lies in /tmp.
            if folder != nil { chmod((path as NSString).deletingLastPathComponent, 0o755) }
            chmod(path, 0o755)
            if let runAs {
                try run("/bin/chown", ["-R", runAs, path])
            }
            try cluster.runServerTool(
                "initdb",
                [
                    "-D", path + "/data", "-U", cluster.user, "--pwfile=" + path + "/pwfile",
                    "-A", "scram-sha-256", "-E", "UTF8", "--locale=C",
                ] + (durability == .tests ? ["--no-sync"] : []))
            try cluster.startServer()
        } catch {
            cluster.removeFolder()
            throw error
        }
        return cluster
    }

    /// (Re)starts the server of an initialized cluster.
    ///
    /// - Throws: ``ClusterError`` with `pg_ctl`'s output.
    public func startServer() throws {
        var settings = "-c listen_addresses='' -c unix_socket_directories='\(folder)'"
        if durability == .tests { settings += " -c fsync=off -c max_connections=200" }
        try runServerTool(
            "pg_ctl", ["-D", folder + "/data", "-l", folder + "/log", "-w", "-t", "60", "-o", settings, "start"])
    }

    /// Stops the server: at once (`immediate`, like a crash: open transactions are lost) or
    /// after the open sessions are ended (`fast`).
    public func stopServer(immediately: Bool = true) {
        _ = try? runServerTool(
            "pg_ctl", ["-D", folder + "/data", "-m", immediately ? "immediate" : "fast", "-w", "stop"])
    }

    /// Stops the server and removes the folder.
    public func stop() {
        stopServer(immediately: durability == .tests)
        removeFolder()
    }

    private func removeFolder() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// A new, empty database named `prefix` and a number counting from 1; its name.
    ///
    /// - Throws: ``ClusterError`` with `psql`'s output.
    public func createDatabase(prefix: String = "t") throws -> String {
        let name = "\(prefix)\(counter.next())"
        try sql("CREATE DATABASE \(name)")
        return name
    }

    /// `postgres://licensectl:PASSWORD@%2Ftmp%2Flctl-pg-…/DB?owner=OWNER`: the socket folder as
    /// the host.
    public func url(database: String, owner: String? = nil, password: String? = nil) -> String {
        let host = folder.replacingOccurrences(of: "/", with: "%2F")
        let secret = password ?? self.password
        return "postgres://\(user):\(secret)@\(host)/\(database)" + (owner.map { "?owner=\($0)" } ?? "")
    }

    /// Runs SQL through `psql` as the superuser and returns its unaligned output.
    ///
    /// - Throws: ``ClusterError`` with `psql`'s output.
    @discardableResult
    public func sql(_ statement: String, database: String = "postgres") throws -> String {
        try Self.run(
            binaries + "/psql",
            ["-h", folder, "-U", user, "-d", database, "-v", "ON_ERROR_STOP=1", "-X", "-A", "-t", "-c", statement],
            environment: ["PGPASSWORD": password])
    }

    /// A `psql` running in the background, fed through a pipe that stays open: after its
    /// statements it waits for more input, its session idle (in a transaction if one was begun),
    /// like a licensectl between two queries.
    public struct Client: Sendable {
        /// The `psql` process.
        public let pid: pid_t
        let input: Int32
    }

    /// Starts `psql` and sends it `statements` (output discarded). End it, e.g. with
    /// `kill(client.pid, SIGKILL)`, and ``reap(_:)`` it.
    ///
    /// - Throws: ``ClusterError`` when `psql` cannot be started.
    public func startClient(_ statements: String, database: String) throws -> Client {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw ClusterError("pipe failed (errno \(errno))") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
        posix_spawn_file_actions_addclose(&actions, fds[1])
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let executable = binaries + "/psql"
        let argv = Self.cStrings([executable, "-h", folder, "-U", user, "-d", database, "-X", "-q"])
        let envp = Self.cStrings(["PGPASSWORD=\(password)"])
        defer { for pointer in argv + envp { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        close(fds[0])
        guard spawned == 0 else {
            close(fds[1])
            throw ClusterError("cannot run \(executable) (error \(spawned))")
        }
        let bytes = Array((statements + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
        return Client(pid: pid, input: fds[1])
    }

    /// Waits for a client to end and closes its pipe.
    public func reap(_ client: Client) {
        var status: Int32 = 0
        while waitpid(client.pid, &status, 0) < 0 && errno == EINTR {}
        close(client.input)
    }

    private func runServerTool(_ tool: String, _ arguments: [String]) throws {
        let path = binaries + "/" + tool
        if let runAs {
            try Self.run("/usr/sbin/runuser", ["-u", runAs, "--", path] + arguments)
        } else {
            try Self.run(path, arguments)
        }
    }

    /// Runs a program to its end with `posix_spawn` and `waitpid`, its output in a temporary
    /// file: `pg_ctl start` leaves a server running that inherits the output descriptors, so a
    /// pipe would never reach its end (and Foundation's `Process` hung waiting here).
    @discardableResult
    private static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws
        -> String
    {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lctl-pg-out-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let variables = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }.map {
            "\($0.key)=\($0.value)"
        }
        let argv = cStrings([executable] + arguments)
        let envp = cStrings(variables)
        defer { for pointer in argv + envp { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else { throw ClusterError("cannot run \(executable) (error \(spawned))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exited = status & 0x7F == 0
        let code = (status >> 8) & 0xFF
        guard exited && code == 0 else {
            throw ClusterError("\(executable) \(arguments.joined(separator: " ")) failed (status \(status)): \(text)")
        }
        return text
    }

    /// `strdup` copies and a terminating `nil`, for `posix_spawn`; the caller frees them.
    private static func cStrings(_ strings: [String]) -> [UnsafeMutablePointer<CChar>?] {
        strings.map { (text: String) -> UnsafeMutablePointer<CChar>? in strdup(text) } + [nil]
    }

    private static func findBinaries() throws -> String {
        if let configured = ProcessInfo.processInfo.environment["PG_BINDIR"], !configured.isEmpty { return configured }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init)
            .sorted()
        if let newest = versions.last { return "\(root)/\(newest)/bin" }
        if let bindir = try? run("/usr/bin/env", ["pg_config", "--bindir"]).trimmingCharacters(
            in: .whitespacesAndNewlines), !bindir.isEmpty
        {
            return bindir
        }
        throw ClusterError(
            "no PostgreSQL server binaries found (install Debian's postgresql package, or set PG_BINDIR)")
    }
}

/// Why a throwaway cluster could not be started or used.
public struct ClusterError: Error, CustomStringConvertible {
    /// What failed, with the command's output.
    public var description: String

    /// An error saying `description`.
    public init(_ description: String) { self.description = description }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int {
        lock.withLock {
            value += 1
            return value
        }
    }
}
