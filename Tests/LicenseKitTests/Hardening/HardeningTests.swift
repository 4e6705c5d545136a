import Foundation
import Testing

@testable import LicenseKit

/// Issue 15: every input read is checked before it is used, codes never appear in diagnostics.
@Suite struct HardeningTests {
    // MARK: 1. CSV records

    static let header = "activation_code,license_type,issued,term,order\n"

    func readSales(_ text: String) -> (codes: [String], diagnostics: [Diagnostic]) {
        let engine = DiagnosticsEngine()
        let records = SalesCSVReader.read(Array(text.utf8), path: "fixtures/s.csv", diagnostics: engine)
        return (records.map { $0.code.canonical }, engine.diagnostics)
    }

    @Test func aSpaceAfterAClosingQuoteIsAnErrorAtItsLineNotSwallowedRows() {
        let text =
            Self.header
            + "0D95-1C95-602F,Cloud Basic 1,2024-12-02,P1Y,\"SO-1\" \n"
            + "417C-2D01-7E07,Cloud Basic 1,2024-12-02,P1Y,\"SO-2\"\n"
            + "FC10-D0F9-061B,Cloud Basic 1,2024-12-02,P1Y,SO-3\n"
            + "FD71-05DA-2C88,Cloud Basic 1,2024-12-02,P1Y,\"SO-4\"\n"
        let (codes, diagnostics) = readSales(text)
        #expect(codes.isEmpty)
        #expect(
            diagnostics.map(\.description) == [
                "fixtures/s.csv:2:51: error: malformed quoted field: expected the delimiter or a line break right after the closing '\"', found a space; quote the whole value (\"SO-1\"), or double a quote inside a value (\"\"), as RFC 4180 says"
            ])
    }

    @Test(arguments: ["\"SO-1\"x,", "\"S\"O\",", "\"SO-1\"\u{A0}\n"])
    func anyCharacterAfterAClosingQuoteIsAnError(_ cell: String) {
        let text =
            Self.header + "0D95-1C95-602F,Cloud Basic 1,2024-12-02,P1Y," + cell + "\n"
            + "417C-2D01-7E07,Cloud Basic 1,2024-12-02,P1Y,\"SO-2\"\n"
        let (codes, diagnostics) = readSales(text)
        #expect(codes.isEmpty)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.location?.line == 2)
        #expect(diagnostics.first?.message.hasPrefix("malformed quoted field") == true)
    }

    @Test func wellQuotedRecordsWithLineBreaksAndDoubledQuotesKeepEveryRow() {
        let text =
            Self.header
            + "\"0D95-1C95-602F\",\"Cloud Basic 1\",2024-12-02,P1Y,\"SO \"\"1\"\"\r\nsecond line\"\r\n"
            + "417C-2D01-7E07,Cloud Basic 1,2024-12-02,P1Y,\"\"\n"
            + "FC10-D0F9-061B,Cloud Basic 1,2024-12-02,P1Y,a\"b\n"
            + "FD71-05DA-2C88,Cloud Basic 1,2024-12-02,P1Y,\"SO-4\""
        let (codes, diagnostics) = readSales(text)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(codes == ["0D95-1C95-602F", "417C-2D01-7E07", "FC10-D0F9-061B", "FD71-05DA-2C88"])
    }

    // MARK: 2. Masking

    @Test(arguments: [
        ("found columns '0D95-1C95-602F', 'Cloud Basic 1'", "found columns '0D95-****-602F', 'Cloud Basic 1'"),
        ("found '=\"0D95-1C95-602F\"'", "found '=\"0D95-****-602F\"'"),
        ("found '0D95-1C95-602FX'", "found '0D95-****-602FX'"),
        ("found '0d951c95602f'", "found '0d95****602f'"),
        ("found '0D95 1C95 602F'", "found '0D95 **** 602F'"),
        ("code ABCD-EFAB-CDEF twice", "code ABCD-****-CDEF twice"),
        ("96D9-****-59E5 is masked already", "96D9-****-59E5 is masked already"),
        ("a bad face added to a deed", "a bad face added to a deed"),
        ("expires at 2026-12-10T00:00:00Z (in 11 days)", "expires at 2026-12-10T00:00:00Z (in 11 days)"),
        ("unknown value 'acme-water'", "unknown value 'acme-water'"),
        ("code 96D9-3718-59E5 is redeemed", "code 96D9-****-59E5 is redeemed"),
        (
            "inputs digest sha256:2b606813dfcb… → sha256:e9290a1bd5b0…",
            "inputs digest sha256:2b606813dfcb… → sha256:e9290a1bd5b0…"
        ),
        ("code 96D9 3718 59E5 added", "code 96D9 **** 59E5 added"),
        (
            "in '/tmp/x-9676AB12-1234-4321-ABCD-0123456789AB/repo'",
            "in '/tmp/x-9676AB12-1234-4321-ABCD-0123456789AB/repo'"
        ),
        // Mistyped separators (docs/README.md §8: a malformed value holding 12 hex digits is masked too).
        ("found 'AAAA\u{2013}BBBB-0031'", "found 'AAAA\u{2013}****-0031'"),
        ("found 'AAAA\u{2014}BBBB\u{2014}0031'", "found 'AAAA\u{2014}****\u{2014}0031'"),
        ("found 'AAAA\u{2212}BBBB-0031'", "found 'AAAA\u{2212}****-0031'"),
        ("found 'AAAA\u{A0}BBBB\u{A0}0031'", "found 'AAAA\u{A0}****\u{A0}0031'"),
        ("found 'AAAA\u{200B}BBBB-0031'", "found 'AAAA\u{200B}****-0031'"),
        ("found 'AAAA.BBBB.0031'", "found 'AAAA.****.0031'"),
        ("found 'AAAA_BBBB_0031'", "found 'AAAA_****_0031'"),
        ("found 'AAAA/BBBB/0031'", "found 'AAAA/****/0031'"),
        ("found 'AAAA--BBBB--0031'", "found 'AAAA--****--0031'"),
        ("found 'AAAA\u{2013}BBBB\u{2013}CCCC'", "found 'AAAA\u{2013}****\u{2013}CCCC'"),
        ("code: \"96D9\u{2013}3718-59E5\"", "code: \"96D9\u{2013}****-59E5\""),
        ("from 2026-12-01, 2026-12-05 to 2026-12-09", "from 2026-12-01, 2026-12-05 to 2026-12-09"),
        ("capacity 1000 → 1, 2000 → 3", "capacity 1000 → 1, 2000 → 3"),
        ("'face'/'bead'/'cafe' are words", "'face'/'bead'/'cafe' are words"),
        ("code ABCD\u{2013}EF12-3456 twice", "code ABCD\u{2013}****-3456 twice"),
    ])
    func codeLikeValuesAreMaskedInEveryMessage(_ message: String, _ expected: String) {
        #expect(Diagnostic.error(message).message == expected)
        #expect(Diagnostic.maskingCodes(in: expected) == expected)
    }

    /// docs/README.md §8 "Output": a malformed code is quoted masked, also when an invisible
    /// character sits inside a group or a full-width look-alike replaces a digit.
    @Test(arguments: [
        ("FDAC-B6B7-F6\u{200B}07", "FDAC-****-F6\u{200B}07"),
        ("FD\u{200B}AC-B6B7-F607", "FD\u{200B}AC-****-F607"),
        ("FC\u{A0}10-D0F9-061B", "FC\u{A0}10-****-061B"),
        ("\u{FF26}DAC-B6B7-F607", "\u{FF26}DAC-****-F607"),
        ("\u{FF26}\u{FF24}AC-B6B7-F607", "\u{FF26}\u{FF24}AC-****-F607"),
        ("SO-2024-12240", "SO-2024-12240"),
    ])
    func aMalformedCodeIsQuotedMasked(_ text: String, _ quoted: String) throws {
        #expect(throws: ActivationCodeError.self) { try ActivationCode(parsing: text) }
        let message = ActivationCodeError(text: text).message
        #expect(message.contains("found '\(quoted)'"))
        #expect(Diagnostic.error(message).message.contains("found '\(quoted)'"))
    }

    @Test func routerSerialsKeptOnPurposeStayAsWritten() {
        let d = Diagnostic.warning("router 00A0BAFF4222 has connectedAt …", keeping: ["00A0BAFF4222"])
        #expect(d.message == "router 00A0BAFF4222 has connectedAt …")
        let dotted = Diagnostic.warning(
            "router '00A0.BAFF.4222' and 1C95\u{2013}1C95-602F", keeping: ["00A0.BAFF.4222"])
        #expect(dotted.message == "router '00A0.BAFF.4222' and 1C95\u{2013}****-602F")
        var assigned = Diagnostic.warning("x")
        assigned.message = "code 0D95-1C95-602F"
        #expect(assigned.message == "code 0D95-****-602F")
    }

    @Test func masksSurviveJSONAndGitHubFormats() throws {
        let d = Diagnostic.error("found '0D95-1C95-602F'", at: SourceLocation(file: "f.csv", line: 2))
        let json = try JSONValue(encoding: ["diagnostics": [d]]).serialized()
        #expect(!json.contains("1C95"))
        #expect(!d.githubAnnotation.contains("1C95"))
        let decoded = try JSONDecoder().decode(
            Diagnostic.self,
            from: Data(#"{"severity":"error","message":"0D95-1C95-602F","file":null,"line":null,"column":null}"#.utf8))
        #expect(decoded.message == "0D95-****-602F")
    }

    @Test func aCSVWithoutHeaderOrWithSwappedColumnsShowsNoCode() {
        let noHeader = readSales("0D95-1C95-602F,Cloud Basic 1,2024-12-02,P1Y,SO-1\n").diagnostics
        let swapped = readSales("license_type,activation_code,issued\n0D95-1C95-602F,Cloud Basic 1,2024-12-02\n")
            .diagnostics
        let excel = readSales(
            Self.header
                + "=\"0D95-1C95-602F\",Cloud Basic 1,2024-12-02,P1Y,SO-1\n0D95-1C95-602FX,Cloud Basic 1,2024-12-02,P1Y,SO-1\n"
        ).diagnostics
        for diagnostics in [noHeader, swapped, excel] {
            #expect(!diagnostics.isEmpty)
            for d in diagnostics { #expect(!d.message.contains("1C95"), "\(d)") }
        }
        #expect(noHeader.first?.message.contains("'0D95-****-602F'") == true)
    }

    @Test func aDuplicatedOrLowerCaseCodeInStateShowsNoCode() throws {
        var doc = Sample.document()
        doc.licenses.append(doc.licenses[0])
        let duplicated = Array(doc.canonicalJSON().utf8)
        let lower = Array(
            Sample.document().canonicalJSON().replacingOccurrences(of: "96D9-3718-59E5", with: "96d9-3718-59e5").utf8)
        for bytes in [duplicated, lower] {
            let error = #expect(throws: Diagnostic.self) {
                try TenantState.decode(stateFile: bytes, path: "state/tenants/acme.json")
            }
            #expect(error?.message.contains("3718") == false, "\(String(describing: error))")
            #expect(error?.message.contains("****") == true, "\(String(describing: error))")
        }
    }

    // MARK: 6. State invariants

    static func decodeError(_ edit: (inout TenantState) -> Void) -> Diagnostic? {
        var doc = Sample.document()
        edit(&doc)
        do {
            _ = try TenantState.decode(stateFile: Array(doc.canonicalJSON().utf8), path: "state/tenants/acme.json")
            return nil
        } catch {
            return error
        }
    }

    @Test func stateInvariantsAreErrorsAtTheField() throws {
        let at = Sample.instant
        let cases: [(String, (inout TenantState) -> Void)] = [
            (
                "licenses[0].archivedAt: set on a license with status 'active'",
                { $0.licenses[0].archivedAt = at("2026-11-29") }
            ),
            (
                "licenses[0].invalidatedAt: set on a license with status 'active'",
                { $0.licenses[0].invalidatedAt = at("2026-11-29") }
            ),
            (
                "licenses[0].redeemedAt: 2026-12-01T00:00:00Z is after appliedAt",
                { $0.licenses[0].redeemedAt = at("2026-12-01") }
            ),
            ("licenses[0].renew: true on a Cloud Basic 1 license", { $0.licenses[0].renew = true }),
            (
                "licenses[0].activatedAt: set on a license with status 'available'",
                {
                    $0.licenses[0].status = .available
                    $0.licenses[0].expiresAt = nil
                }
            ),
            (
                "licenses[0].remindersSent: 2026-12-01T00:00:00Z is after appliedAt",
                { $0.licenses[0].remindersSent = [at("2026-12-01")] }
            ),
            ("retiredAt: 2026-12-01T00:00:00Z is after appliedAt", { $0.retiredAt = at("2026-12-01") }),
            (
                "routers[1].status: 'online', but the router is not connected",
                {
                    $0.routers[1].status = .online
                    $0.routers[1].reason = nil
                    $0.summary.online = 2
                    $0.summary.offline = 0
                }
            ),
            (
                "summary: online 1 and offline 0 do not count the routers (1 online, 1 offline)",
                { $0.summary.offline = 0 }
            ),
            ("summary: 1 routers online, more than the capacity 0", { $0.summary.capacity = 0 }),
        ]
        for (prefix, edit) in cases {
            let d = try #require(Self.decodeError(edit), "\(prefix)")
            #expect(d.message.hasPrefix(prefix), "\(d)")
            #expect(d.location?.file == "state/tenants/acme.json")
            #expect((d.location?.line ?? 0) > 1, "at the field, not the file: \(d)")
        }
        #expect(Self.decodeError { _ in } == nil)
    }

    // MARK: 5. Journal

    @Test func aCompleteLastJournalLineWithoutNewlineIsKept() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        let line =
            #"{"action":"redeem","apply":"2026-11-01T00:00:00Z","at":"2026-11-01T00:00:00Z","code":"96D9-3718-59E5","seq":1,"tenant":"old"}"#
        try repo.write("state/journal.jsonl", line)
        let result = try repo.store.apply(first, lockTimeout: 0, startTime: start)
        #expect(result.warnings.isEmpty)
        let lines = try #require(repo.read("state/journal.jsonl")).split(
            separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first.map(String.init) == line)
        #expect(lines.count == 4)  // the kept line, 2 new lines, the final empty piece
    }

    @Test func anInvalidLastJournalLineIsCutWithAWarning() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        try repo.write("state/journal.jsonl", "{\"action\":\"redeem\",\"at\"")
        let result = try repo.store.apply(first, lockTimeout: 0, startTime: start)
        #expect(result.warnings.count == 1)
        #expect(try #require(repo.read("state/journal.jsonl")).hasPrefix("{\"action\":\"redeem\",\"apply\""))
    }

    // MARK: 4. The pending intent

    /// A repo where `first` was applied and `second` crashed right after its intent was written.
    static func interrupted() throws -> TempRepo {
        let repo = try TempRepo()
        _ = try repo.store.apply(first, lockTimeout: 0, startTime: start)
        var crashing = StateStore(root: repo.root, crashAfter: "intent")
        crashing.simulateCrashByThrowing = true
        _ = try? crashing.apply(second, lockTimeout: 0, startTime: start)
        return repo
    }

    /// One edit of an intent file's text, by name.
    static func edit(_ label: String, _ s: String) -> String {
        switch label {
        case "one character of a document":
            s.replacingOccurrences(of: #"\"status\": \"active\""#, with: #"\"status\": \"activf\""#)
        case "an unknown key":
            s.replacingOccurrences(of: #""journalOffset": "#, with: #""journalOffset": 0, "x": "#)
        case "a changed path":
            s.replacingOccurrences(of: "tenants/beta.json", with: "tenants/stray.json")
        case "a duplicated journal line":
            s.replacingOccurrences(of: #"\"seq\":2"#, with: #"\"seq\":1"#)
        default:
            s
        }
    }

    @Test(arguments: ["one character of a document", "an unknown key", "a changed path", "a duplicated journal line"])
    func anEditedIntentIsRefusedAsAWholeAndNothingIsWritten(_ label: String) throws {
        let repo = try Self.interrupted()
        defer { repo.remove() }
        let intent = try #require(repo.read("state/.pending.json"))
        let edited = Self.edit(label, intent)
        #expect(edited != intent, "\(label): the edit must apply")
        try repo.write("state/.pending.json", edited)
        let before = snapshot(repo)
        let lock = try repo.store.lock(timeout: 0, startTime: start)
        defer { lock.release() }
        #expect(throws: StateStoreError.self, "\(label)") { try repo.store.recoverIfNeeded(lock: lock) }
        #expect(throws: StateStoreError.self, "\(label)") { try repo.store.loadAll() }
        #expect(snapshot(repo) == before, "\(label)")
    }

    @Test func journalOffsetZeroOverAJournalWithLinesIsRefused() throws {
        let repo = try Self.interrupted()
        defer { repo.remove() }
        let intent = try #require(repo.read("state/.pending.json"))
        let edited = intent.replacing(#/"journalOffset": \d+/#, with: #""journalOffset": 0"#)
        #expect(edited != intent)
        try repo.write("state/.pending.json", edited)
        let before = snapshot(repo)
        let lock = try repo.store.lock(timeout: 0, startTime: start)
        defer { lock.release() }
        #expect(throws: StateStoreError.self) { try repo.store.recoverIfNeeded(lock: lock) }
        #expect(snapshot(repo) == before)
        #expect(try #require(before["journal.jsonl"]).split(separator: "\n").count == 2)
    }

    @Test func anIntactIntentIsStillCompleted() throws {
        let repo = try Self.interrupted()
        defer { repo.remove() }
        let lock = try repo.store.lock(timeout: 0, startTime: start)
        defer { lock.release() }
        #expect(try repo.store.recoverIfNeeded(lock: lock))
        #expect(try #require(repo.read("state/journal.jsonl")).split(separator: "\n").count == 8)
    }

    // MARK: 9. FIFOs and aliases

    @Test func aFIFOInStateTenantsIsAnErrorNotAHang() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        _ = try repo.store.apply(first, lockTimeout: 0, startTime: start)
        for name in ["x.json", "pipe"] {
            #expect(mkfifo(repo.path("state/tenants/" + name), 0o644) == 0)
            let started = Date()
            let error = #expect(throws: StateStoreError.self) { try repo.store.loadAll() }
            #expect(error?.diagnostics.contains { $0.location?.file == "state/tenants/" + name } == true)
            #expect(Date().timeIntervalSince(started) < 5)
            unlink(repo.path("state/tenants/" + name))
        }
    }

    @Test func aFIFOInTenantsIsAnError() throws {
        let repo = try TestRepo(["tenants/acme.yaml": tenantYAML(spec: ["  contacts: [ops@acme.example]"])])
        defer { repo.remove() }
        for name in ["tenants/pipe.yaml", "tenants/sub/pipe"] {
            try FileManager.default.createDirectory(
                atPath: repo.root + "/tenants/sub", withIntermediateDirectories: true)
            #expect(mkfifo(repo.root + "/" + name, 0o644) == 0)
            let loaded = repo.load()
            #expect(
                loaded.diagnostics.contains { $0.severity == .error && $0.location?.file == name },
                "\(loaded.diagnostics)")
            unlink(repo.root + "/" + name)
        }
    }

    @Test func aliasesAreLimitedInBytesAtTheAlias() throws {
        let big = String(repeating: "a", count: 100 * 1024) + "@acme.example"
        var yaml = "x: &c \(big)\ny:\n"
        for _ in 0..<9_999 { yaml += "  - *c\n" }
        let started = Date()
        let engine = DiagnosticsEngine()
        _ = YAMLReader.read(Array(yaml.utf8), path: "tenants/acme.yaml", diagnostics: engine)
        let diagnostics = engine.emitted
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(diagnostics.count == 1)
        let d = try #require(diagnostics.first)
        #expect(d.message.hasPrefix("aliases expand to more than 1024 KiB of text in this file (alias '*c'"))
        #expect(d.location?.line == 13)  // the 11th alias (line 13) passes 1 MiB
    }
}
