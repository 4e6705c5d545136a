import Foundation
import Testing

@testable import LicenseKit

/// Journal lines are built field by field (for speed); they must stay what the event's
/// `Codable` form says, for every field an event can carry (docs/README.md §8 "State").
@Suite struct JournalLineTests {
    static let at = Sample.instant("2026-11-29T00:00:00Z")
    static let later = Sample.instant("2027-11-29T00:00:00Z")

    static let events: [PlanEvent] = [
        PlanEvent(at: at, action: .redeem, code: Sample.code("96D9-3718-59E5")),
        PlanEvent(at: at, action: .activate, code: Sample.code("96d9 3718 59e5"), expiresAt: later),
        PlanEvent(at: at, action: .reject, serial: "00a0ba123456", reason: .capacity),
        PlanEvent(at: at, action: .admit, serial: "00A0BA123456"),
        PlanEvent(at: at, action: .reschedule, code: Sample.code("96D9-3718-59E5"), scheduledAt: later, from: at),
        PlanEvent(at: at, action: .notify, code: Sample.code("96D9-3718-59E5"), expiresAt: later, slot: at),
        PlanEvent(
            at: at, action: .adopt, code: Sample.code("96D9-3718-59E5"), expiresAt: later, activatedAt: at,
            status: .invalid, invalidatedAt: at, invalidatedBy: Sample.code("0000-0000-04AD")),
    ]

    @Test(arguments: events)
    func fieldsAreTheEventsCodableForm(event: PlanEvent) throws {
        let data = try JSONEncoder().encode(event)
        let node = try JSONParser.parse(Array(data))
        guard case .object(let members) = node.kind else {
            Issue.record("not an object")
            return
        }
        var expected = [String: JSONValue]()
        for (key, value) in members {
            guard case .string(let text) = value.kind else {
                Issue.record("\(key) is not a string")
                continue
            }
            expected[key] = .string(text)
        }
        #expect(
            JSONValue.object(StateStore.journalFields(event)).serializedCompact()
                == JSONValue.object(expected).serializedCompact())
    }

    @Test(arguments: events)
    func linesAreTheSortedCompactObjectOfTheFieldsTenantApplyAndSeq(event: PlanEvent) {
        var fields = StateStore.journalFields(event)
        fields["tenant"] = .string("acme \"water\"")
        fields["apply"] = .string("2026-11-29T00:00:00Z")
        fields["seq"] = .int(12)
        #expect(
            StateStore.journalLine(event, tenant: "acme \"water\"", apply: "2026-11-29T00:00:00Z", seq: 12)
                == JSONValue.object(fields).serializedCompact())
    }
}

/// JSON strings are escaped byte by byte (for speed) exactly as RFC 8259 asks and as before:
/// `"`, `\` and U+0000–U+001F escaped (short forms where JSON has them), everything else as is.
@Suite struct JSONStringEscapeTests {
    @Test(arguments: [
        ("plain", #""plain""#),
        ("say \"hi\"\\", #""say \"hi\"\\""#),
        ("a\nb\rc\td\u{08}e\u{0C}f", #""a\nb\rc\td\be\ff""#),
        ("\u{01}\u{1F}\u{00}", #""\u0001\u001f\u0000""#),
        ("Größe ✓ 🚀 /", "\"Größe ✓ 🚀 /\""),
    ])
    func stringsAreEscapedPerRFC8259(text: String, expected: String) {
        #expect(JSONValue.string(text).serializedCompact() == expected)
    }
}

/// The intent file is written directly as bytes (it holds every new document); its text stays
/// the pretty JSON form of the intent (docs/state.md "Writes and crash guarantees").
@Suite struct IntentTextTests {
    @Test func theIntentIsThePrettyJSONOfItsFields() {
        for files in [
            [],
            [
                StateStore.IntentFile(path: "tenants/acme.json", content: Sample.document().canonicalJSON()),
                StateStore.IntentFile(path: "tenants/b\"eta.json", content: "{\n}\n"),
            ],
        ] {
            for journal in [[], [#"{"action":"redeem","seq":1}"#, "two"]] {
                let intent = StateStore.Intent(
                    apply: "2026-11-29T00:00:00Z", files: files, journal: journal, journalOffset: 291)
                let expected = JSONValue.object([
                    "formatVersion": .int(1),
                    "apply": .string(intent.apply),
                    "files": .array(files.map { .object(["path": .string($0.path), "content": .string($0.content)]) }),
                    "journal": .array(journal.map(JSONValue.string)),
                    "journalOffset": .int(291),
                ]).serialized()
                #expect(intent.text == expected)
            }
        }
    }
}

/// ``CompactJSONBytes`` escapes strings exactly as ``JSONValue`` does.
@Suite struct CompactJSONBytesTests {
    @Test(arguments: ["", "plain", "say \"hi\"\\", "a\nb\rc\td\u{08}e\u{0C}f\u{01}\u{1F}", "Größe ✓ 🚀 /\"", "\"\"x\n"])
    func stringsMatchJSONValue(text: String) {
        var out = CompactJSONBytes()
        out.string(text)
        #expect(out.text == JSONValue.string(text).serializedCompact())
    }
}
