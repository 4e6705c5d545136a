import Foundation
import Testing

@testable import LicenseKit

/// Reading outbox messages and the webhook body of `notify` (docs/cli.md §6, docs/README.md §8 "Output").
@Suite struct OutboxTests {
    static let message =
        "From: licensectl <licensectl@localhost>\r\n"
        + "To: ops@acme.example, \"Night \\\"Shift\\\"\" <night@acme.example>\r\n"
        + "Subject: [licensectl] acme-water: 2 licenses expire\r\n between 2026-12-15 and 2026-12-20\r\n"
        + "Message-ID: <licensectl.acme-water.20261129T000000Z.0123456789ab@licensectl>\r\n"
        + "\r\n"
        + "Hello,\r\n\r\nLicenses\r\n\r\n  96D9-3718-59E5  Cloud Basic 1\r\n\r\nWhat happens to your routers\r\n\r\n"
        + "  Now: capacity 2 routers; 2 online.\r\n\r\n  From 2026-12-15: capacity 2 -> 1; 1 of the 2 online\r\n"
        + "    routers would go offline:\r\n    00A0BA000002\r\n\r\nWhat to do\r\n\r\n  Order new licenses.\r\n"

    @Test func headersAreUnfoldedAndTheTenantComesFromTheFileName() {
        let parsed = OutboxMessage(fileName: "acme-water-20261129T000000Z.eml", contents: Array(Self.message.utf8))
        #expect(parsed.tenant == "acme-water")
        #expect(parsed.subject == "[licensectl] acme-water: 2 licenses expire between 2026-12-15 and 2026-12-20")
        #expect(parsed.messageID == "<licensectl.acme-water.20261129T000000Z.0123456789ab@licensectl>")
        #expect(parsed.to == ["ops@acme.example", "\"Night \\\"Shift\\\"\" <night@acme.example>"])
        #expect(parsed.bodyLines.first == "Hello,")
        #expect(!parsed.unixText.contains(13))
        #expect(
            parsed.unixText.count == Self.message.utf8.count - Self.message.components(separatedBy: "\r\n").count + 1)
    }

    @Test(arguments: [
        ("acme-water-20261129T000000Z.eml", "acme-water"),
        ("a-20261129T000000Z.eml", "a"),
        ("-20261129T000000Z.eml", "-20261129T000000Z"),
        ("hand-written.eml", "hand-written"),
        ("acme-2026112XT000000Z.eml", "acme-2026112XT000000Z"),
    ])
    func tenantFromFileName(name: String, tenant: String) {
        #expect(OutboxMessage.tenant(fromFileName: name) == tenant)
    }

    @Test func webhookBodyCarriesTheContractFieldsAndAMaskedSummary() throws {
        let parsed = OutboxMessage(fileName: "acme-water-20261129T000000Z.eml", contents: Array(Self.message.utf8))
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(WebhookPayload.json(for: parsed))) as? [String: Any])
        #expect(Set(json.keys) == ["messageId", "tenant", "to", "subject", "eml", "text"])
        #expect(json["eml"] as? String == Self.message)
        #expect(json["tenant"] as? String == "acme-water")
        #expect(json["to"] as? [String] == parsed.to)
        #expect(
            json["text"] as? String == """
                [licensectl] acme-water: 2 licenses expire between 2026-12-15 and 2026-12-20

                Licenses:
                96D9-****-59E5  Cloud Basic 1

                What happens to your routers:
                Now: capacity 2 routers; 2 online.
                From 2026-12-15: capacity 2 -> 1; 1 of the 2 online routers would go offline: 00A0BA000002
                """)
    }

    @Test func aLongLicenseTableIsCut() {
        let rows = (0..<25).map { "  AAAA-****-\(String(format: "%04d", $0))  Cloud Basic 1" }
        let text = "Subject: s\n\nLicenses\n\n  Code  Type\n" + rows.joined(separator: "\n") + "\n\nWhat to do\n"
        let summary = WebhookPayload.text(for: OutboxMessage(fileName: "x.eml", contents: Array(text.utf8)))
        let lines = summary.split(separator: "\n").map(String.init)
        // subject, heading, header row, rows, "more"
        #expect(lines.count == 1 + 1 + 1 + WebhookPayload.maxLicenseLines + 1)
        #expect(lines.last == "… and 5 more")
        #expect(lines.dropLast().last == "AAAA-****-0019  Cloud Basic 1")
    }

    @Test func aMessageWithoutTheSectionsIsSummarizedByItsSubject() {
        let parsed = OutboxMessage(fileName: "x.eml", contents: Array("Subject: hello\n\nplain body\n".utf8))
        #expect(WebhookPayload.text(for: parsed) == "hello")
        #expect(parsed.messageID == nil)
    }

    /// Fails the messages whose subject contains "fail"; records every attempt.
    final class FakeTransport: MessageTransport, @unchecked Sendable {
        private let lock = NSLock()
        private var attempts: [String] = []
        var tried: [String] {
            lock.lock()
            defer { lock.unlock() }
            return attempts
        }

        func deliver(_ message: OutboxMessage) throws(DeliveryFailure) {
            lock.lock()
            attempts.append(message.fileName)
            lock.unlock()
            if message.subject.contains("fail") { throw .transport("refused") }
        }
    }

    @Test func deliveryTriesEveryMessageAndMovesOnlyTheDeliveredOnes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "licensectl-outbox-" + UUID().uuidString
        ).path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (name, subject) in [
            ("b-20261129T000000Z.eml", "fail me"), ("a-20261129T000000Z.eml", "ok"),
            ("c-20261129T000000Z.eml", "ok"), ("notes.txt", "ok"),
        ] {
            try Data("Subject: \(subject)\r\nMessage-ID: <\(name)>\r\n\r\nbody\r\n".utf8).write(
                to: URL(fileURLWithPath: folder + "/" + name))
        }
        let transport = FakeTransport()
        var between: [String] = []
        var reported: [OutboxDelivery.Outcome] = []
        let outcomes = try OutboxDelivery.run(
            Outbox(path: folder, shown: "outbox"), through: transport,
            afterDelivery: { name in
                // Delivered, not yet moved.
                between.append(name)
                #expect(FileManager.default.fileExists(atPath: folder + "/" + name))
            }, report: { reported.append($0) })
        #expect(transport.tried == ["a-20261129T000000Z.eml", "b-20261129T000000Z.eml", "c-20261129T000000Z.eml"])
        #expect(between == ["a-20261129T000000Z.eml", "c-20261129T000000Z.eml"])
        #expect(
            outcomes == [
                .sent(fileName: "a-20261129T000000Z.eml", messageID: "<a-20261129T000000Z.eml>"),
                .failed(fileName: "b-20261129T000000Z.eml", reason: "refused"),
                .sent(fileName: "c-20261129T000000Z.eml", messageID: "<c-20261129T000000Z.eml>"),
            ])
        #expect(reported == outcomes)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder + "/sent").sorted() == [
                "a-20261129T000000Z.eml", "c-20261129T000000Z.eml",
            ])
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == [
                "b-20261129T000000Z.eml", "notes.txt", "sent",
            ])
    }

    @Test func aMissingOutboxHasNothingPendingAndAFileIsAnError() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent(
            "licensectl-none-" + UUID().uuidString
        ).path
        #expect(try Outbox(path: missing, shown: "outbox").pending().isEmpty)
        let file = missing + ".eml"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let error = #expect(throws: DeliveryFailure.outboxIsAFile(outbox: "box")) {
            try Outbox(path: file, shown: "box").pending()
        }
        #expect(error?.reason == "--outbox 'box' is a file, not a folder")
    }
}
