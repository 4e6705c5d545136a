import CYAML
import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One measured stage: the wall-clock seconds of each run and the largest peak RSS seen.
struct StageResult: Sendable {
    var name: String
    var seconds: [Double]
    /// Peak resident set size of the child process, bytes (whole-process stages only).
    var peakRSSBytes: Int?

    var median: Double {
        let s = seconds.sorted()
        guard !s.isEmpty else { return .nan }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}

/// Monotonic wall-clock time, seconds.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Runs `body` and returns its wall-clock seconds and result.
func timed<T>(_ body: () throws -> T) rethrows -> (seconds: Double, value: T) {
    let start = monotonicSeconds()
    let value = try body()
    return (monotonicSeconds() - start, value)
}

/// The floor of docs/benchmarks.md §7: a single-threaded pass of libyaml's event parser that pulls every event
/// and discards it.
enum LibYAMLFloor {
    /// Reads every file into memory, then parses it; returns the number of events.
    static func readAndParse(_ paths: [String]) throws -> Int {
        var events = 0
        for path in paths {
            let bytes = try readFile(path)
            events += try parse(bytes, name: path)
        }
        return events
    }

    /// Parses buffers already in memory; returns the number of events.
    static func parseAll(_ buffers: [(path: String, bytes: [UInt8])]) throws -> Int {
        var events = 0
        for buffer in buffers { events += try parse(buffer.bytes, name: buffer.path) }
        return events
    }

    /// The whole file, read with POSIX `read` (no Foundation in the timed path).
    static func readFile(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw BenchError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw BenchError("cannot stat \(path)") }
        let size = Int(info.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { raw in
                read(fd, raw.baseAddress.map { $0 + done }, size - done)
            }
            guard n > 0 else { throw BenchError("cannot read \(path)") }
            done += n
        }
        return bytes
    }

    /// Pulls every event of one YAML stream and discards it; returns the number of events.
    static func parse(_ bytes: [UInt8], name: String) throws -> Int {
        // The parser points at itself (read_handler_data), so it lives at a fixed address.
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        let event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)
        defer {
            parser.deallocate()
            event.deallocate()
        }
        guard yaml_parser_initialize(parser) == 1 else { throw BenchError("yaml_parser_initialize failed") }
        defer { yaml_parser_delete(parser) }
        return try bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(parser, buffer.baseAddress, buffer.count)
            var count = 0
            while true {
                guard yaml_parser_parse(parser, event) == 1 else {
                    let problem = parser.pointee.problem.map { String(cString: $0) } ?? "unknown error"
                    throw BenchError("\(name): libyaml: \(problem)")
                }
                let done = event.pointee.type == YAML_STREAM_END_EVENT
                yaml_event_delete(event)
                count += 1
                if done { return count }
            }
        }
    }
}

/// A finished child process.
struct ChildRun: Sendable {
    var seconds: Double
    var exitCode: Int32
    /// Peak resident set size, bytes, from `wait4`'s `ru_maxrss`.
    var peakRSSBytes: Int
    var stderrPath: String
}

/// Spawns programs and waits for them with `wait4`, which returns that one child's rusage.
/// (Foundation's `Process` reaps its children on its own thread, so only
/// `getrusage(RUSAGE_CHILDREN)` — a maximum over every child so far — would be left.)
enum ChildProcess {
    /// Runs `executable` with `arguments`; stdin from /dev/null, stdout to `stdoutPath`, stderr to
    /// `stderrPath`. The clock runs from just before `posix_spawn` to `wait4`'s return.
    /// Goes through ``SpawnHelper`` when it runs, so that the peak RSS is the child's own.
    static func run(
        _ executable: String, _ arguments: [String], stdoutPath: String = "/dev/null",
        stderrPath: String
    ) throws -> ChildRun {
        if let run = try SpawnHelper.run(executable, arguments, stdoutPath: stdoutPath, stderrPath: stderrPath) {
            return run
        }
        return try spawnAndWait(executable, arguments, stdoutPath: stdoutPath, stderrPath: stderrPath)
    }

    /// Spawns the child from this process and waits for it.
    static func spawnAndWait(
        _ executable: String, _ arguments: [String], stdoutPath: String,
        stderrPath: String
    ) throws -> ChildRun {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }

        var pid = pid_t()
        let start = monotonicSeconds()
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard rc == 0 else {
            throw BenchError("cannot run \(executable): \(String(cString: strerror(rc)))")
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw BenchError("wait4 failed for \(executable)") }
        }
        let seconds = monotonicSeconds() - start
        let signal = status & 0x7f
        let exitCode = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        #if os(Linux)
        let rssBytes = Int(usage.ru_maxrss) * 1024  // KiB on Linux
        #else
        let rssBytes = Int(usage.ru_maxrss)  // bytes on macOS
        #endif
        return ChildRun(seconds: seconds, exitCode: exitCode, peakRSSBytes: rssBytes, stderrPath: stderrPath)
    }

    /// The last lines of a child's stderr, for error messages.
    static func stderrTail(_ run: ChildRun, lines: Int = 15) -> String {
        let text = (try? String(contentsOfFile: run.stderrPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}
