/// Small pieces shared by the plan renderers (text, Markdown) and the forecast renderers.

extension Action {
    /// One-character sign of the action in human output, Terraform style: `+` adds (redeem,
    /// activate, admit), `~` changes (schedule, reschedule, unschedule, renew), `-` takes away
    /// (expire, stock-expire, invalidate, archive, retire, remove), `!` needs attention (reject),
    /// `*` informs (notify).
    public var sign: String {
        switch self {
        case .redeem, .adopt, .activate, .admit: "+"
        case .schedule, .reschedule, .unschedule, .renew: "~"
        case .expire, .stockExpire, .invalidate, .archive, .retire, .remove: "-"
        case .reject: "!"
        case .notify: "*"
        }
    }

    /// `+ redeem`, `! reject`: the sign and the JSON action name.
    public var signed: String { "\(sign) \(rawValue)" }
}

extension RejectionReason {
    /// The reason in words: `capacity`, `no valid license`, `not connected`.
    public var words: String {
        switch self {
        case .capacity: "capacity"
        case .noValidLicense: "no valid license"
        case .notConnected: "not connected"
        }
    }
}

extension PlanEvent {
    /// What the event is about: the code (masked unless `showCodes`, docs/formats.md §3.4), the router
    /// serial, or `tenant` for `retire`.
    public func subject(showCodes: Bool) -> String {
        if let code { return code.display(showCodes: showCodes) }
        if let serial { return serial }
        return action == .retire ? "tenant" : ""
    }

    /// The event's fields in words, e.g. `at 2026-12-01T00:00:00Z`, `expires 2027-11-29T00:00:00Z`,
    /// `offline (capacity)`; empty when the action says it all. Instants are UTC. Codes named in
    /// the details (the paid license that invalidated an adopted Cloud Free) are masked.
    public var details: String { details(showCodes: false) }

    /// ``details`` with the codes it names shown in full when `showCodes` (docs/formats.md §3.4). An `adopt`
    /// reads `activated A, expires E` and then `active`, `already expired` or `invalidated by
    /// <code> on P` (docs/rules.md §4.8), so that a reviewer can check it against the platform's UI.
    public func details(showCodes: Bool) -> String {
        switch action {
        case .adopt:
            var parts: [String] = []
            if let activatedAt { parts.append("activated \(activatedAt)") }
            if let expiresAt {
                // An adopted expiry corrected after adoption: `from` is the recorded one.
                parts.append("expires \(expiresAt)" + (from.map { " (corrected from \($0))" } ?? ""))
            }
            switch status {
            case .expired?: parts.append("already expired")
            case .invalid?:
                let by = invalidatedBy.map { " by \($0.display(showCodes: showCodes))" } ?? ""
                parts.append("invalidated\(by)" + (invalidatedAt.map { " on \($0)" } ?? ""))
            case .active?: parts.append("active")
            default: break
            }
            return parts.joined(separator: ", ")
        case .invalidate where invalidatedAt != nil:
            let by = invalidatedBy.map { " by \($0.display(showCodes: showCodes))" } ?? " by a paid license"
            return "Cloud Free invalidated\(by) on \(invalidatedAt.map(\.description) ?? "")"
        default:
            break
        }
        switch action {
        case .adopt, .redeem, .expire: return ""
        case .schedule:
            return scheduledAt.map { "at \($0)" } ?? ""
        case .reschedule:
            switch (from, scheduledAt) {
            case (let f?, let s?): return "from \(f) to \(s)"
            case (nil, let s?): return "to \(s)"
            default: return ""
            }
        case .unschedule:
            return from.map { "was at \($0), now available" } ?? "now available"
        case .stockExpire:
            return "not activated within 2 years of issue"
        case .activate, .renew:
            return expiresAt.map { "expires \($0)" } ?? ""
        case .invalidate:
            return "Cloud Free invalidated by a paid license"
        case .notify:
            var parts: [String] = []
            if let slot { parts.append("reminder \(slot)") }
            if let expiresAt { parts.append("expires \(expiresAt)") }
            return parts.joined(separator: ", ")
        case .archive, .retire:
            return "kept in state"
        case .reject:
            return "offline (\((reason ?? .capacity).words))"
        case .admit:
            return "online"
        case .remove:
            return "left the manifest"
        }
    }
}

/// Router admission events of one tenant grouped by kind: all `reject`s for one reason, all
/// `admit`s, all `remove`s (docs/rules.md §4.1). They all happen at the plan's `at` (docs/rules.md §4), so the human
/// renderers show one line per group instead of one per router.
public struct RouterChangeGroup: Sendable, Hashable {
    /// The instant of the events (the plan's `at`), UTC.
    public var at: Instant
    /// The events' action.
    public var action: Action
    /// The reason of a `reject` group; `nil` for the others.
    public var reason: RejectionReason?
    /// Serials in ascending order.
    public var serials: [String]

    /// Whether the event is a router admission event (`reject`, `admit`, `remove`).
    public static func isRouterEvent(_ event: PlanEvent) -> Bool {
        event.action == .reject || event.action == .admit || event.action == .remove
    }

    /// The groups of `events`, ordered: rejections (capacity, no valid license, not connected),
    /// admissions, removals.
    public static func groups(of events: [PlanEvent]) -> [RouterChangeGroup] {
        let reasonOrder: [RejectionReason] = [.capacity, .noValidLicense, .notConnected]
        func rank(_ g: RouterChangeGroup) -> Int {
            g.action.rank * 10 + (g.reason.flatMap { reasonOrder.firstIndex(of: $0) } ?? 0)
        }
        var groups: [RouterChangeGroup] = []
        for e in events where isRouterEvent(e) {
            let reason = e.action == .reject ? (e.reason ?? .capacity) : nil
            if let i = groups.firstIndex(where: { $0.at == e.at && $0.action == e.action && $0.reason == reason }) {
                groups[i].serials.append(e.serial ?? "")
            } else {
                groups.append(RouterChangeGroup(at: e.at, action: e.action, reason: reason, serials: [e.serial ?? ""]))
            }
        }
        for i in groups.indices { groups[i].serials.sort() }
        return groups.sorted { ($0.at, rank($0)) < ($1.at, rank($1)) }
    }

    /// `12 routers`, `1 router`.
    public var countText: String { counted(serials.count, "router") }

    /// `capacity: A, B, … and 2 more` — the reason of a rejection, then at most `limit` serials.
    public func listText(limit: Int) -> String {
        let list =
            serials.count > limit
            ? serials.prefix(limit).joined(separator: ", ") + " … and \(serials.count - limit) more"
            : serials.joined(separator: ", ")
        return reason.map { "\($0.words): \(list)" } ?? list
    }
}

/// Left-aligned text columns separated by two spaces; the last column is not padded, so lines
/// carry no trailing blanks. Widths count `Character`s.
enum TextColumns {
    /// Each row as one line, every column padded to the widest cell of that column.
    static func align(_ rows: [[String]], separator: String = "  ") -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        return rows.map { row in
            // Drop trailing empty cells so that a short row does not end in blanks.
            var cells = row
            while let last = cells.last, last.isEmpty { cells.removeLast() }
            var line = ""
            for (i, cell) in cells.enumerated() {
                if i > 0 { line += separator }
                line += cell
                if i + 1 < cells.count { line += String(repeating: " ", count: widths[i] - cell.count) }
            }
            return line
        }
    }
}

/// A GitHub-flavoured Markdown table. Cells are escaped with ``escape(_:)`` unless they are
/// given as ``Cell/raw(_:)``.
struct MarkdownTable: Sendable {
    /// Column alignment (`:--` or `--:`).
    enum Alignment: Sendable { case left, right }

    /// A table cell: text to escape, or Markdown written as it is (e.g. a code span).
    enum Cell: Sendable, ExpressibleByStringLiteral {
        case text(String)
        case raw(String)

        /// A literal is text, escaped.
        init(stringLiteral value: String) { self = .text(value) }

        /// A code span, `` `96D9-****-59E5` ``; empty text gives an empty cell.
        static func code(_ s: String) -> Cell {
            s.isEmpty
                ? .raw("")
                : .raw(
                    "`" + s.replacingOccurrences(of: "`", with: "'").replacingOccurrences(of: "|", with: "\\|") + "`")
        }

        var markdown: String {
            switch self {
            case .text(let s): MarkdownTable.escape(s)
            case .raw(let s): s
            }
        }
    }

    /// Column titles (text, escaped).
    var headers: [String]
    /// One per column; left by default.
    var alignments: [Alignment]
    /// Body rows, one cell per column.
    var rows: [[Cell]] = []

    /// An empty table with these column titles.
    init(headers: [String], alignments: [Alignment]? = nil) {
        self.headers = headers
        self.alignments = alignments ?? headers.map { _ in .left }
    }

    /// Adds a body row.
    mutating func append(_ row: [Cell]) { rows.append(row) }

    /// The table, one line per row, ending in a newline.
    func render() -> String {
        func line(_ cells: [Cell]) -> String {
            "|"
                + cells.map { cell -> String in
                    let m = cell.markdown
                    return m.isEmpty ? " |" : " \(m) |"
                }.joined() + "\n"
        }
        var out = line(headers.map(Cell.text))
        out += "|" + alignments.map { $0 == .right ? "--:|" : ":--|" }.joined() + "\n"
        for row in rows { out += line(row) }
        return out
    }

    /// Text made safe for a table cell or inline Markdown: `|` → `\|`, `<` → `&lt;` (no HTML,
    /// no broken columns), `&` → `&amp;`, line breaks → spaces.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for ch in s {
            switch ch {
            case "|": out += "\\|"
            case "<": out += "&lt;"
            case "&": out += "&amp;"
            case "\n", "\r", "\r\n": out += " "
            default: out.append(ch)
            }
        }
        return out
    }
}

/// `text` with every canonical activation code in it (`XXXX-XXXX-XXXX` between non-alphanumeric
/// characters) masked as `XXXX-****-XXXX`, for diagnostic messages in human output (docs/formats.md §3.4);
/// paths and quoted tenant names stay as written (``Diagnostic/protectNames(_:_:)``).
public func maskingActivationCodes(in text: String) -> String {
    let b = Array(text.utf8)
    guard b.count >= 14 else { return text }
    func isHex(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 65 && c <= 70) }
    func isWord(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }
    var protected = [Bool](repeating: false, count: b.count)
    Diagnostic.protectNames(b, &protected)
    var out = b
    var i = 0
    var changed = false
    while i + 14 <= b.count {
        let isCode =
            !protected[i] && (0..<14).allSatisfy { k in k == 4 || k == 9 ? b[i + k] == 45 : isHex(b[i + k]) }
        let bounded =
            (i == 0 || (!isWord(b[i - 1]) && b[i - 1] != 45))
            && (i + 14 == b.count || (!isWord(b[i + 14]) && b[i + 14] != 45))
        if isCode, bounded {
            for k in 5..<9 { out[i + k] = 42 }
            changed = true
            i += 14
        } else {
            i += 1
        }
    }
    return changed ? String(decoding: out, as: UTF8.self) : text
}

extension Diagnostic {
    /// ``description`` with activation codes masked unless `showCodes` (docs/formats.md §3.4).
    public func description(showCodes: Bool) -> String {
        showCodes ? description : maskingActivationCodes(in: description)
    }
}

/// `1 tenant`, `3 tenants`: a count with its noun, plural by appending `s`.
func counted(_ n: Int, _ noun: String) -> String {
    "\(n) \(noun)\(n == 1 ? "" : "s")"
}

/// `10 → 8`, or `none → 8` without a before value.
func transition<T>(_ before: T?, _ after: T) -> String {
    "\(before.map { "\($0)" } ?? "none") → \(after)"
}
