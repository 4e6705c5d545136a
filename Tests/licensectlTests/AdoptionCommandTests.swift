import Foundation
import Testing

/// Bringing in a running fleet end to end (docs/rules.md §4.8, README "Bring in a running fleet"): the
/// built binary writes three manifests with `init`, plans their adoption, applies it, and plans
/// a month later.
@Suite struct AdoptionCommandTests {
    /// The platform's license lists and device lists of three tenants.
    private static let fleet: [(name: String, licenses: String, devices: String)] = [
        // A Cloud Basic 25 whose first reminder slot (2026-10-26T06:00Z) the platform sent.
        (
            "north-water",
            """
            Activation Code,Product,Issued,Term,Activated,Valid Until
            1A2B-3C4D-0001,Cloud Basic 25,2025-10-01,P1Y,2025-11-25T06:00:00Z,

            """, "serial,connected_at\n00A0BA100001,2025-12-01\n00A0BA100002,2026-01-15T08:00:00Z\n"
        ),
        // Cloud Free invalidated in the platform by a Cloud Basic 1 that has expired since, and
        // a Cloud Basic 25 (P2Y) that runs.
        (
            "south-ports",
            """
            code;type;issued;term;activated_at;expires_at
            1A2B-3C4D-0002;Cloud Free;01.02.2025;P1Y;01.03.2025;
            1A2B-3C4D-0003;Cloud Basic 1;01.02.2025;P1Y;10.05.2025;
            1A2B-3C4D-0004;Cloud Basic 25;01.05.2025;P2Y;2025-06-01T12:00:00Z;

            """, "serial_number;connected_since\n00A0BA200001;02.03.2025\n00A0BA200002;\n"
        ),
        // Spare stock (no activated_at) and one running code with the platform's own expiry.
        (
            "east-grid",
            """
            license_code,product,issue_date,activation_date,valid_until
            1A2B-3C4D-0005,Cloud Basic 1,2026-09-01,,
            1A2B-3C4D-0006,Cloud Basic 1,2025-12-01,2026-01-15,2027-01-15T00:00:00Z

            """, "device\n00A0BA300001\n"
        ),
    ]

    private func events(_ plan: [String: Any], _ tenant: String) -> [[String: Any]] {
        let tenants = plan["tenants"] as? [[String: Any]] ?? []
        return tenants.first { $0["tenant"] as? String == tenant }?["events"] as? [[String: Any]] ?? []
    }

    private func line(_ event: [String: Any]) -> String {
        let plain: Set = ["at", "action", "code", "serial"]
        let keys = [
            "at", "action", "code", "serial", "activatedAt", "expiresAt", "status", "invalidatedAt", "invalidatedBy",
            "slot",
        ]
        return keys.compactMap { key in (event[key] as? String).map { plain.contains(key) ? $0 : "\(key)=\($0)" } }
            .joined(separator: " ")
    }

    private func json(_ run: CLIRun) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    }

    @Test func threeTenantsAreBroughtInWithTheirPlatformDatesAppliedAndPlannedAMonthLater() throws {
        let repo = try TempRepo(label: "adopt-fleet")
        defer { repo.remove() }
        for tenant in Self.fleet {
            try repo.write("fixtures/platform/\(tenant.name)-licenses.csv", tenant.licenses)
            try repo.write("fixtures/platform/\(tenant.name)-devices.csv", tenant.devices)
            let run = try licensectl([
                "init", tenant.name, "-C", repo.root,
                "--licenses", "fixtures/platform/\(tenant.name)-licenses.csv",
                "--devices", "fixtures/platform/\(tenant.name)-devices.csv",
                "--contact", "noc@\(tenant.name).example", "--label", "source=platform",
            ])
            #expect(run.status == 0, "\(run)")
            #expect(run.stdout.hasPrefix("Wrote tenants/\(tenant.name).yaml: "), "\(run)")
        }
        let manifest = try repo.read("tenants/south-ports.yaml")
        #expect(
            manifest.contains(
                """
                metadata:
                  name: south-ports
                  labels:
                    "source": "platform"
                spec:
                  contacts:
                    - "noc@south-ports.example"
                  imports:
                    - file: "../fixtures/platform/south-ports-licenses.csv"
                  devices: "../fixtures/platform/south-ports-devices.csv"

                """))
        let validate = try licensectl(["validate", "-C", repo.root])
        #expect(validate.status == 0, "\(validate)")
        #expect(validate.stderr == "3 tenants, 0 errors, 0 warnings\n")

        // The adopting plan: redeem then adopt, with the platform's dates.
        let plan = try licensectl(["plan", "-C", repo.root, "--at", "2026-10-28", "--format", "json"])
        #expect(plan.status == 0, "\(plan)")
        let planned = try json(plan)
        #expect(
            events(planned, "north-water").map(line).filter { !$0.contains("admit") } == [
                "2026-10-28T00:00:00Z redeem 1A2B-3C4D-0001",
                "2026-10-28T00:00:00Z adopt 1A2B-3C4D-0001 activatedAt=2025-11-25T06:00:00Z expiresAt=2026-11-25T06:00:00Z status=active",
            ])
        #expect(
            events(planned, "south-ports").map(line) == [
                "2026-10-28T00:00:00Z redeem 1A2B-3C4D-0002",
                "2026-10-28T00:00:00Z redeem 1A2B-3C4D-0003",
                "2026-10-28T00:00:00Z redeem 1A2B-3C4D-0004",
                "2026-10-28T00:00:00Z adopt 1A2B-3C4D-0002 activatedAt=2025-03-01T00:00:00Z expiresAt=2026-03-01T00:00:00Z status=invalid invalidatedAt=2025-05-10T00:00:00Z invalidatedBy=1A2B-3C4D-0003",
                "2026-10-28T00:00:00Z adopt 1A2B-3C4D-0003 activatedAt=2025-05-10T00:00:00Z expiresAt=2026-05-10T00:00:00Z status=expired",
                "2026-10-28T00:00:00Z adopt 1A2B-3C4D-0004 activatedAt=2025-06-01T12:00:00Z expiresAt=2027-06-01T12:00:00Z status=active",
                "2026-10-28T00:00:00Z reject 00A0BA200002",
                "2026-10-28T00:00:00Z admit 00A0BA200001",
            ])
        #expect(
            events(planned, "east-grid").map(line) == [
                "2026-10-28T00:00:00Z redeem 1A2B-3C4D-0005",
                "2026-10-28T00:00:00Z redeem 1A2B-3C4D-0006",
                "2026-10-28T00:00:00Z adopt 1A2B-3C4D-0006 activatedAt=2026-01-15T00:00:00Z expiresAt=2027-01-15T00:00:00Z status=active",
                "2026-10-28T00:00:00Z reject 00A0BA300001",
            ])
        let summary = try #require(planned["summary"] as? [String: Any])
        #expect((summary["actions"] as? [String: Any])?["adopt"] as? Int == 5)

        // Text: each adopted license with its dates and what happened to it.
        let text = try licensectl(["plan", "-C", repo.root, "--at", "2026-10-28"])
        #expect(
            text.stdout.contains(
                "+ adopt   1A2B-****-0002  activated 2025-03-01T00:00:00Z, expires 2026-03-01T00:00:00Z, invalidated by 1A2B-****-0003 on 2025-05-10T00:00:00Z"
            ),
            "\(text.stdout)")
        #expect(
            text.stdout.contains(
                "+ adopt   1A2B-****-0003  activated 2025-05-10T00:00:00Z, expires 2026-05-10T00:00:00Z, already expired"
            ),
            "\(text.stdout)")
        #expect(text.stdout.contains("adopt 5"), "\(text.stdout)")
        let markdown = try licensectl(["plan", "-C", repo.root, "--at", "2026-10-28", "--format", "markdown"])
        #expect(markdown.stdout.contains("| `+ adopt` | 5 |"), "\(markdown.stdout)")
        #expect(markdown.stdout.contains("already expired"))

        let apply = try licensectl(["apply", "-C", repo.root, "--at", "2026-10-28", "--yes"])
        #expect(apply.status == 0, "\(apply)")
        let state = try repo.read("state/tenants/north-water.json")
        #expect(state.contains("\"adoptedAt\": \"2026-10-28T00:00:00Z\""))
        #expect(state.contains("\"remindersSent\": []"))

        // A month later: only the slots after the adoption are due (2026-10-26 was the platform's).
        let later = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-24", "--format", "json"])
        #expect(later.status == 0, "\(later)")
        let laterPlan = try json(later)
        #expect(
            events(laterPlan, "north-water").map(line) == [
                "2026-11-23T06:00:00Z notify 1A2B-3C4D-0001 expiresAt=2026-11-25T06:00:00Z slot=2026-11-23T06:00:00Z"
            ])
        #expect(events(laterPlan, "south-ports").isEmpty)
        #expect(events(laterPlan, "east-grid").isEmpty)
        let applyLater = try licensectl(["apply", "-C", repo.root, "--at", "2026-11-24", "--yes"])
        #expect(applyLater.status == 0, "\(applyLater)")
        let sent = try repo.read("state/tenants/north-water.json")
        #expect(
            sent.contains(
                """
                "remindersSent": [
                        "2026-11-02T06:00:00Z",
                        "2026-11-09T06:00:00Z",
                        "2026-11-16T06:00:00Z",
                        "2026-11-23T06:00:00Z"
                      ]
                """), "\(sent)")
    }

    @Test func initRefusesToOverwriteAnExistingManifestAndWritesNothingOnBadInput() throws {
        let repo = try TempRepo(label: "adopt-init")
        defer { repo.remove() }
        try repo.write(
            "fixtures/l.csv", "code,type,issued,activated_at\n1A2B-3C4D-0001,Cloud Basic 1,2025-10-01,2025-10-02\n")
        try repo.write("fixtures/bad.csv", "code,type,issued\n1A2B-3C4D-0001,Cloud Basic 1,01/10/2025\n")
        let first = try licensectl(["init", "acme", "-C", repo.root, "--licenses", "fixtures/l.csv"])
        #expect(first.status == 0, "\(first)")
        let before = repo.files()
        let again = try licensectl(["init", "acme", "-C", repo.root, "--licenses", "fixtures/l.csv"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("tenants/acme.yaml already exists"), "\(again)")
        for arguments in [
            ["init", "Acme_1", "--licenses", "fixtures/l.csv"],
            ["init", "beta", "--licenses", "fixtures/missing.csv"],
            ["init", "beta", "--licenses", "../outside.csv"],
            ["init", "beta", "--licenses", "fixtures/bad.csv"],
            ["init", "beta", "--licenses", "fixtures/l.csv", "--contact", "not an address"],
        ] {
            let run = try licensectl(arguments + ["-C", repo.root])
            #expect(run.status == 1, "\(arguments): \(run)")
            #expect(run.stderr.contains("error: "), "\(arguments): \(run)")
        }
        #expect(changedPaths(before, repo.files()) == [])
    }

    /// The header comment records the whole command: run again (shell-quoted as written), it
    /// writes the same file.
    @Test func initsHeaderCommentIsTheFullCommandAndReproducesTheFile() throws {
        let repo = try TempRepo(label: "adopt-init-command")
        defer { repo.remove() }
        try repo.write(
            "fixtures/l.csv", "Code;Produkt;issued;Aktiviert am\n1A2B-3C4D-0001;Cloud Basic 1;2025-10-01;2025-10-02\n")
        try repo.write("fixtures/d.csv", "Seriennummer,connected_at\n00A0BA000001,2025-10-03\n")
        let run = try licensectl([
            "init", "werk", "-C", repo.root, "--licenses", "fixtures/l.csv", "--devices", "fixtures/d.csv",
            "--contact", "ops@werk.example", "--contact", "it@werk.example", "--label", "team=o'brien",
            "--column", "activation_code=Code", "--column", "license_type=Produkt", "--column",
            "activated_at=Aktiviert am",
            "--device-column", "serial=Seriennummer",
        ])
        #expect(run.status == 0, "\(run)")
        let written = try repo.read("tenants/werk.yaml")
        let header = try #require(written.split(separator: "\n").first)
        #expect(
            header == """
                # Written by `licensectl init werk --licenses fixtures/l.csv --devices fixtures/d.csv --contact ops@werk.example \
                --contact it@werk.example --label 'team=o'\\''brien' --column activation_code=Code --column license_type=Produkt \
                --column 'activated_at=Aktiviert am' --device-column serial=Seriennummer`: a tenant already running in the platform.
                """)
        // Run the recorded command from the repo root, with the built licensectl first on PATH.
        let command = try #require(header.split(separator: "`").dropFirst().first)
        try FileManager.default.removeItem(atPath: repo.path("tenants/werk.yaml"))
        let executable = try #require(licensectlExecutable())
        let folder = executable.deletingLastPathComponent().path
        let again = try RunningCommand(
            executable: URL(fileURLWithPath: "/bin/sh"), ["-c", "PATH='\(folder)':\"$PATH\" \(command)"],
            directory: repo.root
        ).wait()
        #expect(again.status == 0, "\(again)")
        #expect(try repo.read("tenants/werk.yaml") == written)
    }

    /// A header that a `--column` mapping makes ambiguous: the fix is another `--column`, not
    /// the manifest's `columns` (init has no manifest yet).
    @Test func anAmbiguousColumnDuringInitPointsAtTheColumnOption() throws {
        let repo = try TempRepo(label: "adopt-init-ambiguous")
        defer { repo.remove() }
        try repo.write("fixtures/l.csv", "code,type,activated\n1A2B-3C4D-0001,Cloud Basic 1,2025-10-01\n")
        let run = try licensectl([
            "init", "werk", "-C", repo.root, "--licenses", "fixtures/l.csv", "--column", "issued=activated",
        ])
        #expect(run.status == 1, "\(run)")
        #expect(
            run.stderr.contains(
                "column 'activated' matches both issued and activated_at; map each column to a header of its own with --column"
            ), "\(run)")
        #expect(!repo.exists("tenants/werk.yaml"))
    }

    @Test func initMapsAVendorsOwnHeadersWithColumnAndDeviceColumn() throws {
        let repo = try TempRepo(label: "adopt-init-columns")
        defer { repo.remove() }
        try repo.write(
            "fixtures/l.csv",
            "\u{FEFF}Aktivierungscode;Produkt;Ausstellungsdatum;Aktiviert am\r\n1A2B-3C4D-0001;Cloud Basic 1;01.10.2025;02.10.2025\r\n"
        )
        try repo.write("fixtures/d.csv", "Seriennummer;Online seit\r\n00A0BA000001;03.10.2025\r\n")
        let run = try licensectl([
            "init", "werk", "-C", repo.root, "--licenses", "fixtures/l.csv", "--devices", "fixtures/d.csv",
            "--column", "activation_code=Aktivierungscode", "--column", "license_type=Produkt",
            "--column", "issued=Ausstellungsdatum", "--column", "activated_at=Aktiviert am",
            "--device-column", "serial=Seriennummer", "--device-column", "connected_at=Online seit",
        ])
        #expect(run.status == 0, "\(run)")
        #expect(
            run.stdout.hasPrefix(
                "Wrote tenants/werk.yaml: 1 license (1 running in the platform, 0 to redeem as available), 1 router."))
        #expect(
            try repo.read("tenants/werk.yaml").hasSuffix(
                """
                  imports:
                    - file: "../fixtures/l.csv"
                      columns:
                        activation_code: "Aktivierungscode"
                        license_type: "Produkt"
                        issued: "Ausstellungsdatum"
                        activated_at: "Aktiviert am"
                  devices:
                    file: "../fixtures/d.csv"
                    columns:
                      serial: "Seriennummer"
                      connected_at: "Online seit"

                """))
        let plan = try licensectl(["plan", "-C", repo.root, "--at", "2026-01-01", "--format", "json"])
        #expect(plan.status == 0, "\(plan)")
        #expect(plan.stdout.contains("\"activatedAt\": \"2025-10-02T00:00:00Z\""))
        let unknown = try licensectl([
            "init", "other", "-C", repo.root, "--licenses", "fixtures/l.csv", "--column", "activation_cod=X",
        ])
        #expect(unknown.status == 1)
        #expect(
            unknown.stderr.contains("--column activation_cod=…: unknown column (did you mean 'activation_code'?)"),
            "\(unknown)")
        #expect(!repo.exists("tenants/other.yaml"))
    }

    @Test func aSavedAdoptingPlanIsAppliedAsPlanned() throws {
        let repo = try TempRepo(label: "adopt-planfile")
        defer { repo.remove() }
        // Far from the real clock: no time-driven instant between plan and apply (docs/cli.md §6).
        try repo.write(
            "fixtures/l.csv",
            """
            code,type,issued,term,activated_at
            1A2B-3C4D-0001,Cloud Free,2025-01-01,P1Y,2025-01-02
            1A2B-3C4D-0002,Cloud Basic 25,2025-01-01,P5Y,2025-02-01T10:00:00Z

            """)
        #expect(try licensectl(["init", "acme", "-C", repo.root, "--licenses", "fixtures/l.csv"]).status == 0)
        let plan = try licensectl(["plan", "-C", repo.root, "--out", "p.json"])
        #expect(plan.status == 0, "\(plan)")
        let apply = try licensectl(["apply", "-C", repo.root, "p.json"])
        #expect(apply.status == 0, "\(apply)")
        let state = try repo.read("state/tenants/acme.json")
        #expect(state.contains("\"invalidatedAt\": \"2025-02-01T10:00:00Z\""), "\(state)")
        #expect(state.contains("\"expiresAt\": \"2030-02-01T10:00:00Z\""), "\(state)")
        let journal = try repo.read("state/journal.jsonl")
        #expect(journal.contains("\"action\":\"adopt\""), "\(journal)")
        #expect(journal.contains("\"invalidatedBy\":\"1A2B-3C4D-0002\""), "\(journal)")
    }

    /// A paid license adopted in its last 30 days gets a warning in the adopting plan, since
    /// its reminders before adoption were the platform's (newcomer run 5: a license adopted a
    /// day before its expiry gave no reminder and no warning); one with more than 30 days left
    /// gets none, and a later plan does not repeat it.
    @Test func aPaidLicenseAdoptedNearItsExpiryIsAWarningOfTheAdoptingPlan() throws {
        let repo = try TempRepo(label: "adopt-near-expiry")
        defer { repo.remove() }
        try repo.write(
            "fixtures/l.csv",
            """
            code,type,issued,term,activated_at
            1A2B-3C4D-0011,Cloud Basic 1,2025-10-01,P1Y,2025-11-30T00:00:00Z
            1A2B-3C4D-0012,Cloud Basic 25,2025-10-01,P1Y,2025-12-19T00:00:00Z
            1A2B-3C4D-0013,Cloud Basic 25,2025-10-01,P1Y,2026-06-01T00:00:00Z
            1A2B-3C4D-0014,Cloud Basic 1,2025-10-01,P1Y,2025-11-29T12:00:00Z

            """)
        #expect(try licensectl(["init", "acme", "-C", repo.root, "--licenses", "fixtures/l.csv"]).status == 0)
        let plan = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29"])
        #expect(plan.status == 0, "\(plan)")
        let warnings = plan.stderr.split(separator: "\n").filter { $0.contains("is adopted") }
        #expect(
            warnings == [
                "fixtures/l.csv:2:1: warning: 1A2B-****-0011 is adopted 1 day before it expires at 2026-11-30T00:00:00Z: the platform sent its reminders until now and no reminder is left; redeem and activate its replacement before then",
                "fixtures/l.csv:3:1: warning: 1A2B-****-0012 is adopted 20 days before it expires at 2026-12-19T00:00:00Z: the platform sent its reminders until now and 3 reminders are left; redeem and activate its replacement before then",
                "fixtures/l.csv:5:1: warning: 1A2B-****-0014 is adopted less than a day before it expires at 2026-11-29T12:00:00Z: the platform sent its reminders until now and no reminder is left; redeem and activate its replacement before then",
            ], "\(plan.stderr)")
        #expect(try licensectl(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes"]).status == 0)
        let next = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29T12:00:00Z"])
        #expect(next.status == 0 && !next.stderr.contains("is adopted"), "\(next)")
    }

    /// R1 over the platform's history: two Cloud Free licenses whose validities overlap could
    /// not both have run (newcomer run 5: both were adopted because both had expired by the
    /// plan); one that starts after the other ended is fine.
    @Test(arguments: [("2024-12-15", true), ("2025-01-15T00:00:00Z", false)])
    func aCloudFreeAdoptedWhileAnotherRanIsAnError(secondActivated: String, overlaps: Bool) throws {
        let repo = try TempRepo(label: "adopt-free-overlap")
        defer { repo.remove() }
        try repo.write(
            "fixtures/l.csv",
            """
            code,type,issued,term,activated_at
            1A2B-3C4D-0021,Cloud Free,2023-12-01,P1Y,\(secondActivated)
            1A2B-3C4D-0022,Cloud Free,2023-12-01,P1Y,2024-01-15

            """)
        #expect(try licensectl(["init", "acme", "-C", repo.root, "--licenses", "fixtures/l.csv"]).status == 0)
        let plan = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29"])
        if overlaps {
            #expect(plan.status == 1, "\(plan)")
            #expect(
                plan.stderr.hasPrefix(
                    "fixtures/l.csv:2:42: error: Cloud Free 1A2B-****-0021 is adopted as activated at 2024-12-15T00:00:00Z, while Cloud Free 1A2B-****-0022 (activated 2024-01-15T00:00:00Z) was valid until 2025-01-15T00:00:00Z; the platform runs one Cloud Free at a time (R1) and would have refused it: check both activated dates\n"
                ), "\(plan.stderr)")
        } else {
            #expect(plan.status == 0, "\(plan)")
        }
    }

    /// `init --label` with a line break wrote a header comment and a manifest that `validate`
    /// refused (newcomer run 5); it is an error and nothing is written.
    @Test func initRefusesALabelWithALineBreak() throws {
        let repo = try TempRepo(label: "init-label-newline")
        defer { repo.remove() }
        try repo.write("fixtures/l.csv", "code,type,issued\n1A2B-3C4D-0031,Cloud Basic 1,2026-09-01\n")
        let run = try licensectl([
            "init", "acme", "-C", repo.root, "--licenses", "fixtures/l.csv", "--label", "team=line1\nline2",
        ])
        #expect(run.status == 1, "\(run)")
        #expect(
            run.stderr
                == "licensectl: error: --label for key 'team': holds the control character U+000A; expected one line of text: remove the line break or tab\n"
        )
        #expect(!repo.exists("tenants/acme.yaml"))
    }
}
