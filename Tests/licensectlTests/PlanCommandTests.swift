import Foundation
import Testing

/// `licensectl plan` end to end on a copy of the example repo (docs/cli.md §6): golden output in every
/// format, determinism, `--detailed-exitcode`.
@Suite struct PlanCommandTests {
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

    @Test("plan output matches the golden file for every format", arguments: Case.allCases, Format.allCases)
    func planOutputMatchesGolden(_ example: Case, _ format: Format) throws {
        let repo = try TempRepo.example(withState: example.withState, label: "plan-golden")
        defer { repo.remove() }
        let run = try licensectl(["plan", "-C", repo.root, "--at", example.at, "--format", format.rawValue])
        #expect(run.status == 0, "\(run)")
        assertGolden(run.stdout, named: "\(example.goldenPrefix).\(format.fileExtension)")
    }

    @Test func laterPlanAfterApplyShowsExpiriesInvalidationAndRejections() throws {
        let repo = try TempRepo.example(label: "walkthrough")
        defer { repo.remove() }
        let apply = try licensectl(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes"])
        #expect(apply.status == 0, "\(apply)")
        let run = try licensectl(["plan", "-C", repo.root, "--at", "2026-12-21", "--detailed-exitcode"])
        #expect(run.status == 2, "\(run)")
        assertGolden(run.stdout, named: "plan-after-apply-2026-12-21.txt")
        assertGolden(run.stderr, named: "plan-after-apply-2026-12-21.stderr")
    }

    @Test func planDiagnosticsOnStderrMatchTheGoldenFile() throws {
        let repo = try TempRepo.example(label: "plan-stderr")
        defer { repo.remove() }
        let run = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29"])
        #expect(run.status == 0)
        assertGolden(run.stderr, named: "plan-example-2026-11-29.stderr")
    }

    /// The README's first command plans the shipped example at the current time; it must keep
    /// working on any later day (no plan error appears as time passes), and without --at.
    @Test(arguments: [nil, "2026-12-21", "2027-06-01", "2030-01-01"])
    func exampleRepoPlansWithoutErrorsOnAnyLaterDay(at: String?) throws {
        let repo = try TempRepo.example(label: "plan-later")
        defer { repo.remove() }
        let run = try licensectl(["plan", "-C", repo.root] + (at.map { ["--at", $0] } ?? []))
        #expect(run.status == 0, "\(run)")
        #expect(!run.stderr.contains(": error: "), "\(run.stderr)")
    }

    @Test func planWritesNothing() throws {
        let repo = try TempRepo.example(label: "plan-readonly")
        defer { repo.remove() }
        let before = repo.files()
        let run = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29", "--format", "json"])
        #expect(run.status == 0)
        #expect(changedPaths(before, repo.files()) == [])
    }

    @Test("the same inputs, state and --at give byte-identical output", arguments: Format.allCases)
    func planTwiceIsByteIdentical(_ format: Format) throws {
        let repo = try TempRepo.example(label: "plan-twice")
        defer { repo.remove() }
        let arguments = ["plan", "-C", repo.root, "--at", "2026-11-29T06:30:00Z", "--format", format.rawValue]
        let first = try licensectl(arguments)
        let second = try licensectl(arguments)
        #expect(first.status == 0)
        #expect(!first.stdout.isEmpty)
        #expect(first.stdout == second.stdout)
        #expect(first.stderr == second.stderr)
    }

    @Test func detailedExitcodeIsTwoWhenThePlanHasChanges() throws {
        let repo = try TempRepo.example(label: "exit-2")
        defer { repo.remove() }
        let run = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29", "--detailed-exitcode"])
        #expect(run.status == 2, "\(run)")
        #expect(!run.signaled)
        #expect(run.stdout.contains("Plan: 5 tenants, 3 changed"))
    }

    @Test func detailedExitcodeIsZeroAfterApplyingAtTheSameAt() throws {
        let repo = try TempRepo.example(label: "exit-0")
        defer { repo.remove() }
        let apply = try licensectl(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes"])
        #expect(apply.status == 0, "\(apply)")
        let run = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29", "--detailed-exitcode"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("No changes."))
    }

    @Test func withoutDetailedExitcodeChangesStillExitZero() throws {
        let repo = try TempRepo.example(label: "exit-plain")
        defer { repo.remove() }
        let run = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29"])
        #expect(run.status == 0)
    }

    @Test("a bad manifest exits 1, with or without --detailed-exitcode", arguments: [true, false])
    func badManifestExitsOne(_ detailed: Bool) throws {
        let repo = try TempRepo.example(label: "exit-1")
        defer { repo.remove() }
        let manifest = try repo.read("tenants/emea/nordlicht-ferries.yaml")
            .replacingOccurrences(of: "      term: P2Y\n", with: "      term: P2Y\n      renew: yes\n")
        try repo.write("tenants/emea/nordlicht-ferries.yaml", manifest)
        let run = try licensectl(
            ["plan", "-C", repo.root, "--at", "2026-11-29"] + (detailed ? ["--detailed-exitcode"] : []))
        #expect(run.status == 1, "\(run)")
        #expect(
            run.stderr.contains(
                "tenants/emea/nordlicht-ferries.yaml:19:14: error: renew: expected true or false, found 'yes'; write true\n"
            ),
            "\(run.stderr)")
        #expect(run.stderr.hasSuffix("nothing was written.\n"))
    }

    @Test func showCodesPrintsFullCodesAndTheDefaultMasksThem() throws {
        let repo = try TempRepo.example(label: "show-codes")
        defer { repo.remove() }
        let masked = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29"])
        let shown = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29", "--show-codes"])
        #expect(masked.stdout.contains("8018-****-EAF5"))
        #expect(!masked.stdout.contains("8018-A460-EAF5"))
        #expect(shown.stdout.contains("8018-A460-EAF5"))
    }
}
