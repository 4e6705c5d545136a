import Foundation
import Testing

@testable import LicenseKit

#if canImport(Glibc)
import Glibc
#endif

/// Real SIGKILL crash tests of the state store: the test binary re-runs itself as a child
/// (`--testing-library swift-testing --filter StateCrashChild`) with
/// `LICENSECTL_STATE_CHILD_REPO=<repo>` and `LICENSECTL_TEST_CRASH_AFTER=<step>`; the child
/// applies `second` and the store kills it with SIGKILL after that step.
@Suite(.serialized) struct StateKillTests {
    @Test(arguments: [
        "intent-temp", "intent", "tenant-temp-2", "tenant-2", "tenants", "journal-torn", "journal", "done",
    ])
    func sigkillAtAnyStepThenTheNextApplyConverges(step: String) throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        _ = try repo.store.apply(first, lockTimeout: 0, startTime: start)
        let old = snapshot(repo)

        let child = Process()
        child.executableURL = URL(
            fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        child.arguments = ["--testing-library", "swift-testing", "--filter", "StateCrashChild"]
        var environment = ProcessInfo.processInfo.environment
        environment["LICENSECTL_STATE_CHILD_REPO"] = repo.root
        environment["LICENSECTL_TEST_CRASH_AFTER"] = step
        child.environment = environment
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal)
        #expect(child.terminationStatus == SIGKILL)

        let reference = try StateRecoveryTests.reference()
        for tenant in ["acme", "beta", "gamma"] {
            let path = "tenants/\(tenant).json"
            let now = repo.read("state/" + path)
            #expect(now == old[path] || now == reference[path], "\(path) is neither fully old nor fully new")
        }
        // The next apply: lock (the dead child's lock died with it), complete the interrupted
        // apply; when the crash came before the intent existed nothing was committed, and a
        // new plan would be the same `second` again.
        let lock = try repo.store.lock(timeout: 0, startTime: start)
        let recovered = try repo.store.recoverIfNeeded(lock: lock)
        lock.release()
        #expect(recovered == !["intent-temp", "done"].contains(step))
        if step == "intent-temp" { _ = try repo.store.apply(second, lockTimeout: 0, startTime: start) }
        #expect(snapshot(repo) == reference)
    }
}

/// The child side of ``StateKillTests``; does nothing in a normal test run.
@Suite struct StateCrashChild {
    @Test func applyUntilKilled() throws {
        guard let root = ProcessInfo.processInfo.environment["LICENSECTL_STATE_CHILD_REPO"] else { return }
        // The test plays the CLI's part: it passes the crash step it was given.
        let step = ProcessInfo.processInfo.environment["LICENSECTL_TEST_CRASH_AFTER"]
        _ = try StateStore(root: root, crashAfter: step).apply(second, lockTimeout: 0, startTime: start)
        Issue.record(
            "the store should have been killed after \(ProcessInfo.processInfo.environment["LICENSECTL_TEST_CRASH_AFTER"] ?? "?")"
        )
    }
}
