import Foundation
import Testing

/// `licensectl notify` (docs/cli.md §6, docs/README.md §8 "Output"): delivery through msmtp to a loopback SMTP server
/// and to a loopback webhook, failures, and a crash between delivery and the move to `sent/`.
/// Nothing leaves 127.0.0.1.
@Suite(.serialized) struct NotifyCommandTests {
    /// The example repo applied at 2026-11-29 with `--outbox outbox`: the reminder messages
    /// `apply` writes (acme-water's 8 reminders among them).
    static func repoWithOutbox(_ label: String) throws -> (TempRepo, [String]) {
        let repo = try TempRepo.example(label: label)
        let apply = try licensectl(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes", "--outbox", "outbox"])
        #expect(apply.status == 0, "\(apply)")
        let names = try FileManager.default.contentsOfDirectory(atPath: repo.path("outbox")).filter {
            $0.hasSuffix(".eml")
        }.sorted()
        #expect(names.contains("acme-water-20261129T000000Z.eml"), "\(names)")
        return (repo, names)
    }

    /// An outbox and a loopback server (`smtp_server.py` or `http_server.py`) for one test;
    /// ``stop()`` stops the server and removes the repo.
    struct Setup {
        let repo: TempRepo
        /// The messages in the outbox, sorted.
        let names: [String]
        let server: LoopbackServer

        /// The example repo's outbox (``repoWithOutbox(_:)``) and a server running `script`.
        static func example(_ label: String, server script: String) throws -> Setup {
            let (repo, names) = try repoWithOutbox(label)
            return Setup(repo: repo, names: names, server: try LoopbackServer(script: script))
        }

        /// One message, `alpha-20261129T000000Z.eml` to ops@alpha.example, and a server
        /// running `script`.
        static func oneMessage(_ label: String, server script: String) throws -> Setup {
            let repo = try TempRepo(label: label)
            try repo.write(
                "outbox/alpha-20261129T000000Z.eml",
                "To: ops@alpha.example\r\nSubject: x\r\nMessage-ID: <a@b>\r\n\r\nHello\r\n")
            return Setup(
                repo: repo, names: ["alpha-20261129T000000Z.eml"], server: try LoopbackServer(script: script))
        }

        /// `notify --outbox OUTBOX`.
        var notifyArguments: [String] { ["notify", "--outbox", repo.path("outbox")] }

        /// `notify --outbox OUTBOX --webhook http://127.0.0.1:PORT/path` with `more` after it.
        func notifyWebhook(_ path: String, _ more: [String] = []) -> [String] {
            notifyArguments + ["--webhook", "http://127.0.0.1:\(server.port)/\(path)"] + more
        }

        func stop() {
            server.stop()
            repo.remove()
        }
    }

    static func pending(_ repo: TempRepo) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: repo.path("outbox"))) ?? []).filter {
            $0.hasSuffix(".eml")
        }.sorted()
    }

    static func sent(_ repo: TempRepo) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: repo.path("outbox/sent"))) ?? []).sorted()
    }

    static func header(_ name: String, in message: String) -> String? {
        message.split(whereSeparator: \.isNewline).first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
            .map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func sendmailThroughMsmtpDeliversEveryMessageAndMovesItToSent() throws {
        let setup = try Setup.example("notify-msmtp", server: "smtp_server.py")
        defer { setup.stop() }
        let (repo, names, server) = (setup.repo, setup.names, setup.server)
        let msmtp =
            "msmtp --host=127.0.0.1 --port=\(server.port) --auth=off --tls=off --from=licensectl@localhost -t -i"

        let run = try licensectl(setup.notifyArguments + ["--sendmail", msmtp])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("Notify: \(names.count) message(s) delivered, 0 failed."), "\(run)")
        #expect(Self.pending(repo).isEmpty)
        #expect(Self.sent(repo) == names)

        let received = server.received(".eml")
        let recipients = server.received(".rcpt")
        #expect(received.count == names.count)
        for (index, name) in names.enumerated() where index < received.count {
            let original = try repo.read("outbox/sent/" + name)
            let got = received[index]
            #expect(Self.header("Message-ID", in: got) == Self.header("Message-ID", in: original))
            #expect(Self.header("Subject", in: got) == Self.header("Subject", in: original))
            // Recipients come from the To header (-t).
            let to = (Self.header("To", in: original) ?? "").split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            #expect(recipients[index].split(separator: "\n").map(String.init) == to)
            // The body arrives unchanged (LF line endings on submission).
            let body = original.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
                .replacingOccurrences(of: "\r\n", with: "\n")
            #expect(got.replacingOccurrences(of: "\r\n", with: "\n").hasSuffix(body))
        }
        let acme = try #require(received.first { $0.contains("acme-water") })
        #expect(acme.contains("To: ops@acme-water.example"))

        // Nothing left: a second run sends nothing.
        let again = try licensectl(setup.notifyArguments + ["--sendmail", msmtp])
        #expect(again.status == 0, "\(again)")
        #expect(again.stdout.contains("No messages in"))
        #expect(server.received(".eml").count == names.count)
    }

    @Test func aFailingCommandLeavesItsMessageTriesTheOthersAndExits1() throws {
        let repo = try TempRepo(label: "notify-fail")
        defer { repo.remove() }
        func message(_ tenant: String, subject: String) -> String {
            "From: licensectl <licensectl@localhost>\r\nTo: ops@\(tenant).example\r\nSubject: \(subject)\r\n"
                + "Message-ID: <licensectl.\(tenant).20261129T000000Z.0123456789ab@licensectl>\r\n\r\nHello\r\n"
        }
        try repo.write("outbox/alpha-20261129T000000Z.eml", message("alpha", subject: "fine"))
        try repo.write("outbox/beta-20261129T000000Z.eml", message("beta", subject: "fail me"))
        try repo.write("outbox/gamma-20261129T000000Z.eml", message("gamma", subject: "fine"))
        try repo.write("outbox/notes.txt", "not a message")
        try FileManager.default.createDirectory(atPath: repo.path("delivered"), withIntermediateDirectories: true)
        let command = """
            m=$(cat); case "$m" in *"Subject: fail me"*) echo "relay refused the message" >&2; exit 75;; esac; \
            printf '%s\\n' "$m" > "\(repo.path("delivered"))/$(printf '%s' "$m" | grep -o 'To: ops@[a-z]*' | cut -d@ -f2)"
            """

        let run = try licensectl(["notify", "--outbox", repo.path("outbox"), "--sendmail", command])
        #expect(run.status == 1, "\(run)")
        #expect(
            run.stderr.contains(
                "beta-20261129T000000Z.eml: '\(command)' exited with status 75: relay refused the message"), "\(run)")
        #expect(run.stdout.contains("Notify: 2 message(s) delivered, 1 failed."), "\(run)")
        #expect(Self.pending(repo) == ["beta-20261129T000000Z.eml"])
        #expect(Self.sent(repo) == ["alpha-20261129T000000Z.eml", "gamma-20261129T000000Z.eml"])
        #expect(repo.exists("outbox/notes.txt"))
        let delivered = try FileManager.default.contentsOfDirectory(atPath: repo.path("delivered")).sorted()
        #expect(delivered == ["alpha", "gamma"])
        // What the command read has LF line endings (local submission).
        #expect(!(try repo.read("delivered/alpha")).contains("\r"))
    }

    @Test func webhookPostsJSONWithMaskedSummaryAndMovesTheMessage() throws {
        let setup = try Setup.example("notify-webhook", server: "http_server.py")
        defer { setup.stop() }
        let (repo, names, server) = (setup.repo, setup.names, setup.server)

        let run = try licensectl(setup.notifyWebhook("ok"))
        #expect(run.status == 0, "\(run)")
        // The webhook's path (where Slack and Teams keep the secret) is never printed.
        #expect(run.stdout.contains("via webhook http://127.0.0.1:\(server.port)/…"), "\(run)")
        #expect(!run.stdout.contains("/ok") && !run.stderr.contains("/ok"))
        #expect(Self.sent(repo) == names)

        let bodies = server.received(".json")
        #expect(bodies.count == names.count)
        #expect(server.received(".meta").allSatisfy { $0.hasPrefix("POST /ok\napplication/json") })
        let acmeBody = try #require(bodies.first { $0.contains("\"tenant\":\"acme-water\"") })
        let object = try Self.json(acmeBody)
        let eml = try repo.read("outbox/sent/acme-water-20261129T000000Z.eml")
        #expect(object["eml"] as? String == eml)
        #expect(object["messageId"] as? String == Self.header("Message-ID", in: eml))
        #expect(object["subject"] as? String == Self.header("Subject", in: eml))
        #expect(object["to"] as? [String] == ["ops@acme-water.example"])
        let text = try #require(object["text"] as? String)
        #expect(text.hasPrefix("[licensectl] acme-water: 8 licenses expire on 2026-12-15"), "\(text)")
        #expect(text.contains("Licenses:"))
        #expect(text.contains("What happens to your routers:"))
        // Codes are masked in the summary: XXXX-****-XXXX, never 12 visible hex digits.
        #expect(text.contains("-****-"))
        #expect(text.range(of: "[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}", options: .regularExpression) == nil, "\(text)")
    }

    @Test func aRefusingWebhookLeavesTheMessageAndExits1() throws {
        let setup = try Setup.example("notify-refuse", server: "http_server.py")
        defer { setup.stop() }
        let (repo, names, server) = (setup.repo, setup.names, setup.server)

        let run = try licensectl(setup.notifyWebhook("refuse"))
        #expect(run.status == 1, "\(run)")
        #expect(
            run.stderr.contains("acme-water-20261129T000000Z.eml: the webhook answered HTTP 500: internal trouble"),
            "\(run)")
        #expect(run.stdout.contains("Notify: 0 message(s) delivered, \(names.count) failed."), "\(run)")
        // Every message was tried, none moved.
        #expect(server.received(".json").count == names.count)
        #expect(Self.pending(repo) == names)
        #expect(!repo.exists("outbox/sent"))
    }

    /// A transport that never finishes: a sendmail command that sleeps, a webhook that does not
    /// answer.
    enum HangingTransport: CaseIterable, Sendable {
        case sendmailCommand, webhook
    }

    @Test(arguments: HangingTransport.allCases)
    func aHangingDeliveryIsStoppedAtTheTimeoutAndTheMessageStays(_ transport: HangingTransport) throws {
        let setup = try Setup.oneMessage("notify-hang", server: "http_server.py")
        defer { setup.stop() }
        let (arguments, said) =
            switch transport {
            case .sendmailCommand:
                (
                    setup.notifyArguments + ["--sendmail", "cat > /dev/null; sleep 120"],
                    "'cat > /dev/null; sleep 120' did not finish within 1 s and was stopped"
                )
            case .webhook:
                (setup.notifyWebhook("hang"), "the webhook did not answer within 1 s")
            }

        let run = try licensectl(arguments + ["--timeout", "1"])
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("alpha-20261129T000000Z.eml: " + said), "\(run)")
        #expect(run.seconds < 30)  // not the 120 s the command, or the 60 s the server, would wait
        #expect(Self.pending(setup.repo) == ["alpha-20261129T000000Z.eml"])
    }

    /// Waiting for a webhook that does not answer blocks: the process uses almost no CPU (it
    /// used ~80% of a core with URLSession, which woke every millisecond).
    @Test func waitingForAWebhookDoesNotBurnCPU() throws {
        let setup = try Setup.oneMessage("notify-cpu", server: "http_server.py")
        defer { setup.stop() }

        let running = try startLicensectl(setup.notifyWebhook("hang", ["--timeout", "4"]))
        // Start-up (loading, reading the outbox) is over well within a second; then it waits.
        Thread.sleep(forTimeInterval: 1)
        let before = try Self.cpuSeconds(of: running.pid)
        Thread.sleep(forTimeInterval: 2)
        let after = try Self.cpuSeconds(of: running.pid)
        let run = running.wait()
        #expect(run.stderr.contains("the webhook did not answer within 4 s"), "\(run)")
        // 2 s of waiting: a busy wait uses about as much CPU time; a blocked wait next to none.
        #expect(after - before < 0.2, "\(after - before) s of CPU in 2 s of waiting")
    }

    /// User + system CPU time of a running process, from /proc/PID/stat (fields 14 and 15, in
    /// clock ticks).
    static func cpuSeconds(of pid: Int32) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // Fields after the command name, which is in parentheses and may hold spaces.
        let rest = try #require(stat.range(of: ") ", options: .backwards)).upperBound
        let fields = stat[rest...].split(separator: " ")
        let ticks = try #require(Double(fields[11])) + (try #require(Double(fields[12])))
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    @Test func aCrashBetweenDeliveryAndMoveDeliversAgainWithTheSameMessageID() throws {
        let setup = try Setup.example("notify-crash", server: "http_server.py")
        defer { setup.stop() }
        let (repo, names, server) = (setup.repo, setup.names, setup.server)

        let crashed = try licensectl(
            setup.notifyWebhook("ok"), environment: ["LICENSECTL_TEST_CRASH_AFTER": "notify-delivered"])
        #expect(crashed.signaled && crashed.status == SIGKILL, "\(crashed)")
        #expect(server.received(".json").count == 1)
        #expect(Self.pending(repo) == names)  // delivered, but not moved

        let rerun = try licensectl(setup.notifyWebhook("ok"))
        #expect(rerun.status == 0, "\(rerun)")
        #expect(Self.sent(repo) == names)
        let bodies = try server.received(".json").map(Self.json)
        #expect(bodies.count == names.count + 1)
        let first = try #require(bodies.first)
        let repeated = bodies.dropFirst().filter { $0["tenant"] as? String == first["tenant"] as? String }
        #expect(repeated.count == 1)
        #expect(repeated.first?["messageId"] as? String == first["messageId"] as? String)
        #expect((first["messageId"] as? String)?.hasPrefix("<licensectl.") == true)
    }

    @Test func aMissingOutboxIsNothingToSend() throws {
        let repo = try TempRepo(label: "notify-none")
        defer { repo.remove() }
        let run = try licensectl(["notify", "--outbox", repo.path("outbox"), "--sendmail", "false"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("does not exist"))
    }

    @Test(arguments: [
        (["notify", "--outbox", "o"], "give exactly one of --sendmail [COMMAND] and --webhook URL"),
        (["notify", "--outbox", "o", "--sendmail", "--webhook", "http://127.0.0.1:9/x"], "give exactly one of"),
        (
            ["notify", "--outbox", "o", "--webhook", "ftp://example.invalid/x"],
            "--webhook: expected an http:// or https:// URL"
        ),
        (
            ["notify", "--outbox", "o", "--webhook", "http://127.0.0.1:9/x", "msmtp"],
            "a COMMAND argument is only taken with --sendmail"
        ),
        (["notify", "--outbox", "o", "--sendmail", "--timeout", "0"], "--timeout: expected a number of seconds"),
        // Not "Missing value" (the `-1` taken for an option).
        (
            ["notify", "--outbox", "o", "--sendmail", "--timeout", "-1"],
            "--timeout: expected a number of seconds above 0 and at most 3600, found -1\n"
        ),
        // `-0` is 0, refused as 0 is (a delivery needs time), not printed as `-0.0`.
        (
            ["notify", "--outbox", "o", "--sendmail", "--timeout", "-0"],
            "--timeout: expected a number of seconds above 0 and at most 3600, found 0\n"
        ),
    ])
    func usageErrorsExit1(arguments: [String], message: String) throws {
        let run = try licensectl(arguments)
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains(message), "\(run)")
    }
}
