import Foundation
import Testing

/// docs/formats.md §3.1, docs/README.md §8 "Inputs": routers are identified by their upper-cased serial; orderings compare
/// upper-cased bytes; a spelling change alone is no event but updates the recorded spelling.
@Suite struct RouterSerialCaseTests {
    private func manifest(_ name: String, serials: [String], capacity: Bool = true) -> String {
        var text = """
            apiVersion: licensectl/v1
            kind: Tenant
            metadata:
              name: \(name)
            spec:

            """
        if capacity {
            text += """
                  licenses:
                    - code: 1111-2222-\(name == "one" ? "3333" : "4444")
                      type: Cloud Basic 1
                      issued: 2026-01-15
                      activate: immediately

                """
        }
        text += "  routers:\n"
        for serial in serials {
            text += "    - serial: \(serial)\n      connectedAt: 2026-02-01T00:00:00Z\n"
        }
        return text
    }

    @Test func theSameSerialInAnotherCaseIsADuplicate() throws {
        let repo = try TempRepo(label: "serial-case-dup")
        defer { repo.remove() }
        try repo.write("tenants/one.yaml", manifest("one", serials: ["00a0ba000001", "00A0BA000001"]))
        let run = try licensectl(["plan", "-C", repo.root, "--at", "2026-03-01"])
        #expect(run.status == 1, "\(run)")
        #expect(
            run.stderr.contains(
                "tenants/one.yaml:14:7: error: router serial '00A0BA000001' is listed twice in routers; first at line 12, column 7\n"
            ),
            "\(run.stderr)")
    }

    @Test func theSameSerialInAnotherCaseInTwoTenantsIsAnError() throws {
        let repo = try TempRepo(label: "serial-case-two")
        defer { repo.remove() }
        try repo.write("tenants/one.yaml", manifest("one", serials: ["ab-1"]))
        try repo.write("tenants/two.yaml", manifest("two", serials: ["AB-1"]))
        let run = try licensectl(["plan", "-C", repo.root, "--at", "2026-03-01"])
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("is also declared by tenant"), "\(run.stderr)")
    }

    @Test func admissionOrdersUpperCasedSerials() throws {
        let repo = try TempRepo(label: "serial-case-order")
        defer { repo.remove() }
        // One Cloud Basic 1 and three routers connected at one instant: the first by
        // upper-cased serial is admitted. By plain bytes "C" < "a"; upper-cased "A" < "B" < "C".
        try repo.write("tenants/one.yaml", manifest("one", serials: ["C", "b", "a"]))
        let run = try licensectl(["plan", "-C", repo.root, "--at", "2026-03-01", "--format", "json"])
        #expect(run.status == 0, "\(run)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let tenant = try #require((object["tenants"] as? [[String: Any]])?.first)
        let after = try #require(tenant["after"] as? [String: Any])
        #expect(after["online"] as? [String] == ["a"])
        #expect((after["offline"] as? [[String: Any]])?.compactMap { $0["serial"] as? String } == ["b", "C"])
        let events = try #require(tenant["events"] as? [[String: Any]])
        // docs/rules.md §4.1: rejects before admits, then by upper-cased serial.
        #expect(events.compactMap { $0["serial"] as? String } == ["b", "C", "a"])
    }

    @Test func aSpellingChangeAloneIsNoEventButIsRecorded() throws {
        let repo = try TempRepo(label: "serial-case-spelling")
        defer { repo.remove() }
        try repo.write("tenants/one.yaml", manifest("one", serials: ["00a0ba000001"]))
        let first = try licensectl(["apply", "-C", repo.root, "--at", "2026-03-01", "--yes"])
        #expect(first.status == 0, "\(first)")
        try repo.write("tenants/one.yaml", manifest("one", serials: ["00A0BA000001"]))
        let plan = try licensectl(["plan", "-C", repo.root, "--at", "2026-03-01", "--format", "json"])
        #expect(plan.status == 0, "\(plan)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        let tenant = try #require((object["tenants"] as? [[String: Any]])?.first)
        #expect(tenant["changed"] as? Bool == true)
        #expect((tenant["events"] as? [Any])?.isEmpty == true)
        let apply = try licensectl(["apply", "-C", repo.root, "--at", "2026-03-01", "--yes"])
        #expect(apply.status == 0, "\(apply)")
        let state = try repo.read("state/tenants/one.json")
        #expect(state.contains("\"serial\": \"00A0BA000001\""))
        #expect(!state.contains("00a0ba000001"))
    }
}
