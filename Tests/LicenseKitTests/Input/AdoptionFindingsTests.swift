import Foundation
import Testing

@testable import LicenseKit

/// What a newcomer found adopting a 300-tenant fleet from the platform's exports (docs/rules.md
/// §4.8, docs/formats.md §3.2): each test holds the reproducing input, reduced to one tenant.
@Suite struct AdoptionFindingsTests {
    /// The platform's export of one tenant, as the fleet's `site-006-licenses.csv`.
    private static let export = """
        Activation Code,Product,Issued,Term,Activated,Valid Until,Order Number
        F499-4093-F6DE,Cloud Basic 25,2023-11-23,P3Y,2024-01-03T08:12:00Z,2027-01-03T08:12:00Z,SO-55533
        D953-1D87-CEC3,Cloud Basic 25,2025-04-13,P2Y,2025-04-21T12:47:00Z,2027-04-21T12:47:00Z,SO-73972

        """

    private static let importing = tenantYAML(
        "site-006", spec: ["  imports:", "    - file: ../fixtures/platform/site-006-licenses.csv"])

    private func repo(_ csv: String, manifest: String = importing, more: [String: String] = [:]) throws -> TestRepo {
        var files = ["tenants/site-006.yaml": manifest, "fixtures/platform/site-006-licenses.csv": csv]
        files.merge(more) { $1 }
        return try TestRepo(files)
    }

    private func lines(_ diagnostics: [Diagnostic]) -> [String] { diagnostics.map(\.description) }

    // MARK: 1. A misspelled adoption header is an error at its cell

    /// The newcomer's `m7f`: `Activated` misspelled, the expiries emptied. It used to be a
    /// warning, and every running code was redeemed as stock (tenant disabled).
    @Test(arguments: [
        (
            "Activatd", "activated",
            "every running license of this file would be redeemed as unactivated stock instead of adopted; rename the header to activated_at (or activated, activation_date, active_since), or map it: the import's `columns: {activated_at: \"Activatd\"}` (licensectl init: --column 'activated_at=Activatd'); if the column holds something else, rename it"
        ),
        (
            "Activated On", "activated_at",
            "every running license of this file would be redeemed as unactivated stock instead of adopted; rename the header to activated_at (or activated, activation_date, active_since), or map it: the import's `columns: {activated_at: \"Activated On\"}` (licensectl init: --column 'activated_at=Activated On'); if the column holds something else, rename it"
        ),
    ])
    func aMisspelledActivatedHeaderIsAnErrorAtItsCell(header: String, meant: String, advice: String) throws {
        let csv = """
            Activation Code,Product,Issued,Term,\(header),Valid Until,Order Number
            D953-1D87-CEC3,Cloud Basic 25,2025-04-13,P2Y,2025-04-21T12:47:00Z,,SO-73972

            """
        let repo = try repo(csv)
        defer { repo.remove() }
        let loaded = repo.load()
        #expect(
            lines(loaded.diagnostics) == [
                "fixtures/platform/site-006-licenses.csv:1:37: error: column '\(header)' is not one licensectl reads (did you mean '\(meant)'?), and the file has no activated_at column: \(advice)"
            ])
        // Nothing of the file is read: no code is planned as stock.
        #expect(loaded.tenants.first?.licenses.isEmpty ?? true)
    }

    @Test func aMisspelledExpiryHeaderIsAnErrorToo_andAManifestsColumnsNamesOnlyThatWay() throws {
        let csv = """
            Code;Product;Issued;Activated;Valid Untl
            D953-1D87-CEC3;Cloud Free;2025-04-13;2025-04-21T12:47:00Z;2027-04-21T12:47:00Z

            """
        let manifest = tenantYAML(
            "site-006",
            spec: [
                "  imports:", "    - file: ../fixtures/platform/site-006-licenses.csv", "      columns:",
                "        activation_code: Code",
            ])
        let repo = try repo(csv, manifest: manifest)
        defer { repo.remove() }
        #expect(
            lines(repo.load().diagnostics) == [
                "fixtures/platform/site-006-licenses.csv:1:31: error: column 'Valid Untl' is not one licensectl reads (did you mean 'valid_until'?), and the file has no expires_at column: every adopted license of this file would expire at its activation + term instead of the platform's expiry; rename the header to expires_at (or expires, expiry_date, valid_until), or map it: the import's `columns: {expires_at: \"Valid Untl\"}`; if the column holds something else, rename it"
            ])
    }

    /// A header close to an adoption column is no error when the file has that column: it is
    /// then some other column, ignored as before.
    @Test func aHeaderCloseToAnAdoptionColumnTheFileHasIsNoError() throws {
        let csv = """
            Activation Code,Product,Issued,Term,Activated,Activate,Valid Until
            D953-1D87-CEC3,Cloud Basic 25,2025-04-13,P2Y,2025-04-21T12:47:00Z,yes,2027-04-21T12:47:00Z

            """
        let repo = try repo(csv)
        defer { repo.remove() }
        let loaded = repo.load()
        #expect(loaded.diagnostics.isEmpty)
        #expect(
            loaded.tenants.first?.licenses.first?.adopted?.activatedAt == (try Instant.parse("2025-04-21T12:47:00Z")))
    }

    // MARK: 1b. A translated or decorated adoption header is an error at its cell

    /// Newcomer run 8: `Aktiviert am,Gültig bis` (no near-miss of any name) were ignored
    /// silently, the running codes redeemed as stock and the tenant disabled.
    @Test func aGermanActivationAndExpiryHeaderAreErrorsAtTheirCells() throws {
        let csv = """
            Activation Code,Product,Issued,Term,Aktiviert am,Gültig bis,Order Number
            D953-1D87-CEC3,Cloud Basic 25,2025-04-13,P2Y,2025-04-21T12:47:00Z,2027-04-21T12:47:00Z,SO-73972

            """
        let repo = try repo(csv)
        defer { repo.remove() }
        let loaded = repo.load()
        #expect(
            lines(loaded.diagnostics) == [
                "fixtures/platform/site-006-licenses.csv:1:37: error: column 'Aktiviert am' looks like the platform's activation date (its name says so and its values are dates), but licensectl reads that date only from a column named activated_at (or activated, activation_date, active_since) and the file has none: every running license of this file would be redeemed as unactivated stock instead of adopted; map it: the import's `columns: {activated_at: \"Aktiviert am\"}` (licensectl init: --column 'activated_at=Aktiviert am'), or rename the header to activated_at; if the column holds something else, rename it",
                "fixtures/platform/site-006-licenses.csv:1:50: error: column 'Gültig bis' looks like the platform's expiry date (its name says so and its values are dates), but licensectl reads that date only from a column named expires_at (or expires, expiry_date, valid_until) and the file has none: every adopted license of this file would expire at its activation + term instead of the platform's expiry; map it: the import's `columns: {expires_at: \"Gültig bis\"}` (licensectl init: --column 'expires_at=Gültig bis'), or rename the header to expires_at; if the column holds something else, rename it",
            ])
        #expect(loaded.tenants.first?.licenses.isEmpty ?? true)
    }

    /// A unit suffix is no part of a name: `Activated (UTC)` is an error naming the mapping.
    @Test func aDecoratedActivationHeaderIsAnError_andItsMappingReadsIt() throws {
        let csv = """
            Activation Code,Product,Issued,Activated (UTC)
            D953-1D87-CEC3,Cloud Basic 25,2025-04-13,21.04.2025

            """
        let refused = try repo(csv)
        defer { refused.remove() }
        let errors = refused.load().diagnostics
        #expect(errors.map { $0.location?.column } == [32])
        #expect(
            errors.first?.message.hasPrefix("column 'Activated (UTC)' looks like the platform's activation date")
                == true)

        let mapped = tenantYAML(
            "site-006",
            spec: [
                "  imports:", "    - file: ../fixtures/platform/site-006-licenses.csv", "      columns:",
                "        activated_at: Activated (UTC)",
            ])
        let accepted = try repo(csv, manifest: mapped)
        defer { accepted.remove() }
        let loaded = accepted.load()
        #expect(lines(loaded.diagnostics) == [])
        #expect(loaded.tenants.first?.licenses.first?.adopted?.activatedAt.description == "2025-04-21T00:00:00Z")
    }

    /// Other columns stay ignored: a date column that names no activation or expiry
    /// (`Shipped`), and an activation-named column whose values are no dates (`Active`: yes/no,
    /// `Aktiviert durch`: a name).
    @Test func otherDateColumnsAndNonDateActivationColumnsStayIgnored() throws {
        let csv = """
            Activation Code,Product,Order date,Shipped,Active,Aktiviert durch,Gültig
            D953-1D87-CEC3,Cloud Basic 25,2025-04-13,2025-04-14,yes,mia,ja

            """
        let repo = try repo(csv)
        defer { repo.remove() }
        let loaded = repo.load()
        #expect(lines(loaded.diagnostics) == [])
        #expect(loaded.tenants.first?.licenses.count == 1)
    }

    @Test(
        arguments: [
            ("Aktiviert am", "activated_at"), ("Activé le", "activated_at"), ("Data attivazione", "activated_at"),
            ("Valid from", "activated_at"), ("Gültig bis", "expires_at"), ("Ablaufdatum", "expires_at"),
            ("Expiration (UTC)", "expires_at"), ("Active until", "expires_at"), ("Order date", nil),
            ("Business unit", nil), ("Deactivated", nil),
        ] as [(String, String?)])
    func aHeadersWordsNameItsAdoptionColumn(header: String, column: String?) {
        #expect(AdoptionHeader.column(named: header) == column)
    }

    @Test(arguments: [
        ("2026-06-09", true), ("09.06.2026 03:01", true), ("6/9/2026", true), ("2026-06-09T03:01:00Z", true),
        ("96D9-3718-59E5", false), ("3451-5675-F6AD", false), ("yes", false), ("365", false), ("1.5", false),
    ])
    func aCellLooksLikeADate(value: String, date: Bool) {
        #expect(AdoptionHeader.looksLikeDate(value) == date)
    }

    // MARK: 2. An adopted paid expiry other than activation + term warns at the value

    /// The newcomer's `m11`: 2072 typed for 2027 was adopted silently, capacity for 45 years.
    @Test func aPaidExpiryOtherThanActivationPlusTermWarnsAtItsCellInTheAdoptingPlan() throws {
        let repo = try repo(
            Self.export.replacingOccurrences(of: ",2027-04-21T12:47:00Z,", with: ",2072-04-21T12:47:00Z,"))
        defer { repo.remove() }
        let loaded = repo.load()
        #expect(loaded.diagnostics.isEmpty)
        let first = Fx.apply(loaded, at: "2026-12-01T12:00:00Z")
        #expect(Fx.errors(first.plan).isEmpty)
        #expect(
            lines(Fx.warnings(first.plan)) == [
                "fixtures/platform/site-006-licenses.csv:3:67: warning: expires_at: 2072-04-21T12:47:00Z of D953-****-CEC3 is not its activation + term (2025-04-21T12:47:00Z + P2Y = 2027-04-21T12:47:00Z); it is adopted as given, active until then. Check the license's expiry in the platform: if it shows 2027-04-21T12:47:00Z, correct this cell (or empty it) before applying; keep 2072-04-21T12:47:00Z only if the vendor changed the license's expiry"
            ])
        // The plan that adopts it says so; later plans do not repeat it.
        let later = Fx.apply(loaded, first.states, at: "2026-12-02T12:00:00Z")
        #expect(later.plan.diagnostics.isEmpty)
    }

    @Test func aManifestsExpiresOtherThanActivationPlusTermWarnsAtTheKey_aCloudFreeOrAnExactExpiryDoesNot() throws {
        let manifest = tenantYAML(
            "site-006",
            spec: [
                "  licenses:",
                "    - code: D953-1D87-CEC3", "      type: Cloud Basic 1", "      issued: 2025-04-13",
                "      activated: 2025-04-21T12:47:00Z", "      expires: 2025-10-21T12:47:00Z",
                "    - code: F499-4093-F6DE", "      type: Cloud Basic 1", "      issued: 2025-04-13",
                "      activated: 2025-04-21T12:47:00Z", "      expires: 2026-04-21T12:47:00Z",
                "    - code: 0000-0000-0001", "      type: Cloud Free", "      issued: 2025-01-13",
                "      activated: 2025-01-21T12:47:00Z", "      expires: 2027-01-21T12:47:00Z",
            ])
        let repo = try TestRepo(["tenants/site-006.yaml": manifest])
        defer { repo.remove() }
        let plan = Fx.apply(repo.load(), at: "2026-12-01T12:00:00Z").plan
        #expect(
            lines(plan.diagnostics.filter { $0.message.contains("activation + term") }) == [
                "tenants/site-006.yaml:11:16: warning: expires: 2025-10-21T12:47:00Z of D953-****-CEC3 is not its activation + term (2025-04-21T12:47:00Z + P1Y = 2026-04-21T12:47:00Z); it is adopted as given, already expired. Check the license's expiry in the platform: if it shows 2026-04-21T12:47:00Z, correct `expires` (or remove it) before applying; keep 2025-10-21T12:47:00Z only if the vendor changed the license's expiry"
            ])
    }

    // MARK: 3. A code in two tenants' CSV files is reported at each row

    /// The newcomer's `m4`: site-006's row appended to site-007's export.
    @Test func aCodeInTwoTenantsCSVFilesIsAnErrorAtEachRow() throws {
        let site007 = """
            Activation Code,Product,Issued,Term,Activated,Valid Until,Order Number
            FA7F-4C4F-9B06,Cloud Basic 25,2026-05-06,P1Y,2026-06-09T03:01:00Z,2027-06-09T03:01:00Z,SO-94268
            D953-1D87-CEC3,Cloud Basic 25,2025-04-13,P2Y,2025-04-21T12:47:00Z,2027-04-21T12:47:00Z,SO-73972

            """
        let repo = try repo(
            Self.export,
            more: [
                "tenants/site-007.yaml": tenantYAML(
                    "site-007", spec: ["  imports:", "    - file: ../fixtures/platform/site-007-licenses.csv"]),
                "fixtures/platform/site-007-licenses.csv": site007,
            ])
        defer { repo.remove() }
        #expect(
            lines(repo.load().diagnostics) == [
                "fixtures/platform/site-006-licenses.csv:3:1: error: code D953-****-CEC3 of tenant 'site-006' (imported by tenants/site-006.yaml:7:7) is also declared by tenant 'site-007' at fixtures/platform/site-007-licenses.csv:3:1 (imported by tenants/site-007.yaml:7:7); a code belongs to exactly one tenant",
                "fixtures/platform/site-007-licenses.csv:3:1: error: code D953-****-CEC3 of tenant 'site-007' (imported by tenants/site-007.yaml:7:7) is also declared by tenant 'site-006' at fixtures/platform/site-006-licenses.csv:3:1 (imported by tenants/site-006.yaml:7:7); a code belongs to exactly one tenant",
            ])
    }

    /// One CSV imported by two tenants has one row for both: the manifests' entries are the places.
    @Test func oneCSVImportedByTwoTenantsIsReportedAtEachImportsEntry() throws {
        let repo = try repo(
            Self.export,
            more: [
                "tenants/site-007.yaml": tenantYAML(
                    "site-007", spec: ["  imports:", "    - file: ../fixtures/platform/site-006-licenses.csv"])
            ])
        defer { repo.remove() }
        // Newcomer run 8: one error per imports entry naming the other tenant (it was one per
        // code and tenant: 600 lines for a 300-row file), never one per code.
        #expect(
            lines(repo.load().diagnostics) == [
                "tenants/site-006.yaml:7:7: error: fixtures/platform/site-006-licenses.csv is also imported by tenant 'site-007' at tenants/site-007.yaml:7:7, so its 2 codes would belong to both; a code belongs to exactly one tenant: remove this imports entry, or split the file into one file per tenant",
                "tenants/site-007.yaml:7:7: error: fixtures/platform/site-006-licenses.csv is also imported by tenant 'site-006' at tenants/site-006.yaml:7:7, so its 2 codes would belong to both; a code belongs to exactly one tenant: remove this imports entry, or split the file into one file per tenant",
            ])
    }

    /// Three tenants importing one file: each entry names both others; a code that one of them
    /// also lists in its own manifest keeps the per-code error at each place.
    @Test func oneCSVImportedByThreeTenantsNamesBothOthersAtEachEntry() throws {
        let importing = { (name: String) in
            tenantYAML(name, spec: ["  imports:", "    - file: ../fixtures/platform/site-006-licenses.csv"])
        }
        let repo = try repo(
            Self.export,
            more: ["tenants/site-007.yaml": importing("site-007"), "tenants/site-008.yaml": importing("site-008")])
        defer { repo.remove() }
        let errors = repo.load().diagnostics
        #expect(
            errors.map { $0.location.map { "\($0)" } ?? "" } == [
                "tenants/site-006.yaml:7:7", "tenants/site-007.yaml:7:7", "tenants/site-008.yaml:7:7",
            ])
        #expect(
            errors.first?.message.hasPrefix(
                "fixtures/platform/site-006-licenses.csv is also imported by tenant 'site-007' at tenants/site-007.yaml:7:7 and by tenant 'site-008' at tenants/site-008.yaml:7:7, so its 2 codes"
            ) == true)
    }

    // MARK: 4. CSV-adopted values get advice for a CSV, at the cell

    /// The newcomer's `m4a`: the `Activated` cell changed after the apply that adopted it.
    @Test func aChangedActivatedAtCellAfterAdoptionSaysToRestoreTheCell() throws {
        let repo = try repo(Self.export)
        defer { repo.remove() }
        let first = Fx.apply(repo.load(), at: "2026-12-01T12:00:00Z")
        #expect(Fx.errors(first.plan).isEmpty)
        try repo.write(
            "fixtures/platform/site-006-licenses.csv",
            Self.export.replacingOccurrences(of: "2025-04-21T12:47:00Z,2027", with: "2025-04-22T12:47:00Z,2027"))
        let again = Fx.apply(repo.load(), first.states, at: "2026-12-02T12:00:00Z").plan
        #expect(
            lines(Fx.errors(again)) == [
                "fixtures/platform/site-006-licenses.csv:3:46: error: license D953-****-CEC3 was activated on 2025-04-21T12:47:00Z; write 2025-04-21T12:47:00Z back into its activated_at cell"
            ])
    }

    /// The newcomer's `m4b`: a future activation date in the export.
    @Test func aFutureActivatedAtCellSaysWhatToDoInACSV() throws {
        let repo = try repo(
            Self.export.replacingOccurrences(
                of: "2025-04-21T12:47:00Z,2027-04-21T12:47:00Z", with: "2026-12-21T12:47:00Z,"))
        defer { repo.remove() }
        let plan = Fx.apply(repo.load(), at: "2026-12-01T12:00:00Z").plan
        #expect(
            lines(Fx.errors(plan)) == [
                "fixtures/platform/site-006-licenses.csv:3:46: error: activated_at: 2026-12-21T12:47:00Z of D953-****-CEC3 is in the future (after 2026-12-01T12:00:00Z); activated_at records an activation the platform already made — correct the cell to the platform's activation date, or, if the platform has not activated the code yet, empty the cell and request the activation in tenants/site-006.yaml: a `licenses` entry for this code with `activate: 2026-12-21T12:47:00Z`"
            ])
    }

    /// The newcomer's `m4c`: "set renew: true" for a Cloud Free that only a CSV lists — and the
    /// advice works: an entry with the code and `renew: true` renews it.
    @Test func anImportedCloudFreeNearExpiryNamesTheManifestEntryThatRenewsIt() throws {
        let csv = """
            Activation Code,Product,Issued,Term,Activated,Valid Until
            ABCD-1234-ABCD,Cloud Free,2025-12-01,P1Y,2025-12-10T10:00:00Z,

            """
        let repo = try repo(csv)
        defer { repo.remove() }
        let plan = Fx.apply(repo.load(), at: "2026-12-01T12:00:00Z").plan
        #expect(
            lines(plan.diagnostics) == [
                "fixtures/platform/site-006-licenses.csv:2:1: warning: Cloud Free ABCD-****-ABCD expires at 2026-12-10T10:00:00Z (in 8 days) and has renew: false; to keep limited mode, set `renew: true` on a `licenses` entry for this code in tenants/site-006.yaml (an entry with the code and `renew: true` is enough: its other values stay in the CSV, which has no renew column)"
            ])
        try repo.write(
            "tenants/site-006.yaml",
            Self.importing + "  licenses:\n    - code: ABCD-1234-ABCD\n      renew: true\n")
        let renewed = Fx.apply(repo.load(), at: "2026-12-01T12:00:00Z").plan
        #expect(renewed.diagnostics.isEmpty)
        #expect(Fx.events(renewed, "site-006").contains("2026-12-01T12:00:00Z renew ABCD-1234-ABCD"))
    }

    @Test func activationErrorsOfACSVRowNameTheColumnAndStandAtTheCell() throws {
        let repo = try repo(
            Self.export.replacingOccurrences(of: "2025-04-21T12:47:00Z,2027", with: "2028-04-21T12:47:00Z,2029"))
        defer { repo.remove() }
        #expect(
            lines(repo.load().diagnostics) == [
                "fixtures/platform/site-006-licenses.csv:3:46: error: activated_at: 2028-04-21T12:47:00Z of D953-****-CEC3 is at or after its stock expiry 2027-04-13T00:00:00Z (issued 2025-04-13 + P2Y); the platform cannot have activated it then — check the activation or the issue date"
            ])
    }

    // MARK: 5. An adopted code listed again in a sales CSV

    /// The newcomer's `m5`, with the sales file imported after the platform's export and before it.
    @Test(arguments: [true, false])
    func anAdoptedCodeListedAgainInASalesCSVIsAnErrorAtTheSalesRow(salesFirst: Bool) throws {
        let imports = [
            "    - file: ../fixtures/platform/site-006-licenses.csv", "    - file: ../fixtures/sales.csv",
        ]
        let repo = try repo(
            Self.export,
            manifest: tenantYAML("site-006", spec: ["  imports:"] + (salesFirst ? imports.reversed() : imports)),
            more: ["fixtures/sales.csv": "code,type,issued,term\nD953-1D87-CEC3,Cloud Basic 25,2025-04-13,P2Y\n"])
        defer { repo.remove() }
        #expect(
            lines(repo.load().diagnostics) == [
                "fixtures/sales.csv:2:1: error: code D953-****-CEC3 already runs in the platform (adopted from fixtures/platform/site-006-licenses.csv:3, activated 2025-04-21T12:47:00Z); this row would redeem it again as unactivated stock: remove this row"
            ])
    }
}
