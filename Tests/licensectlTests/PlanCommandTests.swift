import Foundation
import PostgresTestSupport
import Testing

/// `licensectl plan` end to end on a copy of the example repo (docs/cli.md §6): golden output in every
/// format, determinism, `--detailed-exitcode` — on both state backends, with the same bytes.
@Suite(.postgresClusterOnDemand) struct PlanCommandTests {
    enum Case: String, CaseIterable, CustomTestStringConvertible {
        /// The shipped state (applied 2025-01-01 and 2026-11-01), planned at 2026-11-29.
        case exampleAt20261129
        /// No state at all: the first plan, at 2025-01-01.
        case noStateAt20250101

        var at: String { self == .exampleAt20261129 ? "2026-11-29" : "2025-01-01" }
        var withState: Bool { self == .exampleAt20261129 }
        var goldenPrefix: String { self == .exampleAt20261129 ? "plan-example-2026-11-29" : "plan-no-state-2025-01-01" }
        var testDescription: String { rawValue }
    }

    enum Format: String, CaseIterable {
        case text, json, markdown
        var fileExtension: String { ["text": "txt", "json": "json", "markdown": "md"][rawValue] ?? rawValue }
    }

    @Test(
        "plan output matches the golden file for every format",
        arguments: Backend.all, Case.allCases.flatMap { example in Format.allCases.map { (example, $0) } })
    func planOutputMatchesGolden(_ backend: Backend, _ example: (Case, Format)) throws {
        let (example, format) = example
        let repo = try StateFixture.example(backend, withState: example.withState, label: "plan-golden")
        defer { repo.remove() }
        let run = try repo.run(["plan", "-C", repo.root, "--at", example.at, "--format", format.rawValue])
        #expect(run.status == 0, "\(run)")
        assertGolden(run.stdout, named: "\(example.goldenPrefix).\(format.fileExtension)")
    }

    @Test(arguments: Backend.all)
    func laterPlanAfterApplyShowsExpiriesInvalidationAndRejections(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "walkthrough")
        defer { repo.remove() }
        let apply = try repo.run(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes"])
        #expect(apply.status == 0, "\(apply)")
        let run = try repo.run(["plan", "-C", repo.root, "--at", "2026-12-21", "--detailed-exitcode"])
        #expect(run.status == 2, "\(run)")
        assertGolden(run.stdout, named: "plan-after-apply-2026-12-21.txt")
        assertGolden(run.stderr, named: "plan-after-apply-2026-12-21.stderr")
    }

    @Test(arguments: Backend.all)
    func planDiagnosticsOnStderrMatchTheGoldenFile(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "plan-stderr")
        defer { repo.remove() }
        let run = try repo.run(["plan", "-C", repo.root, "--at", "2026-11-29"])
        #expect(run.status == 0)
        assertGolden(run.stderr, named: "plan-example-2026-11-29.stderr")
    }

    /// The README's first command plans the shipped example at the current time; it must keep
    /// working on any later day (no plan error appears as time passes), and without --at.
    @Test(arguments: Backend.all, [nil, "2026-12-21", "2027-06-01", "2030-01-01"])
    func exampleRepoPlansWithoutErrorsOnAnyLaterDay(_ backend: Backend, at: String?) throws {
        let repo = try StateFixture.example(backend, label: "plan-later")
        defer { repo.remove() }
        let run = try repo.run(["plan", "-C", repo.root] + (at.map { ["--at", $0] } ?? []))
        #expect(run.status == 0, "\(run)")
        #expect(!run.stderr.contains(": error: "), "\(run.stderr)")
    }

    @Test(arguments: Backend.all)
    func planWritesNothing(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "plan-readonly")
        defer { repo.remove() }
        let before = try repo.everything()
        let run = try repo.run(["plan", "-C", repo.root, "--at", "2026-11-29", "--format", "json"])
        #expect(run.status == 0)
        #expect(changedPaths(before, try repo.everything()) == [])
    }

    @Test("the same inputs, state and --at give byte-identical output", arguments: Backend.all, Format.allCases)
    func planTwiceIsByteIdentical(_ backend: Backend, _ format: Format) throws {
        let repo = try StateFixture.example(backend, label: "plan-twice")
        defer { repo.remove() }
        let arguments = ["plan", "-C", repo.root, "--at", "2026-11-29T06:30:00Z", "--format", format.rawValue]
        let first = try repo.run(arguments)
        let second = try repo.run(arguments)
        #expect(first.status == 0)
        #expect(!first.stdout.isEmpty)
        #expect(first.stdout == second.stdout)
        #expect(first.stderr == second.stderr)
    }

    @Test(arguments: Backend.all)
    func detailedExitcodeIsTwoWhenThePlanHasChanges(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "exit-2")
        defer { repo.remove() }
        let run = try repo.run(["plan", "-C", repo.root, "--at", "2026-11-29", "--detailed-exitcode"])
        #expect(run.status == 2, "\(run)")
        #expect(!run.signaled)
        #expect(run.stdout.contains("Plan: 5 tenants, 3 changed"))
    }

    @Test(arguments: Backend.all)
    func detailedExitcodeIsZeroAfterApplyingAtTheSameAt(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "exit-0")
        defer { repo.remove() }
        let apply = try repo.run(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes"])
        #expect(apply.status == 0, "\(apply)")
        let run = try repo.run(["plan", "-C", repo.root, "--at", "2026-11-29", "--detailed-exitcode"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("No changes."))
    }

    @Test(arguments: Backend.all)
    func withoutDetailedExitcodeChangesStillExitZero(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "exit-plain")
        defer { repo.remove() }
        let run = try repo.run(["plan", "-C", repo.root, "--at", "2026-11-29"])
        #expect(run.status == 0)
    }

    @Test("a bad manifest exits 1, with or without --detailed-exitcode", arguments: Backend.all, [true, false])
    func badManifestExitsOne(_ backend: Backend, _ detailed: Bool) throws {
        let repo = try StateFixture.example(backend, label: "exit-1")
        defer { repo.remove() }
        let manifest = try repo.read("tenants/emea/nordlicht-ferries.yaml")
            .replacingOccurrences(of: "      term: P2Y\n", with: "      term: P2Y\n      renew: yes\n")
        try repo.write("tenants/emea/nordlicht-ferries.yaml", manifest)
        let run = try repo.run(
            ["plan", "-C", repo.root, "--at", "2026-11-29"] + (detailed ? ["--detailed-exitcode"] : []))
        #expect(run.status == 1, "\(run)")
        #expect(
            run.stderr.contains(
                "tenants/emea/nordlicht-ferries.yaml:19:14: error: renew: expected true or false, found 'yes'; write true\n"
            ),
            "\(run.stderr)")
        #expect(run.stderr.hasSuffix("nothing was written.\n"))
    }

    @Test(arguments: Backend.all)
    func showCodesPrintsFullCodesAndTheDefaultMasksThem(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "show-codes")
        defer { repo.remove() }
        let masked = try repo.run(["plan", "-C", repo.root, "--at", "2026-11-29"])
        let shown = try repo.run(["plan", "-C", repo.root, "--at", "2026-11-29", "--show-codes"])
        #expect(masked.stdout.contains("8018-****-EAF5"))
        #expect(!masked.stdout.contains("8018-A460-EAF5"))
        #expect(shown.stdout.contains("8018-A460-EAF5"))
    }
}
