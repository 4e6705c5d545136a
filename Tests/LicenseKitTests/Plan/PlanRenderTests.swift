import Foundation
import Testing

@testable import LicenseKit

/// The three fixtures of the golden files: (file stem, plan).
private let goldenPlans: [(String, Plan)] = [
    ("new-tenant", PlanFixtures.newTenant),
    ("changes", PlanFixtures.changes),
    ("no-changes", PlanFixtures.noChanges),
]

@Suite struct PlanGoldenTests {
    @Test(arguments: goldenPlans.map(\.0))
    func textPlanMatchesGoldenFile(name: String) throws {
        let plan = try #require(goldenPlans.first { $0.0 == name }?.1)
        assertSnapshot(PlanText.render(plan, showCodes: false), named: "\(name).txt")
    }

    @Test(arguments: goldenPlans.map(\.0))
    func markdownPlanMatchesGoldenFile(name: String) throws {
        let plan = try #require(goldenPlans.first { $0.0 == name }?.1)
        assertSnapshot(PlanMarkdown.render(plan, showCodes: false), named: "\(name).md")
    }

    @Test(arguments: goldenPlans.map(\.0))
    func jsonPlanMatchesGoldenFile(name: String) throws {
        let plan = try #require(goldenPlans.first { $0.0 == name }?.1)
        assertSnapshot(PlanJSON.render(plan), named: "\(name).json")
    }
}

@Suite struct PlanJSONTests {
    /// The JSON does not carry `before`, `newState` or `contacts`; decoding leaves them empty.
    private func withoutLocalFields(_ plan: Plan) -> Plan {
        var p = plan
        p.tenants = p.tenants.map { t in
            var t = t
            // `before` is in the JSON (for `show PLANFILE`); the rest is local to the process.
            t.newState = nil
            t.contacts = []
            return t
        }
        return p
    }

    @Test(arguments: goldenPlans.map(\.0))
    func jsonPlanRoundTripsThroughDecode(name: String) throws {
        let plan = try #require(goldenPlans.first { $0.0 == name }?.1)
        let text = PlanJSON.render(plan)
        let decoded = try PlanJSON.decode(Array(text.utf8))
        #expect(decoded == withoutLocalFields(plan))
        #expect(PlanJSON.render(decoded) == text)
    }

    @Test func jsonPlanIsSortedTwoSpaceIndentedWithTrailingNewline() {
        let text = PlanJSON.render(PlanFixtures.noChanges)
        #expect(
            text.hasPrefix("{\n  \"at\": \"2026-11-30T06:00:00Z\",\n  \"diagnostics\": [],\n  \"formatVersion\": 1,\n"))
        #expect(text.hasSuffix("}\n"))
        #expect(!text.contains("\" : "))
    }

    @Test func eventCarriesOnlyTheFieldsThatAreSet() throws {
        let text = PlanJSON.render(PlanFixtures.newTenant)
        #expect(
            text.contains(
                """
                        {
                          "action": "schedule",
                          "at": "2026-11-29T00:00:00Z",
                          "code": "1A2B-3C4D-5E6F",
                          "scheduledAt": "2026-12-01T00:00:00Z"
                        },
                """))
        #expect(
            text.contains(
                """
                        {
                          "action": "reject",
                          "at": "2026-11-29T00:00:00Z",
                          "reason": "capacity",
                          "serial": "00A0BA000003"
                        },
                """))
    }

    @Test func newTenantHasNullPrior() {
        #expect(PlanJSON.render(PlanFixtures.newTenant).contains("\"prior\": null,"))
    }

    @Test(arguments: [0, 2, 17])
    func planOfAnotherFormatVersionIsAStalePlan(version: Int) {
        let text = PlanJSON.render(PlanFixtures.noChanges)
            .replacingOccurrences(of: "\"formatVersion\": 1", with: "\"formatVersion\": \(version)")
        let error = #expect(throws: PlanDecodeError.otherFormatVersion(version, reads: 1)) {
            try PlanJSON.decode(Array(text.utf8))
        }
        #expect(error?.message == "stale plan: formatVersion \(version), this licensectl reads 1")
    }

    @Test(arguments: [
        ("", "not a licensectl plan: invalid JSON at byte 0: unexpected end of file"),
        ("[1]", "not a licensectl plan: expected a JSON object at the top"),
        ("{\"formatVersion\": \"1\"}", "not a licensectl plan: no integer 'formatVersion'"),
        (
            "{\"formatVersion\": 1, \"at\": \"2026-11-29T00:00:00Z\"}",
            "not a licensectl plan: missing key 'inputsDigest' in top level"
        ),
        (
            "{\"formatVersion\": 1, \"at\": \"yesterday\"}",
            "not a licensectl plan: at: expected a date YYYY-MM-DD or a date-time YYYY-MM-DDTHH:MM:SSZ (RFC 3339 with Z or an offset), found 'yesterday'"
        ),
    ])
    func bytesThatAreNotAPlanAreRefusedWithTheReason(input: String, message: String) {
        let error = #expect(throws: PlanDecodeError.self) { try PlanJSON.decode(Array(input.utf8)) }
        #expect(error?.message == message)
    }
}

@Suite struct PlanMaskingTests {
    @Test(arguments: goldenPlans.map(\.0))
    func humanOutputMasksCodesUnlessShowCodes(name: String) throws {
        let plan = try #require(goldenPlans.first { $0.0 == name }?.1)
        let masked = PlanText.render(plan, showCodes: false) + PlanMarkdown.render(plan, showCodes: false)
        for code in PlanFixtures.allCodes { #expect(!masked.contains(code)) }
        let codesInPlan = Set(plan.tenants.flatMap(\.events).compactMap(\.code))
        for code in codesInPlan {
            #expect(masked.contains(code.masked))
            #expect(PlanText.render(plan, showCodes: true).contains(code.canonical))
            #expect(PlanMarkdown.render(plan, showCodes: true).contains(code.canonical))
        }
    }

    @Test(arguments: [
        ("code 96D9-3718-59E5 is in tenants a and b", "code 96D9-****-59E5 is in tenants a and b"),
        ("'96D9-3718-59E5'", "'96D9-****-59E5'"),
        ("96D9-3718-59E5", "96D9-****-59E5"),
        ("serial X96D9-3718-59E5 stays", "serial X96D9-3718-59E5 stays"),
        ("96D9-3718-59E5-01 stays", "96D9-3718-59E5-01 stays"),
        ("no code here", "no code here"),
    ])
    func codesInDiagnosticMessagesAreMasked(input: String, expected: String) {
        #expect(maskingActivationCodes(in: input) == expected)
    }

    @Test func diagnosticsInHumanOutputMaskCodesUnlessShowCodes() {
        var plan = PlanFixtures.noChanges
        plan.diagnostics = [
            .error(
                "code 96D9-3718-59E5 is redeemed in tenants acme-water and beta-gas",
                at: SourceLocation(file: "tenants/beta-gas.yaml", line: 12, column: 13))
        ]
        #expect(
            PlanText.render(plan, showCodes: false).contains(
                "tenants/beta-gas.yaml:12:13: error: code 96D9-****-59E5 is redeemed in tenants acme-water and beta-gas\n"
            ))
        #expect(
            PlanMarkdown.render(plan, showCodes: false).contains(
                "- **error** `tenants/beta-gas.yaml:12` code 96D9-****-59E5 is redeemed in tenants acme-water and beta-gas\n"
            ))
        // docs/README.md §8 "Output": diagnostics show codes masked in every format, --show-codes and
        // JSON included (a Diagnostic masks its message when it is made).
        #expect(!PlanText.render(plan, showCodes: true).contains("96D9-3718-59E5"))
        #expect(!PlanMarkdown.render(plan, showCodes: true).contains("96D9-3718-59E5"))
        #expect(!PlanJSON.render(plan).contains("96D9-3718-59E5"))
        #expect(PlanJSON.render(plan).contains("code 96D9-****-59E5 is redeemed"))
    }

    @Test func jsonCarriesFullCodes() {
        let text = PlanJSON.render(PlanFixtures.changes)
        for code in ["7777-8888-9999", "96D9-3718-59E5", "FEED-FACE-CAFE", "C0DE-F00D-BEEF", "2222-3333-4444"] {
            #expect(text.contains("\"code\": \"\(code)\""))
        }
        #expect(!text.contains("****"))
    }
}

@Suite struct PlanTextTests {
    @Test func summaryLineCountsTenantsChangesActionsAndDiagnostics() {
        #expect(
            PlanText.summaryLine(PlanFixtures.changes)
                == "Plan: 4 tenants, 2 changed — redeem 1, schedule 1, reschedule 1, expire 2, activate 1, invalidate 1, notify 1, reject 14, remove 1 · 0 errors, 3 warnings"
        )
    }

    @Test func planWithoutChangesSaysStateIsUpToDate() {
        #expect(PlanText.summaryLine(PlanFixtures.noChanges) == "No changes. State is up to date.")
    }

    @Test func admissionChangesListTheFirstTenRoutersAndHowManyMore() {
        let text = PlanText.render(PlanFixtures.changes, showCodes: false)
        #expect(
            text.contains(
                "\n    ! reject  12 routers  capacity: 00A0BA000026, 00A0BA000027, 00A0BA000028, 00A0BA000029, 00A0BA000030, 00A0BA000031, 00A0BA000032, 00A0BA000033, 00A0BA000034, 00A0BA000035 … and 2 more\n"
            ))
    }

    @Test(
        arguments: [
            (nil, [Action](), "+ tenant acme-water (new)"),
            (3, [.expire], "~ tenant acme-water (serial 3 → 4)"),
            (3, [.archive, .retire], "- tenant acme-water (retired, serial 3 → 4)"),
        ] as [(Int?, [Action], String)])
    func tenantHeaderSaysNewChangedOrRetired(priorSerial: Int?, actions: [Action], expected: String) {
        let tenant = TenantPlan(
            tenant: "acme-water", prior: priorSerial.map { PriorRef(lineage: "l", serial: $0) }, changed: true,
            events: actions.map {
                PlanFixtures.event("2026-11-29T00:00:00Z", $0, code: $0 == .retire ? nil : "96D9-3718-59E5")
            },
            after: TenantAfter(mode: .disabled, capacity: 0, online: [], offline: [], licenses: LicenseCounts()))
        #expect(PlanText.header(tenant) == expected)
    }

    @Test func textHasNoTrailingBlanksAndNoEscapeCodes() {
        for (_, plan) in goldenPlans {
            let text = PlanText.render(plan, showCodes: false)
            #expect(!text.contains("\u{1B}"))
            #expect(!text.split(separator: "\n").contains { $0.hasSuffix(" ") })
        }
    }
}

@Suite struct PlanMarkdownTests {
    @Test func markdownOfTwoThousandTenantsStaysBelowTheLimitAndSaysWhatWasLeftOut() throws {
        let plan = PlanFixtures.large(tenants: 2_000, eventsPerTenant: 50)
        let md = PlanMarkdown.render(plan, showCodes: false)
        #expect(md.count < 60_000)
        #expect(md.utf8.count < 60_000)
        let shown = md.components(separatedBy: "<details>").count - 1
        #expect(shown > 0)
        // The rest: one row each of the compact table, as many as fit, then the note.
        let rows = md.split(separator: "\n").filter { $0.hasPrefix("| `tenant-") }.count
        #expect(rows > 100)
        #expect(md.contains("\n### \(2_000 - shown) more changed tenants, one row each\n"))
        let leftOut = 2_000 - shown - rows
        #expect(
            md.contains(
                "> **\(leftOut) changed tenants (\(leftOut * 50) events) not shown:** this comment is kept below 60000 characters. Run `licensectl plan --format json` or `licensectl plan --out PLANFILE` for the full plan.\n"
            ))
        // Whole sections only: every opened section is closed.
        #expect(md.components(separatedBy: "</details>").count - 1 == shown)
        #expect(md.hasPrefix("## licensectl plan at 2026-11-29T00:00:00Z\n\n**Changes in 2000 of 2000 tenants.**\n"))
    }

    @Test(arguments: [2_000, 10_000, 60_000])
    func markdownStaysBelowAnyReasonableLimit(limit: Int) {
        let md = PlanMarkdown.render(
            PlanFixtures.large(tenants: 300, eventsPerTenant: 20), showCodes: false, limit: limit)
        #expect(md.utf8.count < limit)
        #expect(md.contains("not shown") || md.contains("one row each"))
    }

    /// Newcomer report: a 300-tenant adoption plan showed 36 tenants alphabetically and left 264
    /// out. The tenants a reviewer must see come first (errors, rejected routers, expiries), and
    /// the rest is one row each, all 300 tenants within the limit.
    @Test func aBigPlanShowsUrgentTenantsFirstAndEveryOtherAsARow() throws {
        var plan = PlanFixtures.large(tenants: 300, eventsPerTenant: 20)
        let urgent = 250
        plan.tenants[urgent].after.offline = [OfflineRouter(serial: "00A0BA000001", reason: .capacity)]
        let md = PlanMarkdown.render(plan, showCodes: false)
        #expect(md.utf8.count < 60_000)
        #expect(!md.contains("not shown"))
        let sections = md.components(separatedBy: "<details><summary><code>").dropFirst()
        let first = try #require(sections.first)
        #expect(first.contains(plan.tenants[urgent].tenant), "\(first.prefix(120))")
        let rows = md.split(separator: "\n").filter { $0.hasPrefix("| `tenant-") }
        #expect(sections.count + rows.count == 300)
        #expect(md.contains("\n### \(rows.count) more changed tenants, one row each\n"))
        // Every tenant is named once, in a section or a row.
        for tenant in plan.tenants {
            let named =
                md.components(separatedBy: "`\(tenant.tenant)`").count - 1
                + md.components(separatedBy: "<code>+ \(tenant.tenant)</code>").count - 1
                + md.components(separatedBy: "<code>~ \(tenant.tenant)</code>").count - 1
            #expect(named == 1, "\(tenant.tenant)")
        }
    }

    /// Newcomer run 8: on a 300-tenant adoption, site-208 (its license expired the next day) was
    /// a compact row far down, below tenants whose routers were rejected long ago. A license
    /// expiring within 30 days now ranks right after errors, and every row names its next expiry.
    @Test func aTenantWhoseLicenseExpiresSoonComesBeforeRejectedRouters() throws {
        var plan = PlanFixtures.large(tenants: 300, eventsPerTenant: 20)
        let soon = try #require(plan.tenants.firstIndex { $0.tenant == "tenant-208" })
        for i in 0..<100 where i != soon {
            plan.tenants[i].after.offline = [OfflineRouter(serial: "00A0BA00000\(i)", reason: .capacity)]
        }
        let nextDay = plan.at.addingDays(1)
        plan.tenants[soon].events = plan.tenants[soon].events.map {
            var e = $0
            if e.action == .activate { e.expiresAt = nextDay }
            return e
        }
        let md = PlanMarkdown.render(plan, showCodes: false)
        let sections = md.components(separatedBy: "<details><summary><code>").dropFirst()
        let first = try #require(sections.first)
        #expect(first.hasPrefix("~ tenant-208</code>"), "\(first.prefix(120))")
        #expect(md.contains("| tenant | events | capacity | rejected | next expiry |\n"))
        #expect(
            PlanMarkdown.summaryRow(plan.tenants[soon], at: plan.at)
                == "| `tenant-208` | 20 | 1 → 1 | 0 | **\(nextDay.dateString)** |\n")
        #expect(
            PlanMarkdown.summaryRow(plan.tenants[0], at: plan.at)
                == "| `\(plan.tenants[0].tenant)` | 20 | 1 → 1 | 1 | 2027-11-29 |\n")
        plan.tenants[1].events = []
        #expect(
            PlanMarkdown.summaryRow(plan.tenants[1], at: plan.at)
                == "| `\(plan.tenants[1].tenant)` | 0 | 1 → 1 | 1 | none |\n")
    }

    /// Newcomer run 8: a plan whose errors come from state checks (codes held by another owner)
    /// still has its tenants; the Markdown used to show their sections and compact table and cut
    /// the errors to a third of the comment. Now it is only the title, summary and diagnostics.
    @Test func aPlanWithStateCheckErrorsShowsOnlyItsDiagnostics() {
        var plan = PlanFixtures.large(tenants: 300, eventsPerTenant: 20)
        plan.diagnostics = (1...300).map {
            .error(
                "activation code 96D9-3A7C-59E5 is held by owner 'x' (\($0))",
                at: SourceLocation(file: "postgres:x/tenant-\($0)", line: 1))
        }
        let md = PlanMarkdown.render(plan, showCodes: false)
        #expect(md.utf8.count < 60_000)
        #expect(!md.contains("<details>"))
        #expect(!md.contains("one row each"))
        #expect(!md.contains("not shown"))
        #expect(md.contains("**The plan has 300 errors: nothing can be applied.**"))
        #expect(md.components(separatedBy: "\n- **error** `postgres:x/tenant-").count - 1 == 300)
        #expect(!md.contains(" more (see `licensectl plan --format json`)"))
        #expect(md.hasSuffix("is held by owner 'x' (300)\n"))
    }

    @Test func manyDiagnosticsAreCutWithACount() {
        var plan = PlanFixtures.noChanges
        plan.diagnostics = (1...3_000).map {
            .warning(
                "code not yet activated, stock expires soon (\($0))",
                at: SourceLocation(file: "tenants/a.yaml", line: $0))
        }
        let md = PlanMarkdown.render(plan, showCodes: false)
        #expect(md.utf8.count < 60_000)
        #expect(md.contains(" more (see `licensectl plan --format json`)\n"))
    }

    @Test(arguments: [
        ("a|b", "a\\|b"),
        ("<script>", "&lt;script>"),
        ("R&D", "R&amp;D"),
        ("two\nlines", "two lines"),
    ])
    func cellsEscapePipeAndAngleBracket(input: String, expected: String) {
        #expect(MarkdownTable.escape(input) == expected)
    }

    @Test func diagnosticsAreListedWithFileAndLineAndEscaped() {
        var plan = PlanFixtures.noChanges
        plan.diagnostics = [
            .error("type <Cloud Basic 2> | unknown", at: SourceLocation(file: "tenants/x.yaml", line: 7, column: 9))
        ]
        let md = PlanMarkdown.render(plan, showCodes: false)
        #expect(md.contains("\n- **error** `tenants/x.yaml:7` type &lt;Cloud Basic 2> \\| unknown\n"))
        #expect(md.contains("**The plan has 1 error: nothing can be applied.**"))
    }
}

@Suite struct JSONValueTests {
    @Test func stringsAreEscapedPerRFC8259() {
        let v = JSONValue.string("a\"b\\c\n\t\u{01}/é\u{7F}")
        #expect(v.serializedCompact() == "\"a\\\"b\\\\c\\n\\t\\u0001/é\u{7F}\"")
    }

    @Test func objectsAreSortedIndentedByTwoAndEmptyContainersStayOnOneLine() {
        let v = JSONValue.object(["b": .array([.int(1), .null]), "a": .object([:]), "c": .array([]), "B": .bool(true)])
        #expect(
            v.serialized() == """
                {
                  "B": true,
                  "a": {},
                  "b": [
                    1,
                    null
                  ],
                  "c": []
                }

                """)
    }

    @Test func parseReadsWhatSerializeWrites() throws {
        let v = JSONValue.object([
            "s": .string("x\u{1F600}\u{0}\"\\"), "n": .int(-42), "d": .double(1.5), "l": .array([.bool(false), .null]),
        ])
        #expect(try JSONValue.parse(Array(v.serialized().utf8)) == v)
        #expect(try JSONValue.parse(Array(v.serializedCompact().utf8)) == v)
    }

    @Test func stringsWithAndWithoutEscapesAndNonASCIIDecode() throws {
        let text = "{\"plain\":\"2026-11-29T00:00:00Z\",\"umlaut\":\"Stadtwerke Nörd\",\"escaped\":\"a\\\"b\\n\u{E4}\"}"
        #expect(
            try JSONValue.parse(Array(text.utf8))
                == .object([
                    "plain": .string("2026-11-29T00:00:00Z"), "umlaut": .string("Stadtwerke Nörd"),
                    "escaped": .string("a\"b\n\u{E4}"),
                ]))
    }

    @Test func invalidUTF8InAStringIsRefusedAfterTheString() {
        #expect(throws: JSONParseError(message: "invalid UTF-8 in a string", offset: 6)) {
            try JSONValue.parse([0x5B, 0x22, 0x61, 0xFF, 0x62, 0x22, 0x5D])
        }
        #expect(throws: JSONParseError(message: "invalid UTF-8 in a string", offset: 8)) {
            try JSONValue.parse([0x5B, 0x22, 0x61, 0xFF, 0x5C, 0x6E, 0x62, 0x22, 0x5D])
        }
    }

    @Test func surrogatePairEscapesDecodeToOneScalar() throws {
        #expect(try JSONValue.parse(Array("\"\\ud83d\\ude00\"".utf8)) == .string("\u{1F600}"))
    }

    @Test(arguments: [
        ("{\"a\":1,\"a\":2}", "duplicate key 'a'", 7),
        ("[1,]", "expected a value", 3),
        ("01", "unexpected text after the end of the JSON value", 1),
        ("\"\\ud83d\"", "unpaired surrogate in \\u escape", 7),
        ("{\"a\" 1}", "expected ':'", 5),
    ])
    func invalidJSONIsRefusedWithOffset(input: String, message: String, offset: Int) {
        #expect(throws: JSONParseError(message: message, offset: offset)) { try JSONValue.parse(Array(input.utf8)) }
    }
}

@Suite struct PlanJSONWriterTests {
    /// The direct byte writer behind `PlanJSON.render` and the general `JSONValue` serializer
    /// must agree byte for byte, escaping included (control characters, quotes, backslashes,
    /// non-ASCII), so that `render` can never drift from the plan's Codable shape.
    @Test(arguments: [
        "plain", "quote \" backslash \\ slash /", "tab\tnewline\ncr\rnul\u{0}esc\u{1B}del\u{7F}",
        "ümlaut – ✓ 😀", "\u{2028}\u{2029}",
    ])
    func directWriterEqualsTheValueSerializer(message: String) throws {
        var plan = PlanFixtures.changes
        plan.diagnostics = [.warning(message, at: SourceLocation(file: "tenants/\(message).yaml", line: 1, column: 2))]
        #expect(PlanJSON.render(plan) == PlanJSON.value(plan).serialized())
        #expect(PlanJSON.renderPieces(plan).joined() == PlanJSON.render(plan))
    }
}

/// `PlanJSON.stream`: the same text as `render`, in pieces, whatever the batch size.
@Suite struct PlanJSONStreamTests {
    @Test(arguments: [1, 2, 3, 256])
    func streamedPiecesJoinToTheRenderedText(batch: Int) {
        let repo = Fx.repo(
            Fx.tenant("acme", [Fx.lic(1, activate: .immediately)], routers: Fx.routers(3)),
            Fx.tenant("beta", [Fx.lic(2)], file: "tenants/beta.yaml"),
            Fx.tenant("gamma", file: "tenants/gamma.yaml"))
        let plan = Fx.apply(repo, at: "2026-02-01").plan
        var pieces: [String] = []
        PlanJSON.stream(plan, batch: batch) { pieces.append($0) }
        #expect(pieces.joined() == PlanJSON.render(plan))
        #expect(pieces.count > 1)
    }
}

/// How an `adopt` event reads (docs/rules.md §4.8, docs/cli.md §6): its dates and what became of the license, the
/// invalidating code masked unless `--show-codes`; the JSON keys sorted with the others.
@Suite struct AdoptEventRenderTests {
    static let free = try! ActivationCode(parsing: "4747-6522-74A1")
    static let paid = try! ActivationCode(parsing: "E539-5A8C-E3BE")
    static func t(_ s: String) -> Instant { try! Instant.parse(s) }

    static let invalid = PlanEvent(
        at: t("2026-11-29"), action: .adopt, code: free, expiresAt: t("2024-09-04T10:12:00Z"),
        activatedAt: t("2023-09-04T10:12:00Z"), status: .invalid, invalidatedAt: t("2023-11-06T08:30:00Z"),
        invalidatedBy: paid)

    @Test func detailsNameTheDatesAndTheOutcome() {
        #expect(
            Self.invalid.details
                == "activated 2023-09-04T10:12:00Z, expires 2024-09-04T10:12:00Z, invalidated by E539-****-E3BE on 2023-11-06T08:30:00Z"
        )
        #expect(
            Self.invalid.details(showCodes: true).hasSuffix("invalidated by E539-5A8C-E3BE on 2023-11-06T08:30:00Z"))
        var expired = Self.invalid
        expired.status = .expired
        expired.invalidatedAt = nil
        expired.invalidatedBy = nil
        #expect(expired.details == "activated 2023-09-04T10:12:00Z, expires 2024-09-04T10:12:00Z, already expired")
        let invalidate = PlanEvent(
            at: Self.t("2026-11-29"), action: .invalidate, code: Self.free,
            invalidatedAt: Self.t("2023-11-06T08:30:00Z"), invalidatedBy: Self.paid)
        #expect(invalidate.details == "Cloud Free invalidated by E539-****-E3BE on 2023-11-06T08:30:00Z")
        #expect(Action.adopt.signed == "+ adopt")
    }

    @Test func jsonEventCarriesTheHistoryWithSortedKeys() {
        var writer = PrettyJSONWriter()
        PlanJSON.write(Self.invalid, into: &writer)
        let text = writer.finish()
        #expect(
            text.contains(
                """
                "action": "adopt",
                """))
        let keys = text.split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasPrefix("\"") else { return nil }
            return String(trimmed.dropFirst().prefix { $0 != "\"" })
        }
        #expect(
            keys == ["action", "activatedAt", "at", "code", "expiresAt", "invalidatedAt", "invalidatedBy", "status"])
    }
}
