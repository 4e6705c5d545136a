import Foundation
import PostgresTestSupport
import Testing

/// Errors found while a command runs exit 1 with a `licensectl: error: message` line (docs/cli.md §6),
/// not the argument parser's usage error (exit 64 and a usage text); on both state backends.
@Suite(.postgresClusterOnDemand) struct CLIErrorTests {
    @Test(
        "a bad --at exits 1 with one diagnostic line",
        arguments: Backend.all,
        [
            ("2026-02-30", "licensectl: error: --at: '2026-02-30' is not a date that exists\n"),
            (
                "2026-11-29T00:00:00",
                "licensectl: error: --at: date-time '2026-11-29T00:00:00' has no UTC offset; add 'Z' or an offset such as +01:00\n"
            ),
        ])
    func badAtExitsOne(_ backend: Backend, _ atAndMessage: (String, String)) throws {
        let (at, message) = atAndMessage
        let repo = try StateFixture.example(backend, label: "bad-at")
        defer { repo.remove() }
        let before = try repo.everything()
        for command in ["plan", "apply", "status"] {
            let run = try repo.run([command, "-C", repo.root, "--at", at] + (command == "apply" ? ["--yes"] : []))
            #expect(run.status == 1, "\(command): \(run)")
            #expect(run.stdout.isEmpty, "\(command)")
            #expect(run.stderr == message, "\(command)")
        }
        #expect(changedPaths(before, try repo.everything()) == [])
    }

    @Test(arguments: Backend.all)
    func unwritablePlanOutExitsOne(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "bad-out")
        defer { repo.remove() }
        let run = try repo.run(["plan", "-C", repo.root, "--at", "2026-11-29", "--out", "missing/p.json"])
        #expect(run.status == 1, "\(run)")
        #expect(
            run.stderr.hasSuffix("licensectl: error: cannot write 'missing/p.json': its folder does not exist\n"),
            "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(!repo.exists("missing"))
    }

    @Test(arguments: Backend.all)
    func missingPlanFileExitsOne(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "no-plan-file")
        defer { repo.remove() }
        let before = try repo.everything()
        let run = try repo.run(["apply", "-C", repo.root, "missing.json"])
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr == "licensectl: error: cannot read plan file 'missing.json'\n")
        #expect(changedPaths(before, try repo.everything()) == [])
    }

    @Test(arguments: Backend.all)
    func planFileThatIsNotAPlanExitsOne(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "not-a-plan")
        defer { repo.remove() }
        try repo.write("p.json", "[1, 2]\n")
        let run = try repo.run(["apply", "-C", repo.root, "p.json"])
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr == "licensectl: error: p.json: not a licensectl plan: expected a JSON object at the top\n")
    }
}
