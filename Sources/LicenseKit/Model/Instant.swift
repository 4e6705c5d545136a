/// An instant in UTC, with one-second resolution (docs/rules.md §2).
///
/// Stored as whole seconds since 1970-01-01T00:00:00Z. Parsing accepts `YYYY-MM-DD` (00:00:00Z
/// that day) and RFC 3339 date-times with `Z` or a `±HH:MM` offset, normalized to UTC; fractional
/// seconds are floored. Output is always `YYYY-MM-DDTHH:MM:SSZ`.
public struct Instant: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since the Unix epoch, UTC.
    public var secondsSinceEpoch: Int64

    /// The instant `secondsSinceEpoch` seconds after 1970-01-01T00:00:00Z.
    public init(secondsSinceEpoch: Int64) {
        self.secondsSinceEpoch = secondsSinceEpoch
    }

    /// The instant at 00:00:00Z of a civil date; `nil` when the date does not exist.
    public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...CivilDate.daysInMonth(year: year, month: month)).contains(day),
            (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else { return nil }
        let days = CivilDate(year: year, month: month, day: day).daysSinceEpoch
        secondsSinceEpoch = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// Earlier instants first.
    public static func < (lhs: Instant, rhs: Instant) -> Bool {
        lhs.secondsSinceEpoch < rhs.secondsSinceEpoch
    }

    /// The civil date (UTC) this instant falls on.
    public var date: CivilDate {
        CivilDate(daysSinceEpoch: Int(secondsSinceEpoch.floorDiv(86_400)))
    }

    /// Seconds since 00:00:00Z of ``date``.
    public var secondOfDay: Int { Int(secondsSinceEpoch.floorMod(86_400)) }

    /// `YYYY-MM-DDTHH:MM:SSZ`.
    public var description: String {
        withUnsafeBytes(of: descriptionBytes()) { String(decoding: $0, as: UTF8.self) }
    }

    /// ``description`` as its 20 ASCII bytes, `YYYY-MM-DDTHH:MM:SSZ`, on the stack: the JSON
    /// writers copy these for every instant of a plan or state document.
    func descriptionBytes() -> (
        UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
        UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
    ) {
        let d = date
        let s = secondOfDay
        // Fixed-width decimal fields, least significant digit last; the year is 4 digits.
        var text:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (48, 48, 48, 48, 45, 48, 48, 45, 48, 48, 84, 48, 48, 58, 48, 48, 58, 48, 48, 90)
        withUnsafeMutableBytes(of: &text) { b in
            func put(_ value: Int, endingAt last: Int, width: Int) {
                var v = value
                for i in stride(from: last, to: last - width, by: -1) {
                    b[i] = UInt8(truncatingIfNeeded: 48 + v % 10)
                    v /= 10
                }
            }
            put(d.year, endingAt: 3, width: 4)
            put(d.month, endingAt: 6, width: 2)
            put(d.day, endingAt: 9, width: 2)
            guard s != 0 else { return }  // 00:00:00, as most instants are
            put(s / 3600, endingAt: 12, width: 2)
            put(s / 60 % 60, endingAt: 15, width: 2)
            put(s % 60, endingAt: 18, width: 2)
        }
        return text
    }

    /// `YYYY-MM-DD` of the UTC date.
    public var dateString: String { String(description.prefix(10)) }

    /// This instant plus a number of whole days (may be negative).
    public func addingDays(_ days: Int) -> Instant {
        Instant(secondsSinceEpoch: secondsSinceEpoch + Int64(days) * 86_400)
    }

    /// This instant plus an ISO 8601 duration, calendar arithmetic in UTC (docs/rules.md §2): years, then
    /// months, then days, the day clamped to the month's end after years and months.
    public func adding(_ term: Term) -> Instant {
        let d = date
        var year = d.year + term.years
        var monthIndex = (d.month - 1) + term.months
        year += monthIndex.floorDiv(12)
        monthIndex = monthIndex.floorMod(12)
        let month = monthIndex + 1
        let day = min(d.day, CivilDate.daysInMonth(year: year, month: month))
        let base = CivilDate(year: year, month: month, day: day).daysSinceEpoch + term.days
        return Instant(secondsSinceEpoch: Int64(base) * 86_400 + Int64(secondOfDay))
    }

    /// This instant minus an ISO 8601 duration (the inverse direction of ``adding(_:)``).
    public func subtracting(_ term: Term) -> Instant {
        adding(Term(years: -term.years, months: -term.months, days: -term.days))
    }
}

/// A proleptic Gregorian calendar date.
public struct CivilDate: Sendable, Hashable, Comparable {
    /// The year (proleptic Gregorian).
    public var year: Int
    /// The month, 1-12.
    public var month: Int
    /// The day of the month, 1-31.
    public var day: Int

    /// The date `year`-`month`-`day`; not checked (see ``daysInMonth(year:month:)``).
    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = y.floorDiv(400)
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    public init(daysSinceEpoch days: Int) {
        let z = days + 719_468
        let era = z.floorDiv(146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    /// Whether `year` has a 29 February.
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days of `month` (1-12) in `year`.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Earlier dates first.
    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}

extension BinaryInteger {
    @inlinable func floorDiv(_ divisor: Self) -> Self {
        let q = self / divisor
        return (self % divisor != 0 && ((self < 0) != (divisor < 0))) ? q - 1 : q
    }

    @inlinable func floorMod(_ divisor: Self) -> Self {
        self - floorDiv(divisor) * divisor
    }
}
