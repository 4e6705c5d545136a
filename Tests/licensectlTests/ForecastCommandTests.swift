import Foundation
import PostgresTestSupport
import Testing

/// A repo with spare capacity: one Cloud Basic 25 activated now, two routers connected.
private let spareCapacityRepo = [
    "tenants/quiet.yaml": """
    apiVersion: licensectl/v1
    kind: Tenant
    metadata:
      name: quiet-pond
    spec:
      licenses:
        - code: 1234-5678-9ABC
          type: Cloud Basic 25
          issued: 2026-06-01
          activate: immediately
      routers:
        - serial: R1
          connectedAt: 2026-10-01T00:00:00Z
        - serial: R2
          connectedAt: 2026-10-02T00:00:00Z

    """
]

@Suite(.postgresClusterOnDemand) struct ForecastCommandTests {
    enum Case: String, CaseIterable {
        case text, json, markdown, svg
        var golden: String {
            switch self {
            case .text: "example.txt"
            case .json: "example.json"
            case .markdown: "example.md"
            case .svg: "example.svg"
            }
        }
    }

    /// The same bytes from recorded state in a directory or in PostgreSQL.
    @Test(arguments: Backend.all, Case.allCases)
    func exampleRepoForecastMatchesGoldenOutput(_ backend: Backend, _ format: Case) throws {
        let repo = try StateFixture.example(backend, label: "forecast")
        defer { repo.remove() }
        let result = try repo.run(["forecast", "-C", repo.root, "--at", "2026-11-29", "--format", format.rawValue])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.isEmpty)
        assertForecastSnapshot(result.stdout, named: format.golden)
    }

    @Test func showCodesPrintsFullCodesInTextOutput() throws {
        let root = try copyOfExampleRepo()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let masked = try runLicensectl(["forecast", "nordlicht-ferries", "-C", root, "--at", "2026-11-29"])
        let shown = try runLicensectl([
            "forecast", "nordlicht-ferries", "-C", root, "--at", "2026-11-29", "--show-codes",
        ])
        #expect(masked.stdout.contains("- stock-expire  2 licenses  2A11-****-ECE6, 3BE6-****-E47F"))
        #expect(!masked.stdout.contains("2A11-67EE-ECE6"))
        #expect(shown.stdout.contains("- stock-expire  2 licenses  2A11-67EE-ECE6, "))
    }

    @Test func namedTenantsLimitTheForecast() throws {
        let root = try copyOfExampleRepo()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try runLicensectl([
            "forecast", "harbor-lights", "-C", root, "--at", "2026-11-29", "--format", "json",
        ])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let tenants = try #require(object["tenants"] as? [[String: Any]])
        #expect(tenants.map { $0["tenant"] as? String } == ["harbor-lights"])
        #expect(object["until"] as? String == "2027-02-27T00:00:00Z")
    }

    @Test func failOnRejectionExitsTwoWhenARouterWouldBeOfflineAndPrintsTheForecastFirst() throws {
        let root = try copyOfExampleRepo()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try runLicensectl(["forecast", "-C", root, "--at", "2026-11-29", "--fail-on-rejection"])
        #expect(result.status == 2)
        assertForecastSnapshot(result.stdout, named: "example.txt")
    }

    @Test func failOnRejectionExitsZeroWithSpareCapacity() throws {
        let root = try makeRepo(spareCapacityRepo)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try runLicensectl(["forecast", "-C", root, "--at", "2026-11-29", "--fail-on-rejection"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.hasSuffix("\n1 tenant, 0 events; no router would be rejected within 90 days\n"))
    }

    @Test func aRouterAlreadyRejectedAtTheStartDoesNotFailTheForecast() throws {
        var files = spareCapacityRepo
        files["tenants/quiet.yaml"] = files["tenants/quiet.yaml"]?.replacingOccurrences(
            of: "Cloud Basic 25", with: "Cloud Basic 1")
        let root = try makeRepo(files)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try runLicensectl([
            "forecast", "-C", root, "--at", "2026-11-29", "--days", "10", "--fail-on-rejection",
        ])
        #expect(result.status == 0)
        #expect(
            result.stdout.hasSuffix(
                "\n1 tenant, 0 events; no router would be rejected within 10 days; 1 router already rejected at the start\n"
            ))
    }

    @Test func notConnectedRoutersAreNoRejection() throws {
        var files = spareCapacityRepo
        files["tenants/quiet.yaml"] = (files["tenants/quiet.yaml"] ?? "") + "    - serial: R3\n"
        let root = try makeRepo(files)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try runLicensectl(["forecast", "-C", root, "--at", "2026-11-29", "--fail-on-rejection"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("quiet-pond: full, capacity 25, 2 online, 0 rejected, 1 not connected\n"))
    }

    @Test func unknownTenantIsAnError() throws {
        let root = try copyOfExampleRepo()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try runLicensectl(["forecast", "acme-waterr", "-C", root, "--at", "2026-11-29"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr
                == "licensectl: error: unknown tenant 'acme-waterr': no manifest and no state file names it; did you mean 'acme-water'? known tenants: acme-water, baltic-ports, harbor-lights, nordlicht-ferries, stadtwerke-nord\n"
        )
    }

    @Test func aPlanWithErrorsIsRefused() throws {
        var files = spareCapacityRepo
        files["tenants/other.yaml"] = """
            apiVersion: licensectl/v1
            kind: Tenant
            metadata:
              name: other
            spec:
              licenses:
                - code: 1234-5678-9ABC
                  type: Cloud Basic 1
                  issued: 2026-06-01

            """
        let root = try makeRepo(files)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try runLicensectl(["forecast", "-C", root, "--at", "2026-11-29", "--fail-on-rejection"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr == """
                tenants/other.yaml:7:7: error: code 1234-****-9ABC is also declared by tenant 'quiet-pond' at tenants/quiet.yaml:7:7; a code belongs to exactly one tenant
                tenants/quiet.yaml:7:7: error: code 1234-****-9ABC is also declared by tenant 'other' at tenants/other.yaml:7:7; a code belongs to exactly one tenant
                Forecast refused: the plan at 2026-11-29T00:00:00Z has 2 error(s).

                """)
    }

    @Test func negativeDaysAreRejected() throws {
        let result = try runLicensectl(["forecast", "--days=-1"])
        #expect(result.status == 1)  // usage errors exit 1 like every error (docs/cli.md §6)
        #expect(result.stderr.contains("--days: expected a whole number of days from 0 to 36500, found -1"))
        // Without `=`: `-1` is the value, not a flag (it said "Missing value for '--days <N>'").
        let spaced = try runLicensectl(["forecast", "--days", "-1"])
        #expect(spaced.status == 1)
        #expect(
            spaced.stderr.contains("--days: expected a whole number of days from 0 to 36500, found -1"),
            "\(spaced.stderr)")
    }
}
