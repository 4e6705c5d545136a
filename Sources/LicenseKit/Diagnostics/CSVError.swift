/// What is wrong with a sales CSV or a device list (docs/formats.md §3.2, §3.3), as the CSV
/// readers report it at the file, header or row. Each case renders its message; texts from the
/// file are passed trimmed of ASCII white space.
enum CSVError: Error, Sendable, Equatable {
    /// A byte that does not continue valid UTF-8 (the first one of the file), in hex.
    case invalidUTF8(byte: String)
    /// A UTF-16 file (by its byte-order mark, or a NUL byte after the first character): what
    /// Excel's "Unicode Text" export writes.
    case utf16(bigEndian: Bool)
    /// A control character (`U+0000`, `U+001A` …) in the text; a NUL byte means the file is
    /// binary or UTF-16.
    case controlCharacter(codePoint: String)
    /// CSV.swift refused the text.
    case unreadable(reason: String)
    /// A quoted field that is never closed.
    case unclosedQuote
    /// Something other than the delimiter or a line break after a closing quote.
    case malformedQuote(found: String)
    /// No header row; `required` are the columns it must have.
    case empty(required: [String])
    /// A header that matches two columns (a mapped name and another column's standard name);
    /// `option` is the `licensectl init` option that mapped it, `nil` for a manifest's `columns`.
    case headerMatchesTwoColumns(header: String, column: String, other: String, option: String?)
    /// Two headers that give the same column; fields are 1-based.
    case columnGivenTwice(first: String, second: String, column: String, firstField: Int, secondField: Int)
    /// A header close to a column the file lacks (a warning: its values are ignored).
    case unknownColumn(header: String, suggestion: String)
    /// A header close to an adoption column (`activated_at`, `expires_at`; docs/rules.md §4.8)
    /// that the file lacks: an error, since ignoring it changes what the plan adopts. `option`
    /// is the `licensectl init` option that maps columns; `mapped` says that a manifest's
    /// `columns` or that option is in use (else the message names both ways to map it).
    case misspelledAdoptionColumn(
        header: String, suggestion: String, column: String, synonyms: [String], option: String?, mapped: Bool)
    /// A mapped header that the file does not have; `found` lists the file's headers.
    case mappedColumnMissing(column: String, header: String, path: String, found: [String])
    /// A header that names no column but is evidently the platform's activation or expiry date
    /// (``AdoptionHeader``; docs/formats.md §3.2) in a file without that adoption column: an
    /// error, as ``misspelledAdoptionColumn(header:suggestion:column:synonyms:option:mapped:)``.
    case unrecognisedAdoptionColumn(header: String, column: String, synonyms: [String], option: String?, mapped: Bool)
    /// A required column the header lacks.
    case missingColumn(column: String, synonyms: [String], found: [String])
    /// A row with fewer fields than the header, lacking required columns (each described as
    /// `name (column N, 'header')`).
    case shortRow(fields: Int, headerFields: Int, missing: [String], delimiter: Unicode.Scalar)
    /// A row with more fields than the header; `value` is the first extra non-empty field.
    case extraField(fields: Int, headerFields: Int, value: String, delimiter: Unicode.Scalar)
    /// A value its column's parser refused; `column` is the canonical column name.
    case invalidValue(column: String, message: String)
    /// ``invalidValue(column:message:)`` of a cell that looks like a spreadsheet's number
    /// (`4.5123E+11`, `45123`) where a code or a date belongs.
    case spreadsheetNumber(column: String, message: String)
    /// `connected_at` that is not an instant.
    case invalidConnectedAt(message: String)
    /// `expires_at` without `activated_at`.
    case expiryWithoutActivation
    /// `expires_at` not after `activated_at`.
    case expiryNotAfterActivation(expiresAt: Instant, activatedAt: Instant)
    /// A code listed again with the same values (a warning); `code` masked.
    case repeatedCode(code: String, firstLine: Int)
    /// A code listed again with other values; `differences` as `field 'a' vs 'b'`.
    case conflictingCode(code: String, firstLine: Int, line: Int, differences: [String])
    /// A router listed again with the same `connected_at` (a warning).
    case repeatedSerial(serial: String, firstLine: Int)
    /// A router listed again with another `connected_at` (`empty` when there is none).
    case conflictingSerial(serial: String, firstLine: Int, line: Int, first: String, second: String)
    /// A numeric serial shorter than the `length` most serials of the file share, some of
    /// which (`example`) start with `0` (a warning: a spreadsheet may have dropped its leading
    /// zeros).
    case droppedLeadingZeros(serial: String, length: Int, example: String)
    /// A sales CSV with a header and no codes (a warning).
    case onlyHeader

    /// The diagnostic's message: what was found, what was expected, how to fix it.
    var message: String {
        switch self {
        case .invalidUTF8(let byte):
            "invalid UTF-8 (byte 0x\(byte)); the file is not UTF-8 (probably Windows-1252 or Latin-1): save it as UTF-8 (in Excel: \"CSV UTF-8\")"
        case .utf16(let bigEndian):
            "the file is UTF-16 (\(bigEndian ? "big" : "little")-endian, as Excel's \"Unicode Text\" export writes), not UTF-8: save it as UTF-8 (in Excel: \"CSV UTF-8\"), or convert it with iconv -f UTF-16 -t UTF-8"
        case .controlCharacter(let codePoint) where codePoint == "U+0000":
            "found U+0000 (a NUL byte), which a text file never holds; expected CSV text in UTF-8: the file is binary (an .xlsx or .xls renamed to .csv?) or was saved in UTF-16 — export it from the spreadsheet as \"CSV UTF-8\", or convert it with iconv -f UTF-16 -t UTF-8"
        case .controlCharacter(let codePoint):
            "found \(codePoint) (a control character), which CSV text never holds; expected printable text: remove it (an editor that shows invisible characters finds it), or export the file again as \"CSV UTF-8\""
        case .unreadable(let reason):
            "cannot read the file as CSV: \(reason)"
        case .unclosedQuote:
            "a quoted field that starts in this record is never closed; expected a closing '\"' (RFC 4180 quoting)"
        case .malformedQuote(let found):
            "malformed quoted field: expected the delimiter or a line break right after the closing '\"', found \(found); quote the whole value (\"SO-1\"), or double a quote inside a value (\"\"), as RFC 4180 says"
        case .empty(let required):
            "the file is empty; expected a header row with the columns \(required.joined(separator: ", "))"
        case .headerMatchesTwoColumns(let header, let column, let other, let option):
            "column '\(header)' matches both \(column) and \(other); map each column to a header of its own \(option.map { "with \($0)" } ?? "in the manifest's 'columns'")"
        case .columnGivenTwice(let first, let second, let column, let firstField, let secondField):
            "columns \(firstField) ('\(first)') and \(secondField) ('\(second)') both give \(column); keep one of them"
        case .unknownColumn(let header, let suggestion):
            "column '\(header)' is not one licensectl reads (did you mean '\(suggestion)'?); its values are ignored"
        case .misspelledAdoptionColumn(let header, let suggestion, let column, let synonyms, let option, let mapped):
            "column '\(header)' is not one licensectl reads (did you mean '\(suggestion)'?), and the file has no \(column) column: "
                + (column == "activated_at"
                    ? "every running license of this file would be redeemed as unactivated stock instead of adopted"
                    : "every adopted license of this file would expire at its activation + term instead of the platform's expiry")
                + "; rename the header to \(column) (or \(synonyms.joined(separator: ", "))), or map it: "
                + Self.mappingAdvice(column: column, header: header, option: option, mapped: mapped)
                + "; if the column holds something else, rename it"
        case .unrecognisedAdoptionColumn(let header, let column, let synonyms, let option, let mapped):
            "column '\(header)' looks like the platform's \(column == "activated_at" ? "activation" : "expiry") date "
                + "(its name says so and its values are dates), but licensectl reads that date only from a column named "
                + "\(column) (or \(synonyms.joined(separator: ", "))) and the file has none: "
                + (column == "activated_at"
                    ? "every running license of this file would be redeemed as unactivated stock instead of adopted"
                    : "every adopted license of this file would expire at its activation + term instead of the platform's expiry")
                + "; map it: " + Self.mappingAdvice(column: column, header: header, option: option, mapped: mapped)
                + ", or rename the header to \(column); if the column holds something else, rename it"
        case .mappedColumnMissing(let column, let header, let path, let found):
            "columns: \(column) is mapped to '\(header)', but \(path) has no such column; found columns \(Self.quoted(found))"
        case .missingColumn(let column, let synonyms, let found):
            "missing required column '\(column)' (also accepted: \(synonyms.joined(separator: ", "))); found columns \(Self.quoted(found))"
        case .shortRow(let fields, let headerFields, let missing, let delimiter):
            "the row has \(fields) field\(fields == 1 ? "" : "s") where the header has \(headerFields): \(missing.joined(separator: ", ")) \(missing.count == 1 ? "is" : "are") missing; give every column, separated by \(delimiter == "\t" ? "TAB" : "'\(delimiter)'")"
        case .extraField(let fields, let headerFields, let value, let delimiter):
            "the row has \(fields) fields where the header has \(headerFields): '\(value)' is past the last column; remove it, or put a value that contains \(delimiter == "\t" ? "a TAB" : "'\(delimiter)'") in double quotes"
        case .invalidValue(let column, let message):
            "\(column): \(message)"
        case .spreadsheetNumber(let column, let message):
            "\(column): \(message); a spreadsheet turned this cell into a number: format the column as text and export again"
        case .invalidConnectedAt(let message):
            "connected_at: \(message); leave it empty when the router is not connected"
        case .expiryWithoutActivation:
            "expires_at: given without activated_at; an expiry is recorded only for a license the platform activated — give this row the platform's activation date in the activated_at column (check that the file's header names it: activated_at, activated, activation_date or active_since); empty expires_at only for a code the platform never activated, which is then redeemed as unactivated stock"
        case .expiryNotAfterActivation(let expiresAt, let activatedAt):
            "expires_at: \(expiresAt) is not after activated_at \(activatedAt); expected the platform's expiry, later than its activation"
        case .repeatedCode(let code, let firstLine):
            "code \(code) appears again (first on line \(firstLine)) with the same values; it is read once"
        case .conflictingCode(let code, let firstLine, let line, let differences):
            "code \(code) appears on line \(firstLine) and line \(line) with different values (\(differences.joined(separator: "; "))); list each code once"
        case .repeatedSerial(let serial, let firstLine):
            "serial \(serial) appears again (first on line \(firstLine)) with the same connected_at; it is read once"
        case .conflictingSerial(let serial, let firstLine, let line, let first, let second):
            "serial \(serial) appears on line \(firstLine) and line \(line) with different connected_at (\(first) vs \(second)); list each router once"
        case .droppedLeadingZeros(let serial, let length, let example):
            "serial '\(serial)' has \(serial.count) digits where the file's other serials have \(length) characters (such as '\(example)'); a spreadsheet that took the column for numbers drops leading zeros: if the router's serial is '\(String(repeating: "0", count: max(0, length - serial.count)) + serial)', correct it, or format the column as text and export again"
        case .onlyHeader:
            "no activation codes in this file, only a header; was the export cut short?"
        }
    }

    /// How to map `column` to the file's `header`: with the manifest's `columns`, with the
    /// `licensectl init` option, or (when not known which one reads the file) both.
    private static func mappingAdvice(column: String, header: String, option: String?, mapped: Bool) -> String {
        if let option { return "\(option) '\(column)=\(header)'" }
        let manifest = "the import's `columns: {\(column): \(OrderedJSON.quote(header))}`"
        return mapped ? manifest : "\(manifest) (licensectl init: --column '\(column)=\(header)')"
    }

    /// `'a', 'b', 'c'`.
    private static func quoted(_ headers: [String]) -> String {
        headers.map { "'\($0)'" }.joined(separator: ", ")
    }
}
