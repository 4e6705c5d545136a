import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small helper process, started before the benchmark grows, that spawns the measured
/// children for it.
///
/// Why: on Linux `posix_spawn` runs the child on the parent's memory until `exec`
/// (`CLONE_VM | CLONE_VFORK`), and `exec` records that memory's peak as the child's `ru_maxrss`.
/// Spawned from a benchmark that holds a 10,000-tenant plan in memory, every child would report
/// the benchmark's own peak (590 MiB for a `plan` that peaks at 134 MiB on 1,000 tenants). The
/// helper stays small, so what `wait4` reports is the child's own peak (at least the helper's
/// few MiB).
///
/// Protocol, one request per line on the helper's stdin: executable, stdout path, stderr path
/// and arguments, separated by U+001F; one answer line on its stdout:
/// `seconds exitCode peakRSSBytes`, or `error message`.
enum SpawnHelper {
    /// The first argument that turns the bench executable into the helper.
    static let flag = "--internal-spawn-helper"
    private static let separator: Character = "\u{1F}"

    /// The running helper's pipe ends; `nil` when it could not be started (children are then
    /// spawned directly and their peak RSS may be the benchmark's).
    nonisolated(unsafe) private static var connection:
        (request: UnsafeMutablePointer<FILE>, answer: UnsafeMutablePointer<FILE>)?
    private static let lock = NSLock()

    /// Starts the helper from this (still small) process. Call first thing in `main`.
    static func start() {
        guard let me = selfExecutable() else { return }
        var toHelper: [Int32] = [0, 0]
        var fromHelper: [Int32] = [0, 0]
        guard pipe(&toHelper) == 0, pipe(&fromHelper) == 0 else { return }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toHelper[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromHelper[1], 1)
        for fd in toHelper + fromHelper { posix_spawn_file_actions_addclose(&actions, fd) }
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(me), strdup(flag), nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        let rc = posix_spawn(&pid, me, &actions, nil, argv, environ)
        close(toHelper[0])
        close(fromHelper[1])
        guard rc == 0, let request = fdopen(toHelper[1], "w"), let answer = fdopen(fromHelper[0], "r") else {
            close(toHelper[1])
            close(fromHelper[0])
            return
        }
        connection = (request, answer)
    }

    /// Runs a child through the helper; `nil` when there is no helper.
    static func run(
        _ executable: String, _ arguments: [String], stdoutPath: String,
        stderrPath: String
    ) throws -> ChildRun? {
        lock.lock()
        defer { lock.unlock() }
        guard let connection else { return nil }
        let line = ([executable, stdoutPath, stderrPath] + arguments).joined(separator: String(separator))
        guard fputs(line + "\n", connection.request) >= 0, fflush(connection.request) == 0,
            let answer = readAnswer(connection.answer)
        else { throw BenchError("the spawn helper stopped answering") }
        let fields = answer.split(separator: " ", maxSplits: 1)
        if fields.first == "error" { throw BenchError(String(fields.last ?? "")) }
        let numbers = answer.split(separator: " ")
        guard numbers.count == 3, let seconds = Double(numbers[0]), let exitCode = Int32(numbers[1]),
            let rss = Int(numbers[2])
        else { throw BenchError("the spawn helper answered '\(answer)'") }
        return ChildRun(seconds: seconds, exitCode: exitCode, peakRSSBytes: rss, stderrPath: stderrPath)
    }

    /// The helper's loop: serve requests until stdin closes (the benchmark exited).
    static func serve() {
        while let line = Swift.readLine(strippingNewline: true) {
            let fields = line.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
            let answer: String
            if fields.count >= 3 {
                do {
                    let run = try ChildProcess.spawnAndWait(
                        fields[0], Array(fields[3...]), stdoutPath: fields[1],
                        stderrPath: fields[2])
                    answer = "\(run.seconds) \(run.exitCode) \(run.peakRSSBytes)"
                } catch {
                    answer = "error \(error)"
                }
            } else {
                answer = "error malformed request"
            }
            FileHandle.standardOutput.write(Data((answer + "\n").utf8))
        }
    }

    private static func readAnswer(_ file: UnsafeMutablePointer<FILE>) -> String? {
        var buffer: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(buffer) }
        let n = getline(&buffer, &capacity, file)
        guard n > 0, let buffer else { return nil }
        return String(cString: buffer).trimmingCharacters(in: .newlines)
    }

    private static func selfExecutable() -> String? {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? Bundle.main.executablePath
    }
}
