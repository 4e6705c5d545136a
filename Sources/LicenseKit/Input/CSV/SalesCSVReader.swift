/// One activation code read from a sales CSV file (SPEC §3.2).
public struct SalesCodeRecord: Sendable, Hashable {
    /// The code in canonical form `XXXX-XXXX-XXXX` (SPEC §3.4).
    public var code: ActivationCode
    /// The license type of SPEC §1 (`license_type` column, case and spacing ignored).
    public var type: LicenseType
    /// The issue date, 00:00:00Z (UTC).
    public var issued: Instant
    /// ISO 8601 duration; `P1Y` when the file has no `term` column or the field is empty.
    public var term: Term
    /// Free-text order number, kept for audit; `nil` when absent or empty.
    public var order: String?
    /// The record's first physical line, column 1 (path relative to the repo root).
    public var location: SourceLocation

    /// A record as the reader produces it; `term` defaults to `P1Y`, `order` to none.
    public init(code: ActivationCode, type: LicenseType, issued: Instant, term: Term = .oneYear,
                order: String? = nil, location: SourceLocation) {
        self.code = code
        self.type = type
        self.issued = issued
        self.term = term
        self.order = order
        self.location = location
    }
}

/// Reads the sales CSV files that sales sends (bulk import, SPEC §3.2).
///
/// Columns (header names match case-insensitively, ignoring spaces, `_` and `-`):
/// `activation_code` (`code`, `license_code`, `license_key`), `license_type` (`type`,
/// `product`), `issued` (`issued_on`, `issue_date`, `order_date`; `YYYY-MM-DD` or `DD.MM.YYYY`),
/// optional `term` (`duration`, default `P1Y`) and `order` (`order_number`, `order_id`); other
/// columns are ignored. The CSV rules (delimiter, BOM, CRLF, quoting, UTF-8) are those of SPEC §3.2.
public enum SalesCSVReader {
    /// The columns, in the order of ``Column``.
    static let columns = [
        CSVColumn(name: "activation_code", synonyms: ["code", "license_code", "license_key"], required: true),
        CSVColumn(name: "license_type", synonyms: ["type", "product"], required: true),
        CSVColumn(name: "issued", synonyms: ["issued_on", "issue_date", "order_date"], required: true),
        CSVColumn(name: "term", synonyms: ["duration"], required: false),
        CSVColumn(name: "order", synonyms: ["order_number", "order_id"], required: false),
    ]

    /// Positions in ``columns`` (and so in a row's values).
    private enum Column {
        static let code = 0
        static let type = 1
        static let issued = 2
        static let term = 3
        static let order = 4
    }

    /// Reads every code of a sales CSV file.
    ///
    /// Problems go to `diagnostics` at `path:line:column`, and reading goes on so that one run
    /// reports all of them: a missing required column or invalid UTF-8 (nothing is read); a bad
    /// value (the row is skipped); the same code twice with identical values (a warning, read
    /// once) or with different values (an error, the later row is skipped).
    ///
    /// - Parameters:
    ///   - bytes: the file's content.
    ///   - path: the path relative to the repo root, used in diagnostics and locations.
    /// - Returns: the valid records in file order.
    public static func read(_ bytes: [UInt8], path: String, diagnostics: DiagnosticsEngine) -> [SalesCodeRecord] {
        var rejected: Set<ActivationCode> = []
        return read(bytes, path: path, diagnostics: diagnostics, rejected: &rejected)
    }

    /// ``read(_:path:diagnostics:)``, also collecting in `rejected` the codes of rows skipped for
    /// a bad value, so that a manifest entry overriding such a code is not reported a second
    /// time (the row's error says what to fix).
    static func read(_ bytes: [UInt8], path: String, diagnostics: DiagnosticsEngine,
                     rejected: inout Set<ActivationCode>) -> [SalesCodeRecord] {
        var records: [SalesCodeRecord] = []
        var firstIndex: [ActivationCode: Int] = [:]
        for row in CSVTable.read(bytes, path: path, columns: columns, diagnostics: diagnostics) {
            let location = SourceLocation(file: path, line: row.line)
            var errors: [String] = []
            var code: ActivationCode?
            do { code = try ActivationCode(parsing: row[column: Column.code] ?? "") } catch {
                errors.append("activation_code: \(error.message)")
            }
            var type: LicenseType?
            do { type = try LicenseType(parsing: row[column: Column.type] ?? "") } catch {
                errors.append("license_type: \(error.message)")
            }
            var issued: Instant?
            do { issued = try Instant.parseSalesDate(row[column: Column.issued] ?? "") } catch {
                errors.append("issued: \(error.message)")
            }
            var term: Term? = .oneYear
            if let text = row[column: Column.term], !text.isEmpty {
                do { term = try Term.parse(text) } catch {
                    term = nil
                    errors.append("term: \(error.message)")
                }
            }
            for message in errors { diagnostics.error(message, at: location) }
            guard errors.isEmpty, let code, let type, let issued, let term else {
                if let code { rejected.insert(code) }
                continue
            }
            let order = row[column: Column.order].flatMap { $0.isEmpty ? nil : $0 }
            let record = SalesCodeRecord(code: code, type: type, issued: issued, term: term, order: order,
                                         location: location)
            if let index = firstIndex[code] {
                let first = records[index]
                let differences = differences(first, record)
                if differences.isEmpty {
                    diagnostics.warning(
                        "code \(code.masked) appears again (first on line \(first.location.line)) with the same values; it is read once",
                        at: location)
                } else {
                    diagnostics.error(
                        "code \(code.masked) appears on line \(first.location.line) and line \(row.line) with different values (\(differences.joined(separator: "; "))); list each code once",
                        at: location)
                }
                continue
            }
            firstIndex[code] = records.count
            records.append(record)
        }
        if records.isEmpty, !diagnostics.diagnostics.contains(where: { $0.location?.file == path }) {
            diagnostics.warning("no activation codes in this file, only a header; was the export cut short?",
                                at: SourceLocation(file: path, line: 1))
        }
        return records
    }

    /// `field 'a' vs 'b'` for every value that differs between two records of the same code.
    static func differences(_ a: SalesCodeRecord, _ b: SalesCodeRecord) -> [String] {
        var out: [String] = []
        if a.type != b.type { out.append("license_type '\(a.type)' vs '\(b.type)'") }
        if a.issued != b.issued { out.append("issued \(a.issued.dateString) vs \(b.issued.dateString)") }
        if a.term != b.term { out.append("term \(a.term) vs \(b.term)") }
        if a.order != b.order { out.append("order '\(a.order ?? "")' vs '\(b.order ?? "")'") }
        return out
    }
}
