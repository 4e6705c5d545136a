import CSV
import Foundation

/// One column a CSV reader knows: its canonical name, the synonyms accepted in the header, and
/// whether the file must have it (docs/formats.md §3.2, §3.3).
struct CSVColumn: Sendable {
    var name: String
    var synonyms: [String]
    var required: Bool
    /// The canonical name and the synonyms, squashed for matching (computed once: the readers'
    /// column lists are static).
    let keys: [String]

    init(name: String, synonyms: [String], required: Bool, adoption: Bool = false) {
        self.name = name
        self.synonyms = synonyms
        self.required = required
        self.keys = ([name] + synonyms).map(CSVTable.squash)
        self.adoption = adoption
    }

    /// The column matched by one header name of the file instead of its names (docs/README.md §8
    /// "Inputs": a mapped name replaces the canonical name and every synonym).
    init(name: String, mappedTo header: String, required: Bool, adoption: Bool = false) {
        self.name = name
        self.synonyms = []
        self.required = required
        self.keys = [CSVTable.squash(header)]
        self.mapped = true
        self.adoption = adoption
    }

    /// Whether ``keys`` is a manifest's `columns` mapping rather than the standard names.
    var mapped = false

    /// A column of a running license's history (`activated_at`, `expires_at`; docs/rules.md
    /// §4.8). A header close to it in a file that lacks it is an error, not the warning of other
    /// columns: its values ignored, running licenses would be redeemed as stock or expire at
    /// the wrong instant, and the plan would still go through.
    var adoption = false

    /// `columns` with the manifest's mapping applied (docs/formats.md §3.2 `columns`).
    static func applying(_ mapping: ColumnMapping?, to columns: [CSVColumn]) -> [CSVColumn] {
        guard let mapping, !mapping.isEmpty else { return columns }
        return columns.map { column in
            guard let entry = mapping.entries.first(where: { $0.column == column.name }) else { return column }
            return CSVColumn(
                name: column.name, mappedTo: entry.header, required: column.required, adoption: column.adoption)
        }
    }
}

/// One data row of a CSV file: the line of its first physical line and the trimmed values of the
/// known columns, in the order of the reader's column list (`nil` when the file has no such
/// column). A field the row lacks (fewer fields than the header) is empty, which an optional
/// column reads as absent (docs/README.md §8 "Adoption": an empty cell in an optional column).
struct CSVRow: Sendable {
    var line: Int
    var values: [String?]
    /// The offset of the record's first byte in ``layout``'s bytes.
    var start: Int
    var layout: CSVLayout

    /// The value of the column at `index` in the reader's column list.
    subscript(column index: Int) -> String? { values[index] }

    /// Where the cell of the column at `index` begins: its physical line and its column, the
    /// characters before it on that line plus one (quotes and delimiters included). Without
    /// such a column or field: the row's line, column 1.
    func location(ofColumn index: Int) -> SourceLocation {
        guard let field = layout.fieldOf[index] else { return SourceLocation(file: layout.path, line: line) }
        let place = CSVTable.place(
            ofField: field, recordAt: start, line: line, in: layout.body, delimiter: layout.delimiter)
        return SourceLocation(file: layout.path, line: place.line, column: place.column)
    }
}

/// What places a cell of a file: its bytes (after a BOM), its delimiter, the field of each known
/// column, the path shown.
struct CSVLayout: Sendable {
    var path: String
    var body: ArraySlice<UInt8>
    var delimiter: UInt8
    var fieldOf: [Int?]
}

/// The shared CSV rules of docs/formats.md §3.2/§3.3 over yaslab/CSV.swift: UTF-8 with or without BOM
/// (invalid UTF-8 is an error), delimiter `,` `;` or TAB detected from the header line, LF/CR/CRLF,
/// RFC 4180 quoting, header names matched case-insensitively ignoring spaces, `_` and `-`, blank
/// and separator-only rows skipped. CSV.swift reports no positions, so lines are counted here:
/// a record spans one line plus the line breaks inside its quoted fields.
enum CSVTable {
    /// CSV.swift's trimming set; fields are never trimmed by it (`trimFields: false`, values are
    /// trimmed here); an empty set, so that the default `.whitespaces` is not copied per file.
    static let noWhitespace = CharacterSet()

    /// Whether `bytes` look like UTF-16 and in which byte order (`true`: big-endian): a
    /// byte-order mark, or a NUL byte beside the first character (a header, or a manifest's
    /// first line, is ASCII text). The YAML reader asks the same.
    static func utf16ByteOrder(_ bytes: ArraySlice<UInt8>) -> Bool? {
        let head = Array(bytes.prefix(2))
        guard head.count == 2 else { return nil }
        switch (head[0], head[1]) {
        case (0xFF, 0xFE): return false
        case (0xFE, 0xFF): return true
        case (0x00, let b) where b != 0: return true
        case (let a, 0x00) where a != 0: return false
        default: return nil
        }
    }

    /// Reads the rows of a CSV file, or `[]` after reporting why the file cannot be read.
    ///
    /// - Parameters:
    ///   - bytes: the file's content.
    ///   - path: the repo-relative path used in diagnostics.
    ///   - columns: the columns this kind of file has; unknown columns are ignored.
    ///   - mapping: the manifest's `columns` for this file; a mapped header the file lacks is an
    ///     error at the mapping's place (docs/README.md §8 "Inputs").
    static func read(
        _ bytes: [UInt8], path: String, columns standard: [CSVColumn], mapping: ColumnMapping? = nil,
        diagnostics: DiagnosticsEngine
    ) -> [CSVRow] {
        let columns = CSVColumn.applying(mapping, to: standard)
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if let bigEndian = utf16ByteOrder(body) {
            diagnostics.error(CSVError.utf16(bigEndian: bigEndian).message, at: SourceLocation(file: path, line: 1))
            return []
        }
        if let bad = firstInvalidUTF8(body) {
            diagnostics.error(
                CSVError.invalidUTF8(byte: hex(bad.byte)).message,
                at: SourceLocation(file: path, line: bad.line, column: bad.column))
            return []
        }
        if let control = firstControlCharacter(body) {
            diagnostics.error(
                CSVError.controlCharacter(codePoint: ActivationCodeError.codePoint(control.scalar)).message,
                at: SourceLocation(file: path, line: control.line, column: control.column))
            return []
        }
        let text = String(decoding: body, as: UTF8.self)
        let delimiter = detectDelimiter(body)
        let reader: CSVReader
        do {
            reader = try CSVReader(
                string: text, hasHeaderRow: false, trimFields: false, delimiter: delimiter,
                whitespaces: CSVTable.noWhitespace)
        } catch {
            diagnostics.error(
                CSVError.unreadable(reason: "\(error)").message, at: SourceLocation(file: path, line: 1))
            return []
        }

        var line = 1
        var header: (line: Int, fields: [String], start: Int)?
        var rows: [(line: Int, fields: [String], start: Int)] = []
        var lastRowSpan = (start: 1, lines: 1)
        // Only a quoted field can hold a line break: without a quote in the file every record is
        // one line, and the fields need no walk (vendors' exports are wide).
        let quoted = body.contains(0x22)
        // CSV.swift reads `"SO-1" ` (a character after a closing quote) as a quoted field that
        // goes on to the next closing quote, swallowing the records in between without an error.
        // Each record it returns is therefore checked against the bytes it came from: the first
        // record that does not spell out exactly is malformed (docs/formats.md §3.2 RFC 4180 quoting).
        var position = body.startIndex
        var malformed: Int?
        let delimiterByte = UInt8(delimiter.value)
        while let fields = reader.next() {
            let recordStart = position
            if quoted {
                if malformed == nil {
                    malformed = recordMismatch(fields, in: body, from: &position, delimiter: delimiterByte)
                }
            } else {
                position = nextLineStart(body, from: position)
            }
            let start = line
            let span = quoted ? 1 + fields.reduce(0) { $0 + lineBreaks(in: $1) } : 1
            line += span
            lastRowSpan = (start, span)
            if fields.allSatisfy(isBlank) { continue }
            if header == nil {
                header = (start, fields, recordStart)
            } else {
                rows.append((start, fields, recordStart))
            }
        }
        // CSV.swift reads an unclosed quoted field to the end of the file: the last record then
        // holds an odd number of quotes (each closed field, and each escaped "", has two).
        if quoted, quoteCount(in: body, fromLine: lastRowSpan.start) % 2 == 1 {
            diagnostics.error(
                CSVError.unclosedQuote.message,
                at: SourceLocation(file: path, line: lastRowSpan.start))
            return []
        }
        if let malformed {
            let (found, place) = describeMalformed(body, at: malformed)
            diagnostics.error(
                CSVError.malformedQuote(found: found).message,
                at: SourceLocation(file: path, line: place.line, column: place.column))
            return []
        }
        guard let header else {
            diagnostics.error(
                CSVError.empty(required: columns.filter(\.required).map(\.name)).message,
                at: SourceLocation(file: path, line: 1))
            return []
        }

        // Map header fields to known columns: per column of `columns`, its field index.
        var fieldOf = [Int?](repeating: nil, count: columns.count)
        var ok = true
        var ambiguous = false
        for (index, raw) in header.fields.enumerated() {
            let key = squash(raw)
            guard let c = columns.firstIndex(where: { $0.keys.contains(key) }) else { continue }
            let column = columns[c]
            if let other = columns.indices.first(where: { $0 > c && columns[$0].keys.contains(key) }) {
                // Only possible with a mapping: a header that is one column's mapped name and
                // another's standard name (docs/README.md §8 "Inputs").
                diagnostics.error(
                    CSVError.headerMatchesTwoColumns(
                        header: raw.trimmingASCIIWhitespace(), column: column.name, other: columns[other].name,
                        option: mapping?.option
                    ).message,
                    at: SourceLocation(file: path, line: header.line))
                ambiguous = true
                continue
            }
            if let earlier = fieldOf[c] {
                diagnostics.error(
                    CSVError.columnGivenTwice(
                        first: header.fields[earlier].trimmingASCIIWhitespace(), second: raw.trimmingASCIIWhitespace(),
                        column: column.name, firstField: earlier + 1, secondField: index + 1
                    ).message,
                    at: SourceLocation(file: path, line: header.line))
                ok = false
                continue
            }
            fieldOf[c] = index
        }
        // A header matching two columns says nothing more: the missing columns would only be
        // its echo.
        guard !ambiguous else { return [] }
        // An unknown column whose name is close to a known one the file lacks is most likely
        // a typo: its values would be ignored without a word (docs/formats.md §3.2 ignores other columns).
        let known = columns.enumerated().flatMap { c, column in
            zip(column.keys, [column.name] + column.synonyms).map { (key: $0, spelled: $1, column: c) }
        }
        var flagged: Set<Int> = []
        for (index, raw) in header.fields.enumerated() {
            let key = squash(raw)
            guard !key.isEmpty, !known.contains(where: { $0.key == key }),
                let match = ManifestDecoder.suggestion(for: key, among: known.map(\.key)),
                let entry = known.first(where: { $0.key == match }), fieldOf[entry.column] == nil
            else { continue }
            let column = columns[entry.column]
            guard column.adoption else {
                diagnostics.warning(
                    CSVError.unknownColumn(header: raw.trimmingASCIIWhitespace(), suggestion: entry.spelled).message,
                    at: SourceLocation(file: path, line: header.line))
                continue
            }
            // docs/rules.md §4.8: a misspelled adoption column would turn running licenses into
            // stock (or give them the wrong expiry) without an error: an error at the header cell.
            let place = Self.place(
                ofField: index, recordAt: header.start, line: header.line, in: body, delimiter: delimiterByte)
            diagnostics.error(
                CSVError.misspelledAdoptionColumn(
                    header: raw.trimmingASCIIWhitespace(), suggestion: entry.spelled, column: column.name,
                    synonyms: column.synonyms, option: mapping?.option, mapped: mapping != nil
                ).message,
                at: SourceLocation(file: path, line: place.line, column: place.column))
            flagged.insert(index)
            ok = false
        }
        // A header that is no near-miss but evidently the platform's activation or expiry date
        // (`Aktiviert am`, `Gültig bis`, `Activated (UTC)`) in a file without that column: the
        // same error (docs/formats.md §3.2 "Columns"). Its values must read as dates, so that a
        // sales CSV's other columns (`Active`: yes/no, `Order date`) stay ignored.
        let matched = Set(fieldOf.compactMap { $0 })
        for (index, raw) in header.fields.enumerated() where !matched.contains(index) && !flagged.contains(index) {
            guard let name = AdoptionHeader.column(named: raw),
                let c = columns.firstIndex(where: { $0.name == name }), columns[c].adoption, fieldOf[c] == nil
            else { continue }
            let values = rows.lazy.compactMap { $0.fields.indices.contains(index) ? $0.fields[index] : nil }
                .map { $0.trimmingASCIIWhitespace() }.filter { !$0.isEmpty }
            guard !values.isEmpty, values.allSatisfy(AdoptionHeader.looksLikeDate) else { continue }
            let column = columns[c]
            let place = Self.place(
                ofField: index, recordAt: header.start, line: header.line, in: body, delimiter: delimiterByte)
            diagnostics.error(
                CSVError.unrecognisedAdoptionColumn(
                    header: raw.trimmingASCIIWhitespace(), column: column.name, synonyms: column.synonyms,
                    option: mapping?.option, mapped: mapping != nil
                ).message,
                at: SourceLocation(file: path, line: place.line, column: place.column))
            ok = false
        }
        for (c, column) in columns.enumerated() where column.mapped && fieldOf[c] == nil {
            let entry = mapping?.entries.first { $0.column == column.name }
            diagnostics.error(
                CSVError.mappedColumnMissing(
                    column: column.name, header: entry?.header ?? "", path: path,
                    found: header.fields.map { $0.trimmingASCIIWhitespace() }
                ).message,
                at: entry.flatMap { $0.location.file.isEmpty ? nil : $0.location }
                    ?? SourceLocation(file: path, line: header.line))
            ok = false
        }
        for (c, column) in columns.enumerated() where column.required && !column.mapped && fieldOf[c] == nil {
            diagnostics.error(
                CSVError.missingColumn(
                    column: column.name, synonyms: column.synonyms,
                    found: header.fields.map { $0.trimmingASCIIWhitespace() }
                ).message,
                at: SourceLocation(file: path, line: header.line))
            ok = false
        }
        guard ok else { return [] }

        let layout = CSVLayout(path: path, body: body, delimiter: delimiterByte, fieldOf: fieldOf)
        return rows.compactMap { row in
            // More fields than the header: a value with the delimiter in it that is not quoted,
            // or a shifted row; its values would land in the wrong columns. Empty extra fields
            // (a trailing delimiter, as spreadsheets write) say nothing and are ignored.
            if row.fields.count > header.fields.count,
                let extra = row.fields.indices.dropFirst(header.fields.count).first(where: { !isBlank(row.fields[$0]) })
            {
                let place = Self.place(
                    ofField: extra, recordAt: row.start, line: row.line, in: body, delimiter: delimiterByte)
                diagnostics.error(
                    CSVError.extraField(
                        fields: row.fields.count, headerFields: header.fields.count,
                        value: row.fields[extra].trimmingASCIIWhitespace(), delimiter: delimiter
                    ).message,
                    at: SourceLocation(file: path, line: place.line, column: place.column))
                return nil
            }
            // A row shorter than the header that lacks a required column: say so, rather than
            // report the column's value as empty.
            let short = columns.indices.filter { c in
                columns[c].required && (fieldOf[c].map { $0 >= row.fields.count } ?? false)
            }
            if !short.isEmpty {
                let names = short.map { c in
                    let index = fieldOf[c] ?? 0
                    return
                        "\(columns[c].name) (column \(index + 1), '\(header.fields[index].trimmingASCIIWhitespace())')"
                }
                diagnostics.error(
                    CSVError.shortRow(
                        fields: row.fields.count, headerFields: header.fields.count, missing: names,
                        delimiter: delimiter
                    ).message,
                    at: SourceLocation(file: path, line: row.line))
                return nil
            }
            let values = fieldOf.map { field in
                field.map { $0 < row.fields.count ? row.fields[$0].trimmingASCIIWhitespace() : "" }
            }
            return CSVRow(line: row.line, values: values, start: row.start, layout: layout)
        }
    }

    /// The offset after the line break (LF, CRLF or a lone CR) that ends the line at `offset`,
    /// or the end.
    static func nextLineStart(_ body: ArraySlice<UInt8>, from offset: Int) -> Int {
        guard let brk = body[offset...].firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) else { return body.endIndex }
        if body[brk] == 0x0D, brk + 1 < body.endIndex, body[brk + 1] == 0x0A { return brk + 2 }
        return brk + 1
    }

    /// The 1-based physical line and column (in Unicode scalars, quotes and delimiters counted)
    /// where field `field` of the record starting at byte `start` on line `line` begins. The
    /// record spells out as CSV.swift read it (``recordMismatch(_:in:from:delimiter:)``).
    static func place(
        ofField field: Int, recordAt start: Int, line: Int, in body: ArraySlice<UInt8>, delimiter: UInt8
    ) -> (line: Int, column: Int) {
        var (p, line, column) = (start, line, 1)
        let end = body.endIndex
        func advance() {
            let b = body[p]
            if b == 0x0A || b == 0x0D {
                line += 1
                column = 1
                if b == 0x0D, p + 1 < end, body[p + 1] == 0x0A { p += 1 }
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
            p += 1
        }
        for _ in 0..<field {
            if p < end, body[p] == 0x22 {
                advance()
                while p < end {
                    if body[p] == 0x22 {
                        if p + 1 < end, body[p + 1] == 0x22 {
                            advance()
                            advance()
                            continue
                        }
                        advance()
                        break
                    }
                    advance()
                }
            } else {
                while p < end, body[p] != delimiter, body[p] != 0x0A, body[p] != 0x0D { advance() }
            }
            guard p < end, body[p] == delimiter else { break }
            advance()
        }
        return (line, column)
    }

    /// Whether a cell that its column refused looks like what a spreadsheet makes of a code or a
    /// date it took for a number: `4.5123E+11`, `45123` (a day count), `1234,5`.
    static func looksLikeSpreadsheetNumber(_ value: String) -> Bool {
        var bytes = Array(value.utf8)[...]
        if let first = bytes.first, first == 0x2B || first == 0x2D { bytes = bytes.dropFirst() }
        let digits = bytes.prefix { $0 >= 0x30 && $0 <= 0x39 }
        guard !digits.isEmpty else { return false }
        bytes = bytes.dropFirst(digits.count)
        if let first = bytes.first, first == 0x2E || first == 0x2C {
            let fraction = bytes.dropFirst().prefix { $0 >= 0x30 && $0 <= 0x39 }
            guard !fraction.isEmpty else { return false }
            bytes = bytes.dropFirst(1 + fraction.count)
        }
        if let first = bytes.first, first == 0x45 || first == 0x65 {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == 0x2B || sign == 0x2D { bytes = bytes.dropFirst() }
            let exponent = bytes.prefix { $0 >= 0x30 && $0 <= 0x39 }
            guard !exponent.isEmpty else { return false }
            bytes = bytes.dropFirst(exponent.count)
        }
        return bytes.isEmpty
    }

    /// Checks one record that CSV.swift returned against the bytes it was read from, starting at
    /// `position` (advanced past the record when it matches): each field spelled out either as
    /// is or quoted (`"` + the value with `"` doubled + `"`), fields joined by the delimiter, the
    /// record ended by LF, CRLF, a lone CR or the end of the file.
    ///
    /// - Returns: `nil` when the record matches, else the offset of the first byte that does not
    ///   (e.g. the space in `"SO-1" ` followed by a line break).
    static func recordMismatch(
        _ fields: [String], in body: ArraySlice<UInt8>, from position: inout Int,
        delimiter: UInt8
    ) -> Int? {
        var p = position
        let end = body.endIndex
        for (k, field) in fields.enumerated() {
            if p < end, body[p] == 0x22 {
                p += 1
                for b in field.utf8 {
                    guard p < end, body[p] == b else { return p }
                    p += 1
                    if b == 0x22 {
                        guard p < end, body[p] == 0x22 else { return p }
                        p += 1
                    }
                }
                guard p < end, body[p] == 0x22 else { return p }
                p += 1
            } else {
                for b in field.utf8 {
                    guard p < end, body[p] == b else { return p }
                    p += 1
                }
            }
            if k < fields.count - 1 {
                guard p < end, body[p] == delimiter else { return p }
                p += 1
            } else if p < end {
                switch body[p] {
                case 0x0A: p += 1
                case 0x0D:
                    p += 1
                    if p < end, body[p] == 0x0A { p += 1 }
                default: return p
                }
            }
        }
        position = p
        return nil
    }

    /// The byte at `offset` as a message names it (`' '`, `'x'`, `U+00A0`, the end of the file) and
    /// its 1-based line and column.
    static func describeMalformed(_ body: ArraySlice<UInt8>, at offset: Int) -> (String, (line: Int, column: Int)) {
        var line = 1
        var column = 1
        var k = body.startIndex
        while k < min(offset, body.endIndex) {
            let c = body[k]
            if c == 0x0A || (c == 0x0D && (k + 1 == body.endIndex || body[k + 1] != 0x0A)) {
                line += 1
                column = 1
            } else if c & 0xC0 != 0x80 && c != 0x0D {
                column += 1
            }
            k += 1
        }
        guard offset < body.endIndex else { return ("the end of the file", (line, column)) }
        let b = body[offset]
        let found: String
        switch b {
        case 0x20: found = "a space"
        case 0x09: found = "a TAB"
        case 0x21...0x7E: found = "'\(Character(UnicodeScalar(b)))'"
        default:
            let rest = body[offset...].prefix(4)
            let scalar = String(decoding: rest, as: UTF8.self).unicodeScalars.first
            found = "U+" + String(format: "%04X", scalar?.value ?? UInt32(b))
        }
        return (found, (line, column))
    }

    /// The `"` bytes from the start of 1-based `line` (line breaks: LF, CRLF or a lone CR) to the
    /// end.
    static func quoteCount(in bytes: ArraySlice<UInt8>, fromLine line: Int) -> Int {
        var current = 1
        var index = bytes.startIndex
        while current < line, index < bytes.endIndex {
            let byte = bytes[index]
            index += 1
            if byte == 0x0A || (byte == 0x0D && (index == bytes.endIndex || bytes[index] != 0x0A)) { current += 1 }
        }
        return bytes[index...].reduce(0) { $0 + ($1 == 0x22 ? 1 : 0) }
    }

    /// Empty or only ASCII whitespace (space, TAB, CR, LF), without making a trimmed copy.
    static func isBlank(_ field: String) -> Bool {
        field.utf8.allSatisfy { $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }
    }

    /// Lower-cased, without spaces, `_` and `-`: `License Key` and `license_key` match.
    static func squash(_ s: String) -> String {
        let trimmed = s.trimmingASCIIWhitespace()
        if let ascii = trimmed.asciiSquashed(dropping: { $0 == 0x20 || $0 == 0x5F || $0 == 0x2D }) { return ascii }
        return String(trimmed.lowercased().filter { $0 != " " && $0 != "_" && $0 != "-" })
    }

    /// Line breaks (LF, CRLF or a lone CR) inside a field's value.
    static func lineBreaks(in field: String) -> Int {
        // CR and LF are ASCII, so the UTF-8 bytes say the same as the scalars, and faster.
        var count = 0
        var previousCR = false
        for byte in field.utf8 {
            switch byte {
            case 0x0A: if !previousCR { count += 1 }
            case 0x0D: count += 1
            default: break
            }
            previousCR = byte == 0x0D
        }
        return count
    }

    /// The most frequent of `,` `;` TAB outside quotes in the first non-blank line (ties: `,`
    /// before `;` before TAB; none at all: `,`).
    static func detectDelimiter(_ bytes: ArraySlice<UInt8>) -> UnicodeScalar {
        var counts: [UInt8: Int] = [0x2C: 0, 0x3B: 0, 0x09: 0]
        var inQuotes = false
        var sawContent = false
        for b in bytes {
            if b == 0x22 { inQuotes.toggle() }
            if !inQuotes, b == 0x0A || b == 0x0D {
                if sawContent { break }
                continue
            }
            if !inQuotes, counts[b] != nil { counts[b, default: 0] += 1 }
            if b != 0x20 { sawContent = true }
        }
        let order: [UInt8] = [0x2C, 0x3B, 0x09]
        var best: UInt8 = 0x2C
        for candidate in order where counts[candidate, default: 0] > counts[best, default: 0] { best = candidate }
        return UnicodeScalar(best)
    }

    /// The first byte that is not valid UTF-8, with its 1-based line and column (column counted
    /// in Unicode scalars, as ``SourceLocation`` does).
    static func firstInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> (byte: UInt8, line: Int, column: Int)? {
        // Almost every file is valid: check that first over runs of bytes, and walk scalars (for
        // the line and column) only when a bad byte is there.
        if isValidUTF8(bytes) { return nil }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = bytes.startIndex
        var line = 1
        var column = 1
        var previousCR = false
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                let count = encoded.count
                if count == 1, let b = encoded.first {
                    if b == 0x0A {
                        if !previousCR { line += 1 }
                        column = 1
                    } else if b == 0x0D {
                        line += 1
                        column = 1
                    } else {
                        column += 1
                    }
                    previousCR = b == 0x0D
                } else {
                    column += 1
                    previousCR = false
                }
                offset += count
            case .error:
                return (bytes[offset], line, column)
            case .emptyInput:
                return nil
            }
        }
    }

    /// The first control character of valid UTF-8 text other than TAB, LF and CR (U+0000–U+001F,
    /// U+007F, U+0080–U+009F), with its 1-based line and column (in Unicode scalars): text never
    /// holds one, and CSV.swift would pass it on inside a value (docs/formats.md §3.2).
    static func firstControlCharacter(_ bytes: ArraySlice<UInt8>) -> (scalar: Unicode.Scalar, line: Int, column: Int)? {
        // Almost every file has none: find the first candidate over the bytes, and count lines
        // and columns only up to it.
        let found = bytes.withUnsafeBufferPointer { b -> Int? in
            for i in 0..<b.count {
                let c = b[i]
                if c < 0x20, c != 0x09, c != 0x0A, c != 0x0D { return i }
                if c == 0x7F { return i }
                if c == 0xC2, i + 1 < b.count, b[i + 1] >= 0x80, b[i + 1] <= 0x9F { return i }
            }
            return nil
        }
        guard let found else { return nil }
        let offset = bytes.startIndex + found
        var line = 1
        var column = 1
        var k = bytes.startIndex
        while k < offset {
            let c = bytes[k]
            if c == 0x0A || (c == 0x0D && (k + 1 == bytes.endIndex || bytes[k + 1] != 0x0A)) {
                line += 1
                column = 1
            } else if c & 0xC0 != 0x80 && c != 0x0D {
                column += 1
            }
            k += 1
        }
        let value = bytes[offset] == 0xC2 ? UInt32(bytes[offset + 1]) : UInt32(bytes[offset])
        return (Unicode.Scalar(value) ?? "\u{0}", line, column)
    }

    /// Whether the bytes are valid UTF-8 (no overlongs, surrogates or values past U+10FFFF).
    static func isValidUTF8(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBufferPointer { b -> Bool in
            var i = 0
            while i < b.count {
                if b[i] < 0x80 {
                    i += 1
                    continue
                }
                let length = YAMLReader.utf8SequenceLength(b, at: i)
                if length == 0 { return false }
                i += length
            }
            return true
        }
    }

    static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(b >> 4)], digits[Int(b & 0xF)]])
    }
}
