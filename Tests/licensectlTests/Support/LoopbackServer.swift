import Foundation
import Testing

/// A test server script from `Tests/licensectlTests/Scripts/` run by Debian's `/usr/bin/python3`
/// on 127.0.0.1: it prints `READY <port>` once listening and stores what it receives as numbered
/// files in ``folder``. Stopped with SIGKILL by ``stop()`` (a child of the test process may
/// inherit a signal mask that blocks SIGTERM; the scripts write every file atomically).
final class LoopbackServer: @unchecked Sendable {
    let process = Process()
    let port: Int
    let folder: String

    /// Starts `script` and waits (up to 20 s) for its `READY` line.
    init(script: String) throws {
        folder =
            FileManager.default.temporaryDirectory.appendingPathComponent("licensectl-server-" + UUID().uuidString).path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-u", packageRoot + "/Tests/licensectlTests/Scripts/" + script, folder]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.standardError
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read the first line on another thread, so that a server that never starts fails the
        // test after 20 s instead of hanging it.
        let line = LineBox()
        let ready = DispatchSemaphore(value: 0)
        let handle = out.fileHandleForReading
        Thread.detachNewThread {
            var bytes: [UInt8] = []
            while let chunk = try? handle.read(upToCount: 1), let byte = chunk.first, byte != 10 { bytes.append(byte) }
            line.set(String(decoding: bytes, as: UTF8.self))
            ready.signal()
        }
        let started = ready.wait(timeout: .now() + 20) == .success
        let text = line.get()
        guard started, text.hasPrefix("READY "), let port = Int(text.dropFirst(6)) else {
            process.terminate()
            throw ServerError(message: "\(script) did not start (said '\(text)'); is python3-aiosmtpd installed?")
        }
        self.port = port
    }

    struct ServerError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// The stored files with `suffix` (e.g. `.eml`), in arrival order, as text.
    func received(_ suffix: String) -> [String] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter {
            $0.hasSuffix(suffix)
        }.sorted()
        return names.compactMap { try? String(contentsOfFile: folder + "/" + $0, encoding: .utf8) }
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: folder)
    }
}

private final class LineBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value = ""
    func set(_ text: String) {
        lock.lock()
        value = text
        lock.unlock()
    }
    func get() -> String {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
