import Testing

@testable import LicenseKit

/// docs/cli.md §6 and docs/README.md §8 "Output": human plans lead with the change and consolidate the standing
/// warnings of unchanged tenants; JSON keeps every diagnostic.
@Suite struct PlanConsolidationTests {
    typealias P = PlanFixtures

    /// `count` tenants, the one at `changedIndex` changed; every tenant has a rejected-routers
    /// warning and every third a stock-expiry warning; plus one repo warning.
    static func fleet(_ count: Int, changedIndex: Int) -> Plan {
        var tenants: [TenantPlan] = []
        var diagnostics: [Diagnostic] = []
        for i in 0..<count {
            let name = "t-\(String(repeating: "0", count: 5 - String(i).count))\(i)"
            let changed = i == changedIndex
            tenants.append(
                TenantPlan(
                    tenant: name, prior: PriorRef(lineage: "l-\(i)", serial: 1), changed: changed,
                    events: changed
                        ? [
                            P.event(
                                "2026-11-29T00:00:00Z", .activate, code: "96D9-3718-59E5",
                                expiresAt: "2027-11-29T00:00:00Z")
                        ] : [],
                    after: TenantAfter(
                        mode: .full, capacity: 1, online: ["A"],
                        offline: [OfflineRouter(serial: "B", reason: .capacity)],
                        licenses: P.counts(active: 1)),
                    before: TenantSummary(mode: .full, capacity: 1, online: 1, offline: 1)))
            diagnostics.append(
                .warning(
                    "tenant '\(name)': 1 of 2 connected routers rejected (capacity 1)",
                    at: SourceLocation(file: "tenants/\(name).yaml", line: 4, column: 9),
                    standing: .rejectedRouters, tenant: name))
            if i % 3 == 0 {
                diagnostics.append(
                    .warning(
                        "AAAA-1111-\(String(format: "%04d", i % 10_000)) is still available and its stock expires soon",
                        at: SourceLocation(file: "tenants/\(name).yaml", line: 12, column: 7),
                        standing: .stockExpiring, tenant: name))
            }
        }
        diagnostics.append(.warning("a repo warning", at: SourceLocation(file: "fixtures/x.csv", line: 2)))
        return Plan(at: P.at, inputsDigest: P.digest, tenants: tenants, diagnostics: diagnostics)
    }

    @Test func standingWarningsOfUnchangedTenantsAreOneLinePerKind() {
        let plan = Self.fleet(5, changedIndex: 1)
        let human = HumanDiagnostics(plan)
        #expect(
            human.diagnostics.map(\.description) == [
                "fixtures/x.csv:2:1: warning: a repo warning",
                "tenants/t-00001.yaml:4:9: warning: tenant 't-00001': 1 of 2 connected routers rejected (capacity 1)",
                "licensectl: warning: 4 tenants: rejected routers (t-00000, t-00002, t-00003 and 1 more)",
                "licensectl: warning: 2 tenants: stock expiring (t-00000, t-00003)",
            ])
        #expect(human.consolidated.count == 6)
        #expect(plan.summary.warnings == 8, "the summary still counts every diagnostic")
    }

    @Test func textPlanPrintsTheChangeBeforeTheConsolidatedWarnings() {
        let text = PlanText.render(Self.fleet(300, changedIndex: 150), showCodes: false)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count < 20, "\(text)")
        #expect(lines.prefix(5).contains { $0.hasPrefix("~ tenant t-00150") })
        #expect(
            text.contains(
                "licensectl: warning: 299 tenants: rejected routers (t-00000, t-00001, t-00002 and 296 more)\n"))
        #expect(
            text.contains("licensectl: warning: 99 tenants: stock expiring (t-00000, t-00003, t-00006 and 96 more)\n"))
    }

    @Test func markdownAt10000TenantsStaysBelowGitHubsLimitWithTheChangeVisible() {
        let md = PlanMarkdown.render(Self.fleet(10_000, changedIndex: 9_999), showCodes: false)
        #expect(md.utf8.count < 65_536)
        let lines = md.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.prefix(40).contains { $0.contains("<code>~ t-09999</code>") })
        #expect(md.contains("`+ activate` | `96D9-****-59E5`"))
        #expect(md.contains("- **warning** 9999 tenants: rejected routers (t-00000, t-00001, t-00002 and 9996 more)\n"))
        #expect(md.contains("<details><summary>13332 standing warnings of unchanged tenants</summary>"))
        #expect(md.contains("more (see `licensectl plan --format json`)"))
        // The section of diagnostics comes after the change.
        let change = md.range(of: "<code>~ t-09999</code>")?.lowerBound
        let section = md.range(of: "### Errors and warnings")?.lowerBound
        #expect(change != nil && section != nil && change ?? md.endIndex < section ?? md.startIndex)
        #expect(!md.contains("AAAA-1111"), "codes in diagnostics are masked")
    }
}
