import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a `licensectl` run ended, with everything it printed.
struct CLIRun: CustomStringConvertible {
    /// The exit code, or the signal number when ``signaled``.
    var status: Int32
    /// Whether the process died from a signal (``status`` is then the signal, e.g. 9 for SIGKILL).
    var signaled: Bool
    var stdout: String
    var stderr: String
    /// Wall-clock seconds from start to exit.
    var seconds: Double

    var description: String {
        "exit \(signaled ? "by signal " : "")\(status) after \(String(format: "%.2f", seconds)) s\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
    }
}

/// The licensectl package root, found by walking up from this file to `Package.swift`.
let packageRoot: String = {
    var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while folder.path != "/" {
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
            return folder.path
        }
        folder.deleteLastPathComponent()
    }
    return FileManager.default.currentDirectoryPath
}()

/// A started `licensectl` (or other) process whose output goes into temporary files, so that a
/// large output can never block it on a full pipe.
final class RunningCommand: @unchecked Sendable {
    let process = Process()
    private let outURL: URL
    private let errURL: URL
    private let started = Date()

    init(executable: URL, _ arguments: [String], environment: [String: String] = [:], directory: String? = nil) throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "licensectl-run-" + UUID().uuidString)
        outURL = scratch.appendingPathExtension("out")
        errURL = scratch.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["LICENSECTL_TEST_CRASH_AFTER"] = nil
        env["LICENSECTL_STATE"] = nil
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        // stdin is never a terminal in these tests (docs/cli.md §6: apply then does not ask).
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// Waits for the process to end and collects its output.
    func wait() -> CLIRun {
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(started)
        let out = (try? Data(contentsOf: outURL)) ?? Data()
        let err = (try? Data(contentsOf: errURL)) ?? Data()
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
        return CLIRun(
            status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
            stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self),
            seconds: seconds)
    }
}

/// Runs the built `licensectl` with `arguments` to its end (stdin is /dev/null).
///
/// - Parameter environment: added to (or overriding) the test's environment; a crash hook
///   `LICENSECTL_TEST_CRASH_AFTER` is only set when given here.
func licensectl(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil) throws -> CLIRun {
    let executable = try #require(licensectlExecutable(), "build licensectl first (swift build)")
    return try RunningCommand(executable: executable, arguments, environment: environment, directory: directory).wait()
}

/// Starts the built `licensectl` without waiting for it.
func startLicensectl(_ arguments: [String], environment: [String: String] = [:]) throws -> RunningCommand {
    let executable = try #require(licensectlExecutable(), "build licensectl first (swift build)")
    return try RunningCommand(executable: executable, arguments, environment: environment)
}
