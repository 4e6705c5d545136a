import Foundation
import LicenseKit
import Testing

/// Reminder e-mails from the default `licensectl@localhost` are rejected by mail relays (newcomer
/// report: the README's CI recipe gave no `--mail-from`): `apply --outbox` and `notify` say so
/// once; a sender of a real domain, or delivery to a local test server, gets no warning.
@Suite struct MailSenderCLITests {
    static let warningPrefix = "licensectl: warning: "

    static func warnings(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map(String.init).filter { $0.contains("relays usually reject") }
    }

    @Test func applyWarnsOnceAboutTheDefaultSenderAndNotAboutAGivenOne() throws {
        let repo = try TempRepo.example(label: "mail-from")
        defer { repo.remove() }
        let other = try repo.copy(label: "mail-from-given")
        defer { other.remove() }

        let apply = try licensectl(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes", "--outbox", "outbox"])
        #expect(apply.status == 0, "\(apply)")
        let count = try FileManager.default.contentsOfDirectory(atPath: repo.path("outbox")).count
        #expect(count >= 1)
        #expect(
            Self.warnings(apply.stderr) == [
                Self.warningPrefix
                    + "the \(count) reminder e-mail(s) in 'outbox' come from 'licensectl <licensectl@localhost>', which mail relays usually reject; give apply a sender of your domain, e.g. --mail-from 'Licenses <licenses@example.com>'"
            ], "\(apply)")

        let given = try licensectl([
            "apply", "-C", other.root, "--at", "2026-11-29", "--yes", "--outbox", "outbox",
            "--mail-from", "Licenses <licenses@example.com>",
        ])
        #expect(given.status == 0, "\(given)")
        #expect(Self.warnings(given.stderr).isEmpty, "\(given)")
        #expect(
            try other.read("outbox/acme-water-20261129T000000Z.eml").contains("From: Licenses <licenses@example.com>"))

        // notify: once for the run, not per message; nothing for a local test server.
        let local = try licensectl([
            "notify", "--outbox", repo.path("outbox"), "--sendmail", "cat > /dev/null; : --host=127.0.0.1",
        ])
        #expect(local.status == 0, "\(local)")
        #expect(Self.warnings(local.stderr).isEmpty, "\(local)")
        #expect(local.stdout.hasSuffix("Notify: \(count) message(s) delivered, 0 failed.\n"), "\(local)")
    }

    @Test func notifyWarnsOnceWhenAMessageFromLocalhostGoesToARelay() throws {
        let repo = try TempRepo(label: "notify-sender")
        defer { repo.remove() }
        for name in ["alpha", "beta"] {
            try repo.write(
                "outbox/\(name)-20261129T000000Z.eml",
                "From: licensectl <licensectl@localhost>\r\nTo: ops@\(name).example\r\nSubject: x\r\nMessage-ID: <\(name)@b>\r\n\r\nHello\r\n"
            )
        }
        let run = try licensectl(["notify", "--outbox", repo.path("outbox"), "--sendmail", "cat > /dev/null"])
        #expect(run.status == 0, "\(run)")
        #expect(
            Self.warnings(run.stderr) == [
                Self.warningPrefix
                    + "reminder e-mails in '\(repo.path("outbox"))' come from 'licensectl <licensectl@localhost>', which mail relays usually reject; they were written by apply --outbox without --mail-from: give apply a sender of your domain, e.g. --mail-from 'Licenses <licenses@example.com>'"
            ], "\(run)")
        #expect(run.stdout.hasSuffix("Notify: 2 message(s) delivered, 0 failed.\n"), "\(run)")
    }

    @Test(arguments: [
        ("licensectl <licensectl@localhost>", true), ("ops@LOCALHOST", true), ("Ops <ops@example.com>", false),
        ("ops@localhost.example.com", false),
    ])
    func localhostSenders(_ mailbox: String, _ expected: Bool) {
        #expect(ReminderMailer.isLocalhostSender(mailbox) == expected)
    }

    @Test(arguments: [
        ("msmtp --host=127.0.0.1 --port=2525 -t", true), ("msmtp --host localhost -t", true), ("[::1]", true),
        ("127.0.0.1:8080", true), ("sendmail -t -i", false), ("msmtp -a licenses -t", false),
        ("hooks.example.com", false), ("localhost.example.com", false),
    ])
    func loopbackTargets(_ target: String, _ expected: Bool) {
        #expect(ReminderMailer.namesLoopback(target) == expected)
    }
}
