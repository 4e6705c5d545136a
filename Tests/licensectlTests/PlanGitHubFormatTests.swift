import Foundation
import Testing

/// `plan --format github` (docs/cli.md §6, docs/README.md §8 "Output"): every diagnostic as a workflow command, state-
/// dependent ones included and none consolidated, then the text plan.
@Suite struct PlanGitHubFormatTests {
    @Test func everyDiagnosticIsAnAnnotationThenTheTextPlan() throws {
        let repo = try TempRepo.example(label: "plan-github")
        defer { repo.remove() }
        let run = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29", "--format", "github"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.isEmpty)
        let text = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29"])
        #expect(
            run.stdout == """
                ::warning file=fixtures/platform/baltic-ports-licenses.csv,line=5,col=1::4CAC-****-CD74 is adopted 3 days before it expires at 2026-12-02T07:45:00Z: the platform sent its reminders until now and 1 reminder is left; redeem and activate its replacement before then
                ::warning file=tenants/acme-water.yaml,line=8,col=9::tenant 'acme-water': 2 of 10 connected routers rejected (capacity 8)
                ::warning file=tenants/emea/nordlicht-ferries.yaml,line=20,col=7::3BE6-****-E47F is still available and its stock expires at 2026-12-10T00:00:00Z (in 11 days); activate it before then
                ::warning file=tenants/emea/nordlicht-ferries.yaml,line=23,col=7::2A11-****-ECE6 is still available and its stock expires at 2026-12-10T00:00:00Z (in 11 days); activate it before then
                ::warning file=tenants/stadtwerke-nord.yaml,line=9,col=9::tenant 'stadtwerke-nord': 9 of 64 connected routers rejected (capacity 55)

                """ + text.stdout)
    }

    @Test func stateDependentErrorsAreAnnotatedAndRefuseThePlan() throws {
        let repo = try TempRepo.example(label: "plan-github-error")
        defer { repo.remove() }
        // --at before the tenants' appliedAt is an error that needs state (docs/rules.md §4.5).
        let run = try licensectl(["plan", "-C", repo.root, "--at", "2026-01-01", "--format", "github"])
        #expect(run.status == 1)
        let annotations = run.stdout.split(separator: "\n").filter { $0.hasPrefix("::error") }
        #expect(!annotations.isEmpty, "\(run)")
        #expect(
            annotations.allSatisfy {
                $0.hasPrefix("::error file=state/tenants/") || $0.hasPrefix("::error file=tenants/")
                    || $0.hasPrefix("::error::")
            })
        // The verdict is the text plan's last line, said once (newcomer run 8: a second,
        // differently worded refusal followed on stderr).
        #expect(
            run.stdout.hasSuffix(
                "\nPlan refused: \(annotations.count) error\(annotations.count == 1 ? "" : "s"), 0 warnings; nothing can be applied: fix the errors and plan again\n"
            ), "\(run.stdout)")
        #expect(!run.stderr.contains("Plan refused"), "\(run.stderr)")
    }

    @Test func applyConsolidatesTheStandingWarningsOfUnchangedTenantsToo() throws {
        let repo = try TempRepo.example(label: "apply-consolidated")
        defer { repo.remove() }
        let run = try licensectl(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes"])
        #expect(run.status == 0, "\(run)")
        #expect(
            run.stderr.hasPrefix(
                """
                fixtures/platform/baltic-ports-licenses.csv:5:1: warning: 4CAC-****-CD74 is adopted 3 days before it expires at 2026-12-02T07:45:00Z: the platform sent its reminders until now and 1 reminder is left; redeem and activate its replacement before then
                tenants/acme-water.yaml:8:9: warning: tenant 'acme-water': 2 of 10 connected routers rejected (capacity 8)
                licensectl: warning: 1 tenant: rejected routers (stadtwerke-nord)
                licensectl: warning: 1 tenant: stock expiring (nordlicht-ferries)

                """), "\(run.stderr)")
    }

    /// GitHub shows only the first 10 warning annotations of a step: the warnings of the
    /// tenants a change touched come before the standing warnings of unchanged tenants, so a
    /// pull request sees its own annotations first (README "Choices where the contract is
    /// silent"). Every diagnostic is still printed.
    @Test func warningsOfChangedTenantsComeBeforeStandingWarnings() throws {
        let repo = try TempRepo.example(label: "plan-github-order")
        defer { repo.remove() }
        let apply = try licensectl(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes"])
        #expect(apply.status == 0, "\(apply)")
        // One more connected router for stadtwerke-nord (sorted last): its tenant changes, the
        // other tenants' warnings only repeat standing conditions.
        let devices = "fixtures/devices/stadtwerke-nord.csv"
        try repo.write(devices, try repo.read(devices) + "00A0BAFF0001;2026-11-28T10:00:00Z\n")
        let run = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29", "--format", "github"])
        #expect(run.status == 0, "\(run)")
        let annotations = run.stdout.split(separator: "\n").filter { $0.hasPrefix("::") }
        #expect(
            annotations == [
                "::warning file=tenants/stadtwerke-nord.yaml,line=9,col=9::tenant 'stadtwerke-nord': 10 of 65 connected routers rejected (capacity 55)",
                "::warning file=tenants/acme-water.yaml,line=8,col=9::tenant 'acme-water': 2 of 10 connected routers rejected (capacity 8)",
                "::warning file=tenants/emea/nordlicht-ferries.yaml,line=20,col=7::3BE6-****-E47F is still available and its stock expires at 2026-12-10T00:00:00Z (in 11 days); activate it before then",
                "::warning file=tenants/emea/nordlicht-ferries.yaml,line=23,col=7::2A11-****-ECE6 is still available and its stock expires at 2026-12-10T00:00:00Z (in 11 days); activate it before then",
            ], "\(run.stdout)")
    }

    /// A router serial is an identifier, not a secret: quoted in full in every format (a bug
    /// masked it in annotations only), and `show PLANFILE` prints it as the plan did.
    @Test func routerSerialsStayReadableInAnnotationsAndSavedPlans() throws {
        let repo = try TempRepo.example(label: "plan-github-serial")
        defer { repo.remove() }
        let devices = "fixtures/devices/stadtwerke-nord.csv"
        try repo.write(devices, try repo.read(devices) + "00a0bac02245;2024-03-08T06:20:00Z\n")
        let github = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29", "--format", "github"])
        let text = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29", "--out", "p.plan.json"])
        #expect(github.status == 0 && text.status == 0, "\(github)\n\(text)")
        let warning = "fixtures/devices/stadtwerke-nord.csv,line=72,col=1::serial 00a0bac02245 appears again"
        #expect(github.stdout.contains("::warning file=" + warning), "\(github.stdout)")
        #expect(text.stderr.contains("stadtwerke-nord.csv:72:1: warning: serial 00a0bac02245 appears again"))
        let show = try licensectl(["show", "-C", repo.root, "p.plan.json"])
        #expect(show.stdout + show.stderr == text.stdout + text.stderr)
    }

    @Test func showPlanFileKeepsRouterSerialsInDiagnostics() throws {
        let repo = try TempRepo.example(label: "show-plan-serial")
        defer { repo.remove() }
        // A router connected after `at` is a warning naming its serial.
        let devices = "fixtures/devices/stadtwerke-nord.csv"
        try repo.write(devices, try repo.read(devices) + "00A0BAFF0002;2026-12-24T10:00:00Z\n")
        let plan = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29", "--out", "p.plan.json"])
        #expect(plan.status == 0, "\(plan)")
        #expect(plan.stderr.contains("00A0BAFF0002"), "\(plan.stderr)")
        let show = try licensectl(["show", "-C", repo.root, "p.plan.json"])
        #expect(show.status == 0, "\(show)")
        #expect(show.stdout + show.stderr == plan.stdout + plan.stderr)
    }
}
