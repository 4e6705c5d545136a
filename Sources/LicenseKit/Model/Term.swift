/// An ISO 8601 duration of whole years, months and days: `PnY`, `PnM`, `PnD` or a combination
/// such as `P1Y6M` (docs/rules.md §2). Added with ``Instant/adding(_:)``.
public struct Term: Sendable, Hashable, CustomStringConvertible {
    /// Whole years, added first.
    public var years: Int
    /// Whole months, added after the years (day clamped to the month's end).
    public var months: Int
    /// Whole days, added last.
    public var days: Int

    /// A term of the given parts; negative parts subtract (see ``Instant/subtracting(_:)``).
    public init(years: Int = 0, months: Int = 0, days: Int = 0) {
        self.years = years
        self.months = months
        self.days = days
    }

    /// One year, the default term of a paid license and the only term of Cloud Free (docs/rules.md §1 R4).
    public static let oneYear = Term(years: 1)
    /// Two years: stock expiry after the issue date (docs/rules.md §1 R5).
    public static let twoYears = Term(years: 2)

    /// Canonical text, e.g. `P1Y6M`; a zero term is `P0D`.
    public var description: String {
        var s = "P"
        if years != 0 { s += "\(years)Y" }
        if months != 0 { s += "\(months)M" }
        if days != 0 || s == "P" { s += "\(days)D" }
        return s
    }

    /// Parses `P` followed by one or more of `nY`, `nM`, `nD` in that order.
    ///
    /// - Throws: ``ValueParseError`` naming the expected form, also for a zero term.
    public static func parse(_ text: String) throws(ValueParseError) -> Term {
        // Built only when thrown: every CSV row and manifest entry parses a term.
        var fail: ValueParseError {
            ValueParseError(message: "expected an ISO 8601 duration such as P1Y, P6M, P30D or P1Y6M, found '\(text)'")
        }
        var bytes = Substring(text).utf8.makeIterator()
        guard bytes.next() == UInt8(ascii: "P") else { throw fail }
        var term = Term()
        var value: Int?
        var lastUnit = 0
        var sawUnit = false
        while let c = bytes.next() {
            if c >= 48, c <= 57 {
                let (m, o1) = (value ?? 0).multipliedReportingOverflow(by: 10)
                let (v, o2) = m.addingReportingOverflow(Int(c - 48))
                guard !o1, !o2, v <= 10_000 else { throw fail }
                value = v
                continue
            }
            guard let n = value else { throw fail }
            let unit: Int
            switch c {
            case UInt8(ascii: "Y"):
                unit = 1
                term.years = n
            case UInt8(ascii: "M"):
                unit = 2
                term.months = n
            case UInt8(ascii: "D"):
                unit = 3
                term.days = n
            default: throw fail
            }
            guard unit > lastUnit else { throw fail }
            // At most 100 years in any unit, so that instants stay within four-digit years.
            guard n <= (unit == 1 ? 100 : unit == 2 ? 1200 : 36_600) else {
                throw ValueParseError(
                    message: "'\(text)' is longer than licensectl allows (at most P100Y, P1200M or P36600D)")
            }
            lastUnit = unit
            value = nil
            sawUnit = true
        }
        guard sawUnit, value == nil else { throw fail }
        guard term != Term() else {
            throw ValueParseError(message: "'\(text)' is zero; a license runs for at least a day")
        }
        return term
    }
}

extension Term: Codable {
    /// Decodes a term from an ISO 8601 duration string (docs/rules.md §2).
    ///
    /// - Throws: `DecodingError` when the string is not a term.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try Term.parse(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    /// Encodes the term as its ISO 8601 duration string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
