import Foundation
import Testing

@testable import LicenseKit

#if canImport(Glibc)
import Glibc
#endif

/// Holds `state/.lock` with util-linux `flock` in another process for `seconds`; returns once
/// the lock is held (the child prints a line after locking). `--no-fork`: the returned process
/// itself holds the lock, so killing it releases the lock.
private func holdLockWithFlockCLI(_ repo: TempRepo, seconds: Int) throws -> Process {
    try FileManager.default.createDirectory(atPath: repo.path("state"), withIntermediateDirectories: true)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
    process.arguments = ["--no-fork", repo.path("state/.lock"), "-c", "echo locked; exec sleep \(seconds)"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    _ = pipe.fileHandleForReading.availableData  // blocks until "locked\n"
    return process
}

private func hostName() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    _ = gethostname(&buffer, 255)
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

@Suite(.serialized) struct StateLockTests {
    @Test func lockHeldByAnotherProcessFailsAtOnceNamingAnUnknownHolder() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        let holder = try holdLockWithFlockCLI(repo, seconds: 30)
        defer {
            kill(holder.processIdentifier, SIGKILL)
            holder.waitUntilExit()
        }
        let clock = ContinuousClock()
        let began = clock.now
        #expect(
            throws: StateStoreError(
                "state is locked by another process (unknown holder: state/.lock names none); wait or retry with --lock-timeout"
            )
        ) {
            try repo.store.lock(timeout: 0, startTime: start)
        }
        #expect(clock.now - began < .seconds(1))
    }

    @Test func withATimeoutItWaitsThenFails() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        let holder = try holdLockWithFlockCLI(repo, seconds: 30)
        defer {
            kill(holder.processIdentifier, SIGKILL)
            holder.waitUntilExit()
        }
        let clock = ContinuousClock()
        let began = clock.now
        #expect(
            throws: StateStoreError(
                "state is still locked by another process (unknown holder: state/.lock names none) after waiting 0.5 seconds; wait or retry with a longer --lock-timeout"
            )
        ) {
            try repo.store.lock(timeout: 0.5, startTime: start)
        }
        let waited = clock.now - began
        #expect(waited >= .milliseconds(500))
        #expect(waited < .milliseconds(2500))
    }

    @Test func withATimeoutItGetsTheLockWhenTheHolderExits() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        let holder = try holdLockWithFlockCLI(repo, seconds: 1)
        defer { holder.waitUntilExit() }
        let lock = try repo.store.lock(timeout: 10, startTime: start)
        #expect(lock.isHeld)
        lock.release()
    }

    @Test func secondLockerNamesTheHolderFromTheLockFile() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        let first = try repo.store.lock(timeout: 0, startTime: start)
        #expect(repo.read("state/.lock") == "\(getpid()) \(hostName()) 2026-11-29T10:00:00Z\n")
        #expect(
            throws: StateStoreError(
                "state is locked by pid \(getpid()) on host \(hostName()) since 2026-11-29T10:00:00Z; wait or retry with --lock-timeout"
            )
        ) {
            try repo.store.lock(timeout: 0, startTime: start)
        }
        first.release()
        #expect(repo.read("state/.lock") == "")
        let second = try repo.store.lock(timeout: 0, startTime: start)
        #expect(second.isHeld)
    }

    @Test func aLockDiesWithItsProcess() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        let holder = try holdLockWithFlockCLI(repo, seconds: 30)
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        let lock = try repo.store.lock(timeout: 0, startTime: start)
        #expect(lock.isHeld)
    }

    @Test func symlinkedLockFileIsRefused() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        try repo.write("elsewhere", "x")
        try FileManager.default.createDirectory(atPath: repo.path("state"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: repo.path("state/.lock"), withDestinationPath: "../elsewhere")
        #expect(
            throws: StateStoreError(
                "state/.lock is a symlink; licensectl does not follow symlinks in the state directory: remove it")
        ) {
            try repo.store.lock(timeout: 0, startTime: start)
        }
        #expect(repo.read("elsewhere") == "x")
    }
}
