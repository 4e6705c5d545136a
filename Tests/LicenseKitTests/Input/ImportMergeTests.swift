import Foundation
import Testing

@testable import LicenseKit

/// Imports, `licenses` entries and device lists merged per tenant (docs/formats.md §3.1, docs/rules.md §4.2) and checked
/// across tenants (docs/rules.md §4.5).
@Suite struct ImportMergeTests {
    private let sales =
        "activation_code;license_type;issued;order\r\n96D9-3718-59E5;Cloud Basic 1;15.01.2026;A-1\r\n0000-0000-0001;Cloud Free;2026-01-15;\r\n"

    private func importing(_ files: [String], name: String = "acme", activate: String? = nil, extra: [String] = [])
        -> String
    {
        var spec = ["  imports:"]
        for file in files {
            spec.append("    - file: \(file)")
            if let activate { spec.append("      activate: \(activate)") }
        }
        return tenantYAML(name, spec: spec + extra)
    }

    @Test func importedCodesBecomeLicensesWithTheImportsActivation() throws {
        let repo = try TestRepo([
            "tenants/acme.yaml": importing(["../fixtures/sales.csv"], activate: "immediately"),
            "fixtures/sales.csv": sales,
        ])
        defer { repo.remove() }
        let loaded = repo.load()
        #expect(loaded.diagnostics.isEmpty)
        let licenses = try #require(loaded.tenants.first?.licenses)
        #expect(licenses.map(\.code.canonical) == ["0000-0000-0001", "96D9-3718-59E5"])
        #expect(licenses.allSatisfy { $0.activation == .immediately })
        #expect(licenses[1].order == "A-1")
        #expect(licenses[1].source.fileAndLine == "fixtures/sales.csv:2")
        #expect(licenses[1].activationSource == SourceLocation(file: "tenants/acme.yaml", line: 8, column: 17))
    }

    @Test func aBadSalesRowIsReportedOnceNotAlsoAtTheEntryThatOverridesItsCode() throws {
        let repo = try TestRepo([
            "tenants/acme.yaml": importing(
                ["../fixtures/sales.csv"],
                extra: [
                    "  licenses:", "    - code: 96D9-3718-59E5", "      activate: immediately",
                    "    - code: 4A1F-0C22-9B7E", "      activate: immediately",
                ]),
            "fixtures/sales.csv": "activation_code;license_type;issued\n96D9-3718-59E5;Cloud Basic 1;2026-02-30\n",
        ])
        defer { repo.remove() }
        #expect(
            repo.load().diagnostics.map(\.description) == [
                "fixtures/sales.csv:2:30: error: issued: '2026-02-30' is not a date that exists",
                "tenants/acme.yaml:11:7: error: licenses entry for code 4A1F-****-9B7E needs 'type' and 'issued' (required unless the code comes from an import)",
            ])
    }

    @Test func licensesEntryOverridesActivateAndRenewOfAnImportedCode() throws {
        let repo = try TestRepo([
            "tenants/acme.yaml": importing(
                ["../fixtures/sales.csv"],
                extra: [
                    "  licenses:", "    - code: 0000-0000-0001", "      renew: true", "      activate: 2026-12-01",
                ]),
            "fixtures/sales.csv": sales,
        ])
        defer { repo.remove() }
        let loaded = repo.load()
        #expect(loaded.diagnostics.isEmpty)
        let free = try #require(loaded.tenants.first?.licenses.first)
        #expect(free.renew)
        #expect(free.activation == .at(try Instant.parse("2026-12-01")))
        #expect(free.type == .cloudFree)
    }

    @Test(arguments: [
        (
            "type: Cloud Basic 25",
            "tenants/acme.yaml:10:13: error: type: 'Cloud Basic 25' differs from 'Cloud Basic 1' given for this code by fixtures/sales.csv:2; remove 'type' here or correct it"
        ),
        (
            "issued: 2026-01-16",
            "tenants/acme.yaml:10:15: error: issued: '2026-01-16' differs from '2026-01-15' given for this code by fixtures/sales.csv:2; remove 'issued' here or correct it"
        ),
        (
            "term: P2Y",
            "tenants/acme.yaml:10:13: error: term: 'P2Y' differs from 'P1Y' given for this code by fixtures/sales.csv:2; remove 'term' here or correct it"
        ),
    ])
    func licensesEntryDifferingFromItsImportIsAnError(line: String, expected: String) throws {
        let repo = try TestRepo([
            "tenants/acme.yaml": importing(
                ["../fixtures/sales.csv"], extra: ["  licenses:", "    - code: 96D9-3718-59E5", "      " + line]),
            "fixtures/sales.csv": sales,
        ])
        defer { repo.remove() }
        #expect(repo.load().diagnostics.map(\.description) == [expected])
    }

    @Test func sameCodeInTwoImportsOfOneTenantMergesWithAWarning() throws {
        let repo = try TestRepo([
            "tenants/acme.yaml": importing(["../fixtures/a.csv", "../fixtures/b.csv"]),
            "fixtures/a.csv": sales,
            "fixtures/b.csv": "code,type,issued\n96D9-3718-59E5,Cloud Basic 1,2026-01-15\n",
        ])
        defer { repo.remove() }
        let loaded = repo.load()
        #expect(
            loaded.diagnostics.map(\.description) == [
                "fixtures/b.csv:2:1: warning: code 96D9-****-59E5 is imported twice (also at fixtures/a.csv:2:1); merged"
            ])
        #expect(loaded.tenants.first?.licenses.count == 2)
    }

    @Test func sameCodeInTwoImportsWithDifferentActivateIsAnError() throws {
        let manifest = tenantYAML(spec: [
            "  imports:", "    - file: ../fixtures/a.csv", "      activate: immediately",
            "    - file: ../fixtures/b.csv", "      activate: 2026-12-01",
        ])
        let repo = try TestRepo([
            "tenants/acme.yaml": manifest,
            "fixtures/a.csv": sales,
            "fixtures/b.csv": "code,type,issued\n96D9-3718-59E5,Cloud Basic 1,2026-01-15\n",
        ])
        defer { repo.remove() }
        #expect(
            repo.load().diagnostics.map(\.description) == [
                "tenants/acme.yaml:10:17: error: code 96D9-****-59E5 is imported twice with different 'activate': '2026-12-01T00:00:00Z' here, 'immediately' at tenants/acme.yaml:8:17"
            ])
    }

    @Test func sameCodeInTwoImportsWithDifferentTypeIsAnError() throws {
        let repo = try TestRepo([
            "tenants/acme.yaml": importing(["../fixtures/a.csv", "../fixtures/b.csv"]),
            "fixtures/a.csv": sales,
            "fixtures/b.csv": "code,type,issued\n96D9-3718-59E5,Cloud Basic 25,2026-01-15\n",
        ])
        defer { repo.remove() }
        #expect(
            repo.load().diagnostics.map(\.description) == [
                "fixtures/b.csv:2:1: error: code 96D9-****-59E5 is imported again with different values: 'Cloud Basic 25', issued 2026-01-15, term P1Y here, 'Cloud Basic 1', issued 2026-01-15, term P1Y at fixtures/a.csv:2:1"
            ])
    }

    @Test func csvSharedByTwoTenantsIsReadOnceAndItsCodesAreInTwoTenants() throws {
        let repo = try TestRepo([
            "tenants/a.yaml": importing(["../fixtures/sales.csv"], name: "alpha"),
            "tenants/b.yaml": importing(["../fixtures/sales.csv"], name: "beta"),
            "fixtures/sales.csv": sales,
        ])
        defer { repo.remove() }
        #expect(
            repo.load().diagnostics.map(\.description) == [
                "tenants/a.yaml:7:7: error: fixtures/sales.csv is also imported by tenant 'beta' at tenants/b.yaml:7:7, so its 2 codes would belong to both; a code belongs to exactly one tenant: remove this imports entry, or split the file into one file per tenant",
                "tenants/b.yaml:7:7: error: fixtures/sales.csv is also imported by tenant 'alpha' at tenants/a.yaml:7:7, so its 2 codes would belong to both; a code belongs to exactly one tenant: remove this imports entry, or split the file into one file per tenant",
            ])
    }

    @Test func importedCloudFreeWithAnotherTermIsAnError() throws {
        let repo = try TestRepo([
            "tenants/acme.yaml": importing(["../fixtures/sales.csv"]),
            "fixtures/sales.csv": "code,type,issued,term\n0000-0000-0001,Cloud Free,2026-01-15,P6M\n",
        ])
        defer { repo.remove() }
        #expect(
            repo.load().diagnostics.map(\.description) == [
                "fixtures/sales.csv:2:1: error: term: Cloud Free licenses always run P1Y, found 'P6M'"
            ])
    }

    @Test func deviceListMergesWithRoutersAndSerialsAreUniqueAcrossTenants() throws {
        let repo = try TestRepo([
            "tenants/a.yaml": tenantYAML(
                "alpha", spec: ["  routers:", "    - serial: R1", "  devices: ../fixtures/devices.csv"]),
            "tenants/b.yaml": tenantYAML("beta", spec: ["  routers:", "    - serial: R3"]),
            "fixtures/devices.csv": "serial,connected_at\nR1,\nR2,2026-11-02T08:15:00Z\nR3,\n",
        ])
        defer { repo.remove() }
        let loaded = repo.load()
        #expect(
            loaded.diagnostics.map(\.description) == [
                "fixtures/devices.csv:2:1: warning: router serial 'R1' is also listed at tenants/a.yaml:7:7; merged",
                "fixtures/devices.csv:4:1: error: router serial 'R3' is also declared by tenant 'beta' at tenants/b.yaml:7:7; a router belongs to exactly one tenant",
                "tenants/b.yaml:7:7: error: router serial 'R3' is also declared by tenant 'alpha' at fixtures/devices.csv:4:1; a router belongs to exactly one tenant",
            ])
        #expect(loaded.tenants.first?.routers.map(\.serial) == ["R1", "R2", "R3"])
    }

    @Test func inputsDigestCoversTheCSVFiles() throws {
        let repo = try TestRepo([
            "tenants/acme.yaml": importing(["../fixtures/sales.csv"]),
            "fixtures/sales.csv": sales,
        ])
        defer { repo.remove() }
        let first = repo.load().inputsDigest
        try repo.write("fixtures/sales.csv", sales + "\n")
        #expect(repo.load().inputsDigest != first)
    }
}
