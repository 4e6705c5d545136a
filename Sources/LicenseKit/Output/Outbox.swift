import Foundation

/// One reminder message waiting in an outbox folder, as `apply --outbox` wrote it (docs/cli.md §6
/// `notify`): the raw RFC 5322 bytes plus the few header fields delivery needs.
public struct OutboxMessage: Sendable, Hashable {
    /// The file name inside the outbox, e.g. `acme-water-20261129T000000Z.eml`.
    public var fileName: String
    /// The whole message as stored (CRLF line endings when licensectl wrote it).
    public var contents: [UInt8]
    /// The `Message-ID` header's value (`<…@licensectl>`), or `nil` when the message has none.
    public var messageID: String?
    /// The `To` header's addresses, in order.
    public var to: [String]
    /// The `Subject` header's value (unfolded), or `""`.
    public var subject: String
    /// The `From` header's value (unfolded), or `""`.
    public var from: String
    /// The tenant: the file name without `-YYYYMMDDTHHMMSSZ.eml` (the outbox naming of docs/README.md §8
    /// "Apply and the lock"), else the file name without `.eml`.
    public var tenant: String
    /// The body's lines (after the blank line that ends the headers), without line endings.
    public var bodyLines: [String]

    /// Reads the headers of `contents` (unfolding continuation lines; names compared
    /// case-insensitively). Never fails: a message without headers has empty fields.
    public init(fileName: String, contents: [UInt8]) {
        self.fileName = fileName
        self.contents = contents
        let text = String(decoding: contents, as: UTF8.self)
        // "\r\n" is one Character in Swift: split on either line ending.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map(String.init)
        if lines.last == "" { lines.removeLast() }
        var fields: [(name: String, value: String)] = []
        var index = 0
        while index < lines.count, !lines[index].isEmpty {
            let line = lines[index]
            if line.first == " " || line.first == "\t", !fields.isEmpty {
                fields[fields.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                fields.append(
                    (
                        line[..<colon].lowercased(),
                        line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    ))
            }
            index += 1
        }
        func field(_ name: String) -> String? { fields.first { $0.name == name }?.value }
        messageID = field("message-id")
        to = (field("to") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
        subject = field("subject") ?? ""
        from = field("from") ?? ""
        bodyLines = index < lines.count ? Array(lines[(index + 1)...]) : []
        tenant = Self.tenant(fromFileName: fileName)
    }

    /// `acme-water-20261129T000000Z.eml` → `acme-water`.
    static func tenant(fromFileName name: String) -> String {
        var stem = name.hasSuffix(".eml") ? String(name.dropLast(4)) : name
        let stamp = Array(stem.utf8.suffix(17))
        let isDigit = { (c: UInt8) in c >= 48 && c <= 57 }
        if stamp.count == 17, stamp[0] == UInt8(ascii: "-"), stamp[9] == UInt8(ascii: "T"),
            stamp[16] == UInt8(ascii: "Z"),
            stamp[1...8].allSatisfy(isDigit), stamp[10...15].allSatisfy(isDigit), stem.utf8.count > 17
        {
            stem = String(decoding: stem.utf8.dropLast(17), as: UTF8.self)
        }
        return stem
    }

    /// The message with LF line endings, as local mail submission (`sendmail -t -i`) expects.
    public var unixText: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(contents.count)
        var i = 0
        while i < contents.count {
            if contents[i] == 13, i + 1 < contents.count, contents[i + 1] == 10 {
                i += 1
                continue
            }
            out.append(contents[i])
            i += 1
        }
        return out
    }
}

/// The JSON body `notify --webhook` posts for one message (docs/README.md §8 "Output", `notify`).
///
/// `{"messageId","tenant","to","subject","eml"}` as the contract names them, plus `text`: a
/// short plain-text summary (subject, then the licenses and what happens to the routers, taken
/// from the reminder's body) that Slack- and Teams-style incoming webhooks display as the
/// message. Activation codes in `text` are masked (docs/formats.md §3.4: human output); `eml` is the
/// message as stored, whose codes ``ReminderMailer`` already masked.
public enum WebhookPayload {
    /// The JSON bytes (sorted keys, no trailing newline) for `message`.
    public static func json(for message: OutboxMessage) -> [UInt8] {
        let eml = String(decoding: message.contents, as: UTF8.self)
        var writer = "{"
        func add(_ key: String, _ value: String, last: Bool = false) {
            writer += "\"\(key)\":" + quoted(value) + (last ? "" : ",")
        }
        add("eml", eml)
        add("messageId", message.messageID ?? "")
        add("subject", message.subject)
        add("tenant", message.tenant)
        add("text", text(for: message))
        writer += "\"to\":[" + message.to.map(quoted).joined(separator: ",") + "]}"
        return Array(writer.utf8)
    }

    /// The summary: the subject, the license table (at most ``maxLicenseLines`` rows) and the
    /// router forecast, one line per paragraph, of a reminder written by ``ReminderMailer``
    /// (sections `Licenses` and `What happens to your routers`); only the subject for a message
    /// without them. Codes masked.
    public static func text(for message: OutboxMessage) -> String {
        var lines = [message.subject]
        let body = message.bodyLines
        for heading in ["Licenses", "What happens to your routers"] {
            guard let start = body.firstIndex(of: heading) else { continue }
            var section: [String] = []
            var i = start + 1
            while i < body.count, body[i].isEmpty { i += 1 }
            while i < body.count, !(body[i].first.map { $0 != " " } ?? false) {
                section.append(body[i])
                i += 1
            }
            while section.last?.isEmpty == true { section.removeLast() }
            guard !section.isEmpty else { continue }
            lines.append("")
            lines.append(heading + ":")
            if heading == "Licenses" {
                // One line per license (a table), at most maxLicenseLines of them.
                let rows = section.filter { !$0.isEmpty }.map { $0.trimmingCharacters(in: .whitespaces) }
                lines += rows.prefix(maxLicenseLines + 1)
                if rows.count > maxLicenseLines + 1 { lines.append("… and \(rows.count - maxLicenseLines - 1) more") }
            } else {
                // Paragraphs wrapped at 72 columns become one line each again.
                lines += section.split(separator: "", omittingEmptySubsequences: true).map { paragraph in
                    paragraph.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
                }
            }
        }
        return maskingActivationCodes(in: lines.joined(separator: "\n"))
    }

    /// How many license rows (after the table's header) `text` shows before "… and N more".
    static let maxLicenseLines = 20

    static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// A way to deliver one outbox message: a sendmail command or a webhook (docs/cli.md §6 `notify`).
public protocol MessageTransport: Sendable {
    /// Delivers the message; returns only once the receiver accepted it.
    ///
    /// - Throws: ``DeliveryFailure`` saying why (exit status, HTTP status, timeout …).
    func deliver(_ message: OutboxMessage) throws(DeliveryFailure)
}

/// Delivery through a sendmail-compatible command (docs/README.md §8 "Output", `notify`): `/bin/sh -c
/// COMMAND` with the message (LF line endings) on stdin; exit status 0 is success. Default
/// command `sendmail -t -i` (recipients from the headers, a lone `.` line is not the end).
public struct SendmailTransport: MessageTransport {
    /// The default command (docs/cli.md §6).
    public static let defaultCommand = "sendmail -t -i"

    /// The shell command, run as `/bin/sh -c COMMAND`.
    public var command: String
    /// Seconds the command may take before it is killed (with its process group) and the
    /// message counts as failed.
    public var timeout: Double

    /// A transport through `command` (default ``defaultCommand``), stopped after `timeout` seconds.
    public init(command: String = SendmailTransport.defaultCommand, timeout: Double) {
        self.command = command
        self.timeout = timeout
    }

    /// Runs the command with ``OutboxMessage/unixText`` on stdin; exit status 0 is success
    /// (docs/README.md §8 "Output", `notify`).
    ///
    /// - Throws: ``DeliveryFailure`` naming the exit status or signal and the command's last
    ///   lines of stderr, or the timeout.
    public func deliver(_ message: OutboxMessage) throws(DeliveryFailure) {
        // The message goes in as a file (no pipe that a command not reading it could block),
        // stderr into another; the command runs in its own process group with default signal
        // handling, so that a timeout can stop it with everything it started.
        let scratch =
            FileManager.default.temporaryDirectory.path + "/licensectl-sendmail-\(getpid())-\(UUID().uuidString)"
        let inputPath = scratch + ".eml"
        let errorPath = scratch + ".err"
        defer {
            unlink(inputPath)
            unlink(errorPath)
        }
        guard
            FileManager.default.createFile(
                atPath: inputPath, contents: Data(message.unixText),
                attributes: [.posixPermissions: 0o600]),
            FileManager.default.createFile(atPath: errorPath, contents: nil, attributes: [.posixPermissions: 0o600])
        else {
            throw .cannotWriteTemporaryFile(folder: FileManager.default.temporaryDirectory.path)
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inputPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_APPEND, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] =
            ["/bin/sh", "-c", command].map { (text: String) in strdup(text) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, environ)
        guard spawned == 0 else { throw .cannotStartShell(errno: String(cString: strerror(spawned))) }

        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(timeout)
        var finished = false
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                finished = true
                break
            }
            if result < 0, errno != EINTR { break }
            if Date() >= deadline { break }
            usleep(10_000)
        }
        if !finished {
            kill(-pid, SIGKILL)
            while waitpid(pid, &status, 0) < 0, errno == EINTR {}
            throw .commandTimedOut(command: command, seconds: Self.seconds(timeout))
        }
        let stderrText = ((try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "")
            .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.suffix(3).joined(separator: " / ")
        let signal = status & 0x7F
        if signal != 0 { throw .commandKilled(command: command, signal: signal, stderr: stderrText) }
        let exitStatus = (status >> 8) & 0xFF
        guard exitStatus == 0 else { throw .commandFailed(command: command, status: exitStatus, stderr: stderrText) }
    }

    /// `30` for 30.0, `1.5` for 1.5: seconds as messages show them.
    public static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}

/// The outbox folder of `apply --outbox` and its `sent/` subfolder (docs/cli.md §6 `notify`).
public struct Outbox: Sendable {
    /// The folder as the user gave it, for messages.
    public var shown: String
    /// The folder's path.
    public var path: String

    /// The outbox at `path`, named `shown` in messages.
    public init(path: String, shown: String) {
        self.path = path
        self.shown = shown
    }

    /// Whether the folder exists (a missing outbox means that no apply wrote a reminder).
    public var exists: Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// The names of the `.eml` regular files directly in the folder, sorted by bytes.
    ///
    /// - Throws: ``DeliveryFailure`` when the path is not a readable folder.
    public func pending() throws(DeliveryFailure) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { throw .outboxIsAFile(outbox: shown) }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
            throw .cannotReadOutbox(outbox: shown, errno: String(cString: strerror(errno)))
        }
        return names.filter { name in
            guard name.hasSuffix(".eml"), !name.hasPrefix(".") else { return false }
            var st = stat()
            return lstat(path + "/" + name, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
        }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// Reads one pending message.
    public func read(_ name: String) throws(DeliveryFailure) -> OutboxMessage {
        guard let data = FileManager.default.contents(atPath: path + "/" + name) else {
            throw .cannotReadMessage(errno: String(cString: strerror(errno)))
        }
        return OutboxMessage(fileName: name, contents: Array(data))
    }

    /// Moves a delivered message into `sent/` (created when missing) by one `rename(2)`, then
    /// syncs both folders, so that after a crash the message is either still pending (delivered
    /// again: at least once, docs/cli.md §6) or in `sent/`.
    public func markSent(_ name: String) throws(DeliveryFailure) {
        let sent = path + "/sent"
        if mkdir(sent, 0o755) != 0, errno != EEXIST {
            throw .cannotCreateSent(outbox: shown, errno: String(cString: strerror(errno)))
        }
        guard rename(path + "/" + name, sent + "/" + name) == 0 else {
            throw .cannotMoveToSent(outbox: shown, errno: String(cString: strerror(errno)))
        }
        for folder in [sent, path] {
            let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if fd >= 0 {
                fsync(fd)
                close(fd)
            }
        }
    }
}

/// The `notify` workflow (docs/cli.md §6, docs/README.md §8 "Output"): every pending message of an outbox is read,
/// handed to a transport and, once delivered, moved to `sent/`; a failure leaves the message
/// in place and the next one is tried.
public enum OutboxDelivery {
    /// What happened to one message.
    public enum Outcome: Sendable, Equatable {
        /// Delivered and moved to `sent/`; the message's `Message-ID` when it has one.
        case sent(fileName: String, messageID: String?)
        /// Not delivered (or delivered but not moved): it stays for the next run.
        case failed(fileName: String, reason: String)
    }

    /// Delivers the pending messages in file-name order.
    ///
    /// - Parameters:
    ///   - afterDelivery: called with the file name between a successful delivery and the move
    ///     to `sent/` (the crash tests stop the process there).
    ///   - beforeDelivery: called with each message read, before it is delivered (`notify`
    ///     checks its sender there).
    ///   - report: called once per message, in order, as it is done.
    /// - Returns: the outcomes, in order; empty when the outbox is missing or empty.
    /// - Throws: ``DeliveryFailure`` when the outbox is not a readable folder (nothing is tried).
    public static func run(
        _ outbox: Outbox, through transport: some MessageTransport,
        beforeDelivery: (OutboxMessage) -> Void = { _ in },
        afterDelivery: (String) -> Void = { _ in },
        report: (Outcome) -> Void = { _ in }
    ) throws(DeliveryFailure) -> [Outcome] {
        var outcomes: [Outcome] = []
        for name in try outbox.pending() {
            let outcome: Outcome
            do {
                let message = try outbox.read(name)
                beforeDelivery(message)
                try transport.deliver(message)
                afterDelivery(name)
                try outbox.markSent(name)
                outcome = .sent(fileName: name, messageID: message.messageID)
            } catch {
                outcome = .failed(fileName: name, reason: error.reason)
            }
            report(outcome)
            outcomes.append(outcome)
        }
        return outcomes
    }
}
