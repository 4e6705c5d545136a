import Foundation
import Testing

/// Findings of a newcomer's attack run that show at the command line: selections, summaries and
/// messages (the state, CSV and PostgreSQL findings have tests next to their code).
@Suite struct NewcomerFindingsCLITests {
    /// A second --shard used to replace the first without a word.
    @Test func aRepeatedShardIsAnErrorForEveryCommand() throws {
        let repo = try TempRepo.example(label: "shard-twice")
        defer { repo.remove() }
        let before = repo.files()
        for command in ["plan", "apply", "status", "forecast"] {
            let run = try licensectl([
                command, "-C", repo.root, "--at", "2026-11-29", "--shard", "1/2", "--shard", "2/2",
            ])
            #expect(run.status == 1, "\(command): \(run)")
            #expect(
                run.stderr.contains(
                    "--shard is given 2 times ('1/2', '2/2'); a run takes one shard: give --shard once"),
                "\(command): \(run.stderr)")
            #expect(run.stdout.isEmpty)
        }
        #expect(changedPaths(before, repo.files()) == [])
    }

    /// Shard 1 of 3 holds none of the example's five tenants (SelectionCommandTests): it used to
    /// print an empty plan silently. A warning, exit code unchanged.
    @Test(arguments: [["plan"], ["apply", "--yes"], ["forecast"]])
    func aShardThatSelectsNoTenantSaysSo(_ command: [String]) throws {
        let repo = try TempRepo.example(label: "shard-empty")
        defer { repo.remove() }
        let run = try licensectl(command + ["-C", repo.root, "--at", "2026-11-29", "--shard", "1/3"])
        #expect(run.status == 0, "\(run)")
        #expect(
            run.stderr.contains(
                "licensectl: warning: --shard 1/3 selects none of the 5 tenants of the manifests and state; there is nothing to plan in this shard\n"
            ), "\(run.stderr)")
    }

    /// `plan --format github` with errors used to end with "Plan: 0 tenants, 0 changed".
    @Test func aRefusedGitHubPlanSaysSoInItsSummaryLine() throws {
        let repo = try TempRepo.example(label: "github-refused")
        defer { repo.remove() }
        let manifest = try repo.read("tenants/emea/nordlicht-ferries.yaml")
        try repo.write(
            "tenants/emea/nordlicht-ferries.yaml",
            manifest.replacingOccurrences(of: "type: Cloud Basic 1\n", with: "type: Cloud Basic 7\n"))
        let run = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29", "--format", "github"])
        #expect(run.status == 1, "\(run)")
        #expect(
            run.stdout.hasSuffix(
                "\nPlan refused: 2 errors, 0 warnings; nothing can be applied: fix the errors and plan again\n"),
            "\(run.stdout)")
        #expect(!run.stdout.contains("0 tenants"))
    }

    /// A zero term in a manifest used to read "term: term 'P0Y' is zero".
    @Test func aZeroTermNamesTheKeyOnce() throws {
        let repo = try TempRepo.example(label: "term-zero")
        defer { repo.remove() }
        let manifest = try repo.read("tenants/acme-water.yaml")
        try repo.write(
            "tenants/acme-water.yaml",
            manifest.replacingOccurrences(
                of: "  routers:\n",
                with:
                    "  licenses:\n    - code: 1234-5678-9ABC\n      type: Cloud Basic 1\n      issued: 2026-01-15\n      term: P0Y\n  routers:\n"
            ))
        let run = try licensectl(["validate", "-C", repo.root])
        #expect(run.status == 1, "\(run)")
        #expect(
            run.stderr.contains(
                "tenants/acme-water.yaml:24:13: error: term: 'P0Y' is zero; a license runs for at least a day\n"),
            "\(run.stderr)")
    }
}
