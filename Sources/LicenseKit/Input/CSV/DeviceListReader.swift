/// One router read from a device list CSV file (docs/formats.md §3.3).
struct DeviceRecord: Sendable, Hashable {
    /// 1–64 of `[A-Za-z0-9._:-]`, kept as written (`012` stays "012").
    var serial: String
    /// When the router connected (UTC); `nil` = not connected (empty field or no such column).
    var connectedAt: Instant?
    /// The record's first physical line, column 1 (path relative to the repo root).
    var location: SourceLocation
}

/// Reads device list CSV files (docs/formats.md §3.3): column `serial` (required; synonyms
/// `serial_number`, `device`) and `connected_at` (optional; synonyms `connected_since`,
/// `connected`; `YYYY-MM-DD`, `DD.MM.YYYY` or an RFC 3339 date-time, empty = not connected). Same CSV rules as the
/// sales CSV (docs/formats.md §3.2).
enum DeviceListReader {
    /// The columns, in the order of ``Column``.
    static let columns = [
        CSVColumn(name: "serial", synonyms: ["serial_number", "device"], required: true),
        CSVColumn(name: "connected_at", synonyms: ["connected_since", "connected"], required: false),
    ]

    /// Positions in ``columns`` (and so in a row's values).
    private enum Column {
        static let serial = 0
        static let connectedAt = 1
    }

    /// Reads every router of a device list.
    ///
    /// Problems go to `diagnostics` at `path:line:column` and reading goes on: a missing `serial`
    /// column or invalid UTF-8 (nothing is read); a bad serial or `connected_at` (the row is
    /// skipped); the same serial twice with the same `connected_at` (a warning, read once) or with
    /// another (an error naming both lines; the later row is skipped).
    ///
    /// - Parameters:
    ///   - bytes: the file's content.
    ///   - path: the path relative to the repo root, used in diagnostics and locations.
    /// - Returns: the valid records in file order.
    static func read(_ bytes: [UInt8], path: String, diagnostics: DiagnosticsEngine) -> [DeviceRecord] {
        read(bytes, path: path, mapping: nil, diagnostics: diagnostics)
    }

    /// ``read(_:path:diagnostics:)`` with the manifest's `devices.columns` (docs/formats.md §3.1, docs/README.md §8): a
    /// mapped header replaces that column's standard names; one the file lacks is an error at
    /// the mapping.
    static func read(_ bytes: [UInt8], path: String, mapping: ColumnMapping?, diagnostics: DiagnosticsEngine)
        -> [DeviceRecord]
    {
        var records: [DeviceRecord] = []
        var firstIndex: [String: Int] = [:]
        var serialPlaces: [SourceLocation] = []
        for row in CSVTable.read(bytes, path: path, columns: columns, mapping: mapping, diagnostics: diagnostics) {
            let location = SourceLocation(file: path, line: row.line)
            // Each error at its cell (docs/formats.md §3.3).
            var errors: [(error: CSVError, column: Int)] = []
            var serial: String?
            do { serial = try RouterSerial.validateInput(row[column: Column.serial] ?? "") } catch {
                let hint = SpreadsheetDamage.serialHint(row[column: Column.serial] ?? "") ?? ""
                errors.append((.invalidValue(column: "serial", message: error.message + hint), Column.serial))
            }
            var connectedAt: Instant?
            if let text = row[column: Column.connectedAt], !text.isEmpty {
                do { connectedAt = try Instant.parseCSVInstant(text) } catch {
                    let refused: CSVError =
                        CSVTable.looksLikeSpreadsheetNumber(text)
                        ? .spreadsheetNumber(column: "connected_at", message: error.message)
                        : .invalidConnectedAt(message: error.message + (SpreadsheetDamage.dateHint(text) ?? ""))
                    errors.append((refused, Column.connectedAt))
                }
            }
            // A serial is no secret: one written as Excel's text formula is shown as written, so
            // that the hint's "write '…'" can be followed.
            let raw = row[column: Column.serial] ?? ""
            let keeping = SpreadsheetDamage.textFormulaValue(raw).map { [raw, $0] } ?? []
            for (error, column) in errors {
                diagnostics.error(error.message, at: row.location(ofColumn: column), keeping: keeping)
            }
            guard errors.isEmpty, let serial else { continue }
            // One router per upper-cased serial (docs/README.md §8 "Inputs"); a repeated row is read once
            // when its values are the same, as a repeated code is (docs/formats.md §3.3 "Same CSV rules").
            if let index = firstIndex[RouterSerial.identity(serial)] {
                let first = records[index]
                if first.connectedAt == connectedAt {
                    diagnostics.warning(
                        CSVError.repeatedSerial(serial: serial, firstLine: first.location.line).message,
                        at: location, keeping: [serial])
                } else {
                    let shown = { (t: Instant?) in t.map { "\($0)" } ?? "empty" }
                    diagnostics.error(
                        CSVError.conflictingSerial(
                            serial: serial, firstLine: first.location.line, line: row.line,
                            first: shown(first.connectedAt), second: shown(connectedAt)
                        ).message,
                        at: location, keeping: [serial])
                }
                continue
            }
            firstIndex[RouterSerial.identity(serial)] = records.count
            records.append(DeviceRecord(serial: serial, connectedAt: connectedAt, location: location))
            serialPlaces.append(row.location(ofColumn: Column.serial))
        }
        // A numeric serial shorter than the file's others: a spreadsheet that took the column
        // for numbers drops leading zeros (docs/formats.md §3.3 "Spreadsheet damage"). A warning:
        // the serial is valid as written.
        for shortened in SpreadsheetDamage.droppedLeadingZeros(records.map(\.serial)) {
            diagnostics.warning(
                CSVError.droppedLeadingZeros(
                    serial: records[shortened.index].serial, length: shortened.length, example: shortened.example
                ).message,
                at: serialPlaces[shortened.index],
                keeping: [records[shortened.index].serial, shortened.example, shortened.padded])
        }
        return records
    }
}
