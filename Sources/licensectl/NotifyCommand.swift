import ArgumentParser
import Foundation
import LicenseKit
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `licensectl notify --outbox DIR (--sendmail [COMMAND] | --webhook URL)`: deliver the reminder
/// messages that `apply --outbox` wrote (SPEC §6, §8 "Output").
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

    @Argument(help: ArgumentHelp("With --sendmail: the command that replaces `sendmail -t -i`, e.g. 'msmtp -t'.",
                                 valueName: "COMMAND"))
    var command: String?

    @Option(help: ArgumentHelp("POST each message as JSON to this http(s) URL (Slack/Teams-style incoming webhook).",
                               valueName: "URL"))
    var webhook: String?

    @Option(help: ArgumentHelp("Seconds one delivery may take before it counts as failed.", valueName: "SECONDS"))
    var timeout: Double = 30

    func validate() throws {
        if sendmail == (webhook != nil) {
            throw ValidationError("notify: give exactly one of --sendmail [COMMAND] and --webhook URL")
        }
        if command != nil, !sendmail {
            throw ValidationError("notify: a COMMAND argument is only taken with --sendmail")
        }
        if let command, command.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--sendmail: the command is empty; leave it out for `sendmail -t -i`")
        }
        guard timeout.isFinite, timeout > 0, timeout <= 3600 else {
            throw ValidationError("--timeout: expected a number of seconds from 0 to 3600, found \(timeout)")
        }
        if let webhook {
            guard let url = URL(string: webhook), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
                  url.host != nil else {
                throw ValidationError("--webhook: expected an http:// or https:// URL, found '\(WebhookTransport.redacted(webhook))'")
            }
        }
    }

    func run() throws {
        if let webhook, let url = URL(string: webhook) {
            try deliver(through: WebhookTransport(url: url, timeout: timeout), via: "webhook " + WebhookTransport.redacted(webhook))
        } else {
            let command = self.command ?? SendmailTransport.defaultCommand
            try deliver(through: SendmailTransport(command: command, timeout: timeout), via: "'\(command)'")
        }
    }

    private func deliver(through transport: some MessageTransport, via: String) throws {
        let box = Outbox(path: outbox, shown: outbox)
        // Crash test: stop between a delivery and its move, the window at-least-once covers.
        let crashAfterDelivery = ProcessInfo.processInfo.environment["LICENSECTL_TEST_CRASH_AFTER"] == "notify-delivered"
        let outcomes: [OutboxDelivery.Outcome]
        do {
            outcomes = try OutboxDelivery.run(box, through: transport, afterDelivery: { _ in
                if crashAfterDelivery { kill(getpid(), SIGKILL) }
            }, report: { outcome in
                switch outcome {
                case .sent(let name, let messageID):
                    let shown = (outbox as NSString).appendingPathComponent(name)
                    Console.out("sent \(shown) (\(messageID ?? "no Message-ID")) via \(via)\n")
                case .failed(let name, let reason):
                    Console.report([.error("\((outbox as NSString).appendingPathComponent(name)): \(reason)")])
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

/// Posts a message as JSON (``WebhookPayload``) with Foundation's URLSession; only a 2xx answer
/// is success (SPEC §8 "Output", `notify`).
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
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/json; charset=utf-8", forHTTPHeaderField: "Content-Type")
        request.setValue("licensectl/\(BuildInfo.version)", forHTTPHeaderField: "User-Agent")
        request.httpBody = Data(WebhookPayload.json(for: message))
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }

        let outcome = WebhookOutcome()
        let done = DispatchSemaphore(value: 0)
        let task = session.dataTask(with: request) { data, response, error in
            if let error {
                outcome.set(.failure(DeliveryFailure(Self.describe(error, timeout: timeout))))
            } else if let http = response as? HTTPURLResponse {
                if (200..<300).contains(http.statusCode) {
                    outcome.set(.success(()))
                } else {
                    let body = String(decoding: (data ?? Data()).prefix(200), as: UTF8.self)
                        .split(whereSeparator: \.isNewline).joined(separator: " ")
                    outcome.set(.failure(DeliveryFailure(
                        "the webhook answered HTTP \(http.statusCode)" + (body.isEmpty ? "" : ": \(body)"))))
                }
            } else {
                outcome.set(.failure(DeliveryFailure("the webhook gave no HTTP answer")))
            }
            done.signal()
        }
        task.resume()
        // URLSession's own timeouts end the task; the extra second covers a stalled callback.
        if done.wait(timeout: .now() + timeout + 1) == .timedOut {
            task.cancel()
            throw DeliveryFailure("the webhook did not answer within \(SendmailTransport.seconds(timeout)) s")
        }
        if case .failure(let failure) = outcome.get() { throw failure }
    }

    static func describe(_ error: any Error, timeout: Double) -> String {
        let ns = error as NSError
        if ns.domain == NSURLErrorDomain, ns.code == NSURLErrorTimedOut {
            return "the webhook did not answer within \(SendmailTransport.seconds(timeout)) s"
        }
        return "cannot reach the webhook: \(ns.localizedDescription)"
    }
}

/// The result handed from URLSession's callback to the waiting command.
private final class WebhookOutcome: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Result<Void, DeliveryFailure> = .failure(DeliveryFailure("the webhook request did not finish"))

    func set(_ result: Result<Void, DeliveryFailure>) {
        lock.lock()
        value = result
        lock.unlock()
    }

    func get() -> Result<Void, DeliveryFailure> {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
