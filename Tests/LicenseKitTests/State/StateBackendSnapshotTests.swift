import Foundation
import Testing

@testable import LicenseKit

/// `snapshot(timeout:holder:)` and `restore(_:timeout:holder:)` of the ``StateBackend`` protocol on
/// the directory backend: what `licensectl state migrate` copies through (docs/state.md §5.1).
@Suite struct StateBackendSnapshotTests {
    let holder = LockHolder(host: "test-host", pid: 4242, start: Sample.instant("2026-11-29T10:00:00Z"))

    /// A temporary repo whose state directory holds one applied tenant, acme, and its backend.
    func directoryStateWithAcme() throws -> (TempRepo, any StateBackend) {
        let repo = try TempRepo()
        let backend: any StateBackend = StateBackends.directory(root: repo.root, directory: "state")
        let lease = try backend.lock(tenants: nil, timeout: 0, holder: holder)
        _ = try lease.commit(Sample.plan([Sample.document(tenant: "acme")]))
        lease.release()
        return (repo, backend)
    }

    @Test func aSnapshotRestoredIntoAnEmptyDirectoryIsByteIdentical() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        let source: any StateBackend = StateBackends.directory(root: repo.root, directory: "state")
        let plan = Sample.plan([Sample.document(tenant: "acme"), Sample.document(tenant: "baltic")])
        let lease = try source.lock(tenants: nil, timeout: 0, holder: holder)
        _ = try lease.commit(plan)
        lease.release()

        let snapshot = try source.snapshot(timeout: 0, holder: holder)
        #expect(snapshot.documents.map(\.tenant).sorted() == ["acme", "baltic"])
        #expect(snapshot.journal.count == StateStore.journalLines(of: plan).count)

        let copy: any StateBackend = StateBackends.directory(root: repo.root, directory: "state-copy")
        try copy.restore(snapshot, timeout: 0, holder: holder)
        for name in ["acme", "baltic"] {
            let original = try #require(repo.read("state/tenants/\(name).json"))
            #expect(repo.read("state-copy/tenants/\(name).json") == original)
        }
        #expect(repo.read("state-copy/journal.jsonl") == repo.read("state/journal.jsonl"))
        #expect(try copy.snapshot(timeout: 0, holder: holder) == snapshot)
    }

    @Test func restoreRefusesADirectoryThatHoldsStateAndWritesNothing() throws {
        let (repo, backend) = try directoryStateWithAcme()
        defer { repo.remove() }
        let before = try backend.snapshot(timeout: 0, holder: holder)

        let other = StateSnapshot(documents: [Sample.document(tenant: "baltic")], journal: [])
        #expect(
            throws: StateStoreError(
                "state already holds state (1 tenant file(s), \(before.journal.count) journal line(s)); migrate only into an empty destination"
            )
        ) { try backend.restore(other, timeout: 0, holder: holder) }
        #expect(!repo.exists("state/tenants/baltic.json"))
        #expect(try backend.snapshot(timeout: 0, holder: holder) == before)
    }

    /// A refused copy creates nothing (docs/state.md §5, newcomer run 7: it left `.lock`): a
    /// destination holding state without `.lock` (a fresh clone: `.lock` is not in git), and a
    /// new destination refused for a tenant name that cannot be a file name.
    @Test func aRefusedRestoreCreatesNoLockAndNoFolder() throws {
        let (repo, backend) = try directoryStateWithAcme()
        defer { repo.remove() }
        try FileManager.default.removeItem(atPath: repo.path("state/.lock"))
        let before = try backend.snapshot(timeout: 0, holder: holder)
        #expect(!repo.exists("state/.lock"), "reading creates no lock")

        let other = StateSnapshot(documents: [Sample.document(tenant: "baltic")], journal: [])
        #expect(
            throws: StateStoreError(
                "state already holds state (1 tenant file(s), \(before.journal.count) journal line(s)); migrate only into an empty destination"
            )
        ) { try backend.restore(other, timeout: 0, holder: holder) }
        #expect(!repo.exists("state/.lock"))
        #expect(!repo.exists("state/tenants/baltic.json"))
        #expect(try backend.snapshot(timeout: 0, holder: holder) == before)

        let fresh: any StateBackend = StateBackends.directory(root: repo.root, directory: "fresh")
        let unsafe = StateSnapshot(documents: [Sample.document(tenant: "../escape")], journal: [])
        #expect(throws: StateStoreError("tenant name '../escape' cannot be a state file name")) {
            try fresh.restore(unsafe, timeout: 0, holder: holder)
        }
        #expect(!repo.exists("fresh"))
        // Nothing to copy: nothing created either.
        try fresh.restore(StateSnapshot(documents: [], journal: []), timeout: 0, holder: holder)
        #expect(!repo.exists("fresh"))
    }

    @Test func aMissingDirectoryHasNoStateToCopyAndIsNotCreated() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        let backend: any StateBackend = StateBackends.directory(root: repo.root, directory: "nowhere")
        #expect(throws: StateStoreError("nowhere does not exist; there is no state to copy")) {
            try backend.snapshot(timeout: 0, holder: holder)
        }
        #expect(!repo.exists("nowhere"))
    }
}
