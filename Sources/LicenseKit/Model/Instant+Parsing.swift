/// Why a text is not a valid value (an instant, a term, a license type); `message` says what was
/// expected and what was found.
public struct ValueParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem: callers that word their own expectation replace the message of an
    /// ``Kind/unrecognizedForm`` and keep a specific one (a day that does not exist, a missing
    /// offset), without reading the message.
    public enum Kind: Sendable, Equatable {
        /// The text has none of the accepted forms; the message lists them.
        case unrecognizedForm
        /// The text has an accepted form but is not a valid value; the message says why.
        case invalid
    }

    /// What was expected and what was found.
    public var message: String
    /// The kind of problem; not part of equality (the message already says it).
    public var kind: Kind
    /// The same as ``message``.
    public var description: String { message }

    /// An error with `message`, of `kind` (``Kind/invalid`` unless given).
    public init(message: String, kind: Kind = .invalid) {
        self.message = message
        self.kind = kind
    }

    /// Equal when the messages are.
    public static func == (a: ValueParseError, b: ValueParseError) -> Bool { a.message == b.message }
}

extension Instant {
    /// Parses `YYYY-MM-DD` (00:00:00Z that day) or an RFC 3339 date-time with `Z` or an offset
    /// (docs/rules.md §2). Fractional seconds are floored.
    ///
    /// - Throws: ``ValueParseError`` for any other form, an impossible date (`2026-02-30`), a
    ///   date-time without an offset, or a leap second.
    public static func parse(_ text: String) throws(ValueParseError) -> Instant {
        var copy = text
        let result: Result<Instant, ValueParseError> = copy.withUTF8 { bytes in
            Result { () throws(ValueParseError) -> Instant in try parse(bytes: bytes, original: text) }
        }
        return try result.get()
    }

    static func parse(bytes b: UnsafeBufferPointer<UInt8>, original: String) throws(ValueParseError) -> Instant {
        // Built only when thrown, not on every parse.
        var expected: String {
            "expected a date YYYY-MM-DD or a date-time YYYY-MM-DDTHH:MM:SSZ (RFC 3339 with Z or an offset), found '\(original)'"
        }
        func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= b.count else { return nil }
            var v = 0
            for i in at..<(at + count) {
                let c = b[i]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard b.count >= 10, let year = digits(0, 4), b[4] == 45, let month = digits(5, 2), b[7] == 45,
            let day = digits(8, 2)
        else { throw ValueParseError(message: expected, kind: .unrecognizedForm) }
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysInMonth(year: year, month: month), year >= 1
        else { throw ValueParseError(message: "'\(original)' is not a date that exists") }
        guard Instant.supportedYears.contains(year) else {
            throw ValueParseError(message: Instant.rangeMessage(original))
        }
        if b.count == 10 {
            guard let instant = Instant(year: year, month: month, day: day) else {
                throw ValueParseError(message: "'\(original)' is not a date that exists")
            }
            return instant
        }
        guard b[10] == 84 || b[10] == 116 || b[10] == 32,
            let hour = digits(11, 2), b.count > 13, b[13] == 58, let minute = digits(14, 2),
            b.count > 16, b[16] == 58, let second = digits(17, 2)
        else { throw ValueParseError(message: expected, kind: .unrecognizedForm) }
        var i = 19
        if i < b.count, b[i] == 46 {
            i += 1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
            guard i > start else { throw ValueParseError(message: expected, kind: .unrecognizedForm) }
        }
        guard i < b.count else {
            throw ValueParseError(
                message: "date-time '\(original)' has no UTC offset; add 'Z' or an offset such as +01:00")
        }
        var offsetSeconds = 0
        switch b[i] {
        case 90, 122:
            i += 1
        case 43, 45:
            guard let oh = digits(i + 1, 2), i + 3 < b.count, b[i + 3] == 58, let om = digits(i + 4, 2),
                oh <= 23, om <= 59
            else { throw ValueParseError(message: expected, kind: .unrecognizedForm) }
            offsetSeconds = (oh * 3600 + om * 60) * (b[i] == 45 ? -1 : 1)
            i += 6
        default:
            throw ValueParseError(message: expected, kind: .unrecognizedForm)
        }
        guard i == b.count else { throw ValueParseError(message: expected, kind: .unrecognizedForm) }
        if second == 60 {
            throw ValueParseError(message: "'\(original)' is a leap second; licensectl does not accept leap seconds")
        }
        guard hour <= 23, minute <= 59, second <= 59,
            let local = Instant(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        else { throw ValueParseError(message: "'\(original)' is not a time that exists") }
        return Instant(secondsSinceEpoch: local.secondsSinceEpoch - Int64(offsetSeconds))
    }

    /// Parses an instant in a CSV cell (docs/formats.md §3.2 `activated_at`/`expires_at`, §3.3
    /// `connected_at`): `YYYY-MM-DD`, `DD.MM.YYYY` (00:00:00Z that day) or an RFC 3339 date-time.
    ///
    /// - Throws: ``ValueParseError`` for any other form, naming the three accepted ones.
    public static func parseCSVInstant(_ text: String) throws(ValueParseError) -> Instant {
        let u = text.utf8
        if u.count == 10, u.dropFirst(2).first == UInt8(ascii: ".") { return try parseSalesDate(text) }
        do {
            return try parse(text)
        } catch {
            guard error.kind == .unrecognizedForm else { throw error }
            throw ValueParseError(
                message:
                    "expected a date YYYY-MM-DD or DD.MM.YYYY or a date-time YYYY-MM-DDTHH:MM:SSZ (RFC 3339 with Z or an offset), found '\(text)'"
            )
        }
    }

    /// Parses an issue date of a sales CSV (docs/formats.md §3.2): `YYYY-MM-DD` or `DD.MM.YYYY`.
    ///
    /// - Throws: ``ValueParseError`` for any other form (e.g. `01/02/2026`) or a date that does
    ///   not exist.
    public static func parseSalesDate(_ text: String) throws(ValueParseError) -> Instant {
        let u = Array(text.utf8)
        func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= u.count else { return nil }
            var v = 0
            for i in at..<(at + count) {
                guard u[i] >= 48, u[i] <= 57 else { return nil }
                v = v * 10 + Int(u[i] - 48)
            }
            return v
        }
        let year: Int
        let month: Int
        let day: Int
        if u.count == 10, let y = digits(0, 4), u[4] == 45, let m = digits(5, 2), u[7] == 45, let d = digits(8, 2) {
            (year, month, day) = (y, m, d)
        } else if u.count == 10, let d = digits(0, 2), u[2] == 46, let m = digits(3, 2), u[5] == 46,
            let y = digits(6, 4)
        {
            (year, month, day) = (y, m, d)
        } else {
            throw ValueParseError(message: "expected a date YYYY-MM-DD or DD.MM.YYYY, found '\(text)'")
        }
        guard let instant = Instant(year: year, month: month, day: day) else {
            throw ValueParseError(message: "'\(text)' is not a date that exists")
        }
        guard Instant.supportedYears.contains(year) else { throw ValueParseError(message: Instant.rangeMessage(text)) }
        return instant
    }

    /// Years accepted in input (docs/rules.md §2 is silent): wide enough for any license, narrow enough that
    /// `issued + P2Y` or `activatedAt + term` never leaves the four-digit years of the output form.
    public static let supportedYears = 1970...2999

    static func rangeMessage(_ text: String) -> String {
        "'\(text)' is outside the supported dates 1970-01-01 to 2999-12-31"
    }
}

extension Instant: Codable {
    /// Decodes an instant from a JSON string (an RFC 3339 date-time or a date, docs/rules.md §2).
    ///
    /// - Throws: `DecodingError` when the string is not an instant.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try Instant.parse(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    /// Encodes the instant as a JSON string `YYYY-MM-DDTHH:MM:SSZ`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
