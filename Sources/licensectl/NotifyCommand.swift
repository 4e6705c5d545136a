import ArgumentParser
import CCurl
import Foundation
import LicenseKit

/// `licensectl notify --outbox DIR (--sendmail [COMMAND] | --webhook URL)`: deliver the reminder
/// messages that `apply --outbox` wrote (docs/cli.md §6, docs/README.md §8 "Output").
///
/// Each `.eml` goes to `sendmail -t -i` (or COMMAND through `/bin/sh -c`) or is posted as JSON
/// to a webhook, and moves to `DIR/sent/` only after delivery succeeded. Every message is tried;
/// the exit code is 1 when any failed (it stays for the next run: at least once).
struct NotifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Deliver the reminder e-mails in an outbox (sendmail or a webhook).",
        discussion: """
            Each message moves to DIR/sent/ once delivered; a failed one stays for the next run \
            (exit 1). Messages keep their Message-ID, so a message delivered again after a crash \
            can be recognised as a duplicate.
            """
    )

    @Option(help: ArgumentHelp("The outbox folder written by `apply --outbox`.", valueName: "DIR"))
    var outbox: String

    @Flag(help: ArgumentHelp("Deliver through `sendmail -t -i`, or through COMMAND (run by /bin/sh -c) when given."))
    var sendmail = false

    @Argument(
        help: ArgumentHelp(
            "With --sendmail: the command that replaces `sendmail -t -i`, e.g. 'msmtp -t'.",
            valueName: "COMMAND"))
    var command: String?

    @Option(
        help: ArgumentHelp(
            "POST each message as JSON to this http(s) URL (Slack/Teams-style incoming webhook).",
            valueName: "URL"))
    var webhook: String?

    // `.unconditional`: `--timeout -1` reaches the range check in validate() instead of
    // swift-argument-parser's "Missing value" (as `--lock-timeout`, newcomer run 7).
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Seconds one delivery may take before it counts as failed.", valueName: "SECONDS"))
    var timeout: Double = 30

    func validate() throws {
        if sendmail == (webhook != nil) {
            throw ValidationError(CommandError.notifyNeedsOneTransport.message)
        }
        if command != nil, !sendmail {
            throw ValidationError(CommandError.notifyCommandWithoutSendmail.message)
        }
        if let command, command.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError(CommandError.emptySendmailCommand.message)
        }
        guard timeout.isFinite, timeout > 0, timeout <= 3600 else {
            throw ValidationError(
                CommandError.secondsOutOfRange(option: "--timeout", upTo: 3600, found: timeout).message)
        }
        if let webhook {
            guard let url = URL(string: webhook), let scheme = url.scheme?.lowercased(),
                ["http", "https"].contains(scheme),
                url.host != nil
            else {
                throw ValidationError(
                    CommandError.webhookNotHTTP(redacted: WebhookTransport.redacted(webhook)).message)
            }
        }
    }

    func run() throws {
        if let webhook, let url = URL(string: webhook) {
            try deliver(
                through: WebhookTransport(url: url, timeout: timeout),
                via: "webhook " + WebhookTransport.redacted(webhook),
                toThisMachine: ReminderMailer.namesLoopback(url.host ?? ""))
        } else {
            let command = self.command ?? SendmailTransport.defaultCommand
            try deliver(
                through: SendmailTransport(command: command, timeout: timeout), via: "'\(command)'",
                toThisMachine: ReminderMailer.namesLoopback(command))
        }
    }

    /// - Parameter toThisMachine: the target is a local test server, which takes any sender:
    ///   no warning about a `@localhost` sender then.
    private func deliver(through transport: some MessageTransport, via: String, toThisMachine: Bool) throws {
        let box = Outbox(path: outbox, shown: outbox)
        // Crash test: stop between a delivery and its move, the window at-least-once covers.
        let crashAfterDelivery =
            ProcessInfo.processInfo.environment["LICENSECTL_TEST_CRASH_AFTER"] == "notify-delivered"
        let outcomes: [OutboxDelivery.Outcome]
        var warnedAboutSender = false
        do {
            outcomes = try OutboxDelivery.run(
                box, through: transport,
                beforeDelivery: { message in
                    // Once per run: a relay rejects a @localhost sender (README "Reminder e-mails").
                    guard !warnedAboutSender, !toThisMachine, ReminderMailer.isLocalhostSender(message.from) else {
                        return
                    }
                    warnedAboutSender = true
                    Console.report([
                        .warning(MailSenderWarning.notifyDelivers(outbox: outbox, from: message.from).message)
                    ])
                },
                afterDelivery: { _ in
                    if crashAfterDelivery { kill(getpid(), SIGKILL) }
                },
                report: { outcome in
                    switch outcome {
                    case .sent(let name, let messageID):
                        let shown = (outbox as NSString).appendingPathComponent(name)
                        Console.out("sent \(shown) (\(messageID ?? "no Message-ID")) via \(via)\n")
                    case .failed(let name, let reason):
                        let shown = (outbox as NSString).appendingPathComponent(name)
                        Console.report([.error(CommandError.notDelivered(file: shown, reason: reason).message)])
                    }
                })
        } catch {
            try Console.fail(error.reason)
        }
        guard !outcomes.isEmpty else {
            Console.out(box.exists ? "No messages in '\(outbox)'.\n" : "No messages: '\(outbox)' does not exist.\n")
            return
        }
        let failed = outcomes.filter { if case .failed = $0 { return true } else { return false } }.count
        Console.out("Notify: \(outcomes.count - failed) message(s) delivered, \(failed) failed.\n")
        if failed > 0 { throw ExitCode.failure }
    }
}

/// Posts a message as JSON (``WebhookPayload``) with libcurl's easy interface; only a 2xx answer
/// is success (docs/README.md §8 "Output", `notify`). Redirects are not followed (a 3xx is a failure).
///
/// `curl_easy_perform` waits for the answer in poll(2): URLSession on Linux (FoundationNetworking
/// over the same libcurl) woke about every millisecond while a webhook did not answer, burning
/// ~80% of a core for up to `--timeout` seconds per message.
struct WebhookTransport: MessageTransport {
    var url: URL
    var timeout: Double

    /// The URL without its path, query and credentials: incoming-webhook URLs carry their secret
    /// in the path, so messages show only `https://hooks.example.com/…`.
    static func redacted(_ text: String) -> String {
        guard let url = URL(string: text), let scheme = url.scheme, let host = url.host else { return "(not a URL)" }
        let port = url.port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(host)\(port)/…"
    }

    func deliver(_ message: OutboxMessage) throws(DeliveryFailure) {
        guard let handle = curl_easy_init() else { throw .cannotStartRequest }
        defer { curl_easy_cleanup(handle) }
        var headers: UnsafeMutablePointer<curl_slist>?
        headers = curl_slist_append(headers, "Content-Type: application/json; charset=utf-8")
        headers = curl_slist_append(headers, "Expect:")  // no 100-continue round trip
        defer { curl_slist_free_all(headers) }
        let body = WebhookPayload.json(for: message)
        let answer = WebhookAnswer()
        var errorText = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let code: CURLcode = body.withUnsafeBufferPointer { bytes in
            errorText.withUnsafeMutableBufferPointer { errorBuffer in
                let context = Unmanaged.passUnretained(answer).toOpaque()
                var ok = true
                func set(_ result: CURLcode) { if result != CURLE_OK { ok = false } }
                set(licensectl_curl_setopt_pointer(handle, CURLOPT_URL, url.absoluteString))
                set(licensectl_curl_setopt_pointer(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
                set(licensectl_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
                set(licensectl_curl_setopt_long(handle, CURLOPT_POST, 1))
                set(licensectl_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, bytes.baseAddress))
                set(licensectl_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, bytes.count))
                set(licensectl_curl_setopt_pointer(handle, CURLOPT_HTTPHEADER, headers))
                set(licensectl_curl_setopt_pointer(handle, CURLOPT_USERAGENT, "licensectl/\(BuildInfo.version)"))
                set(licensectl_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(timeout * 1000)))
                set(licensectl_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer.baseAddress))
                set(
                    licensectl_curl_setopt_write(
                        handle,
                        { data, size, count, context in
                            guard let data, let context else { return 0 }
                            Unmanaged<WebhookAnswer>.fromOpaque(context).takeUnretainedValue()
                                .append(UnsafeRawBufferPointer(start: data, count: size * count))
                            return size * count
                        }))
                set(licensectl_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context))
                guard ok else { return CURLE_FAILED_INIT }
                return curl_easy_perform(handle)
            }
        }
        switch code {
        case CURLE_OK:
            var status = 0
            _ = licensectl_curl_response_code(handle, &status)
            guard (200..<300).contains(status) else {
                let text = String(decoding: answer.body, as: UTF8.self)
                    .split(whereSeparator: \.isNewline).joined(separator: " ")
                throw .webhookRefused(status: status, body: text)
            }
        case CURLE_OPERATION_TIMEDOUT:
            throw .webhookTimedOut(seconds: SendmailTransport.seconds(timeout))
        default:
            let detail = String(decoding: errorText.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw .webhookUnreachable(detail: detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail)
        }
    }
}

/// The first 200 bytes of the webhook's answer, collected by libcurl's write callback.
private final class WebhookAnswer {
    private(set) var body: [UInt8] = []

    func append(_ bytes: UnsafeRawBufferPointer) {
        body += bytes.prefix(max(0, 200 - body.count))
    }
}
