/// Small helpers for writing RFC 5322 Internet messages by hand: the `Date` header, header
/// folding and line wrapping. Deterministic; no Foundation date formatting, no locale.
enum RFC5322 {
    /// The longest line (without CRLF) a generated message should contain (RFC 5322 §2.1.1).
    static let maxLineLength = 78

    static let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The English three-letter month name of a month number 1…12 (`Dec`).
    static func monthName(_ month: Int) -> String {
        monthNames[max(0, min(11, month - 1))]
    }

    /// The day of the week of a civil date, 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday).
    static func weekday(_ date: CivilDate) -> Int {
        (date.daysSinceEpoch + 4).floorMod(7)
    }

    /// An instant as an RFC 5322 `date-time` in UTC: `Sun, 15 Nov 2026 00:00:00 +0000`.
    static func date(_ instant: Instant) -> String {
        let d = instant.date
        let s = instant.secondOfDay
        return "\(dayNames[weekday(d)]), \(d.day) \(monthName(d.month)) \(pad(d.year, 4)) "
            + "\(pad(s / 3600, 2)):\(pad(s / 60 % 60, 2)):\(pad(s % 60, 2)) +0000"
    }

    /// `YYYYMMDDTHHMMSSZ`, the basic ISO 8601 form used in file names and message ids.
    static func compactStamp(_ instant: Instant) -> String {
        let d = instant.date
        let s = instant.secondOfDay
        return pad(d.year, 4) + pad(d.month, 2) + pad(d.day, 2) + "T"
            + pad(s / 3600, 2) + pad(s / 60 % 60, 2) + pad(s % 60, 2) + "Z"
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// One header field, folded (RFC 5322 §2.2.3) so that no line exceeds ``maxLineLength``
    /// where the value allows: folding white space is inserted before a space of the value,
    /// preferring a space after a comma. A single word longer than the limit stays whole.
    /// Lines are joined with CRLF; there is no trailing CRLF.
    static func header(_ name: String, _ value: String) -> String {
        let words = value.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        var lines: [String] = []
        var line = name + ":"
        for word in words {
            if line.count + 1 + word.count <= maxLineLength {
                line += " " + word
            } else {
                // Fold: the rest continues on a line that starts with white space.
                lines.append(line)
                line = " " + word
            }
        }
        lines.append(line)
        return lines.joined(separator: "\r\n")
    }

    /// Wraps a paragraph at spaces so that each line, after `indent` (and `hangingIndent` on
    /// continuation lines), has at most `width` characters. Words longer than the room stay whole.
    static func wrap(_ text: String, width: Int = 72, indent: String = "", hangingIndent: String? = nil)
        -> [String]
    {
        let next = hangingIndent ?? indent
        var lines: [String] = []
        var line = indent
        var lineHasWord = false
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if lineHasWord, line.count + 1 + word.count > width {
                lines.append(line)
                line = next + word
            } else {
                line += (lineHasWord ? " " : "") + word
            }
            lineHasWord = true
        }
        if lineHasWord || lines.isEmpty { lines.append(line) }
        return lines
    }

    /// An RFC 2047 encoded word (`=?utf-8?B?…?=`) for a display name with non-ASCII characters;
    /// the text itself when it is printable ASCII.
    static func encodedWordIfNeeded(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 >= 32 && $0 < 127 }) { return text }
        return "=?utf-8?B?" + base64(Array(text.utf8)) + "?="
    }

    /// A mailbox `Name <addr>` with its display name encoded when it is not ASCII.
    static func mailbox(_ text: String) -> String {
        guard let open = text.lastIndex(of: "<"), text.hasSuffix(">") else { return text }
        let name = text[..<open].trimmingASCIIWhitespace()
        let address = String(text[open...])
        if name.isEmpty { return address }
        return encodedWordIfNeeded(name) + " " + address
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out = [UInt8]()
        var i = 0
        while i < bytes.count {
            let b0 = Int(bytes[i])
            let b1 = i + 1 < bytes.count ? Int(bytes[i + 1]) : 0
            let b2 = i + 2 < bytes.count ? Int(bytes[i + 2]) : 0
            out.append(table[b0 >> 2])
            out.append(table[((b0 & 3) << 4) | (b1 >> 4)])
            out.append(i + 1 < bytes.count ? table[((b1 & 15) << 2) | (b2 >> 6)] : 61)
            out.append(i + 2 < bytes.count ? table[b2 & 63] : 61)
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
