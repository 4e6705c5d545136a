import Foundation
import Testing

/// `apply` holds an exclusive flock(2) on `state/.lock` (docs/state.md §5); tested against util-linux
/// `flock(1)` holding it from another process.
@Suite struct LockTests {
    /// Starts `flock -x -o state/.lock` around a `sleep`, and waits until it holds the lock.
    private func holdLock(_ repo: TempRepo, seconds: Int) throws -> Process {
        let flock = URL(fileURLWithPath: "/usr/bin/flock")
        try #require(FileManager.default.isExecutableFile(atPath: flock.path), "util-linux flock is needed")
        let marker = repo.path("holding")
        let process = Process()
        process.executableURL = flock
        // -o: the lock fd is not inherited by the command, so flock itself is the only holder.
        process.arguments = [
            "-x", "-o", repo.path("state/.lock"), "/bin/sh", "-c", "touch '\(marker)'; exec sleep \(seconds)",
        ]
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: marker), Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        try #require(FileManager.default.fileExists(atPath: marker), "flock did not take the lock")
        try FileManager.default.removeItem(atPath: marker)
        return process
    }

    @Test func applyFailsAtOnceWaitsWithLockTimeoutAndWorksAfterTheHolderExits() throws {
        let repo = try TempRepo.example(label: "lock")
        defer { repo.remove() }
        let before = repo.files(under: "state")
        let holder = try holdLock(repo, seconds: 4)

        let immediate = try licensectl(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes"])
        #expect(immediate.status == 1, "\(immediate)")
        #expect(immediate.stdout.isEmpty)
        #expect(
            immediate.stderr
                == "licensectl: error: state is locked by another process (unknown holder: state/.lock names none); wait or retry with --lock-timeout\n"
        )
        #expect(immediate.seconds < 2.5, "\(immediate)")

        let waiting = try licensectl(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes", "--lock-timeout", "1"])
        #expect(waiting.status == 1, "\(waiting)")
        #expect(
            waiting.stderr
                == "licensectl: error: state is still locked by another process (unknown holder: state/.lock names none) after waiting 1 seconds; wait or retry with a longer --lock-timeout\n"
        )
        #expect(waiting.seconds >= 1.0, "\(waiting)")
        #expect(waiting.seconds < 3.5, "\(waiting)")
        #expect(holder.isRunning, "the holder exited before the timed wait ended; the test proves nothing")
        #expect(changedPaths(before, repo.files(under: "state")) == ["state/.lock"])

        holder.waitUntilExit()
        let after = try licensectl(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes"])
        #expect(after.status == 0, "\(after)")
        #expect(
            after.stdout.hasSuffix(
                "Apply complete at 2026-11-29T00:00:00Z: 3 tenant(s) written, 41 event(s) journaled.\n"))
    }

    /// docs/README.md §8 "Apply and the lock": when `.lock` exists, apply takes it before it plans, so a
    /// held lock fails even an apply that would write nothing.
    @Test func aHeldLockFailsEvenAnApplyWithNothingToWrite() throws {
        let repo = try TempRepo.example(label: "lock-noop")
        defer { repo.remove() }
        let first = try licensectl(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes"])
        #expect(first.status == 0, "\(first)")
        let holder = try holdLock(repo, seconds: 3)
        let noop = try licensectl(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes"])
        #expect(noop.status == 1, "\(noop)")
        #expect(
            noop.stderr
                == "licensectl: error: state is locked by another process (unknown holder: state/.lock names none); wait or retry with --lock-timeout\n"
        )
        #expect(holder.isRunning)
        holder.waitUntilExit()
        let after = try licensectl(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes"])
        #expect(after.status == 0, "\(after)")
        #expect(after.stdout.contains("No changes. State is up to date."), "\(after)")
    }

    @Test func lockTimeoutSucceedsWhenTheHolderLetsGoInTime() throws {
        let repo = try TempRepo.example(label: "lock-wait")
        defer { repo.remove() }
        let holder = try holdLock(repo, seconds: 1)
        let waiting = try licensectl(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes", "--lock-timeout", "30"])
        holder.waitUntilExit()
        #expect(waiting.status == 0, "\(waiting)")
        #expect(waiting.seconds < 20, "\(waiting)")
    }

    @Test func theMessageNamesTheHolderRecordedInTheLockFile() throws {
        let repo = try TempRepo.example(label: "lock-named")
        defer { repo.remove() }
        try repo.write("state/.lock", "4242 ci-1 2026-11-29T10:00:00Z\n")
        let holder = try holdLock(repo, seconds: 3)
        defer { holder.waitUntilExit() }
        let run = try licensectl(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes"])
        #expect(run.status == 1, "\(run)")
        #expect(
            run.stderr
                == "licensectl: error: state is locked by pid 4242 on host ci-1 since 2026-11-29T10:00:00Z; wait or retry with --lock-timeout\n"
        )
        #expect(try repo.read("state/.lock") == "4242 ci-1 2026-11-29T10:00:00Z\n")
    }

    @Test func aLockDiesWithItsProcess() throws {
        let repo = try TempRepo.example(label: "lock-dead")
        defer { repo.remove() }
        // An apply killed while holding the lock (after its last step) leaves the holder's text
        // in state/.lock, but the kernel released the lock: the next apply goes ahead.
        let killed = try licensectl(
            ["apply", "-C", repo.root, "--at", "2026-11-29", "--yes"],
            environment: ["LICENSECTL_TEST_CRASH_AFTER": "done"])
        #expect(killed.signaled && killed.status == SIGKILL, "\(killed)")
        #expect(try !repo.read("state/.lock").isEmpty)
        let next = try licensectl(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes"])
        #expect(next.status == 0, "\(next)")
        #expect(next.stdout.contains("No changes."))
    }
}
