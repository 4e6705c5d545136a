/// Why `apply --outbox` wrote no state (docs/README.md §8 "Apply and the lock"): the reminder
/// messages are written before the commit, and a message that cannot be written refuses the
/// apply. Each case renders its message; `reason` is the file system's (``OutputFile/WriteError``).
public enum OutboxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The outbox folder (as the user gave it) cannot be used: outside the repo root, a file,
    /// cannot be created or opened.
    case cannotOpenFolder(outbox: String, reason: String)
    /// One `.eml` file (`file`: the outbox as given joined with the message's file name) cannot
    /// be written.
    case cannotWriteMessage(file: String, reason: String)

    /// The whole message, e.g. `cannot write 'outbox/acme-20261129T000000Z.eml': …; no state was written`.
    public var message: String {
        switch self {
        case .cannotOpenFolder(let outbox, let reason):
            "--outbox '\(outbox)': \(reason); nothing was written"
        case .cannotWriteMessage(let file, let reason):
            "cannot write '\(file)': \(reason); no state was written"
        }
    }

    /// The same as ``message``.
    public var description: String { message }
}
