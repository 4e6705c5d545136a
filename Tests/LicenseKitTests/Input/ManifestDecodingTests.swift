import Foundation
import Testing

@testable import LicenseKit

/// One bad line in a `licenses` entry and the one diagnostic it must give.
struct LicenseLineCase: Sendable, CustomTestStringConvertible {
    var line: String
    var expected: String
    var testDescription: String { line }
}

@Suite struct ManifestDecodingTests {
    /// Lines 6-9: `licenses:` and an entry; `extra` lands on line 10 at column 7.
    private func licenseManifest(type: String = "Cloud Basic 1", extra: [String]) -> String {
        tenantYAML(
            spec: ["  licenses:", "    - code: 96D9-3718-59E5", "      type: \(type)", "      issued: 2026-01-15"]
                + extra.map { "      " + $0 })
    }

    private func diagnostics(_ manifest: String, file: String = "tenants/acme.yaml") throws -> [String] {
        let repo = try TestRepo([file: manifest])
        defer { repo.remove() }
        return repo.load().diagnostics.map(\.description)
    }

    @Test func strTaggedTrueIsNotTheBoolean() throws {
        #expect(
            try diagnostics(licenseManifest(type: "Cloud Free", extra: ["renew: !!str true"])) == [
                "tenants/acme.yaml:10:14: error: renew: expected true or false, found 'true'; write true without quotes"
            ])
    }

    @Test(arguments: [
        "ops@acme.example,attacker.example", "<x>@y.example", "a@b.example\\r\\nBcc: spy@evil.example",
        "ops@acme.example;b@c.example", "\\\"x\\\"@y.example",
    ])
    func contactsThatWouldSplitOrExtendAMailHeaderAreRefused(_ address: String) throws {
        let found = try diagnostics(tenantYAML(spec: ["  contacts: [\"\(address)\"]"]))
        #expect(found.count == 1)
        #expect(found.first?.contains("contacts: expected an e-mail address") == true)
    }

    @Test func nonASCIIMailboxesAreAccepted() throws {
        #expect(try diagnostics(tenantYAML(spec: ["  contacts: [jörg@stadtwerke.example]"])) == [])
    }

    @Test func issuedTakesADateOnlyAndSaysSo() throws {
        #expect(
            try diagnostics(
                tenantYAML(spec: [
                    "  licenses:", "    - code: 96D9-3718-59E5", "      type: Cloud Basic 1",
                    "      issued: 28.11.2024",
                ])) == [
                    "tenants/acme.yaml:9:15: error: issued: expected a date YYYY-MM-DD, found '28.11.2024'; write the date as YYYY-MM-DD (ISO 8601) ('28.11.2024' is probably 2024-11-28)"
                ])
    }

    @Test func validManifestDecodesEveryField() throws {
        let repo = try TestRepo([
            "tenants/acme.yaml": """
            apiVersion: licensectl/v1
            kind: Tenant
            metadata:
              name: acme-water
              labels: {team: ot, tier: 1}
            spec:
              contacts: [ops@acme.example]
              licenses:
                - code: 96d9 3718 59e5
                  type: Cloud Basic 1
                  issued: 2026-01-15
                  term: P2Y
                  activate: 2026-12-01
                - code: 0000-0000-0001
                  type: Cloud Free
                  issued: 2026-01-15
                  activate: immediately
                  renew: true
              routers:
                - serial: 012
                  connectedAt: 2026-11-02T09:15:00+01:00
                - serial: 00A0BA123456

            """
        ])
        defer { repo.remove() }
        let loaded = repo.load()
        #expect(loaded.diagnostics.isEmpty)
        let tenant = try #require(loaded.tenants.first)
        #expect(tenant.name == "acme-water")
        #expect(tenant.labels == ["team": "ot", "tier": "1"])
        #expect(tenant.contacts == ["ops@acme.example"])
        #expect(tenant.source == SourceLocation(file: "tenants/acme.yaml", line: 4, column: 9))
        #expect(tenant.licenses.map(\.code.canonical) == ["0000-0000-0001", "96D9-3718-59E5"])
        let paid = tenant.licenses[1]
        #expect(paid.type == .cloudBasic1)
        #expect(paid.issued.description == "2026-01-15T00:00:00Z")
        #expect(paid.term == Term(years: 2))
        #expect(paid.activation == .at(try Instant.parse("2026-12-01")))
        #expect(paid.source == SourceLocation(file: "tenants/acme.yaml", line: 9, column: 7))
        #expect(paid.activationSource == SourceLocation(file: "tenants/acme.yaml", line: 13, column: 17))
        #expect(tenant.licenses[0].renew)
        #expect(tenant.licenses[0].activation == .immediately)
        #expect(tenant.routers.map(\.serial) == ["00A0BA123456", "012"])
        #expect(tenant.routers[1].connectedAt?.description == "2026-11-02T08:15:00Z")
        #expect(tenant.routers[0].connectedAt == nil)
        #expect(loaded.inputsDigest.hasPrefix("sha256:"))
        #expect(loaded.inputsDigest.count == 7 + 64)
    }

    @Test(arguments: [
        LicenseLineCase(
            line: "renew: yes",
            expected: "tenants/acme.yaml:10:14: error: renew: expected true or false, found 'yes'; write true"),
        LicenseLineCase(
            line: "renew: off",
            expected: "tenants/acme.yaml:10:14: error: renew: expected true or false, found 'off'; write false"),
        LicenseLineCase(
            line: "renew: \"true\"",
            expected:
                "tenants/acme.yaml:10:14: error: renew: expected true or false, found 'true'; write true without quotes"
        ),
        LicenseLineCase(
            line: "renew: [true]",
            expected: "tenants/acme.yaml:10:14: error: renew: expected true or false, found a sequence"),
        LicenseLineCase(
            line: "renew: true",
            expected:
                "tenants/acme.yaml:10:14: error: renew: only Cloud Free licenses renew; 'Cloud Basic 1' is paid, remove 'renew'"
        ),
        LicenseLineCase(
            line: "activte: immediately",
            expected: "tenants/acme.yaml:10:7: error: unknown key 'activte' (did you mean 'activate'?)"),
        LicenseLineCase(
            line: "rnew: true", expected: "tenants/acme.yaml:10:7: error: unknown key 'rnew' (did you mean 'renew'?)"),
        LicenseLineCase(
            line: "tpye: Cloud Basic 1",
            expected: "tenants/acme.yaml:10:7: error: unknown key 'tpye' (did you mean 'type'?)"),
        LicenseLineCase(
            line: "Term: P1Y", expected: "tenants/acme.yaml:10:7: error: unknown key 'Term' (did you mean 'term'?)"),
        LicenseLineCase(
            line: "color: blue",
            expected:
                "tenants/acme.yaml:10:7: error: unknown key 'color' in licenses entry; expected one of: code, type, issued, term, activate, renew, activated, expires"
        ),
        LicenseLineCase(
            line: "type: Cloud Basic 25",
            expected: "tenants/acme.yaml:10:7: error: duplicate key 'type'; first given at line 8, column 7"),
        LicenseLineCase(
            line: "<<: {term: P1Y}",
            expected:
                "tenants/acme.yaml:10:7: error: merge keys ('<<') are not supported; write the keys out or use an alias for the whole value"
        ),
        LicenseLineCase(
            line: "term: 1Y",
            expected:
                "tenants/acme.yaml:10:13: error: term: expected an ISO 8601 duration such as P1Y, P6M, P30D or P1Y6M, found '1Y'"
        ),
        LicenseLineCase(
            line: "term: {years: 1}",
            expected: "tenants/acme.yaml:10:13: error: term: expected an ISO 8601 duration such as P1Y, found a mapping"
        ),
        LicenseLineCase(
            line: "activate: 2026-02-30",
            expected:
                "tenants/acme.yaml:10:17: error: activate: expected 'immediately', a date YYYY-MM-DD or a date-time with an offset, found '2026-02-30' ('2026-02-30' is not a date that exists)"
        ),
    ])
    func badLicenseLineGivesOneExactDiagnostic(_ c: LicenseLineCase) throws {
        #expect(try diagnostics(licenseManifest(extra: [c.line])) == [c.expected])
    }

    @Test func typeNOIsALicenseTypeErrorNotABoolean() throws {
        #expect(
            try diagnostics(licenseManifest(type: "NO", extra: [])) == [
                "tenants/acme.yaml:8:13: error: type: expected a license type 'Cloud Basic 1', 'Cloud Basic 25' or 'Cloud Free', found 'NO'"
            ])
    }

    @Test func typeNeedsNoQuotesAndIgnoresCase() throws {
        let repo = try TestRepo(["tenants/acme.yaml": licenseManifest(type: "cloud basic 25", extra: [])])
        defer { repo.remove() }
        #expect(repo.load().tenants.first?.licenses.first?.type == .cloudBasic25)
    }

    @Test func serial012StaysTheString012() throws {
        let repo = try TestRepo(["tenants/acme.yaml": tenantYAML(spec: ["  routers:", "    - serial: 012"])])
        defer { repo.remove() }
        let loaded = repo.load()
        #expect(loaded.diagnostics.isEmpty)
        #expect(loaded.tenants.first?.routers.map(\.serial) == ["012"])
    }

    /// A manifest's `routers` entry refuses a code-shaped serial as a device list does
    /// (docs/formats.md §3.3 "Serials"), the code masked.
    @Test func aManifestSerialWithTheShapeOfAnActivationCodeIsAnError() throws {
        let repo = try TestRepo(["tenants/acme.yaml": tenantYAML(spec: ["  routers:", "    - serial: 3451-5675-F6AD"])])
        defer { repo.remove() }
        #expect(
            repo.load().diagnostics.map(\.description) == [
                "tenants/acme.yaml:7:15: error: serial: expected a router serial, found '3451-****-F6AD', which has the shape of an activation code (XXXX-XXXX-XXXX): a code pasted where the router's serial belongs; write the router's serial here, and put the code into a sales CSV or a manifest's licenses entry"
            ])
    }

    @Test func cloudFreeTermOtherThanOneYearIsAnError() throws {
        #expect(
            try diagnostics(licenseManifest(type: "Cloud Free", extra: ["term: P2Y"])) == [
                "tenants/acme.yaml:10:13: error: term: Cloud Free licenses always run P1Y, found 'P2Y'"
            ])
    }

    @Test func typeAndIssuedAreRequiredForACodeNotFromAnImport() throws {
        let manifest = tenantYAML(spec: ["  licenses:", "    - code: 96D9-3718-59E5", "      term: P1Y"])
        #expect(
            try diagnostics(manifest) == [
                "tenants/acme.yaml:7:7: error: licenses entry for code 96D9-****-59E5 needs 'type' and 'issued' (required unless the code comes from an import)"
            ])
    }

    @Test func sameCodeTwiceInLicensesIsAnError() throws {
        let manifest =
            licenseManifest(extra: [])
            + "    - code: 96d9371859e5\n      type: Cloud Basic 1\n      issued: 2026-01-15\n"
        #expect(
            try diagnostics(manifest) == [
                "tenants/acme.yaml:10:7: error: code 96D9-****-59E5 is listed twice in licenses; first at line 7, column 7"
            ])
    }

    @Test func badCodeSaysWhatItLooksLike() throws {
        let manifest = tenantYAML(spec: [
            "  licenses:", "    - code: 4,68769E+15", "      type: Cloud Basic 1", "      issued: 2026-01-15",
        ])
        #expect(
            try diagnostics(manifest) == [
                "tenants/acme.yaml:7:13: error: code: expected an activation code XXXX-XXXX-XXXX (12 hex digits 0-9 A-F), found '4,68769E+15'; it looks like a spreadsheet turned the code into a number, and the digits it rounded away are lost: take the code from the original file (the vendor's delivery), format the column as text and export again"
            ])
    }

    @Test func missingRequiredKeysAndWrongHeader() throws {
        let manifest = "apiVersion: licensectl/v2\nkind: Tenant\nmetadata:\n  labels: {}\n"
        #expect(
            try diagnostics(manifest) == [
                "tenants/acme.yaml:1:13: error: apiVersion: expected 'licensectl/v1', found 'licensectl/v2'",
                "tenants/acme.yaml:4:3: error: missing required key 'name' in metadata",
            ])
    }

    @Test func wrongKindsAreErrors() throws {
        let manifest = tenantYAML(spec: [
            "  contacts: ops@acme.example", "  routers:", "    - 00A0BA123456", "  licenses: {}",
        ])
        #expect(
            try diagnostics(manifest) == [
                "tenants/acme.yaml:6:13: error: contacts: expected a sequence, found a scalar",
                "tenants/acme.yaml:8:7: error: routers: expected each entry to be a mapping, found a scalar",
                "tenants/acme.yaml:9:13: error: licenses: expected a sequence, found a mapping",
            ])
    }

    @Test(arguments: [
        ("Acme", "; character 1 is 'A': write the name in lower case"), ("-acme", ""), ("acme-", ""),
        ("acme_water", "; character 5 is '_' (U+005F), which a DNS label cannot hold: use a-z, 0-9 and -"),
        (String(repeating: "a", count: 64), ""),
    ])
    func invalidTenantNameIsAnError(name: String, hint: String) throws {
        #expect(
            try diagnostics(tenantYAML(name, spec: [])) == [
                "tenants/acme.yaml:4:9: error: name: expected a DNS label (1-63 of a-z 0-9 -, starting and ending with a letter or digit), found '\(name)'\(hint)"
            ])
    }

    @Test func contactWithoutAtIsAnError() throws {
        #expect(
            try diagnostics(tenantYAML(spec: ["  contacts: [ops@acme.example, ops]"])) == [
                "tenants/acme.yaml:6:32: error: contacts: expected an e-mail address, found 'ops'"
            ])
    }

    @Test func tabIndentedLineInAManifest() throws {
        #expect(
            try diagnostics("apiVersion: licensectl/v1\nkind: Tenant\nmetadata:\n\tname: acme\n") == [
                "tenants/acme.yaml:4:1: error: tab character used for indentation; indent with spaces"
            ])
    }

    @Test func manifestWithBOMLoads() throws {
        let repo = try TestRepo()
        defer { repo.remove() }
        try repo.write("tenants/acme.yaml", bytes: [0xEF, 0xBB, 0xBF] + Array(tenantYAML(spec: []).utf8))
        let loaded = repo.load()
        #expect(loaded.diagnostics.isEmpty)
        #expect(loaded.tenants.first?.source == SourceLocation(file: "tenants/acme.yaml", line: 4, column: 9))
    }

    @Test func eachDocumentOfAMultiDocumentFileIsATenant() throws {
        let repo = try TestRepo([
            "tenants/all.yml": tenantYAML("b", spec: []) + "---\n" + tenantYAML("a", spec: []) + "---\n"
        ])
        defer { repo.remove() }
        let loaded = repo.load()
        #expect(loaded.diagnostics.isEmpty)
        #expect(loaded.tenants.map(\.name) == ["a", "b"])
        #expect(loaded.tenants.map(\.source.line) == [10, 4])
    }

    @Test func invalidUTF8InAManifest() throws {
        let repo = try TestRepo()
        defer { repo.remove() }
        try repo.write(
            "tenants/acme.yaml",
            bytes: Array("apiVersion: licensectl/v1\nkind: Tenant\nmetadata:\n  name: acm".utf8) + [0xE9, 0x0A])
        #expect(
            repo.load().diagnostics.map(\.description) == [
                "tenants/acme.yaml:4:12: error: invalid UTF-8 (byte 0xE9); save the file as UTF-8"
            ])
    }

    /// A manifest saved as UTF-16 (Notepad's "Unicode") is named as such (newcomer run 6: it
    /// said "invalid UTF-8 (byte 0xFF)").
    @Test func aUTF16ManifestIsNamedAsSuch() throws {
        let repo = try TestRepo()
        defer { repo.remove() }
        let text = "apiVersion: licensectl/v1\nkind: Tenant\nmetadata:\n  name: acme\n"
        try repo.write(
            "tenants/acme.yaml", bytes: [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        #expect(
            repo.load().diagnostics.map(\.description) == [
                "tenants/acme.yaml:1:1: error: the file is UTF-16 (little-endian), not UTF-8: save it as UTF-8, or convert it with iconv -f UTF-16 -t UTF-8"
            ])
    }

    @Test func anchorsAndAliasesWork() throws {
        let manifest = tenantYAML(spec: [
            "  licenses:",
            "    - &base {code: 96D9-3718-59E5, type: Cloud Basic 1, issued: 2026-01-15}",
            "  routers:",
            "    - serial: &s R1",
            "      connectedAt: &t 2026-11-02",
            "    - {serial: R2, connectedAt: *t}",
        ])
        let repo = try TestRepo(["tenants/acme.yaml": manifest])
        defer { repo.remove() }
        let loaded = repo.load()
        #expect(loaded.diagnostics.isEmpty)
        #expect(
            loaded.tenants.first?.routers.map(\.connectedAt)
                == loaded.tenants.first?.routers.map { _ in try? Instant.parse("2026-11-02") })
    }
}
