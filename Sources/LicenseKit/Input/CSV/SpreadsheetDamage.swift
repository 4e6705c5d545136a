/// What a spreadsheet does to a cell it was opened and saved with, told from a value that its
/// column refused (docs/formats.md §3.2 "Spreadsheet damage"): a date in the sheet's locale
/// (`12/2/2024`, `2.12.2024`, `2024/12/02`), a serial in scientific notation (`1.00E+11`),
/// Excel's text formula `="…"`. Each hint is the text appended to the refusal (`; …`), or `nil`
/// when the value shows no such damage.
enum SpreadsheetDamage {
    /// Excel's text formula `="0012345"` (what a sheet writes to keep leading zeros): says so and
    /// how to export plain values.
    static func textFormulaHint(_ value: String) -> String? {
        guard let inner = textFormulaValue(value) else { return nil }
        return
            "; the cell is Excel's text formula =\"…\", not a plain value: write '\(inner)', or export plain values (copy the column, Paste Special → Values, save as \"CSV UTF-8\")"
    }

    /// The text inside `="…"`, or `nil` when `value` is not such a formula.
    static func textFormulaValue(_ value: String) -> String? {
        guard value.hasPrefix("=\""), value.hasSuffix("\""), value.count >= 3 else { return nil }
        return String(value.dropFirst(2).dropLast())
    }

    /// A date written in a spreadsheet's locale form (day, month and year as numbers separated
    /// by `/`, `.` or `-`, in another order or without leading zeros): the ISO 8601 form that is
    /// expected and, where the order can be told, the date it probably meant.
    /// `cell`: the value is a CSV cell (the message then names the spreadsheet); `false` for a
    /// manifest's scalar, which only says the form to write.
    ///
    /// A date-time in a locale's form (`09.06.2026 03:01`, `6/9/2026 3:01:00`, `2026-06-09 03:01`:
    /// the date, one space, `H:MM` or `H:MM:SS`) gets the RFC 3339 form to write and the instant
    /// it probably means if the time is UTC (the export names no zone).
    static func dateHint(_ value: String, cell: Bool = true) -> String? {
        if let formula = textFormulaHint(value) { return formula }
        let halves = value.split(separator: " ", omittingEmptySubsequences: false)
        if halves.count == 2, let time = clockTime(halves[1]) {
            return dateTimeHint(value, date: String(halves[0]), time: time, cell: cell)
        }
        guard let readings = dateReadings(value) else { return nil }
        let expected =
            cell
            ? "; it looks like a spreadsheet wrote the date in its locale's form: write it as YYYY-MM-DD (ISO 8601)"
            : "; write the date as YYYY-MM-DD (ISO 8601)"
        switch readings.count {
        case 1: return expected + " ('\(value)' is probably \(readings[0]))"
        case 2:
            return expected
                + " ('\(value)' is \(readings[0]) when the day comes first, \(readings[1]) when the month does: check the original)"
        default: return expected
        }
    }

    /// The ISO 8601 dates (`YYYY-MM-DD`) that a date in a locale's form can mean: one, two (the
    /// day and the month could be either way round: day first, then month first), or none when
    /// the order cannot be told at all (no 4-digit year); `nil` when `value` is no such form or
    /// no date in any order (`2026-02-30` says so itself).
    private static func dateReadings(_ value: String) -> [String]? {
        let separators: Set<Character> = ["/", ".", "-"]
        guard let separator = value.first(where: { separators.contains($0) }) else { return nil }
        let parts = value.split(separator: separator, omittingEmptySubsequences: false)
        guard parts.count == 3,
            parts.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isASCIIDigitCharacter) }),
            let a = Int(parts[0]), let b = Int(parts[1]), let c = Int(parts[2])
        else { return nil }
        let candidates: [(year: Int, month: Int, day: Int)]
        if parts[0].count == 4 {
            candidates = [(a, b, c)]  // 2024/12/02: year, month, day
        } else if parts[2].count == 4 {
            // 2.12.2024 is day first (the dotted form is European); 12/2/2024 is either.
            candidates = separator == "." ? [(c, b, a)] : [(c, b, a), (c, a, b)]
        } else {
            return []
        }
        var readings: [String] = []
        for date in candidates where Instant(year: date.year, month: date.month, day: date.day) != nil {
            if !readings.contains(iso(date)) { readings.append(iso(date)) }
        }
        return readings.isEmpty ? nil : readings
    }

    /// `H:MM` or `HH:MM`, optionally `:SS`, as `HH:MM:SS`; `nil` for anything else.
    private static func clockTime(_ text: Substring) -> String? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count),
            parts.allSatisfy({ !$0.isEmpty && $0.count <= 2 && $0.allSatisfy(\.isASCIIDigitCharacter) }),
            let hour = Int(parts[0]), hour < 24, parts[1].count == 2, let minute = Int(parts[1]), minute < 60
        else { return nil }
        let second = parts.count == 3 ? Int(parts[2]) ?? 60 : 0
        guard second < 60, parts.count == 2 || parts[2].count == 2 else { return nil }
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(two(hour)):\(two(minute)):\(two(second))"
    }

    /// ``dateHint(_:cell:)`` of a date and a clock time: the RFC 3339 form, and the instant
    /// the date part probably means (as ``dateReadings(_:)`` reads it) at that time in UTC.
    private static func dateTimeHint(_ value: String, date: String, time: String, cell: Bool) -> String? {
        guard let readings = dateReadings(date) else { return nil }
        let expected =
            (cell ? "; it looks like a spreadsheet wrote the date-time in its locale's form:" : ";")
            + " write it as YYYY-MM-DDTHH:MM:SSZ (RFC 3339, UTC) or with the export's offset (+01:00)"
        switch readings.count {
        case 1:
            return expected
                + " ('\(value)' is probably \(readings[0])T\(time)Z if the export's times are UTC: check its time zone)"
        case 2:
            return expected
                + " ('\(value)' is \(readings[0])T\(time)Z when the day comes first, \(readings[1])T\(time)Z when the month does, if the times are UTC: check the original)"
        default: return expected
        }
    }

    /// A router serial that a spreadsheet turned into a number in scientific notation
    /// (`1.00E+11`, `1,00E+11`): the digits it rounded away are lost.
    static func serialHint(_ value: String) -> String? {
        if let formula = textFormulaHint(value) { return formula }
        guard CSVTable.looksLikeSpreadsheetNumber(value), value.contains(where: { $0 == "E" || $0 == "e" }) else {
            return nil
        }
        return
            "; it looks like a spreadsheet turned the serial into a number in scientific notation, and the digits it rounded away are lost: take the serial from the router or the original export, format the column as text and export again"
    }

    /// The serials of one device list that a spreadsheet probably shortened by dropping their
    /// leading zeros: all digits and not starting with `0`, shorter than the length most serials
    /// of the file share, when some serials of that length are all digits starting with `0`.
    /// Returns, per index in `serials`, the common length, an example of it, and the serial
    /// padded with zeros to that length.
    static func droppedLeadingZeros(_ serials: [String]) -> [(index: Int, length: Int, example: String, padded: String)]
    {
        guard serials.count >= 3 else { return [] }
        var byLength: [Int: Int] = [:]
        for serial in serials { byLength[serial.utf8.count, default: 0] += 1 }
        guard let common = byLength.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }),
            common.value * 2 > serials.count,
            let example = serials.first(where: {
                $0.utf8.count == common.key && $0.hasPrefix("0") && $0.allSatisfy(\.isASCIIDigitCharacter)
            })
        else { return [] }
        return serials.indices.compactMap { i in
            let s = serials[i]
            // A serial that still starts with `0` kept its zeros.
            guard s.utf8.count < common.key, !s.hasPrefix("0"), s.allSatisfy(\.isASCIIDigitCharacter) else {
                return nil
            }
            return (i, common.key, example, String(repeating: "0", count: common.key - s.utf8.count) + s)
        }
    }

    private static func iso(_ d: (year: Int, month: Int, day: Int)) -> String {
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(d.year, 4))-\(pad(d.month, 2))-\(pad(d.day, 2))"
    }
}

extension Character {
    /// `0`…`9` only (not other scripts' digits).
    fileprivate var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}
