/// Recognises a header that licensectl does not read but that evidently holds the platform's
/// activation or expiry date (docs/formats.md §3.2 "Columns"): a translated or decorated name
/// (`Aktiviert am`, `Gültig bis`, `Activated (UTC)`) that is no near-miss of a column name.
/// Ignored, such a column would turn running licenses into stock (docs/rules.md §4.8).
enum AdoptionHeader {
    /// Word beginnings that name an activation (English, German, French, Italian).
    private static let activationStems = ["activ", "aktiv", "attiv"]
    /// Word beginnings that name an expiry or a validity's end.
    private static let expiryStems = ["valid", "gültig", "gultig", "gueltig", "expir", "ablauf", "scad", "échéance"]
    /// Whole words that name the end of a period (`valid until`, `gültig bis`).
    private static let expiryWords: Set<String> = ["until", "till", "bis", "jusqu"]
    /// Whole words that name the start of a period: `Valid from` is an activation.
    private static let startWords: Set<String> = ["from", "since", "ab", "seit", "depuis", "dal", "start"]

    /// The adoption column (`activated_at` or `expires_at`) that the header `raw` names by its
    /// words, or `nil`: words are runs of letters, compared lower-cased by their beginning
    /// (`Aktiviert` → `aktiv`) or whole (`bis`). A word of an end (`until`, `bis`, `valid`)
    /// names `expires_at` unless a word of a start (`from`, `seit`) says otherwise.
    static func column(named raw: String) -> String? {
        let words = raw.lowercased().split { !$0.isLetter }.map(String.init)
        let start = words.contains { startWords.contains($0) }
        let activation = words.contains { word in activationStems.contains { word.hasPrefix($0) } }
        let expiry = words.contains { word in
            expiryWords.contains(word) || expiryStems.contains { word.hasPrefix($0) }
        }
        if expiry, !start { return "expires_at" }
        if activation || expiry { return "activated_at" }
        return nil
    }

    /// Whether a cell reads as a date or a date-time in any common form: `2026-06-09`,
    /// `09.06.2026 03:01`, `6/9/2026`, `2026-06-09T03:01:00Z` (day, month and year as digit
    /// groups separated by one of `-`, `.` or `/`, the year first or last). An activation code
    /// (`96D9-3718-59E5`), a count or a yes/no flag is not.
    static func looksLikeDate(_ value: String) -> Bool {
        var groups: [Int] = []
        var digits = 0
        var separator: UInt8?
        for byte in value.utf8 {
            if byte >= 0x30, byte <= 0x39 {
                digits += 1
                continue
            }
            guard byte == 0x2D || byte == 0x2E || byte == 0x2F, digits > 0, groups.count < 2 else { break }
            guard separator == nil || separator == byte else { return false }
            separator = byte
            groups.append(digits)
            digits = 0
        }
        guard groups.count == 2, digits > 0 else { return false }
        groups.append(digits)
        let sizes = groups.map { $0 <= 2 ? "d" : $0 == 4 ? "y" : "?" }
        return sizes == ["y", "d", "d"] || sizes == ["d", "d", "y"] || sizes == ["d", "d", "d"]
    }
}
