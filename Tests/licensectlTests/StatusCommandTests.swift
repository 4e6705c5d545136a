import Foundation
import Testing

/// `licensectl status` end to end (docs/cli.md §6): recorded state replayed to `--at`.
@Suite struct StatusCommandTests {
    @Test("status output matches the golden file", arguments: ["text", "json"])
    func statusMatchesGolden(_ format: String) throws {
        let repo = try TempRepo.example(label: "status")
        defer { repo.remove() }
        let before = repo.files()
        let run = try licensectl(["status", "-C", repo.root, "--at", "2026-11-29", "--format", format])
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.isEmpty)
        assertGolden(run.stdout, named: "status-example-2026-11-29.\(format == "text" ? "txt" : "json")")
        #expect(changedPaths(before, repo.files()) == [])
    }

    @Test func statusOfNamedTenantsShowsOnlyThem() throws {
        let repo = try TempRepo.example(label: "status-named")
        defer { repo.remove() }
        let run = try licensectl(["status", "nordlicht-ferries", "-C", repo.root, "--at", "2026-11-29"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("nordlicht-ferries  (serial 2, applied 2026-11-01T00:00:00Z)"))
        #expect(!run.stdout.contains("acme-water"))
    }

    @Test func statusOfAnUnknownTenantFails() throws {
        let repo = try TempRepo.example(label: "status-unknown")
        defer { repo.remove() }
        let run = try licensectl(["status", "nobody", "-C", repo.root, "--at", "2026-11-29"])
        #expect(run.status == 1)
        #expect(run.stderr == "licensectl: error: tenant 'nobody' has no state in state/tenants\n")
    }
}
