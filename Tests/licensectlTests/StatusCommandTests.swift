import Foundation
import PostgresTestSupport
import Testing

/// `licensectl status` end to end (docs/cli.md §6): recorded state replayed to `--at`, on both state
/// backends.
@Suite(.postgresClusterOnDemand) struct StatusCommandTests {
    @Test("status output matches the golden file", arguments: Backend.all, ["text", "json"])
    func statusMatchesGolden(_ backend: Backend, _ format: String) throws {
        let repo = try StateFixture.example(backend, label: "status")
        defer { repo.remove() }
        let before = try repo.everything()
        let run = try repo.run(["status", "-C", repo.root, "--at", "2026-11-29", "--format", format])
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.isEmpty)
        assertGolden(run.stdout, named: "status-example-2026-11-29.\(format == "text" ? "txt" : "json")")
        #expect(changedPaths(before, try repo.everything()) == [])
    }

    @Test(arguments: Backend.all)
    func statusOfNamedTenantsShowsOnlyThem(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "status-named")
        defer { repo.remove() }
        let run = try repo.run(["status", "nordlicht-ferries", "-C", repo.root, "--at", "2026-11-29"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("nordlicht-ferries  (serial 2, applied 2026-11-01T00:00:00Z)"))
        #expect(!run.stdout.contains("acme-water"))
    }

    @Test(arguments: Backend.all)
    func statusOfAnUnknownTenantFails(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "status-unknown")
        defer { repo.remove() }
        let run = try repo.run(["status", "nobody", "-C", repo.root, "--at", "2026-11-29"])
        #expect(run.status == 1)
        // The one place in stored state differs by backend (docs/README.md §8 "PostgreSQL").
        #expect(run.stderr == "licensectl: error: tenant 'nobody' has no state in \(repo.tenantsPlace)\n")
    }
}
