import Foundation
import Testing

@testable import LicenseKit

/// Reading running licenses (docs/formats.md §3.1, §3.2, docs/rules.md §4.8, docs/README.md §8 "Adoption" and "Inputs"): `activated` /
/// `expires`, `activated_at` / `expires_at`, `imports[].columns`, `devices: {file, columns}` and
/// the errors that need no state or point in time.
@Suite struct AdoptionInputTests {
    private let platform = """
        Activation Code,Product,Issued,Term,Activated,Valid Until
        96D9-3718-59E5,Cloud Basic 25,2024-05-02,P1Y,2024-06-01T09:30:00Z,
        0000-0000-0001,Cloud Free,2024-05-02,P1Y,01.06.2024,01.06.2026
        0000-0000-0002,Cloud Basic 1,2026-01-15,P1Y,,

        """

    private func load(_ files: [String: String]) throws -> (LicenseRepo, TestRepo) {
        let repo = try TestRepo(files)
        return (repo.load(), repo)
    }

    private func errors(_ loaded: LicenseRepo) -> [Diagnostic] { loaded.diagnostics.filter { $0.severity == .error } }

    @Test func csvActivatedAtAndExpiresAtAdoptRunningCodes_theImportsActivateAppliesToTheOthers() throws {
        let (loaded, repo) = try load([
            "tenants/acme.yaml": tenantYAML(spec: [
                "  imports:", "    - file: ../fixtures/platform.csv", "      activate: immediately",
            ]),
            "fixtures/platform.csv": platform,
        ])
        defer { repo.remove() }
        #expect(loaded.diagnostics.isEmpty)
        let licenses = try #require(loaded.tenants.first?.licenses)
        #expect(licenses.map(\.code.canonical) == ["0000-0000-0001", "0000-0000-0002", "96D9-3718-59E5"])
        let june = try Instant.parse("2024-06-01")
        let expiry = try Instant.parse("2026-06-01")
        #expect(
            licenses[0].adopted
                == AdoptedHistory(
                    activatedAt: june, expiresAt: expiry,
                    source: SourceLocation(file: "fixtures/platform.csv", line: 3, column: 42),
                    expiresSource: SourceLocation(file: "fixtures/platform.csv", line: 3, column: 53)))
        #expect(licenses[0].activation == .at(try Instant.parse("2024-06-01")))
        #expect(licenses[1].adopted == nil)
        #expect(licenses[1].activation == .immediately)
        #expect(licenses[2].adopted?.activatedAt == (try Instant.parse("2024-06-01T09:30:00Z")))
        #expect(licenses[2].adopted?.expiresAt == nil)
    }

    @Test func aLicensesEntryMayGiveActivatedForAnImportedCodeWithoutActivatedAt_orRepeatTheRowsValue() throws {
        let (loaded, repo) = try load([
            "tenants/acme.yaml": tenantYAML(spec: [
                "  imports:", "    - file: ../fixtures/platform.csv",
                "  licenses:",
                "    - code: 0000-0000-0002", "      activated: 2026-01-20", "      expires: 2027-03-01",
                "    - code: 96D9-3718-59E5", "      activated: 2024-06-01T11:30:00+02:00",
            ]),
            "fixtures/platform.csv": platform,
        ])
        defer { repo.remove() }
        #expect(loaded.diagnostics.isEmpty)
        let licenses = try #require(loaded.tenants.first?.licenses)
        #expect(licenses[1].adopted?.activatedAt == (try Instant.parse("2026-01-20")))
        #expect(licenses[1].adopted?.expiresAt == (try Instant.parse("2027-03-01")))
        #expect(licenses[1].adopted?.source == SourceLocation(file: "tenants/acme.yaml", line: 10, column: 18))
    }

    /// docs/rules.md §4.8, docs/README.md §8: every history error that needs no `at`, at its file:line:column.
    @Test(arguments: [
        (
            [
                "    - code: 0000-0000-0009", "      type: Cloud Basic 1", "      issued: 2026-01-15",
                "      activated: 2026-01-20", "      activate: immediately",
            ],
            "tenants/acme.yaml:13:17",
            "activated and activate are both given for 0000-****-0009; 'activated' records a license already running in the platform, 'activate' requests an activation — keep one"
        ),
        (
            [
                "    - code: 0000-0000-0009", "      type: Cloud Basic 1", "      issued: 2026-01-15",
                "      activated: 2026-01-14T23:59:59Z",
            ],
            "tenants/acme.yaml:12:18",
            "activated: 2026-01-14T23:59:59Z of 0000-****-0009 is before its issue date 2026-01-15; a code cannot run before it was issued — check the activation or the issue date"
        ),
        (
            [
                "    - code: 0000-0000-0009", "      type: Cloud Basic 1", "      issued: 2024-01-15",
                "      activated: 2026-01-15",
            ],
            "tenants/acme.yaml:12:18",
            "activated: 2026-01-15T00:00:00Z of 0000-****-0009 is at or after its stock expiry 2026-01-15T00:00:00Z (issued 2024-01-15 + P2Y); the platform cannot have activated it then — check the activation or the issue date"
        ),
        (
            [
                "    - code: 0000-0000-0009", "      type: Cloud Basic 1", "      issued: 2026-01-15",
                "      activated: 2026-01-20",
                "      expires: 2026-01-20",
            ],
            "tenants/acme.yaml:13:16",
            "expires: 2026-01-20T00:00:00Z of 0000-****-0009 is not after its activation 2026-01-20T00:00:00Z; expected the platform's expiry, later than 'activated'"
        ),
        (
            [
                "    - code: 0000-0000-0009", "      type: Cloud Basic 1", "      issued: 2026-01-15",
                "      expires: 2027-01-20",
            ],
            "tenants/acme.yaml:12:16",
            "expires is given for 0000-****-0009 without activated; an expiry is recorded only for a license already running in the platform — add 'activated', or remove 'expires'"
        ),
        (
            ["    - code: 96D9-3718-59E5", "      activate: immediately"],
            "tenants/acme.yaml:10:17",
            "activate: 'immediately' for 96D9-****-59E5, whose row fixtures/platform.csv:2 has activated_at 2024-06-01T09:30:00Z: the license already runs in the platform; remove 'activate'"
        ),
        (
            ["    - code: 96D9-3718-59E5", "      activated: 2024-06-02"],
            "tenants/acme.yaml:10:18",
            "activated: 2024-06-02T00:00:00Z differs from activated_at 2024-06-01T09:30:00Z given for this code by fixtures/platform.csv:2; remove 'activated' here or correct it"
        ),
        (
            ["    - code: 0000-0000-0001", "      expires: 2026-06-02"],
            "tenants/acme.yaml:10:16",
            "expires: 2026-06-02T00:00:00Z differs from expires_at 2026-06-01T00:00:00Z given for this code by fixtures/platform.csv:3; remove 'expires' here or correct it"
        ),
        (
            ["    - code: 0000-0000-0002", "      expires: 2027-06-02"],
            "tenants/acme.yaml:10:16",
            "expires is given for 0000-****-0002 without activated; an expiry is recorded only for a license already running in the platform — add 'activated', or remove 'expires'"
        ),
    ])
    func historyErrorsAreReportedAtTheirPlace(entry: [String], place: String, message: String) throws {
        let (loaded, repo) = try load([
            "tenants/acme.yaml": tenantYAML(
                spec: ["  imports:", "    - file: ../fixtures/platform.csv", "  licenses:"] + entry),
            "fixtures/platform.csv": platform,
        ])
        defer { repo.remove() }
        let found = errors(loaded)
        #expect(found.map { "\($0.location.map { "\($0)" } ?? "")" } == [place])
        #expect(found.map(\.message) == [message])
    }

    @Test func manifestActivatedTakesTheFormsOfSection2Only() throws {
        let (loaded, repo) = try load([
            "tenants/acme.yaml": tenantYAML(spec: [
                "  licenses:", "    - code: 0000-0000-0009", "      type: Cloud Basic 1", "      issued: 2026-01-15",
                "      activated: 20.01.2026",
            ])
        ])
        defer { repo.remove() }
        #expect(
            errors(loaded).map(\.message) == [
                "activated: expected a date YYYY-MM-DD or a date-time YYYY-MM-DDTHH:MM:SSZ (RFC 3339 with Z or an offset), found '20.01.2026'; write the date as YYYY-MM-DD (ISO 8601) ('20.01.2026' is probably 2026-01-20)"
            ])
    }

    @Test func csvHistoryErrorsAreReportedAtTheRow() throws {
        let (loaded, repo) = try load([
            "tenants/acme.yaml": tenantYAML(spec: ["  imports:", "    - file: ../fixtures/platform.csv"]),
            "fixtures/platform.csv": """
            code,type,issued,activated_at,expires_at
            0000-0000-0001,Cloud Basic 1,2025-01-01,,2026-01-01
            0000-0000-0002,Cloud Basic 1,2025-01-01,2025-02-01,2025-02-01
            0000-0000-0003,Cloud Basic 1,2025-01-01,01/02/2025,
            0000-0000-0004,Cloud Basic 1,2025-01-01,2024-12-31,

            """,
        ])
        defer { repo.remove() }
        #expect(
            errors(loaded).map { "\($0.location.map { "\($0)" } ?? ""): \($0.message)" } == [
                "fixtures/platform.csv:2:42: expires_at: given without activated_at; an expiry is recorded only for a license the platform activated — give this row the platform's activation date in the activated_at column (check that the file's header names it: activated_at, activated, activation_date or active_since); empty expires_at only for a code the platform never activated, which is then redeemed as unactivated stock",
                "fixtures/platform.csv:3:52: expires_at: 2025-02-01T00:00:00Z is not after activated_at 2025-02-01T00:00:00Z; expected the platform's expiry, later than its activation",
                "fixtures/platform.csv:4:41: activated_at: expected a date YYYY-MM-DD or DD.MM.YYYY or a date-time YYYY-MM-DDTHH:MM:SSZ (RFC 3339 with Z or an offset), found '01/02/2025'; it looks like a spreadsheet wrote the date in its locale's form: write it as YYYY-MM-DD (ISO 8601) ('01/02/2025' is 2025-02-01 when the day comes first, 2025-01-02 when the month does: check the original)",
                "fixtures/platform.csv:5:41: activated_at: 2024-12-31T00:00:00Z of 0000-****-0004 is before its issue date 2025-01-01; a code cannot run before it was issued — check the activation or the issue date",
            ])
    }

    // MARK: columns (docs/formats.md §3.2, docs/README.md §8 "Inputs")

    private let german =
        "\u{FEFF}Aktivierungscode;Produkt;Ausstellungsdatum;Aktiviert am\r\n96D9-3718-59E5;Cloud Basic 1;15.01.2026;20.01.2026\r\n"

    private func mapped(_ columns: [String]) -> String {
        tenantYAML(
            spec: ["  imports:", "    - file: ../fixtures/export.csv", "      columns:"]
                + columns.map { "        " + $0 })
    }

    @Test func importColumnsReadAVendorsFileAsItComes() throws {
        let (loaded, repo) = try load([
            "tenants/acme.yaml": mapped([
                "activation_code: Aktivierungscode", "license_type: Produkt", "issued: Ausstellungsdatum",
                "activated_at: aktiviert-am",
            ]),
            "fixtures/export.csv": german,
        ])
        defer { repo.remove() }
        #expect(loaded.diagnostics.isEmpty)
        let license = try #require(loaded.tenants.first?.licenses.first)
        #expect(license.code.canonical == "96D9-3718-59E5")
        #expect(license.issued == (try Instant.parse("2026-01-15")))
        #expect(license.adopted?.activatedAt == (try Instant.parse("2026-01-20")))
    }

    @Test func aMappedHeaderMissingFromTheFileIsAnErrorAtThatMapping() throws {
        let (loaded, repo) = try load([
            "tenants/acme.yaml": mapped([
                "activation_code: Aktivierungscode", "license_type: Typ", "issued: Ausstellungsdatum",
                "activated_at: Aktiviert am",
            ]),
            "fixtures/export.csv": german,
        ])
        defer { repo.remove() }
        #expect(
            errors(loaded) == [
                .error(
                    "columns: license_type is mapped to 'Typ', but fixtures/export.csv has no such column; found columns 'Aktivierungscode', 'Produkt', 'Ausstellungsdatum', 'Aktiviert am'",
                    at: SourceLocation(file: "tenants/acme.yaml", line: 10, column: 23))
            ])
        #expect(loaded.tenants.first?.licenses == [])
    }

    @Test func aMappedNameReplacesTheSynonyms_aHeaderMatchingTwoColumnsIsAnError() throws {
        let (loaded, repo) = try load([
            "tenants/acme.yaml": mapped(["issued: Type"]),
            "fixtures/export.csv": "code,type,issued\n96D9-3718-59E5,Cloud Basic 1,2026-01-15\n",
        ])
        defer { repo.remove() }
        #expect(
            errors(loaded).map(\.message) == [
                "column 'type' matches both license_type and issued; map each column to a header of its own in the manifest's 'columns'"
            ])
    }

    @Test func anUnknownColumnsKeyIsAnErrorWithADidYouMean() throws {
        let (loaded, repo) = try load([
            "tenants/acme.yaml": mapped(["activation_cod: Aktivierungscode"]),
            "fixtures/export.csv": german,
        ])
        defer { repo.remove() }
        #expect(
            errors(loaded) == [
                .error(
                    "unknown key 'activation_cod' (did you mean 'activation_code'?)",
                    at: SourceLocation(file: "tenants/acme.yaml", line: 9, column: 9))
            ])
    }

    @Test func theSameFileUnderTwoMappingsIsReadTwiceButDigestedOnce() throws {
        let (loaded, repo) = try load([
            "tenants/acme.yaml": mapped([
                "activation_code: Aktivierungscode", "license_type: Produkt", "issued: Ausstellungsdatum",
                "activated_at: aktiviert-am",
            ]),
            "tenants/beta.yaml": tenantYAML(
                "beta",
                spec: [
                    "  imports:", "    - file: ../fixtures/export.csv", "      columns:",
                    "        activation_code: Aktivierungscode", "        license_type: Produkt",
                    "        issued: Ausstellungsdatum", "        activated_at: Aktiviert am",
                ]),
            "fixtures/export.csv": german,
        ])
        defer { repo.remove() }
        // One file in two tenants: the shared-import error at each imports entry, nothing else.
        #expect(
            errors(loaded).map { $0.location?.description ?? "" } == ["tenants/acme.yaml:7:7", "tenants/beta.yaml:7:7"])
        #expect(errors(loaded).allSatisfy { $0.message.hasPrefix("fixtures/export.csv is also imported by tenant") })
        let manifests = try ["tenants/acme.yaml", "tenants/beta.yaml"].map { path in
            (path, try #require(LicenseRepoLoader.readBytes(repo.root + "/" + path)))
        }
        #expect(
            loaded.inputsDigest == LicenseRepoLoader.digest([("fixtures/export.csv", Array(german.utf8))] + manifests))
    }

    // MARK: device lists (docs/formats.md §3.3)

    @Test func deviceListsAcceptDDMMYYYYAndTheirOwnHeaders() throws {
        let (loaded, repo) = try load([
            "tenants/acme.yaml": tenantYAML(spec: [
                "  devices:", "    file: ../fixtures/devices.csv",
                "    columns: {serial: Seriennummer, connected_at: Online seit}",
            ]),
            "fixtures/devices.csv": "Seriennummer;Online seit\r\n00A0BA000001;02.11.2026\r\n00A0BA000002;\r\n",
        ])
        defer { repo.remove() }
        #expect(loaded.diagnostics.isEmpty)
        let routers = try #require(loaded.tenants.first?.routers)
        #expect(routers.map(\.serial) == ["00A0BA000001", "00A0BA000002"])
        #expect(routers.map(\.connectedAt) == [try Instant.parse("2026-11-02"), nil])
    }

    @Test func aDeviceListMappingMissingFromTheFileIsAnErrorAtThatMapping() throws {
        let (loaded, repo) = try load([
            "tenants/acme.yaml": tenantYAML(spec: [
                "  devices:", "    file: ../fixtures/devices.csv", "    columns:", "      serial: Seriennr",
            ]),
            "fixtures/devices.csv": "Seriennummer\n00A0BA000001\n",
        ])
        defer { repo.remove() }
        #expect(
            errors(loaded) == [
                .error(
                    "columns: serial is mapped to 'Seriennr', but fixtures/devices.csv has no such column; found columns 'Seriennummer'",
                    at: SourceLocation(file: "tenants/acme.yaml", line: 9, column: 15))
            ])
    }
}
