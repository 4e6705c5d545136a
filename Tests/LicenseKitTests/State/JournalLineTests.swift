import Foundation
import Testing
@testable import LicenseKit

/// Journal lines are built field by field (for speed); they must stay what the event's
/// `Codable` form says, for every field an event can carry (SPEC §8 "State").
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
        PlanEvent(at: at, action: .adopt, code: Sample.code("96D9-3718-59E5"), expiresAt: later, activatedAt: at,
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
        #expect(JSONValue.object(StateStore.journalFields(event)).serializedCompact()
                    == JSONValue.object(expected).serializedCompact())
    }
}
