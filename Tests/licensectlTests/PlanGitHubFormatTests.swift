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
        #expect(
            run.stderr.hasSuffix("Plan refused: \(annotations.count) error(s); nothing was written.\n"), "\(run.stderr)"
        )
    }

    @Test func applyConsolidatesTheStandingWarningsOfUnchangedTenantsToo() throws {
        let repo = try TempRepo.example(label: "apply-consolidated")
        defer { repo.remove() }
        let run = try licensectl(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes"])
        #expect(run.status == 0, "\(run)")
        #expect(
            run.stderr.hasPrefix(
                """
                tenants/acme-water.yaml:8:9: warning: tenant 'acme-water': 2 of 10 connected routers rejected (capacity 8)
                licensectl: warning: 1 tenant: rejected routers (stadtwerke-nord)
                licensectl: warning: 1 tenant: stock expiring (nordlicht-ferries)

                """), "\(run.stderr)")
    }
}
