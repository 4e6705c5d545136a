/// One activation code read from a sales CSV file (docs/formats.md §3.2).
struct SalesCodeRecord: Sendable, Hashable {
    /// The code in canonical form `XXXX-XXXX-XXXX` (docs/formats.md §3.4).
    var code: ActivationCode
    /// The license type of docs/rules.md §1 (`license_type` column, case and spacing ignored).
    var type: LicenseType
    /// The issue date, 00:00:00Z (UTC).
    var issued: Instant
    /// ISO 8601 duration; `P1Y` when the file has no `term` column or the field is empty.
    var term: Term
    /// Free-text order number, kept for audit; `nil` when absent or empty.
    var order: String?
    /// The record's first physical line, column 1 (path relative to the repo root).
    var location: SourceLocation
    /// `activated_at`: the platform's activation instant of a running license (docs/rules.md §4.8), UTC.
    var activatedAt: Instant?
    /// Where the `activated_at` cell stands (its line and column), when the row gives one; set
    /// by the reader after the record is made.
    var activatedAtLocation: SourceLocation?
    /// `expires_at`: the platform's expiry, when not `activatedAt + term` (docs/rules.md §4.8), UTC.
    var expiresAt: Instant?
    /// Where the `expires_at` cell stands (its line and column), when the row gives one.
    var expiresAtLocation: SourceLocation?

    /// A record as the reader produces it; `term` defaults to `P1Y`, `order` to none.
    init(
        code: ActivationCode, type: LicenseType, issued: Instant, term: Term = .oneYear,
        order: String? = nil, location: SourceLocation, activatedAt: Instant? = nil, expiresAt: Instant? = nil,
        expiresAtLocation: SourceLocation? = nil
    ) {
        self.expiresAtLocation = expiresAtLocation
        self.code = code
        self.type = type
        self.issued = issued
        self.term = term
        self.order = order
        self.location = location
        self.activatedAt = activatedAt
        self.expiresAt = expiresAt
    }
}

/// Reads the sales CSV files that sales sends (bulk import, docs/formats.md §3.2).
///
/// Columns (header names match case-insensitively, ignoring spaces, `_` and `-`):
/// `activation_code` (`code`, `license_code`, `license_key`), `license_type` (`type`,
/// `product`), `issued` (`issued_on`, `issue_date`, `order_date`; `YYYY-MM-DD` or `DD.MM.YYYY`),
/// optional `term` (`duration`, default `P1Y`), `order` (`order_number`, `order_id`),
/// `activated_at` (`activated`, `activation_date`, `active_since`) and `expires_at` (`expires`,
/// `expiry_date`, `valid_until`) of a running license (docs/rules.md §4.8; a date `YYYY-MM-DD` or
/// `DD.MM.YYYY`, or an RFC 3339 date-time; empty = absent); other columns are ignored. A
/// manifest's `columns` replaces a column's names with the file's own (docs/formats.md §3.2). The CSV rules (delimiter, BOM, CRLF, quoting, UTF-8) are those of docs/formats.md §3.2.
enum SalesCSVReader {
    /// The columns, in the order of ``Column``.
    static let columns = [
        CSVColumn(name: "activation_code", synonyms: ["code", "license_code", "license_key"], required: true),
        CSVColumn(name: "license_type", synonyms: ["type", "product"], required: true),
        CSVColumn(name: "issued", synonyms: ["issued_on", "issue_date", "order_date"], required: true),
        CSVColumn(name: "term", synonyms: ["duration"], required: false),
        CSVColumn(name: "order", synonyms: ["order_number", "order_id"], required: false),
        CSVColumn(
            name: "activated_at", synonyms: ["activated", "activation_date", "active_since"], required: false,
            adoption: true),
        CSVColumn(
            name: "expires_at", synonyms: ["expires", "expiry_date", "valid_until"], required: false, adoption: true),
    ]

    /// Positions in ``columns`` (and so in a row's values).
    private enum Column {
        static let code = 0
        static let type = 1
        static let issued = 2
        static let term = 3
        static let order = 4
        static let activatedAt = 5
        static let expiresAt = 6
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
    static func read(_ bytes: [UInt8], path: String, diagnostics: DiagnosticsEngine) -> [SalesCodeRecord] {
        var rejected: Set<ActivationCode> = []
        return read(bytes, path: path, diagnostics: diagnostics, rejected: &rejected)
    }

    /// ``read(_:path:diagnostics:)``, also collecting in `rejected` the codes of rows skipped for
    /// a bad value, so that a manifest entry overriding such a code is not reported a second
    /// time (the row's error says what to fix).
    ///
    /// `mapping` is the importing manifest's `columns` (docs/formats.md §3.2), if any.
    static func read(
        _ bytes: [UInt8], path: String, mapping: ColumnMapping? = nil, diagnostics: DiagnosticsEngine,
        rejected: inout Set<ActivationCode>
    ) -> [SalesCodeRecord] {
        var records: [SalesCodeRecord] = []
        var firstIndex: [ActivationCode: Int] = [:]
        for row in CSVTable.read(bytes, path: path, columns: columns, mapping: mapping, diagnostics: diagnostics) {
            let location = SourceLocation(file: path, line: row.line)
            // Each error at its cell (docs/formats.md §3.2 "an error at file:line").
            var errors: [(error: CSVError, column: Int)] = []
            // A code or a date that a spreadsheet made a number gets the fix; a code in
            // scientific notation already says so (ActivationCodeError).
            func refused(_ column: Int, _ name: String, _ message: String, dateOrCode: Bool = true) {
                let value = row[column: column] ?? ""
                let number =
                    CSVTable.looksLikeSpreadsheetNumber(value)
                    && (column != Column.code || !value.contains(where: { $0 == "E" || $0 == "e" }))
                // A locale date or Excel's text formula gets its own hint (docs/formats.md §3.2
                // "Spreadsheet damage").
                let isDate = column != Column.code && dateOrCode
                let hint =
                    (isDate ? SpreadsheetDamage.dateHint(value) : SpreadsheetDamage.textFormulaHint(value)) ?? ""
                let error: CSVError =
                    dateOrCode && number
                    ? .spreadsheetNumber(column: name, message: message)
                    : .invalidValue(column: name, message: message + hint)
                errors.append((error, column))
            }
            var code: ActivationCode?
            do { code = try ActivationCode(parsing: row[column: Column.code] ?? "") } catch {
                refused(Column.code, "activation_code", error.message)
            }
            var type: LicenseType?
            do { type = try LicenseType(parsing: row[column: Column.type] ?? "") } catch {
                refused(Column.type, "license_type", error.message, dateOrCode: false)
            }
            var issued: Instant?
            do { issued = try Instant.parseSalesDate(row[column: Column.issued] ?? "") } catch {
                refused(Column.issued, "issued", error.message)
            }
            var term: Term? = .oneYear
            if let text = row[column: Column.term], !text.isEmpty {
                do { term = try Term.parse(text) } catch {
                    term = nil
                    refused(Column.term, "term", error.message, dateOrCode: false)
                }
            }
            var activatedAt: Instant?
            var activatedAtInvalid = false
            if let text = row[column: Column.activatedAt], !text.isEmpty {
                do { activatedAt = try Instant.parseCSVInstant(text) } catch {
                    refused(Column.activatedAt, "activated_at", error.message)
                    activatedAtInvalid = true
                }
            }
            var expiresAt: Instant?
            if let text = row[column: Column.expiresAt], !text.isEmpty {
                do { expiresAt = try Instant.parseCSVInstant(text) } catch {
                    refused(Column.expiresAt, "expires_at", error.message)
                }
            }
            if expiresAt != nil, activatedAt == nil, !activatedAtInvalid {
                errors.append((.expiryWithoutActivation, Column.expiresAt))
            }
            if let a = activatedAt, let e = expiresAt, e <= a {
                errors.append((.expiryNotAfterActivation(expiresAt: e, activatedAt: a), Column.expiresAt))
            }
            for (error, column) in errors { diagnostics.error(error.message, at: row.location(ofColumn: column)) }
            guard errors.isEmpty, let code, let type, let issued, let term else {
                if let code { rejected.insert(code) }
                continue
            }
            let order = row[column: Column.order].flatMap { $0.isEmpty ? nil : $0 }
            let record = SalesCodeRecord(
                code: code, type: type, issued: issued, term: term, order: order,
                location: location, activatedAt: activatedAt, expiresAt: expiresAt,
                expiresAtLocation: expiresAt == nil ? nil : row.location(ofColumn: Column.expiresAt))
            if let index = firstIndex[code] {
                let first = records[index]
                let differences = differences(first, record)
                if differences.isEmpty {
                    diagnostics.warning(
                        CSVError.repeatedCode(code: code.masked, firstLine: first.location.line).message,
                        at: location)
                } else {
                    diagnostics.error(
                        CSVError.conflictingCode(
                            code: code.masked, firstLine: first.location.line, line: row.line, differences: differences
                        ).message,
                        at: location)
                }
                continue
            }
            firstIndex[code] = records.count
            var located = record
            if activatedAt != nil { located.activatedAtLocation = row.location(ofColumn: Column.activatedAt) }
            records.append(located)
        }
        if records.isEmpty, !diagnostics.emitted.contains(where: { $0.location?.file == path }) {
            diagnostics.warning(
                CSVError.onlyHeader.message,
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
        if a.activatedAt != b.activatedAt {
            out.append(
                "activated_at \(a.activatedAt.map(\.description) ?? "none") vs \(b.activatedAt.map(\.description) ?? "none")"
            )
        }
        if a.expiresAt != b.expiresAt {
            out.append(
                "expires_at \(a.expiresAt.map(\.description) ?? "none") vs \(b.expiresAt.map(\.description) ?? "none")")
        }
        return out
    }
}
