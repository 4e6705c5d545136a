import Foundation
import Testing

@testable import LicenseKit

private let keep = "; the file was not changed: fix it or restore it from git"

private func fileIdentity(_ path: String) throws -> (inode: Int, modified: Date) {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return ((attributes[.systemFileNumber] as? Int) ?? -1, (attributes[.modificationDate] as? Date) ?? .distantPast)
}

@Suite struct StateStoreLoadTests {
    @Test func missingStateDirectoryIsEmptyState() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        #expect(try repo.store.loadAll().isEmpty)
        #expect(!repo.exists("state"))
    }

    @Test func aSymlinkedStateFolderIsRefusedWhenReadAsWhenWritten() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        try repo.write("elsewhere/tenants/acme.json", Sample.document().canonicalJSON())
        try FileManager.default.createSymbolicLink(
            atPath: repo.path("state"), withDestinationPath: repo.path("elsewhere"))
        #expect(
            throws: StateStoreError(
                "state is a symlink; licensectl does not follow symlinks in the state directory (apply would refuse to write): replace it with a real directory"
            )
        ) {
            try repo.store.loadAll()
        }
    }

    @Test func loadsEveryTenantWithItsRepoRelativePath() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        try repo.write("state/tenants/acme.json", Sample.document().canonicalJSON())
        try repo.write("state/tenants/beta.json", Sample.document(tenant: "beta").canonicalJSON())
        try repo.write("state/tenants/.beta.json.tmp.12", "garbage")
        try repo.write("state/tenants/README.md", "not state")
        let loaded = try repo.store.loadAll()
        #expect(loaded.keys.sorted() == ["acme", "beta"])
        #expect(loaded["acme"] == PriorState(document: Sample.document(), location: "state/tenants/acme.json"))
    }

    @Test func refusesEveryBadFileNamingItAndLeavesAllUntouched() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        let good = Sample.document(tenant: "good").canonicalJSON()
        let files = [
            "state/tenants/empty.json": "",
            "state/tenants/good.json": good,
            "state/tenants/newer.json": Sample.document(tenant: "newer").canonicalJSON()
                .replacingOccurrences(of: "\"formatVersion\": 1", with: "\"formatVersion\": 2"),
            "state/tenants/notjson.json": "<xml/>\n",
            "state/tenants/truncated.json": String(good.prefix(100)),
            "state/tenants/wrongtype.json": Sample.document(tenant: "wrongtype").canonicalJSON()
                .replacingOccurrences(of: "\"serial\": 1", with: "\"serial\": true"),
        ]
        for (path, text) in files { try repo.write(path, text) }
        try FileManager.default.createDirectory(
            atPath: repo.path("state/tenants/folder.json"), withIntermediateDirectories: true)
        #expect(throws: StateStoreError.self) { try repo.store.loadAll() }
        do {
            _ = try repo.store.loadAll()
        } catch {
            #expect(
                error.diagnostics.map(\.description) == [
                    "state/tenants/empty.json:1:1: error: state file is empty" + keep,
                    "state/tenants/folder.json:1:1: error: state file is not a regular file (a FIFO, device, socket or folder); the state directory holds only regular files: remove it",
                    "state/tenants/newer.json:3:20: error: state file has formatVersion 2, newer than this licensectl reads (1); upgrade licensectl; the file was not changed",
                    "state/tenants/notjson.json:1:1: error: state file is truncated or not JSON (expected a value)"
                        + keep,
                    "state/tenants/truncated.json:6:16: error: state file is truncated or not JSON (unexpected end of file)"
                        + keep,
                    "state/tenants/wrongtype.json:42:13: error: serial: expected an integer from 1 to 2^53, found a boolean"
                        + keep,
                ])
        }
        for (path, text) in files { #expect(repo.read(path) == text) }
    }
}

@Suite struct StateStoreWriteTests {
    @Test func writesChangedTenantsCanonicallyAndJournalsEachEventOnce() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        let result = try repo.store.apply(Sample.plan([Sample.document()]), lockTimeout: 0, startTime: start)
        #expect(result.written == ["state/tenants/acme.json"])
        #expect(result.journalLines == 2)
        #expect(repo.read("state/tenants/acme.json") == Sample.document().canonicalJSON())
        #expect(
            repo.read("state/journal.jsonl") == """
                {"action":"redeem","apply":"2026-11-29T00:00:00Z","at":"2026-11-29T00:00:00Z","code":"96D9-3718-59E5","seq":1,"tenant":"acme"}
                {"action":"activate","apply":"2026-11-29T00:00:00Z","at":"2026-11-29T00:00:00Z","code":"96D9-3718-59E5","expiresAt":"2027-11-29T00:00:00Z","seq":2,"tenant":"acme"}

                """)
        #expect(!repo.exists("state/.pending.json"))
        #expect(repo.read("state/.lock") == "")
    }

    @Test func unchangedTenantsAreNotWritten() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        _ = try repo.store.apply(Sample.plan([Sample.document()], changed: true), lockTimeout: 0, startTime: start)
        let before = try fileIdentity(repo.path("state/tenants/acme.json"))
        let journal = repo.read("state/journal.jsonl")
        Thread.sleep(forTimeInterval: 0.02)
        var again = Sample.plan([Sample.document()])
        again.tenants[0].events = []
        let result = try repo.store.apply(again, lockTimeout: 0, startTime: start)
        #expect(result.written == [])
        #expect(result.unchanged == ["state/tenants/acme.json"])
        let after = try fileIdentity(repo.path("state/tenants/acme.json"))
        #expect(after.inode == before.inode)
        #expect(after.modified == before.modified)
        #expect(repo.read("state/journal.jsonl") == journal)

        let untouched = try repo.store.apply(
            Sample.plan([Sample.document(serial: 9)], changed: false), lockTimeout: 0, startTime: start)
        #expect(untouched == StateStore.ApplyResult())
        #expect(repo.read("state/tenants/acme.json") == Sample.document().canonicalJSON())
    }

    @Test func symlinkedTenantFileIsNotFollowedAndNothingIsWritten() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        try repo.write("outside.json", "precious\n")
        try FileManager.default.createDirectory(atPath: repo.path("state/tenants"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: repo.path("state/tenants/acme.json"), withDestinationPath: "../../outside.json")
        let plan = Sample.plan([Sample.document(tenant: "acme"), Sample.document(tenant: "beta")])
        #expect(throws: StateStoreError.self) { try repo.store.apply(plan, lockTimeout: 0, startTime: start) }
        do {
            _ = try repo.store.apply(plan, lockTimeout: 0, startTime: start)
        } catch {
            #expect(
                error.description
                    == "state/tenants/acme.json:1:1: error: state/tenants/acme.json is a symlink; licensectl does not follow symlinks in the state directory for writes: replace it with a regular file (nothing was written)"
            )
        }
        #expect(repo.read("outside.json") == "precious\n")
        #expect(
            try FileManager.default.destinationOfSymbolicLink(atPath: repo.path("state/tenants/acme.json"))
                == "../../outside.json")
        #expect(!repo.exists("state/tenants/beta.json"))
        #expect(!repo.exists("state/journal.jsonl"))
    }

    @Test func symlinkedTenantsFolderIsRefused() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        try FileManager.default.createDirectory(atPath: repo.path("elsewhere"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: repo.path("state"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: repo.path("state/tenants"), withDestinationPath: "../elsewhere")
        do {
            _ = try repo.store.apply(Sample.plan([Sample.document()]), lockTimeout: 0, startTime: start)
            Issue.record("expected an error")
        } catch {
            #expect(
                error.description
                    == "licensectl: error: state/tenants is a symlink; licensectl does not follow symlinks in the state directory for writes: replace it with a real directory"
            )
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: repo.path("elsewhere")) == [])
    }

    @Test func planWithErrorsWritesNothing() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        var plan = Sample.plan([Sample.document()])
        plan.diagnostics = [.error("bad manifest", at: SourceLocation(file: "tenants/acme.yaml", line: 3))]
        #expect(throws: StateStoreError("the plan has errors; nothing was written")) {
            try repo.store.apply(plan, lockTimeout: 0, startTime: start)
        }
        #expect(!repo.exists("state/tenants"))
    }

    @Test func tornJournalLineWithoutIntentIsCutWithAWarning() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        try repo.write("state/journal.jsonl", "{\"seq\":1}\n{\"se")
        let result = try repo.store.apply(Sample.plan([Sample.document()]), lockTimeout: 0, startTime: start)
        #expect(
            result.warnings.map(\.description) == [
                "state/journal.jsonl:2:1: warning: cut a torn last journal line (4 bytes without a newline)"
            ])
        let lines = repo.read("state/journal.jsonl")?.split(separator: "\n") ?? []
        #expect(lines.count == 3)
        #expect(lines.first == "{\"seq\":1}")
    }
}
