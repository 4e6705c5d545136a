/// The warning for reminder e-mails sent from ``ReminderMailer/defaultFrom`` (`@localhost`),
/// which mail relays reject (README "Reminder e-mails"). Printed once per run by `apply --outbox`
/// (when it wrote messages) and by `notify` (when it delivers such a message anywhere but to
/// this machine).
public enum MailSenderWarning: Sendable, Equatable, CustomStringConvertible {
    /// `apply --outbox` wrote `count` messages from `from` into `outbox` (as given).
    case applyWrote(count: Int, outbox: String, from: String)
    /// `notify` delivers messages of `outbox` whose sender is `from` (the first such message's).
    case notifyDelivers(outbox: String, from: String)

    /// The whole message, e.g. `the 3 reminder e-mail(s) in 'outbox' come from … --mail-from …`.
    public var message: String {
        switch self {
        case .applyWrote(let count, let outbox, let from):
            "the \(count) reminder e-mail(s) in '\(outbox)' come from '\(from)', which mail relays usually reject; give apply a sender of your domain, e.g. --mail-from 'Licenses <licenses@example.com>'"
        case .notifyDelivers(let outbox, let from):
            "reminder e-mails in '\(outbox)' come from '\(from)', which mail relays usually reject; they were written by apply --outbox without --mail-from: give apply a sender of your domain, e.g. --mail-from 'Licenses <licenses@example.com>'"
        }
    }

    /// The same as ``message``.
    public var description: String { message }
}
