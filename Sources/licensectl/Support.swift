import ArgumentParser
import Foundation
import LicenseKit
import LicenseKitPostgres
import Synchronization

/// `--state` and `--at`, shared by the commands that read state (docs/cli.md §6).
struct StateOptions: ParsableArguments {
    @Option(name: .customLong("state"), help: StateOptions.stateHelp)
    var state: String?

    /// `--state`'s help, shared with `show`.
    static let stateHelp = ArgumentHelp(
        "Where state is recorded: a state directory (relative to -C) or a postgres:// URL. Default: $LICENSECTL_STATE, else state.",
        valueName: "DIR|URL")

    @Option(
        name: .customLong("at"),
        help: ArgumentHelp(
            "\"Now\" for this run: YYYY-MM-DD (00:00:00Z) or an RFC 3339 date-time with an offset. Default: the current time, floored to the second.",
            valueName: "T"))
    var at: String?

    /// The state backend `--state` names, for the repo at `root`. A state directory named by
    /// `--state` or `LICENSECTL_STATE` that does not exist is noted on stderr
    /// (``noteIfMissing(directory:root:source:)``).
    ///
    /// - Throws: `ExitCode.failure` after printing why the value names no usable backend.
    func backend(root: String) throws -> any StateBackend {
        try Self.backend(state, root: root, noteIfMissing: true)
    }

    /// The state backend a `--state` value names (docs/state.md §5, §5.1; `show` has its own option):
    /// the value, else `LICENSECTL_STATE`, else the directory `state`.
    ///
    /// `LICENSECTL_TEST_CRASH_AFTER=<step>` (crash tests only) makes `apply` kill itself after
    /// that step of the backend's commit (the directory's steps, or PostgreSQL's `locked` and
    /// `written`); the library never reads the environment.
    ///
    /// - Parameter noteIfMissing: note a state directory named by `--state` or
    ///   `LICENSECTL_STATE` that does not exist (`plan`, `apply`, `status`, `forecast`).
    /// - Throws: `ExitCode.failure` after printing why, for a PostgreSQL URL in a build without
    ///   the PostgreSQL backend, or a value that looks like a mistyped URL (naming `--state`,
    ///   or `LICENSECTL_STATE` when the value came from it).
    static func backend(_ given: String?, root: String, noteIfMissing: Bool = false) throws -> any StateBackend {
        let environment = ProcessInfo.processInfo.environment
        let fromEnvironment = environment["LICENSECTL_STATE"].flatMap { $0.isEmpty ? nil : $0 }
        let value = given ?? fromEnvironment ?? "state"
        let crashAfter = environment["LICENSECTL_TEST_CRASH_AFTER"].flatMap { $0.isEmpty ? nil : $0 }
        // The scheme is matched as libpq matches it: lower case (`Postgres://` gets "did you mean").
        if value.hasPrefix("postgres://") || value.hasPrefix("postgresql://") {
            #if PostgreSQL
            do {
                return try StateBackends.postgres(url: value, environment: environment, crashAfter: crashAfter)
            } catch {
                try Console.failOnErrors(error.diagnostics)
            }
            #endif
            // The URL may hold a password: it is not repeated here.
            try Console.fail(CommandError.builtWithoutPostgres(migrate: false).message)
        }
        try refuseMistypedURL(value, option: given == nil && fromEnvironment != nil ? "LICENSECTL_STATE" : "--state")
        if noteIfMissing, given != nil || fromEnvironment != nil {
            Self.noteIfMissing(directory: value, root: root, source: given != nil ? "--state" : "LICENSECTL_STATE")
        }
        return StateBackends.directory(root: root, directory: value, crashAfter: crashAfter)
    }

    /// A `--state` value that looks like a URL but is not a PostgreSQL one (`postgress://…`,
    /// `postgress:/host/db`, `mysql://…`, `postgres:db`, `Postgres://…`: libpq takes the scheme
    /// in lower case only) would otherwise name a state directory,
    /// and `plan` would show every tenant as new (newcomer runs 6 and 7). A scheme one or two
    /// edits from `postgres`/`postgresql` gets "did you mean", with the value corrected and its
    /// password redacted; otherwise only the scheme is repeated: the rest may hold a password.
    ///
    /// - Throws: `ExitCode.failure` after printing what was expected.
    static func refuseMistypedURL(_ value: String, option: String) throws {
        if value.hasPrefix("postgres://") || value.hasPrefix("postgresql://") { return }
        let lowered = value.lowercased()
        if let mistyped = mistypedPostgresScheme(value) {
            try Console.fail(
                CommandError.mistypedStateScheme(
                    option: option, typed: mistyped.typed, suggestion: mistyped.suggestion
                ).message)
        }
        if let range = value.range(of: "://") {
            let scheme = String(value[..<range.lowerBound])
            try Console.fail(CommandError.unknownStateScheme(option: option, scheme: scheme).message)
        }
        for scheme in ["postgres:", "postgresql:"] where lowered.hasPrefix(scheme) {
            try Console.fail(
                CommandError.stateURLWithoutSlashes(option: option, prefix: String(value.prefix(scheme.count))).message)
        }
    }

    /// `value`'s scheme as typed (`postgress:/`) and the value with the scheme corrected
    /// (`postgres://host/db`, password redacted), when it starts with a scheme (letters, then
    /// `:`) that is a near miss of `postgres` or `postgresql` but neither of them.
    static func mistypedPostgresScheme(_ value: String) -> (typed: String, suggestion: String)? {
        guard let colon = value.firstIndex(of: ":") else { return nil }
        let scheme = value[..<colon]
        guard scheme.count >= 2, scheme.unicodeScalars.allSatisfy({ $0.isASCII && $0.properties.isAlphabetic }),
            !["postgres", "postgresql"].contains(String(scheme)),
            let known = DidYouMean.suggestion(for: String(scheme), among: ["postgres", "postgresql"])
        else { return nil }
        let afterColon = value[value.index(after: colon)...]
        // `PostgreSQL:db` lacks the slashes rather than being a near miss.
        if ["postgres", "postgresql"].contains(scheme.lowercased()), !afterColon.hasPrefix("//") { return nil }
        let rest = afterColon.drop(while: { $0 == "/" })
        let typed = String(value[...colon]) + String(afterColon.prefix(afterColon.count - rest.count))
        return (typed, PostgresStateURL.redacting(known + "://" + rest))
    }

    /// Notes on stderr that the state directory `directory` (relative to `root` unless absolute),
    /// named by `--state` or `LICENSECTL_STATE`, does not exist: a mistyped path plans every
    /// tenant as new (newcomer run 7). The default `state` of a first run stays quiet.
    static func noteIfMissing(directory: String, root: String, source: String) {
        let path = directory.hasPrefix("/") ? directory : (root as NSString).appendingPathComponent(directory)
        var status = stat()
        guard lstat(path, &status) != 0, errno == ENOENT else { return }
        Console.err(CommandError.stateDirectoryMissing(directory: directory, source: source).message + "\n")
    }

    /// The repo `-C`/`--tenants` with this state backend.
    func workspace(_ repo: RepoOptions) throws -> Workspace {
        Workspace(root: repo.directory, tenantsDirectory: repo.tenants, backend: try backend(root: repo.directory))
    }

    /// The instant `--at` names, or the current time floored to the second (docs/rules.md §2).
    ///
    /// - Throws: `ExitCode.failure` after printing `licensectl: error: --at: …` (docs/cli.md §6: exit 1).
    func instant() throws -> Instant {
        guard let at else { return Instant.now() }
        do {
            return try Instant.parse(at)
        } catch {
            try Console.fail(CommandError.invalidValue(option: "--at", problem: error.message).message)
        }
    }
}

extension Instant {
    /// The current time, floored to the second. Only the executable reads the clock.
    static func now() -> Instant {
        Instant(secondsSinceEpoch: Int64(Date().timeIntervalSince1970.rounded(.down)))
    }
}

/// Where diagnostics and output go; colour only on a terminal and never with NO_COLOR.
///
/// Every write is checked (docs/README.md §8 "Output"): the first failed write to stdout or stderr is
/// remembered, later writes to that stream are skipped, and ``finish(_:)`` turns the run into
/// exit 1 with one message (none when stderr itself failed) — never a crash, never exit 0.
enum Console {
    /// Why a write failed, per stream: stdout (`out`) and stderr (`err`).
    private struct Failures: Sendable {
        var out: String?
        var err: String?
    }

    private static let failures = Mutex(Failures())

    static func out(_ text: String) {
        guard failures.withLock({ $0.out == nil }) else { return }
        if let problem = write(text, to: 1) { failures.withLock { $0.out = problem } }
    }

    static func err(_ text: String) {
        guard failures.withLock({ $0.err == nil }) else { return }
        if let problem = write(text, to: 2) { failures.withLock { $0.err = problem } }
    }

    /// Writes `text`'s UTF-8 to a file descriptor without copying it (a plan's JSON is tens of
    /// megabytes on a big fleet), retrying short writes and `EINTR`.
    ///
    /// - Returns: `nil` when every byte was written, else the system's reason (`No space left
    ///   on device`).
    static func write(_ text: String, to fd: Int32) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            var offset = 0
            while offset < bytes.count, let base = bytes.baseAddress {
                let n = Foundation.write(fd, base + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return String(cString: strerror(errno))
                }
                if n == 0 { return "nothing was written" }
                offset += n
            }
            return nil
        }
    }

    /// Whether a write to stdout or stderr has failed in this run.
    static var hasFailed: Bool {
        failures.withLock { $0.out != nil || $0.err != nil }
    }

    /// The exit code a command that would end with `code` ends with: 1 after a failed write to
    /// stdout (saying so on stderr) or to stderr (silently: there is nowhere to say it).
    static func finish(_ code: Int32) -> Int32 {
        // What swift-argument-parser printed itself (`help plan`, `plan --help`) went through C's
        // buffered stdout: flush it (every C stream; ours are unbuffered descriptors) and count a
        // failure like one of ours.
        if fflush(nil) != 0 {
            let problem = String(cString: strerror(errno))
            failures.withLock { if $0.out == nil { $0.out = problem } }
        }
        let state = failures.withLock { $0 }
        if let problem = state.out {
            if state.err == nil {
                _ = write("licensectl: error: \(CommandError.standardOutputFailed(reason: problem).message)\n", to: 2)
            }
            return 1
        }
        return state.err == nil ? code : 1
    }

    static var stderrIsColourTerminal: Bool {
        isatty(2) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }

    /// Prints diagnostics compiler-style on stderr.
    static func report(_ diagnostics: [Diagnostic]) {
        guard !diagnostics.isEmpty else { return }
        let colour = stderrIsColourTerminal
        var text = ""
        text.reserveCapacity(diagnostics.count * 120)
        for d in diagnostics {
            if colour {
                let tint = d.severity == .error ? "\u{1B}[1;31m" : "\u{1B}[1;33m"
                let place = d.location.map { "\u{1B}[1m\($0):\u{1B}[0m " } ?? "\u{1B}[1mlicensectl:\u{1B}[0m "
                text += "\(place)\(tint)\(d.severity.rawValue):\u{1B}[0m \(d.message)\n"
            } else {
                d.appendDescription(to: &text)
                text += "\n"
            }
        }
        err(text)
    }

    /// Prints `licensectl: error: message` and ends the command with exit code 1 (docs/cli.md §6). For
    /// errors found while running; the argument parser's own usage errors keep its exit code.
    static func fail(_ message: String) throws -> Never {
        report([.error(message)])
        throw ExitCode.failure
    }

    /// Reports the diagnostics and fails when any is an error.
    static func failOnErrors(_ diagnostics: [Diagnostic]) throws {
        report(diagnostics)
        if diagnostics.errorCount > 0 { throw ExitCode.failure }
    }
}

/// Values that stay allocated until the process exits instead of being freed at the end of a
/// command.
///
/// A plan over 1,000 tenants (100,000 routers) is about a million small allocations; freeing them
/// one by one when `run()` returns took ~10 ms on one core after the output was already written,
/// while the kernel reclaims the whole heap at exit in one step. The same choice as clang's
/// `-disable-free`. Only the executable does this; the library frees what it allocates.
enum ProcessLifetime {
    private static let kept = Mutex<[any Sendable]>([])

    /// Keeps `value` alive until the process exits.
    static func keep(_ value: some Sendable) {
        kept.withLock { $0.append(value) }
    }
}
