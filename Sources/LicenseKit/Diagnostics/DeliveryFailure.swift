/// Why a reminder message was not delivered or not moved to `sent/` (`notify`, docs/cli.md §6),
/// one line for `licensectl: error: FILE: reason`. Each case renders its ``reason``; a webhook
/// URL's path (where Slack and Teams keep the secret) is never part of it.
public enum DeliveryFailure: Error, Sendable, Equatable {
    // The sendmail command.
    /// The message could not be put in a temporary file in `folder`.
    case cannotWriteTemporaryFile(folder: String)
    /// `/bin/sh` could not be started.
    case cannotStartShell(errno: String)
    /// The command ran longer than `seconds` (as shown, `30`, `1.5`) and was stopped.
    case commandTimedOut(command: String, seconds: String)
    /// The command died from `signal`; `stderr` is its last lines of stderr joined by ` / `, or empty.
    case commandKilled(command: String, signal: Int32, stderr: String)
    /// The command exited with a status other than 0.
    case commandFailed(command: String, status: Int32, stderr: String)

    // The webhook.
    /// libcurl could not start a request.
    case cannotStartRequest
    /// The webhook answered with a status outside 200–299; `body` is its answer on one line.
    case webhookRefused(status: Int, body: String)
    /// The webhook did not answer within `seconds`.
    case webhookTimedOut(seconds: String)
    /// The webhook could not be reached (`detail`: libcurl's text).
    case webhookUnreachable(detail: String)

    // The outbox.
    /// The outbox (as the user gave it) is a file.
    case outboxIsAFile(outbox: String)
    /// The outbox folder cannot be listed.
    case cannotReadOutbox(outbox: String, errno: String)
    /// A message file cannot be read.
    case cannotReadMessage(errno: String)
    /// Delivered, but `outbox/sent` cannot be created: it will be delivered again.
    case cannotCreateSent(outbox: String, errno: String)
    /// Delivered, but not moved into `outbox/sent`: it will be delivered again.
    case cannotMoveToSent(outbox: String, errno: String)

    /// Another ``MessageTransport``'s reason, as it is.
    case transport(String)

    /// The one-line reason, e.g. `the webhook answered HTTP 500: internal trouble`.
    public var reason: String {
        switch self {
        case .cannotWriteTemporaryFile(let folder): "cannot write a temporary file in \(folder)"
        case .cannotStartShell(let errno): "cannot start /bin/sh: \(errno)"
        case .commandTimedOut(let command, let seconds):
            "'\(command)' did not finish within \(seconds) s and was stopped"
        case .commandKilled(let command, let signal, let stderr):
            "'\(command)' was killed by signal \(signal)\(Self.said(stderr))"
        case .commandFailed(let command, let status, let stderr):
            "'\(command)' exited with status \(status)\(Self.said(stderr))"
        case .cannotStartRequest: "cannot start an HTTP request (libcurl)"
        case .webhookRefused(let status, let body): "the webhook answered HTTP \(status)" + Self.said(body)
        case .webhookTimedOut(let seconds): "the webhook did not answer within \(seconds) s"
        case .webhookUnreachable(let detail): "cannot reach the webhook: " + detail
        case .outboxIsAFile(let outbox): "--outbox '\(outbox)' is a file, not a folder"
        case .cannotReadOutbox(let outbox, let errno): "--outbox '\(outbox)': cannot read the folder: \(errno)"
        case .cannotReadMessage(let errno): "cannot read the message: \(errno)"
        case .cannotCreateSent(let outbox, let errno):
            "delivered, but cannot create '\(outbox)/sent': \(errno); it will be delivered again"
        case .cannotMoveToSent(let outbox, let errno):
            "delivered, but cannot move it to '\(outbox)/sent': \(errno); it will be delivered again"
        case .transport(let reason): reason
        }
    }

    /// `: text`, or nothing for empty text.
    private static func said(_ text: String) -> String { text.isEmpty ? "" : ": " + text }
}
