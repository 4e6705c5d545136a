import Foundation
import TestSupport
import Testing

/// Issue 11 acceptance: CI at 300 tenants shows the change first, consolidates the standing
/// warnings of unchanged tenants (docs/cli.md §6, docs/README.md §8 "Output"), and a gapless renewal forecasts clean.
@Suite(.serialized) struct FleetAcceptanceTests {
    static let at = SyntheticRepoGenerator.atText

    @Test func aPullRequestChangingOneOf300TenantsShowsThatTenantFirst() throws {
        let repo = try TempRepo(label: "fleet-300")
        defer { repo.remove() }
        var options = SyntheticRepoOptions()
        options.tenants = 300
        let synthetic = try SyntheticRepoGenerator.write(options, into: repo.root)
        let applied = try licensectl(["apply", "--yes", "-C", repo.root, "--at", Self.at])
        #expect(applied.status == 0, "\(applied)")

        // The pull request: one tenant gets a new Cloud Basic 25, activated at once.
        let manifest = try #require(synthetic.manifestPaths.dropFirst(149).first)
        let relative = String(manifest.dropFirst(repo.root.count + 1))
        let tenant = try #require(relative.split(separator: "/").last.map { String($0.dropLast(5)) })
        let text = try repo.read(relative)
        let added =
            "  licenses:\n    - code: FEED-FACE-0150\n      type: Cloud Basic 25\n      issued: 2026-11-01\n      activate: immediately\n"
        #expect(text.contains("  licenses:\n"))
        try repo.write(relative, text.replacingOccurrences(of: "  licenses:\n", with: added))

        let plan = try licensectl(["plan", "-C", repo.root, "--at", Self.at, "--format", "markdown"])
        #expect(plan.status == 0, "\(plan.stderr)")
        let lines = plan.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let first40 = lines.prefix(40).joined(separator: "\n")
        #expect(first40.contains("<code>~ \(tenant)</code>"), "\(first40)")
        #expect(first40.contains("FEED-****-0150"))
        #expect(plan.stdout.utf8.count < 65_536)

        // Unchanged tenants' standing warnings: one visible line per kind at most; the full list
        // only inside the collapsed section.
        let section = try #require(plan.stdout.range(of: "### Errors and warnings")).upperBound
        let afterSection = plan.stdout[section...]
        let beforeCollapsed = afterSection.components(separatedBy: "<details>").first ?? ""
        let warningLines = beforeCollapsed.split(separator: "\n").filter { $0.hasPrefix("- **warning**") }
        #expect(warningLines.count <= 5 + 2, "\(beforeCollapsed)")
        #expect(
            warningLines.contains { $0.contains("tenants: rejected routers (") && $0.contains("more)") },
            "\(beforeCollapsed)")

        // The text plan: stdout has one block; stderr a bounded number of lines.
        let textPlan = try licensectl(["plan", "-C", repo.root, "--at", Self.at])
        #expect(textPlan.status == 0)
        #expect(textPlan.stdout.contains("~ tenant \(tenant) (serial 1 → 2)"))
        #expect(textPlan.stdout.contains("299 tenants unchanged"))
        #expect(textPlan.stderr.split(separator: "\n").count <= 5 + 2, "\(textPlan.stderr)")

        // JSON keeps every diagnostic.
        let json = try licensectl(["plan", "-C", repo.root, "--at", Self.at, "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count > textPlan.stderr.split(separator: "\n").count)
        #expect(json.stderr.split(separator: "\n").count == diagnostics.count)

        // The fleet views of the 300 tenants: a bounded SVG, an HTML row per tenant.
        let svg = try licensectl(["forecast", "-C", repo.root, "--at", Self.at, "--format", "svg"])
        #expect(svg.status == 0)
        let height = svg.stdout.range(of: #"height=""#).map { svg.stdout[$0.upperBound...].prefix { $0 != "\"" } }
        #expect(height.flatMap { Double($0) }.map { $0 < 2_000 } == true, "height \(height ?? "none")")
        let html = try licensectl(["forecast", "-C", repo.root, "--at", Self.at, "--format", "html"])
        #expect(html.status == 0)
        #expect(html.stdout.components(separatedBy: "<tr>").count - 1 == 301)
        if let keep = ProcessInfo.processInfo.environment["LICENSECTL_KEEP_FLEET"] {
            try svg.stdout.write(toFile: keep + ".svg", atomically: true, encoding: .utf8)
            try html.stdout.write(toFile: keep + ".html", atomically: true, encoding: .utf8)
        }
    }

    /// Two Cloud Basic 1 expiring at 2027-01-01 and a Cloud Basic 25 scheduled for that instant.
    static let gaplessRenewal = """
        apiVersion: licensectl/v1
        kind: Tenant
        metadata:
          name: gapless
        spec:
          contacts: [ops@gapless.example]
          licenses:
            - code: 1111-2222-0001
              type: Cloud Basic 1
              issued: 2025-12-01
              activate: 2026-01-01
            - code: 1111-2222-0002
              type: Cloud Basic 1
              issued: 2025-12-01
              activate: 2026-01-01
            - code: 1111-2222-0003
              type: Cloud Basic 25
              issued: 2026-11-01
              activate: 2027-01-01
          routers:
            - serial: G1
              connectedAt: 2025-12-15T00:00:00Z
            - serial: G2
              connectedAt: 2025-12-16T00:00:00Z

        """

    @Test(arguments: ["text", "json", "markdown", "svg", "html"])
    func aGaplessRenewalForecastsWithoutRejection(format: String) throws {
        let repo = try TempRepo(label: "gapless")
        defer { repo.remove() }
        try repo.write("tenants/gapless.yaml", Self.gaplessRenewal)
        let applied = try licensectl(["apply", "--yes", "-C", repo.root, "--at", "2025-12-20"])
        #expect(applied.status == 0, "\(applied)")
        let run = try licensectl([
            "forecast", "-C", repo.root, "--at", "2026-12-15", "--days", "60",
            "--format", format, "--fail-on-rejection",
        ])
        #expect(run.status == 0, "\(run)")
        let out = run.stdout
        switch format {
        case "text":
            #expect(out.contains("2027-01-01T00:00:00Z  capacity 2 → 25, no router rejected"))
            #expect(out.hasSuffix("no router would be rejected within 60 days\n"))
        case "json":
            let object = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
            let summary = try #require(object["summary"] as? [String: Any])
            #expect(summary["firstRejection"] is NSNull)
            #expect(summary["rejectingTenants"] as? Int == 0)
            let tenants = try #require(object["tenants"] as? [[String: Any]])
            let events = try #require(tenants.first?["events"] as? [[String: Any]])
            #expect(events.filter { $0["at"] as? String == "2027-01-01T00:00:00Z" }.count == 3)
            #expect(events.allSatisfy { ($0["rejected"] as? [String])?.isEmpty == true })
        case "markdown":
            #expect(out.contains("**No router would be rejected within 60 days.**"))
        case "svg":
            #expect(out.contains(">No router would be rejected within 60 days<"))
            #expect(out.contains("no rejections"))
            #expect(!out.contains("rejected</text>") || out.contains("0 rejected"))
        default:
            #expect(out.contains("No router would be rejected within 60 days"))
        }
    }
}
