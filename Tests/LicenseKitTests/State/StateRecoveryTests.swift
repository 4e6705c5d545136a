import Foundation
import Testing

@testable import LicenseKit

/// Every file under `state/` except the lock, path → text.
func snapshot(_ repo: TempRepo) -> [String: String] {
    var files = [String: String]()
    let base = repo.path("state")
    guard let walker = FileManager.default.enumerator(atPath: base) else { return files }
    while let relative = walker.nextObject() as? String {
        var isDirectory: ObjCBool = false
        guard relative != ".lock",
            FileManager.default.fileExists(atPath: base + "/" + relative, isDirectory: &isDirectory),
            !isDirectory.boolValue
        else { continue }
        files[relative] = repo.read("state/" + relative)
    }
    return files
}

let first = Sample.plan(at: "2026-11-29T00:00:00Z", [Sample.document()])
let second = Sample.plan(
    at: "2026-12-01T00:00:00Z",
    [
        Sample.document(tenant: "acme", serial: 2, appliedAt: "2026-12-01T00:00:00Z"),
        Sample.document(tenant: "beta", appliedAt: "2026-12-01T00:00:00Z"),
        Sample.document(tenant: "gamma", appliedAt: "2026-12-01T00:00:00Z"),
    ])

@Suite struct StateRecoveryTests {
    /// The state an uninterrupted run of `first` then `second` writes.
    static func reference() throws -> [String: String] {
        let repo = try TempRepo()
        defer { repo.remove() }
        _ = try repo.store.apply(first, lockTimeout: 0, startTime: start)
        _ = try repo.store.apply(second, lockTimeout: 0, startTime: start)
        return snapshot(repo)
    }

    @Test func uninterruptedRunsJournalEveryEventOnceInOrder() throws {
        let journal = try #require(try Self.reference()["journal.jsonl"])
        let lines = journal.split(separator: "\n").map(String.init)
        #expect(lines.count == 8)
        #expect(
            lines[2]
                == #"{"action":"redeem","apply":"2026-12-01T00:00:00Z","at":"2026-12-01T00:00:00Z","code":"96D9-3718-59E5","seq":1,"tenant":"acme"}"#
        )
        #expect(lines[7].hasSuffix(#""seq":6,"tenant":"gamma"}"#))
    }

    @Test(arguments: [
        ("intent-temp", false), ("intent", true), ("tenant-temp-1", true), ("tenant-1", true), ("tenant-temp-2", true),
        ("tenant-2", true), ("tenant-temp-3", true), ("tenant-3", true), ("tenants", true), ("journal-torn", true),
        ("journal", true), ("done", false),
    ])
    func crashAtAnyStepLeavesWholeFilesAndTheNextApplyConverges(step: String, recovers: Bool) throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        _ = try repo.store.apply(first, lockTimeout: 0, startTime: start)
        let old = snapshot(repo)
        var crashing = StateStore(root: repo.root, crashAfter: step)
        crashing.simulateCrashByThrowing = true
        #expect(throws: StateStoreError("simulated crash after \(step)")) {
            try crashing.apply(second, lockTimeout: 0, startTime: start)
        }
        let reference = try Self.reference()
        for tenant in ["acme", "beta", "gamma"] {
            let path = "tenants/\(tenant).json"
            let now = repo.read("state/" + path)
            #expect(now == old[path] || now == reference[path], "\(path) is neither fully old nor fully new")
        }

        let lock = try repo.store.lock(timeout: 0, startTime: start)
        #expect(try repo.store.recoverIfNeeded(lock: lock) == recovers)
        #expect(try repo.store.recoverIfNeeded(lock: lock) == false)
        lock.release()
        if !recovers && step != "done" {
            _ = try repo.store.apply(second, lockTimeout: 0, startTime: start)  // nothing was committed: apply again
        }
        #expect(snapshot(repo) == reference)
    }

    @Test func aPlanOverAnInterruptedApplySaysSo() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        try repo.write("tenants/acme.yaml", "apiVersion: licensectl/v1\nkind: Tenant\nmetadata: {name: acme}\n")
        let workspace = Workspace(root: repo.root)
        #expect(workspace.plan(at: start).diagnostics.isEmpty)
        try repo.write("state/.pending.json", "{}")
        #expect(
            workspace.plan(at: start).diagnostics.map(\.description) == [
                "state/.pending.json:1:1: warning: an apply was interrupted; its intent is pending and the next apply completes it first (this plan already counts it as state): run apply before committing state/"
            ])
    }

    @Test func recoveryFromAnIntentAndATornJournalWritesEachLineOnce() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        _ = try repo.store.apply(first, lockTimeout: 0, startTime: start)
        let journal = try #require(repo.read("state/journal.jsonl"))
        let store = repo.store
        let lines = store.journalLines(second, tenants: ["acme", "beta", "gamma"])
        let files = second.tenants.compactMap(\.newState).map {
            StateStore.IntentFile(path: "tenants/\($0.tenant).json", content: $0.canonicalJSON())
        }
        let intent = StateStore.Intent(
            apply: "2026-12-01T00:00:00Z", files: files, journal: lines,
            journalOffset: journal.utf8.count)
        try repo.write("state/.pending.json", intent.text)
        try repo.write("state/tenants/beta.json", files[1].content)  // one file already renamed
        try repo.write("state/tenants/.gamma.json.tmp.4242", String(files[2].content.prefix(40)))
        try repo.write("state/journal.jsonl", journal + lines[0] + "\n" + lines[1].prefix(30))

        #expect(try store.loadAll()["acme"]?.document.serial == 2)  // plans see the committed intent

        let lock = try store.lock(timeout: 0, startTime: start)
        #expect(try store.recoverIfNeeded(lock: lock))
        lock.release()
        #expect(repo.read("state/journal.jsonl") == journal + lines.map { $0 + "\n" }.joined())
        for file in files { #expect(repo.read("state/" + file.path) == file.content) }
        #expect(!repo.exists("state/.pending.json"))
        #expect(!repo.exists("state/tenants/.gamma.json.tmp.4242"))
        #expect(snapshot(repo) == (try Self.reference()))
    }

    @Test func writeRefusesWhileAnInterruptedApplyIsPending() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        let intent = StateStore.Intent(apply: "2026-12-01T00:00:00Z", files: [], journal: [], journalOffset: 0)
        try repo.write("state/.pending.json", intent.text)
        let lock = try repo.store.lock(timeout: 0, startTime: start)
        #expect(
            throws: StateStoreError(
                "an interrupted apply is pending in state/.pending.json; it must be recovered first")
        ) {
            try repo.store.write(first, lock: lock)
        }
    }

    @Test func editedIntentIsRefusedNamingIt() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        try repo.write("state/.pending.json", "{\"apply\": 1}\n")
        #expect(
            throws: StateStoreError(
                "the intent of an interrupted apply is not consistent: expected exactly the keys apply, files, formatVersion, journal, journalOffset, found apply; nothing was written. It is written atomically, so it or the state was edited since: restore it from a backup, or remove it to discard the interrupted apply and run plan again",
                file: "state/.pending.json")
        ) {
            try repo.store.apply(first, lockTimeout: 0, startTime: start)
        }
    }
}
