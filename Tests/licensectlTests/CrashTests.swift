import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A SIGKILL at any moment of an apply leaves every tenant file fully old or fully new, and the
/// next apply converges to exactly what an uninterrupted run writes (docs/state.md §5; issue 4 item 2).
///
/// One generated repo of 300 tenants is applied at T1 (the baseline). An uninterrupted apply at
/// T2 on a copy gives the reference bytes. Each crash case applies at T2 on another copy of the
/// baseline and is killed — by the store's own crash hook after a protocol step, or by a real
/// SIGKILL after a seeded random delay — then every tenant file is checked, apply is rerun
/// without the hook, and the whole state directory must equal the reference byte for byte.
@Suite(.serialized) struct CrashTests {
    static let tenantCount = 300

    /// The baseline repo (state at T1), the reference state files at T2 and the T1 bytes.
    struct Fixture {
        var baseline: TempRepo
        var reference: [String: Data]
        var old: [String: Data]
        var referenceSeconds: Double

        func remove() { baseline.remove() }
    }

    /// State files by repo-relative path, without the lock file.
    static func stateFiles(_ repo: TempRepo) -> [String: Data] {
        repo.files(under: "state").filter { $0.key != "state/.lock" }
    }

    static func makeFixture() throws -> Fixture {
        let baseline = try GeneratedRepo.make(tenants: tenantCount, label: "crash-baseline")
        let first = try licensectl(["apply", "-C", baseline.root, "--at", GeneratedRepo.t1, "--yes"])
        try #require(first.status == 0, "\(first)")
        let old = stateFiles(baseline)
        let referenceRepo = try baseline.copy(label: "crash-reference")
        defer { referenceRepo.remove() }
        let reference = try licensectl(["apply", "-C", referenceRepo.root, "--at", GeneratedRepo.t2, "--yes"])
        try #require(reference.status == 0, "\(reference)")
        #expect(
            reference.stdout.hasSuffix(
                "\(tenantCount) tenant(s) written, \(tenantCount + (tenantCount + 2) / 3) event(s) journaled.\n"),
            "every tenant changes at T2: \(reference.stdout.suffix(200))")
        let new = stateFiles(referenceRepo)
        #expect(new.count == tenantCount + 1)
        for (path, bytes) in new where path.hasPrefix("state/tenants/") {
            #expect(old[path] != bytes, "\(path) does not change at T2")
        }
        return Fixture(baseline: baseline, reference: new, old: old, referenceSeconds: reference.seconds)
    }

    /// After a kill: every tenant file is valid JSON and either its T1 or its T2 bytes. Returns
    /// how many are new.
    @discardableResult
    static func checkOldOrNew(_ repo: TempRepo, _ fixture: Fixture, _ label: String) -> Int {
        var newCount = 0
        let files = repo.files(under: "state/tenants")
        let visible = files.filter { !($0.key.split(separator: "/").last?.hasPrefix(".") ?? false) }
        #expect(visible.count == tenantCount, "\(label): \(visible.count) tenant files")
        for (path, bytes) in visible {
            #expect((try? JSONSerialization.jsonObject(with: bytes)) != nil, "\(label): \(path) is not valid JSON")
            if bytes == fixture.reference[path] {
                newCount += 1
            } else {
                #expect(bytes == fixture.old[path], "\(label): \(path) is neither the T1 nor the T2 version")
            }
        }
        return newCount
    }

    /// Reruns apply at T2 and compares the whole state directory with the reference.
    static func rerunConverges(_ repo: TempRepo, _ fixture: Fixture, _ label: String) throws {
        let rerun = try licensectl(["apply", "-C", repo.root, "--at", GeneratedRepo.t2, "--yes"])
        #expect(rerun.status == 0, "\(label): \(rerun)")
        let final = stateFiles(repo)
        #expect(
            final.keys.sorted() == fixture.reference.keys.sorted(),
            "\(label): leftover or missing files: \(changedPaths(fixture.reference, final).prefix(5))")
        #expect(changedPaths(fixture.reference, final) == [], "\(label): differs from the uninterrupted run")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: repo.path("state"))) ?? []
        let tenantNames = (try? FileManager.default.contentsOfDirectory(atPath: repo.path("state/tenants"))) ?? []
        #expect(!names.contains(".pending.json"), "\(label)")
        #expect(!(names + tenantNames).contains { $0.contains(".tmp.") }, "\(label): temporary files remain")
        let journal = String(decoding: final["state/journal.jsonl"] ?? Data(), as: UTF8.self)
        #expect(journal.hasSuffix("\n"))
        let seqs = journal.split(separator: "\n").filter { $0.contains("\"apply\":\"\(GeneratedRepo.t2)\"") }.count
        #expect(seqs == tenantCount + (tenantCount + 2) / 3, "\(label): each T2 event exactly once in the journal")
    }

    /// Crash-hook step → how many tenant files must already be new when the process dies.
    static let hookPoints: [(step: String, newFiles: Int)] = [
        ("intent-temp", 0), ("intent", 0), ("tenant-temp-1", 0), ("tenant-1", 1), ("tenant-150", 150),
        ("tenant-temp-300", 299), ("tenants", tenantCount), ("journal-torn", tenantCount), ("journal", tenantCount),
        ("done", tenantCount),
    ]

    @Test func killedApplyLeavesOldOrNewFilesAndTheRerunConvergesToTheUninterruptedState() throws {
        let fixture = try Self.makeFixture()
        defer { fixture.remove() }

        for (step, expectedNew) in Self.hookPoints {
            let repo = try fixture.baseline.copy(label: "crash-\(step)")
            defer { repo.remove() }
            let killed = try licensectl(
                ["apply", "-C", repo.root, "--at", GeneratedRepo.t2, "--yes"],
                environment: ["LICENSECTL_TEST_CRASH_AFTER": step])
            #expect(killed.signaled && killed.status == SIGKILL, "\(step): \(killed)")
            #expect(!killed.stdout.contains("Apply complete"), "\(step)")
            let newCount = Self.checkOldOrNew(repo, fixture, step)
            #expect(newCount == expectedNew, "\(step): \(newCount) new tenant files")
            // A plan made now, before recovery, already sees the state the intent completes.
            if step != "intent-temp", step != "tenant-temp-1", expectedNew < Self.tenantCount {
                let plan = try licensectl(["plan", "-C", repo.root, "--at", GeneratedRepo.t2, "--detailed-exitcode"])
                #expect(plan.status == 0, "\(step): plan after the crash: \(plan.stdout.suffix(300))")
            }
            try Self.rerunConverges(repo, fixture, step)
        }
    }

    @Test func aCrashDuringRecoveryStillConverges() throws {
        let fixture = try Self.makeFixture()
        defer { fixture.remove() }
        let repo = try fixture.baseline.copy(label: "crash-twice")
        defer { repo.remove() }
        let arguments = ["apply", "-C", repo.root, "--at", GeneratedRepo.t2, "--yes"]
        let first = try licensectl(arguments, environment: ["LICENSECTL_TEST_CRASH_AFTER": "tenant-100"])
        #expect(first.signaled && first.status == SIGKILL, "\(first)")
        #expect(Self.checkOldOrNew(repo, fixture, "first crash") == 100)
        // The rerun recovers the pending intent and dies again while doing so.
        let second = try licensectl(arguments, environment: ["LICENSECTL_TEST_CRASH_AFTER": "tenant-200"])
        #expect(second.signaled && second.status == SIGKILL, "\(second)")
        #expect(Self.checkOldOrNew(repo, fixture, "second crash") == 200)
        let third = try licensectl(arguments, environment: ["LICENSECTL_TEST_CRASH_AFTER": "journal-torn"])
        #expect(third.signaled && third.status == SIGKILL, "\(third)")
        #expect(Self.checkOldOrNew(repo, fixture, "third crash") == Self.tenantCount)
        try Self.rerunConverges(repo, fixture, "after three crashes")
    }

    @Test func concurrentAppliesTakeTurnsAndJournalEachEventOnce() throws {
        let fixture = try Self.makeFixture()
        defer { fixture.remove() }
        let repo = try fixture.baseline.copy(label: "concurrent")
        defer { repo.remove() }
        let arguments = ["apply", "-C", repo.root, "--at", GeneratedRepo.t2, "--yes", "--lock-timeout", "60"]
        let first = try startLicensectl(arguments)
        let second = try startLicensectl(arguments)
        let runs = [first.wait(), second.wait()]
        for run in runs { #expect(run.status == 0 && !run.signaled, "\(run)") }
        // One of them applied; the other planned under the lock afterwards and found nothing to do.
        #expect(runs.filter { $0.stdout.contains("Apply complete") }.count == 1)
        #expect(runs.filter { $0.stdout.contains("No changes.") }.count == 1)
        #expect(changedPaths(fixture.reference, Self.stateFiles(repo)) == [])
    }

    @Test func randomSigkillsDuringApplyNeverLeaveATornFile() throws {
        let fixture = try Self.makeFixture()
        defer { fixture.remove() }
        var interruptions = SeededInterruptions(
            seed: 0x11CE_75C7, referenceSeconds: fixture.referenceSeconds, fractions: 0.3...1.1)
        let died = try interruptions.sigkill(rounds: 8) { round in
            let repo = try fixture.baseline.copy(label: "crash-random-\(round)")
            do {
                return (try startLicensectl(["apply", "-C", repo.root, "--at", GeneratedRepo.t2, "--yes"]), repo)
            } catch {
                repo.remove()
                throw error
            }
        } check: { repo, _, label in
            defer { repo.remove() }
            Self.checkOldOrNew(repo, fixture, label)
            try Self.rerunConverges(repo, fixture, label)
        }
        #expect(died > 0, "no round was killed before the apply ended")
    }
}
