/// A vendor activation code in canonical form `XXXX-XXXX-XXXX`, X ∈ `0-9A-F` (SPEC §3.4).
public struct ActivationCode: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The canonical form, `XXXX-XXXX-XXXX`.
    public let canonical: String

    /// Normalizes user input: trims white space, upper-cases, accepts the groups separated by
    /// dashes, by spaces, or not at all.
    ///
    /// - Throws: ``ActivationCodeError`` for anything else, with a hint when the value looks
    ///   mangled by a spreadsheet (`4,68769E+15`) or like a date.
    public init(parsing text: String) throws(ActivationCodeError) {
        var hex = [UInt8]()
        hex.reserveCapacity(12)
        let trimmed = text.trimmingASCIIWhitespace()
        let bytes = Array(trimmed.utf8)
        // Groups of four, separated by nothing, single dashes or single spaces, consistently placed.
        var i = 0
        var group = 0
        while i < bytes.count {
            var c = bytes[i]
            if c >= 97, c <= 102 { c -= 32 }
            let isHex = (c >= 48 && c <= 57) || (c >= 65 && c <= 70)
            if isHex {
                hex.append(c)
                group += 1
                i += 1
                continue
            }
            if (c == 45 || c == 32), group == 4, hex.count < 12, i + 1 < bytes.count {
                group = 0
                i += 1
                continue
            }
            throw ActivationCodeError(text: text)
        }
        guard hex.count == 12 else { throw ActivationCodeError(text: text) }
        var out = hex[0..<4] + [45] + hex[4..<8]
        out += [45] + hex[8..<12]
        canonical = String(decoding: out, as: UTF8.self)
    }

    public var description: String { canonical }

    /// The code with its middle group masked, `96D9-****-59E5`, for human output (SPEC §3.4).
    public var masked: String {
        String(canonical.prefix(5)) + "****" + String(canonical.suffix(5))
    }

    /// The canonical form, or ``masked`` unless `showCodes`.
    public func display(showCodes: Bool) -> String { showCodes ? canonical : masked }

    public static func < (lhs: ActivationCode, rhs: ActivationCode) -> Bool { lhs.canonical < rhs.canonical }
}

/// A text that is not an activation code.
public struct ActivationCodeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var text: String

    public var message: String {
        var m = "expected an activation code XXXX-XXXX-XXXX (12 hex digits 0-9 A-F), found '\(text)'"
        let t = text.trimmingASCIIWhitespace()
        if t.contains("E+") || t.contains("e+") {
            m += "; it looks like a spreadsheet turned the code into a number: format the column as text and export again"
        } else if (try? Instant.parseSalesDate(t)) != nil || t.split(separator: "/").count == 3 {
            m += "; it looks like a spreadsheet turned the code into a date: format the column as text and export again"
        }
        return m
    }

    public var description: String { message }
}

extension ActivationCode: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try ActivationCode(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(canonical)
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs, CR and LF.
    func trimmingASCIIWhitespace() -> String {
        let u = Array(self.utf8)
        var start = 0
        var end = u.count
        func ws(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 }
        while start < end, ws(u[start]) { start += 1 }
        while end > start, ws(u[end - 1]) { end -= 1 }
        return String(decoding: u[start..<end], as: UTF8.self)
    }
}
