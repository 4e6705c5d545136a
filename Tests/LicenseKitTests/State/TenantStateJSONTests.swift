import Foundation
import Testing

@testable import LicenseKit

@Suite struct TenantStateJSONTests {
    static let golden = #"""
        {
          "appliedAt": "2026-11-29T00:00:00Z",
          "formatVersion": 1,
          "licenses": [
            {
              "activatedAt": "2026-11-29T00:00:00Z",
              "activation": "immediately",
              "archivedAt": null,
              "capacity": 1,
              "code": "96D9-3718-59E5",
              "expiresAt": "2027-11-29T00:00:00Z",
              "invalidatedAt": null,
              "issued": "2026-01-15T00:00:00Z",
              "redeemedAt": "2026-11-29T00:00:00Z",
              "remindersSent": [],
              "renew": false,
              "scheduledAt": null,
              "source": "tenants/acme.yaml:12",
              "status": "active",
              "stockExpiresAt": "2028-01-15T00:00:00Z",
              "term": "P1Y",
              "type": "Cloud Basic 1"
            }
          ],
          "lineage": "5b7e6c1e-2f1a-5d4b-9c3e-1a2b3c4d5e6f",
          "paidSince": "2026-11-29T00:00:00Z",
          "retiredAt": null,
          "routers": [
            {
              "connectedAt": "2026-11-02T08:15:00Z",
              "reason": null,
              "serial": "00A0BA123456",
              "status": "online"
            },
            {
              "connectedAt": null,
              "reason": "not-connected",
              "serial": "00A0BA999999",
              "status": "offline"
            }
          ],
          "serial": 1,
          "summary": {
            "capacity": 1,
            "mode": "full",
            "offline": 1,
            "online": 1
          },
          "tenant": "acme"
        }

        """#

    @Test func canonicalJSONHasSortedKeysTwoSpaceIndentExplicitNullsAndTrailingNewline() {
        #expect(Sample.document().canonicalJSON() == Self.golden)
    }

    @Test func decodeThenEncodeIsByteIdentical() throws {
        let decoded = try TenantState.decode(stateFile: Array(Self.golden.utf8), path: "state/tenants/acme.json")
        #expect(decoded == Sample.document())
        #expect(decoded.canonicalJSON() == Self.golden)
    }

    @Test func codableConformanceWritesTheSameFields() throws {
        let data = try JSONEncoder().encode(Sample.document())
        let back = try JSONDecoder().decode(TenantState.self, from: data)
        #expect(back == Sample.document())
    }

    @Test func stringsAreEscapedPerRFC8259() {
        let value = JSONValue.object(["k": .string("a\"b\\c/d\n\u{01}é")])
        #expect(value.serializedCompact() == #"{"k":"a\"b\\c/d\n\u0001é"}"#)
    }

    @Test func lineageIsAUUIDv5OfTenantFirstApplyAndInputsDigest() {
        // Python: uuid.uuid5(uuid.NAMESPACE_DNS, "python.org").
        let dns: [UInt8] = [
            0x6B, 0xA7, 0xB8, 0x10, 0x9D, 0xAD, 0x11, 0xD1, 0x80, 0xB4, 0x00, 0xC0, 0x4F, 0xD4, 0x30, 0xC8,
        ]
        #expect(Lineage.uuidV5(namespace: dns, name: "python.org") == "886313e1-3b8a-5372-9b90-0c9aee199e5d")
        // Python: uuid.uuid5(uuid.UUID("6c696365-6e73-6563-746c-2d7631000001"), "acme\n2026-11-29T00:00:00Z\nsha256:00").
        let lineage = Lineage.make(
            tenant: "acme", firstAppliedAt: Sample.instant("2026-11-29"), inputsDigest: "sha256:00")
        #expect(lineage == "39e0d4f7-d3ff-5085-b6d4-e8e903df35ca")
    }

    static let keep = "; the file was not changed: fix it or restore it from git"

    @Test(arguments: [
        ("", "state/tenants/acme.json:1:1: error: state file is empty"),
        (
            "{\n  \"appliedAt\": \"2026-11-29T00:00:00Z\",\n  \"formatVersion\"",
            "state/tenants/acme.json:3:18: error: state file is truncated or not JSON (unexpected end of file)"
        ),
        (
            "tenant: acme\n",
            "state/tenants/acme.json:1:1: error: state file is truncated or not JSON (expected a value)"
        ),
        ("[1, 2]", "state/tenants/acme.json:1:1: error: expected a tenant document (a JSON object), found an array"),
    ])
    func refusesFilesThatAreNotTenantDocuments(text: String, expected: String) {
        #expect(throws: Diagnostic.self) {
            try TenantState.decode(stateFile: Array(text.utf8), path: "state/tenants/acme.json")
        }
        do {
            _ = try TenantState.decode(stateFile: Array(text.utf8), path: "state/tenants/acme.json")
        } catch {
            #expect(error.description == expected + Self.keep)
        }
    }

    @Test(arguments: [
        ("\"serial\": 1,", "\"serial\": \"one\",", "42:13", "serial: expected an integer from 1 to 2^53, found 'one'"),
        (
            "\"status\": \"active\"", "\"status\": \"actve\"", "19:17",
            "licenses[0].status: expected one of 'available', 'scheduled', 'active', 'expired', 'invalid', found 'actve'"
        ),
        (
            "\"formatVersion\": 1", "\"formatVersion\": 2", "3:20",
            "state file has formatVersion 2, newer than this licensectl reads (1); upgrade licensectl"
        ),
        (
            "\"tenant\": \"acme\"", "\"tenant\": \"acme-water\"", "49:13",
            "file name 'acme.json' does not match tenant 'acme-water': rename the file to 'acme-water.json' (git mv) or fix the tenant field"
        ),
        ("\"retiredAt\": null,\n", "", "1:1", "document: missing key 'retiredAt'"),
        ("\"renew\": false", "\"renew\": \"no\"", "16:16", "licenses[0].renew: expected true or false, found 'no'"),
        (
            "\"term\": \"P1Y\"", "\"term\": \"1 year\"", "21:15",
            "licenses[0].term: expected an ISO 8601 duration such as P1Y, found '1 year'"
        ),
        (
            "\"issued\": \"2026-01-15T00:00:00Z\"", "\"issued\": \"2026-01-15\"", "13:17",
            "licenses[0].issued: expected an instant YYYY-MM-DDTHH:MM:SSZ, found '2026-01-15'"
        ),
        (
            "\"mode\": \"full\"", "\"mode\": \"fast\"", "45:13",
            "summary.mode: expected one of 'full', 'limited', 'disabled', found 'fast'"
        ),
        (
            "\"expiresAt\": \"2027-11-29T00:00:00Z\"", "\"expiresAt\": null", "11:20",
            "licenses[0].expiresAt: a license with status 'active' needs expiresAt, found null"
        ),
        (
            "\"reason\": null", "\"reason\": null, \"extra\": 1", "31:32",
            "routers[0].extra: unknown key (expected one of connectedAt, reason, serial, status)"
        ),
        (
            "\"status\": \"active\"", "\"status\": \"expired\"", "19:17",
            "licenses[0].status: 'expired', but its expiresAt 2027-11-29T00:00:00Z is not at or before appliedAt 2026-11-29T00:00:00Z; a license expires only when that instant has passed"
        ),
        (
            "\"lineage\": \"5b7e6c1e-2f1a-5d4b-9c3e-1a2b3c4d5e6f\"", "\"lineage\": \"x\"", "25:14",
            "lineage: expected a UUID such as 3f2a9c4e-…, found 'x'"
        ),
    ])
    func refusesInvalidDocumentsAtTheValueAtFault(from: String, to: String, place: String, message: String) throws {
        var text = Self.golden
        let range = try #require(text.range(of: from))
        text.replaceSubrange(range, with: to)
        do {
            _ = try TenantState.decode(stateFile: Array(text.utf8), path: "state/tenants/acme.json")
            Issue.record("expected an error")
        } catch {
            let hint = message.contains("upgrade") ? "; the file was not changed" : Self.keep
            #expect(error.description == "state/tenants/acme.json:\(place): error: \(message)" + hint)
        }
    }

    /// A status that contradicts the document's own instants: the apply at `appliedAt` would have
    /// recorded another one (a newcomer's attack run edited `expired` to `active` and got a
    /// back-dated `expire` event). Each is an invalid state document, reported at its status.
    @Test(arguments: [
        (
            [("\"appliedAt\": \"2026-11-29T00:00:00Z\"", "\"appliedAt\": \"2027-12-01T00:00:00Z\"")],
            "'active', but its expiresAt 2027-11-29T00:00:00Z is not after appliedAt 2027-12-01T00:00:00Z; the apply at 2027-12-01T00:00:00Z recorded it as expired"
        ),
        (
            [
                ("\"activatedAt\": \"2026-11-29T00:00:00Z\"", "\"activatedAt\": null"),
                ("\"expiresAt\": \"2027-11-29T00:00:00Z\"", "\"expiresAt\": null"),
                ("\"scheduledAt\": null", "\"scheduledAt\": \"2026-11-20T00:00:00Z\""),
                ("\"status\": \"active\"", "\"status\": \"scheduled\""),
            ],
            "'scheduled', but its scheduledAt 2026-11-20T00:00:00Z is not after appliedAt 2026-11-29T00:00:00Z; the apply at 2026-11-29T00:00:00Z activated it (or expired it from stock)"
        ),
        (
            [
                ("\"activatedAt\": \"2026-11-29T00:00:00Z\"", "\"activatedAt\": null"),
                ("\"expiresAt\": \"2027-11-29T00:00:00Z\"", "\"expiresAt\": null"),
                ("\"appliedAt\": \"2026-11-29T00:00:00Z\"", "\"appliedAt\": \"2028-01-15T00:00:00Z\""),
                ("\"status\": \"active\"", "\"status\": \"available\""),
            ],
            "'available', but its stockExpiresAt 2028-01-15T00:00:00Z is not after appliedAt 2028-01-15T00:00:00Z; the apply at 2028-01-15T00:00:00Z recorded it as expired from stock"
        ),
    ])
    func refusesAStatusTheApplyAtAppliedAtCouldNotHaveRecorded(edits: [(String, String)], message: String) throws {
        var text = Self.golden
        for (from, to) in edits {
            let range = try #require(text.range(of: from))
            text.replaceSubrange(range, with: to)
        }
        #expect(throws: Diagnostic.self) {
            try TenantState.decode(stateFile: Array(text.utf8), path: "state/tenants/acme.json")
        }
        do {
            _ = try TenantState.decode(stateFile: Array(text.utf8), path: "state/tenants/acme.json")
        } catch {
            #expect(
                error.description == "state/tenants/acme.json:19:17: error: licenses[0].status: \(message)" + Self.keep)
        }
    }
}
