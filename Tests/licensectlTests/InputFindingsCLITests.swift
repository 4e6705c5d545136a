import Foundation
import Testing

/// Input-file findings of the newcomer runs, each reproduced on real files in a repo and run
/// through the built binary: adopted expiries (docs/rules.md §4.8), spreadsheet damage in CSV
/// cells, control characters, invisible characters in tenant names, contact addresses
/// (docs/formats.md §3.1–§3.3). Every error exits 1 and writes nothing.
@Suite struct InputFindingsCLITests {
    private static let manifest = """
        apiVersion: licensectl/v1
        kind: Tenant
        metadata:
          name: acme-water
        spec:
          imports:
            - file: ../fixtures/sales.csv

        """

    /// `licensectl validate` of `repo`, expected to fail with exit 1.
    private func refusedValidation(_ repo: TempRepo, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> CLIRun
    {
        let run = try licensectl(["validate", "-C", repo.root])
        #expect(run.status == 1, "\(run)", sourceLocation: sourceLocation)
        return run
    }

    /// Expects `run`'s stderr to start with `message` (its first diagnostic).
    private func expectError(
        _ run: CLIRun, startingWith message: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(run.stderr.hasPrefix(message), "\(run.stderr)", sourceLocation: sourceLocation)
    }

    private func repo(_ label: String, sales: String, manifest: String = Self.manifest) throws -> TempRepo {
        let repo = try TempRepo(label: label)
        try repo.write("tenants/acme.yaml", manifest)
        try repo.write("fixtures/sales.csv", sales)
        return repo
    }

    // MARK: 1. Adopted expiries

    /// The warning about an adopted license's changed values said "the manifest" when a sales CSV
    /// gave them; an expired license's edited `expires_at` is now an error at its cell.
    @Test func anEditedExpiresAtOfAnExpiredAdoptedLicenseIsAnErrorAtItsCSVCell() throws {
        let header = "activation_code,license_type,issued,activated_at,expires_at\n"
        let repo = try self.repo(
            "adopted-expired", sales: header + "96D9-3718-59E5,Cloud Basic 1,2025-01-15,2025-02-01,2026-03-01\n")
        defer { repo.remove() }
        let apply = try licensectl(["apply", "-C", repo.root, "--yes", "--at", "2026-03-05"])
        #expect(apply.status == 0, "\(apply)")
        try repo.write("fixtures/sales.csv", header + "96D9-3718-59E5,Cloud Basic 1,2025-01-15,2025-02-01,2026-04-01\n")
        let before = repo.files()
        let run = try licensectl(["apply", "-C", repo.root, "--yes", "--at", "2026-03-06"])
        #expect(run.status == 1)
        expectError(
            run,
            startingWith:
                "fixtures/sales.csv:2:52: error: 96D9-****-59E5 is recorded as expired (expiry 2026-03-01T00:00:00Z), but fixtures/sales.csv now gives expiry 2026-04-01T00:00:00Z; the history of an expired or invalid license is never rewritten: write 2026-03-01T00:00:00Z back into its expires_at cell. An adopted expiry can be corrected only while the license is active; when the vendor confirms another date now, keep the recorded one and note the vendor's date in the pull request\n"
        )
        #expect(!run.stderr.contains("the manifest"))
        #expect(changedPaths(before, repo.files()) == [])
        // Another value of the CSV row names the CSV file, not "the manifest".
        try repo.write("fixtures/sales.csv", header + "96D9-3718-59E5,Cloud Basic 1,2025-01-14,2025-02-01,2026-03-01\n")
        let issued = try licensectl(["plan", "-C", repo.root, "--at", "2026-03-06"])
        #expect(issued.status == 0, "\(issued)")
        #expect(
            issued.stderr.contains(
                "fixtures/sales.csv:2:1: warning: 96D9-****-59E5 was redeemed with other values; fixtures/sales.csv now gives issued 2025-01-14 (recorded 2025-01-15);"
            ), "\(issued.stderr)")
    }

    /// A mistyped `expires_at` of a license that still runs is corrected by the next plan: an
    /// `adopt` event carrying the recorded expiry as `from`; applied, it is recorded.
    @Test func aMistypedExpiresAtOfAnActiveAdoptedLicenseIsCorrectedByAnAdoptEvent() throws {
        let header = "activation_code,license_type,issued,activated_at,expires_at\n"
        let repo = try self.repo(
            "adopted-corrected", sales: header + "96D9-3718-59E5,Cloud Basic 1,2025-01-15,2025-02-01,2026-03-01\n")
        defer { repo.remove() }
        #expect(try licensectl(["apply", "-C", repo.root, "--yes", "--at", "2026-01-10"]).status == 0)
        try repo.write("fixtures/sales.csv", header + "96D9-3718-59E5,Cloud Basic 1,2025-01-15,2025-02-01,2026-04-01\n")
        let plan = try licensectl(["plan", "-C", repo.root, "--at", "2026-01-11"])
        #expect(plan.status == 0, "\(plan)")
        #expect(plan.stderr.isEmpty, "\(plan.stderr)")
        #expect(
            plan.stdout.contains(
                "+ adopt  96D9-****-59E5  activated 2025-02-01T00:00:00Z, expires 2026-04-01T00:00:00Z (corrected from 2026-03-01T00:00:00Z), active"
            ), "\(plan.stdout)")
        let json = try licensectl(["plan", "-C", repo.root, "--at", "2026-01-11", "--format", "json"])
        #expect(json.stdout.contains("\"from\": \"2026-03-01T00:00:00Z\""), "\(json.stdout)")
        #expect(try licensectl(["apply", "-C", repo.root, "--yes", "--at", "2026-01-11"]).status == 0)
        let document = try repo.read("state/tenants/acme-water.json")
        #expect(
            document.contains("\"expiresAt\" : \"2026-04-01T00:00:00Z\"")
                || document.contains("\"expiresAt\": \"2026-04-01T00:00:00Z\""))
        let again = try licensectl(["plan", "-C", repo.root, "--at", "2026-01-12", "--detailed-exitcode"])
        #expect(again.status == 0, "\(again)")
    }

    /// A changed activated_at after adoption said to restore `activated:` in the manifest.
    @Test func aChangedActivatedAtAfterAdoptionSaysToRestoreTheCSVCell() throws {
        let header = "activation_code,license_type,issued,activated_at,expires_at\n"
        let repo = try self.repo(
            "adopted-activated", sales: header + "96D9-3718-59E5,Cloud Basic 1,2025-01-15,2025-02-01,2026-03-01\n")
        defer { repo.remove() }
        #expect(try licensectl(["apply", "-C", repo.root, "--yes", "--at", "2026-01-10"]).status == 0)
        try repo.write("fixtures/sales.csv", header + "96D9-3718-59E5,Cloud Basic 1,2025-01-15,2025-02-03,2026-03-01\n")
        let before = repo.files()
        let run = try licensectl(["plan", "-C", repo.root, "--at", "2026-01-11"])
        #expect(run.status == 1)
        expectError(
            run,
            startingWith:
                "fixtures/sales.csv:2:41: error: license 96D9-****-59E5 was activated on 2025-02-01T00:00:00Z; write 2025-02-01T00:00:00Z back into its activated_at cell\n"
        )
        #expect(changedPaths(before, repo.files()) == [])
        // An emptied cell says the same (the row is then no adoption, but state records one).
        try repo.write("fixtures/sales.csv", header + "96D9-3718-59E5,Cloud Basic 1,2025-01-15,,\n")
        let emptied = try licensectl(["plan", "-C", repo.root, "--at", "2026-01-11"])
        #expect(emptied.status == 1)
        #expect(
            emptied.stderr.contains("write 2025-02-01T00:00:00Z back into its activated_at cell\n"),
            "\(emptied.stderr)")
    }

    // MARK: 2. Spreadsheet damage

    @Test func localeDatesAndTextFormulasInASalesCSVSayWhatWasMeant() throws {
        let repo = try self.repo(
            "spreadsheet-sales",
            sales: """
                activation_code;license_type;issued;activated_at
                96D9-3718-59E1;Cloud Basic 1;12/2/2024;
                96D9-3718-59E2;Cloud Basic 1;2.12.2024;
                96D9-3718-59E3;Cloud Basic 1;2024/12/02;
                96D9-3718-59E4;Cloud Basic 1;13/2/2024;
                96D9-3718-59E5;Cloud Basic 1;2024-12-01;="2025-01-05"
                ="96D9-3718-59E6";Cloud Basic 1;2024-12-01;

                """)
        defer { repo.remove() }
        let run = try refusedValidation(repo)
        let iso = "it looks like a spreadsheet wrote the date in its locale's form: write it as YYYY-MM-DD (ISO 8601)"
        let formula =
            "the cell is Excel's text formula =\"…\", not a plain value: write '%@', or export plain values (copy the column, Paste Special → Values, save as \"CSV UTF-8\")"
        #expect(
            run.stderr.split(separator: "\n").map(String.init) == [
                "fixtures/sales.csv:2:30: error: issued: expected a date YYYY-MM-DD or DD.MM.YYYY, found '12/2/2024'; \(iso) ('12/2/2024' is 2024-02-12 when the day comes first, 2024-12-02 when the month does: check the original)",
                "fixtures/sales.csv:3:30: error: issued: expected a date YYYY-MM-DD or DD.MM.YYYY, found '2.12.2024'; \(iso) ('2.12.2024' is probably 2024-12-02)",
                "fixtures/sales.csv:4:30: error: issued: expected a date YYYY-MM-DD or DD.MM.YYYY, found '2024/12/02'; \(iso) ('2024/12/02' is probably 2024-12-02)",
                "fixtures/sales.csv:5:30: error: issued: expected a date YYYY-MM-DD or DD.MM.YYYY, found '13/2/2024'; \(iso) ('13/2/2024' is probably 2024-02-13)",
                "fixtures/sales.csv:6:41: error: activated_at: expected a date YYYY-MM-DD or DD.MM.YYYY or a date-time YYYY-MM-DDTHH:MM:SSZ (RFC 3339 with Z or an offset), found '=\"2025-01-05\"'; "
                    + formula.replacingOccurrences(of: "%@", with: "2025-01-05"),
                "fixtures/sales.csv:7:1: error: activation_code: expected an activation code XXXX-XXXX-XXXX (12 hex digits 0-9 A-F), found '=\"96D9-****-59E6\"'; character 1 is '=' (U+003D), not a hex digit 0-9 A-F; "
                    + formula.replacingOccurrences(of: "%@", with: "96D9-****-59E6"),
                "1 tenant, 6 errors, 0 warnings",
            ], "\(run.stderr)")
    }

    @Test func serialsInScientificNotationOrWithoutLeadingZerosAndLocaleDatesInADeviceList() throws {
        let manifest = Self.manifest.replacingOccurrences(
            of: "  imports:\n    - file: ../fixtures/sales.csv\n", with: "  devices: ../fixtures/devices.csv\n")
        let repo = try self.repo("spreadsheet-devices", sales: "", manifest: manifest)
        defer { repo.remove() }
        try repo.write(
            "fixtures/devices.csv",
            """
            serial;connected_at
            1,00E+11;2025-01-01
            1.00E+11;2025-01-01
            001234567890;12/2/2024
            001234567891;
            001234567892;
            001234567893;
            1234567894;
            ="00A0BA000001";

            """)
        let run = try refusedValidation(repo)
        let scientific =
            "it looks like a spreadsheet turned the serial into a number in scientific notation, and the digits it rounded away are lost: take the serial from the router or the original export, format the column as text and export again"
        #expect(
            run.stderr.split(separator: "\n").map(String.init) == [
                "fixtures/devices.csv:2:1: error: serial: expected a router serial of 1-64 characters A-Z a-z 0-9 . _ : -, found '1,00E+11'; character 2 is ',' (U+002C), which a serial cannot hold; \(scientific)",
                "fixtures/devices.csv:3:1: error: serial: expected a router serial of 1-64 characters A-Z a-z 0-9 . _ : -, found '1.00E+11'; character 6 is '+' (U+002B), which a serial cannot hold; \(scientific)",
                "fixtures/devices.csv:4:14: error: connected_at: expected a date YYYY-MM-DD or DD.MM.YYYY or a date-time YYYY-MM-DDTHH:MM:SSZ (RFC 3339 with Z or an offset), found '12/2/2024'; it looks like a spreadsheet wrote the date in its locale's form: write it as YYYY-MM-DD (ISO 8601) ('12/2/2024' is 2024-02-12 when the day comes first, 2024-12-02 when the month does: check the original); leave it empty when the router is not connected",
                "fixtures/devices.csv:8:1: warning: serial '1234567894' has 10 digits where the file's other serials have 12 characters (such as '001234567891'); a spreadsheet that took the column for numbers drops leading zeros: if the router's serial is '001234567894', correct it, or format the column as text and export again",
                "fixtures/devices.csv:9:1: error: serial: expected a router serial of 1-64 characters A-Z a-z 0-9 . _ : -, found '=\"00A0BA000001\"'; character 1 is '=' (U+003D), which a serial cannot hold; the cell is Excel's text formula =\"…\", not a plain value: write '00A0BA000001', or export plain values (copy the column, Paste Special → Values, save as \"CSV UTF-8\")",
                "1 tenant, 4 errors, 1 warning",
            ], "\(run.stderr)")
    }

    @Test func aLocaleDateInAManifestGetsTheSameHint() throws {
        let repo = try self.repo(
            "spreadsheet-yaml", sales: "",
            manifest: """
                apiVersion: licensectl/v1
                kind: Tenant
                metadata:
                  name: acme-water
                spec:
                  licenses:
                    - code: 96D9-3718-59E5
                      type: Cloud Basic 1
                      issued: 2.12.2024

                """)
        defer { repo.remove() }
        let run = try refusedValidation(repo)
        #expect(
            run.stderr.contains(
                "tenants/acme.yaml:9:15: error: issued: "), "\(run.stderr)")
        #expect(
            run.stderr.contains(
                "found '2.12.2024'; write the date as YYYY-MM-DD (ISO 8601) ('2.12.2024' is probably 2024-12-02)\n"
            ), "\(run.stderr)")
    }

    // MARK: 3. Control characters

    @Test func aNULByteInACSVIsNamedAtItsLineAndColumn() throws {
        let repo = try self.repo(
            "nul-csv", sales: "activation_code;license_type;issued\n96D9-3718-59E1;Cloud\u{0} Basic 1;2024-12-02\n")
        defer { repo.remove() }
        let before = repo.files()
        let run = try licensectl(["plan", "-C", repo.root, "--at", "2026-01-01"])
        #expect(run.status == 1)
        expectError(
            run,
            startingWith:
                "fixtures/sales.csv:2:21: error: found U+0000 (a NUL byte), which a text file never holds; expected CSV text in UTF-8: the file is binary (an .xlsx or .xls renamed to .csv?) or was saved in UTF-16 — export it from the spreadsheet as \"CSV UTF-8\", or convert it with iconv -f UTF-16 -t UTF-8\n"
        )
        #expect(changedPaths(before, repo.files()) == [])
        try repo.write(
            "fixtures/sales.csv", "activation_code;license_type;issued\n96D9-3718-59E1;Cloud Basic 1;2024-12-02\u{1A}\n"
        )
        let substitute = try licensectl(["validate", "-C", repo.root])
        #expect(
            substitute.stderr.hasPrefix(
                "fixtures/sales.csv:2:40: error: found U+001A (a control character), which CSV text never holds; expected printable text: remove it (an editor that shows invisible characters finds it), or export the file again as \"CSV UTF-8\"\n"
            ), "\(substitute.stderr)")
    }

    @Test func aNULByteInAManifestIsNamed() throws {
        let repo = try self.repo(
            "nul-yaml", sales: "",
            manifest: "apiVersion: licensectl/v1\nkind: Tenant\nmetadata:\n  name: acme\u{0}-water\n")
        defer { repo.remove() }
        let run = try refusedValidation(repo)
        expectError(
            run,
            startingWith:
                "tenants/acme.yaml:4:13: error: found U+0000 (a NUL byte), which YAML text cannot hold; the file is binary or was saved in UTF-16: save it as UTF-8, or convert it with iconv -f UTF-16 -t UTF-8\n"
        )
    }

    // MARK: 4. Tenant names

    @Test(arguments: [
        ("acme\u{200B}-water", "character 5 is U+200B (an invisible or non-breaking space)"),
        ("acme\u{00A0}water", "character 5 is U+00A0 (an invisible or non-breaking space)"),
        ("acme-\u{FEFF}water", "character 6 is U+FEFF (a byte-order mark)"),
        ("\u{0430}cme-water", "character 1 is U+0430 (a look-alike letter, not ASCII)"),
    ])
    func aTenantNameWithAnInvisibleOrLookAlikeCharacterNamesIt(_ name: String, _ named: String) throws {
        let repo = try self.repo(
            "tenant-name", sales: "",
            manifest: "apiVersion: licensectl/v1\nkind: Tenant\nmetadata:\n  name: \(name)\n")
        defer { repo.remove() }
        let run = try refusedValidation(repo)
        expectError(
            run,
            startingWith:
                "tenants/acme.yaml:4:9: error: name: expected a DNS label (1-63 of a-z 0-9 -, starting and ending with a letter or digit), found '\(name)'; \(named), which a DNS label cannot hold: retype the name (a-z, 0-9 and - only)\n"
        )
    }

    // MARK: 5. Contacts

    @Test func contactsBeyondRFC5321LimitsAreErrorsAndARepeatIsAWarning() throws {
        let local = String(repeating: "x", count: 65)
        let domain = String(repeating: "d", count: 250)
        let repo = try self.repo(
            "contacts", sales: "",
            manifest: """
                apiVersion: licensectl/v1
                kind: Tenant
                metadata:
                  name: acme-water
                spec:
                  contacts:
                    - ops@acme.example
                    - \(local)@acme.example
                    - a@\(domain).example
                    - Ops@Acme.example

                """)
        defer { repo.remove() }
        let run = try refusedValidation(repo)
        #expect(
            run.stderr.split(separator: "\n").map(String.init) == [
                "tenants/acme.yaml:8:7: error: contacts: the local part of '\(local)@acme.example' has 65 octets, more than the 64 that RFC 5321 allows; expected one mailbox local@domain (local part at most 64 octets, address at most 254): shorten it or use another address",
                "tenants/acme.yaml:9:7: error: contacts: the address of 'a@\(domain).example' has 260 octets, more than the 254 that RFC 5321 allows; expected one mailbox local@domain (local part at most 64 octets, address at most 254): shorten it or use another address",
                "tenants/acme.yaml:10:7: warning: contacts: 'Ops@Acme.example' is listed again (first on line 7); reminders go to each address once: remove the repeat",
                "1 tenant, 2 errors, 1 warning",
            ], "\(run.stderr)")
        // At the limits exactly: accepted.
        let atLimit = String(repeating: "x", count: 64)
        try repo.write(
            "tenants/acme.yaml",
            "apiVersion: licensectl/v1\nkind: Tenant\nmetadata:\n  name: acme-water\nspec:\n  contacts: [\(atLimit)@acme.example]\n"
        )
        let ok = try licensectl(["validate", "-C", repo.root])
        #expect(ok.status == 0, "\(ok)")
    }
}
