import Testing

@testable import LicenseKit

/// Reads `text` (or `bytes`) as a sales CSV at `fixtures/sales/s.csv`.
private func readSales(_ text: String) -> ([SalesCodeRecord], [Diagnostic]) {
    readSales(bytes: Array(text.utf8))
}

private func readSales(bytes: [UInt8]) -> ([SalesCodeRecord], [Diagnostic]) {
    let engine = DiagnosticsEngine()
    let records = SalesCSVReader.read(bytes, path: path, diagnostics: engine)
    return (records, engine.diagnostics)
}

private let path = "fixtures/sales/s.csv"
private func at(_ line: Int, _ column: Int = 1) -> LicenseKit.SourceLocation {
    LicenseKit.SourceLocation(file: path, line: line, column: column)
}
private func code(_ s: String) throws -> ActivationCode { try ActivationCode(parsing: s) }
private func day(_ s: String) throws -> Instant { try Instant.parse(s) }

@Suite struct SalesCSVReaderTests {
    /// The locale-date hint that a slash date gets (docs/formats.md §3.2 "Spreadsheet damage");
    /// `01/02/2026` is ambiguous, so both readings are named.
    static let slashDateHint =
        "; it looks like a spreadsheet wrote the date in its locale's form: write it as YYYY-MM-DD (ISO 8601) ('01/02/2026' is 2026-02-01 when the day comes first, 2026-01-02 when the month does: check the original)"
    @Test func germanSpreadsheetExportWithBOMSemicolonCRLFAndDottedDatesIsRead() throws {
        let text =
            "Activation Code;Product;Issue Date;Duration;Order Number\r\n"
            + "96D9-3718-59E5;Cloud Basic 25;20.10.2025;P2Y;SO-2025-1042\r\n"
            + "4a1f 0c22 9b7e;cloud basic 1;20.10.2025;;SO-2025-1042\r\n"
        let (records, diagnostics) = readSales(bytes: [0xEF, 0xBB, 0xBF] + Array(text.utf8))
        #expect(diagnostics == [])
        #expect(
            records == [
                SalesCodeRecord(
                    code: try code("96D9-3718-59E5"), type: .cloudBasic25, issued: try day("2025-10-20"),
                    term: Term(years: 2), order: "SO-2025-1042", location: at(2)),
                SalesCodeRecord(
                    code: try code("4A1F-0C22-9B7E"), type: .cloudBasic1, issued: try day("2025-10-20"),
                    term: .oneYear, order: "SO-2025-1042", location: at(3)),
            ])
    }

    @Test func tabSeparatedFileIsDetectedFromTheHeader() throws {
        let (records, diagnostics) = readSales(
            "code\ttype\tissued\torder\n96D9-3718-59E5\tCloud Free\t2026-01-15\tA, B; C\n")
        #expect(diagnostics == [])
        #expect(
            records == [
                SalesCodeRecord(
                    code: try code("96D9-3718-59E5"), type: .cloudFree,
                    issued: try day("2026-01-15"), order: "A, B; C", location: at(2))
            ])
    }

    @Test(arguments: [
        "License Key,Product,Order Date",
        "license-code,TYPE,issued_on",
        "CODE,License_Type,Issue-Date",
        "Activation_Code,license type,ISSUED",
        "\"License Key\",\"Product\",\"Order Date\"",
    ])
    func headerSynonymsMatchIgnoringCaseSpacesUnderscoresAndDashes(header: String) throws {
        let (records, diagnostics) = readSales(header + "\n96D9-3718-59E5,Cloud Basic 1,2026-01-15\n")
        #expect(diagnostics == [])
        #expect(records.map(\.code) == [try code("96D9-3718-59E5")])
        #expect(records.first?.term == .oneYear)
        #expect(records.first?.order == nil)
    }

    @Test func otherColumnsAreIgnoredAndShortRowsReadAsEmpty() throws {
        let (records, diagnostics) = readSales(
            "customer,code,type,issued,order\nACME,96D9-3718-59E5,Cloud Basic 1,2026-01-15\n")
        #expect(diagnostics == [])
        #expect(records.map(\.order) == [nil])
    }

    @Test func quotedFieldsWithNewlinesAndSeparatorsKeepLineNumbersRight() throws {
        let text =
            "activation_code,license_type,issued,order\n"  // 1
            + "96D9-3718-59E5,Cloud Basic 1,2026-01-15,\"SO-1\nsecond line\"\n"  // 2-3
            + "4A1F-0C22-9B7E,Cloud Basic 1,2026-01-15,\"SO-2, rush\"\n"  // 4
            + "\"7C3D-11E0-A5B8\",Cloud Basic 1,2026-01-15,\"a\r\n\r\nb \"\"quoted\"\"\"\n"  // 5-7
            + "0B5E-6F21-C3D4,Cloud Basic 1,01/02/2026,SO-3\n"  // 8
            + "E2A9-4410-7F6C,Cloud Basic 1,2026-01-15,SO-4\n"  // 9
        let (records, diagnostics) = readSales(text)
        #expect(records.map(\.location.line) == [2, 4, 5, 9])
        #expect(records.map(\.order) == ["SO-1\nsecond line", "SO-2, rush", "a\r\n\r\nb \"quoted\"", "SO-4"])
        #expect(
            diagnostics == [
                .error(
                    "issued: expected a date YYYY-MM-DD or DD.MM.YYYY, found '01/02/2026'" + Self.slashDateHint,
                    at: at(8, 30))
            ])
    }

    @Test(arguments: ["\n", "\r\n"])
    func blankAndSeparatorOnlyRowsAreSkipped(newline: String) throws {
        let text = [
            "activation_code,license_type,issued", "", ",,", "96D9-3718-59E5,Cloud Basic 1,2026-01-15",
            "   ", ",,,", "XYZ,Cloud Basic 1,2026-01-15", "",
        ].joined(separator: newline)
        let (records, diagnostics) = readSales(text)
        #expect(records.map(\.location.line) == [4])
        #expect(diagnostics.map(\.location) == [at(7)])
    }

    @Test(arguments: [
        (
            "4,68769E+15",
            "expected an activation code XXXX-XXXX-XXXX (12 hex digits 0-9 A-F), found '4,68769E+15'; it looks like a spreadsheet turned the code into a number, and the digits it rounded away are lost: take the code from the original file (the vendor's delivery), format the column as text and export again"
        ),
        (
            "1.23457E+11",
            "expected an activation code XXXX-XXXX-XXXX (12 hex digits 0-9 A-F), found '1.23457E+11'; it looks like a spreadsheet turned the code into a number, and the digits it rounded away are lost: take the code from the original file (the vendor's delivery), format the column as text and export again"
        ),
        (
            "12.03.2026",
            "expected an activation code XXXX-XXXX-XXXX (12 hex digits 0-9 A-F), found '12.03.2026'; it looks like a spreadsheet turned the code into a date: format the column as text and export again"
        ),
        (
            "3/12/2026",
            "expected an activation code XXXX-XXXX-XXXX (12 hex digits 0-9 A-F), found '3/12/2026'; it looks like a spreadsheet turned the code into a date: format the column as text and export again"
        ),
        ("96D9-3718-59E", "expected an activation code XXXX-XXXX-XXXX (12 hex digits 0-9 A-F), found '96D9-3718-59E'"),
        ("", "expected an activation code XXXX-XXXX-XXXX (12 hex digits 0-9 A-F), found ''"),
    ])
    func spreadsheetMangledCodesAreErrorsWithAHint(value: String, message: String) throws {
        let text = "code;type;issued\n96D9-3718-59E5;Cloud Basic 1;2026-01-15\n\(value);Cloud Basic 1;15.01.2026\n"
        let (records, diagnostics) = readSales(text)
        #expect(records.count == 1)
        #expect(diagnostics == [.error("activation_code: " + message, at: at(3))])
    }

    @Test func everyBadValueOfARowIsReportedAndTheRestOfTheFileStillRead() throws {
        let text =
            "code,type,issued,term\nnope,Cloud Basic 2,2026-13-01,1Y\n96D9-3718-59E5,Cloud Basic 1,2026-01-15,P6M\n"
        let (records, diagnostics) = readSales(text)
        #expect(records.map(\.term) == [Term(months: 6)])
        #expect(
            diagnostics == [
                .error(
                    "activation_code: expected an activation code XXXX-XXXX-XXXX (12 hex digits 0-9 A-F), found 'nope'; character 1 is 'n' (U+006E), not a hex digit 0-9 A-F",
                    at: at(2)),
                // Each at its cell's column (found by a newcomer's attack run: all were column 1).
                .error(
                    "license_type: expected a license type 'Cloud Basic 1', 'Cloud Basic 25' or 'Cloud Free', found 'Cloud Basic 2'",
                    at: at(2, 6)),
                .error("issued: '2026-13-01' is not a date that exists", at: at(2, 20)),
                .error(
                    "term: expected an ISO 8601 duration such as P1Y, P6M, P30D or P1Y6M, found '1Y'", at: at(2, 31)),
            ])
    }

    /// More fields than the header used to be read silently (the extra value dropped or, with an
    /// unquoted delimiter inside a value, shifted): an error at the first extra field's line
    /// and column. Empty extra fields (a trailing delimiter) are ignored.
    @Test func aRowWithMoreFieldsThanTheHeaderIsAnErrorAtTheFirstExtraField() throws {
        let text =
            "code,type,issued,order\n"
            + "96D9-3718-59E5,Cloud Basic 1,2026-01-15,SO-1,\n"
            + "4A1F-0C22-9B7E,Cloud Basic 1,\"2026-01-15\",SO-2, rush,\n"
        let (records, diagnostics) = readSales(text)
        #expect(records.map(\.order) == ["SO-1"])
        #expect(
            diagnostics == [
                .error(
                    "the row has 6 fields where the header has 4: 'rush' is past the last column; remove it, or put a value that contains ',' in double quotes",
                    at: at(3, 48))
            ])
    }

    /// The cell's real column, counting the characters of its physical line, quotes included;
    /// after a line break inside a quoted field, on that field's last line.
    @Test func cellErrorsNameTheCellsLineAndColumnQuotesIncluded() throws {
        let text =
            "order;code;type;issued\n"
            + "\"SO \"\"ä\"\"\nnext\";\"96D9-3718-59E5\";Cloud Basic 1;2026-13-01\n"
        let (_, diagnostics) = readSales(text)
        #expect(diagnostics == [.error("issued: '2026-13-01' is not a date that exists", at: at(3, 38))])
    }

    /// A spreadsheet that took a code or a date for a number: the cell gets the fix.
    @Test(arguments: [
        (
            "45123;Cloud Basic 1;15.01.2026", "activation_code", 1,
            "expected an activation code XXXX-XXXX-XXXX (12 hex digits 0-9 A-F), found '45123'"
        ),
        ("96D9-3718-59E5;Cloud Basic 1;45123", "issued", 30, "expected a date YYYY-MM-DD or DD.MM.YYYY, found '45123'"),
        (
            "96D9-3718-59E5;Cloud Basic 1;4.5123E+4", "issued", 30,
            "expected a date YYYY-MM-DD or DD.MM.YYYY, found '4.5123E+4'"
        ),
    ])
    func aSpreadsheetNumberWhereACodeOrDateBelongsGetsTheFix(
        row: String, column: String, at place: Int, message: String
    ) {
        let (records, diagnostics) = readSales("code;type;issued\n" + row + "\n")
        #expect(records == [])
        #expect(
            diagnostics == [
                .error(
                    "\(column): \(message); a spreadsheet turned this cell into a number: format the column as text and export again",
                    at: at(2, place))
            ])
    }

    @Test func usSlashDateIsAnError() throws {
        let (records, diagnostics) = readSales("code,type,issued\n96D9-3718-59E5,Cloud Basic 1,01/02/2026\n")
        #expect(records == [])
        #expect(
            diagnostics == [
                .error(
                    "issued: expected a date YYYY-MM-DD or DD.MM.YYYY, found '01/02/2026'" + Self.slashDateHint,
                    at: at(2, 30))
            ])
    }

    @Test(arguments: [
        // A Windows-1252 'ä' (0xE4) in "März" on line 2, after 41 characters.
        (
            Array("code,type,issued,order\n96D9-3718-59E5,Cloud Basic 1,2026-01-15,M".utf8) + [0xE4]
                + Array("rz\n".utf8), 0xE4 as UInt8, 2, 42
        ),
        // A Windows-1252 '€' (0x80) on line 3 of a CRLF file with a BOM; 'é' before it is valid UTF-8.
        (
            [0xEF, 0xBB, 0xBF]
                + Array(
                    "code;type;issued;order\r\n96D9-3718-59E5;Cloud Basic 1;15.01.2026;\r\n4A1F-0C22-9B7E;Cloud Basic 1;15.01.2026;é "
                        .utf8) + [0x80], 0x80, 3, 43
        ),
    ])
    func invalidUTF8IsAnErrorAtItsByteThatSaysToSaveAsUTF8(bytes: [UInt8], byte: UInt8, line: Int, column: Int) throws {
        let (records, diagnostics) = readSales(bytes: bytes)
        #expect(records == [])
        let hex = byte == 0xE4 ? "E4" : "80"
        #expect(
            diagnostics == [
                .error(
                    "invalid UTF-8 (byte 0x\(hex)); the file is not UTF-8 (probably Windows-1252 or Latin-1): save it as UTF-8 (in Excel: \"CSV UTF-8\")",
                    at: at(line, column))
            ])
    }

    /// Excel's "Unicode Text" export is UTF-16 with a byte-order mark; a file converted without
    /// one still has a NUL beside every ASCII character (newcomer run 5: it was called
    /// Windows-1252).
    @Test(arguments: [
        ([0xFF, 0xFE] as [UInt8], false, false), ([0xFE, 0xFF], true, true), ([], false, false), ([], true, true),
    ])
    func aUTF16FileIsNamedAsSuch(bom: [UInt8], bigEndian: Bool, expectBigEndian: Bool) throws {
        let text = "code,type,issued\n96D9-3718-59E5,Cloud Basic 1,2026-01-15\n"
        let units = text.utf16.flatMap { u -> [UInt8] in
            let (high, low) = (UInt8(u >> 8), UInt8(u & 0xFF))
            return bigEndian ? [high, low] : [low, high]
        }
        let (records, diagnostics) = readSales(bytes: bom + units)
        #expect(records == [])
        #expect(
            diagnostics == [
                .error(
                    "the file is UTF-16 (\(expectBigEndian ? "big" : "little")-endian, as Excel's \"Unicode Text\" export writes), not UTF-8: save it as UTF-8 (in Excel: \"CSV UTF-8\"), or convert it with iconv -f UTF-16 -t UTF-8",
                    at: at(1, 1))
            ])
    }

    @Test func identicalDuplicateIsReadOnceWithAWarningNamingTheFirstLine() throws {
        let text =
            "code,type,issued,order\n96D9-3718-59E5,Cloud Basic 1,2026-01-15,SO-1\n4A1F-0C22-9B7E,Cloud Basic 1,2026-01-15,SO-1\n96d9371859e5,cloud basic 1,15.01.2026,SO-1\n"
        let (records, diagnostics) = readSales(text)
        #expect(records.map(\.location.line) == [2, 3])
        #expect(
            diagnostics == [
                .warning(
                    "code 96D9-****-59E5 appears again (first on line 2) with the same values; it is read once",
                    at: at(4))
            ])
    }

    @Test func conflictingDuplicateIsAnErrorNamingBothLines() throws {
        let text =
            "code,type,issued,term\n96D9-3718-59E5,Cloud Basic 1,2026-01-15,P1Y\n96D9-3718-59E5,Cloud Basic 25,2026-01-16,P1Y\n"
        let (records, diagnostics) = readSales(text)
        #expect(records.map(\.type) == [.cloudBasic1])
        #expect(
            diagnostics == [
                .error(
                    "code 96D9-****-59E5 appears on line 2 and line 3 with different values (license_type 'Cloud Basic 1' vs 'Cloud Basic 25'; issued 2026-01-15 vs 2026-01-16); list each code once",
                    at: at(3))
            ])
    }

    @Test func missingRequiredColumnIsAnErrorAtLineOneNamingTheSynonyms() throws {
        let (records, diagnostics) = readSales("Code,Product,Order\n96D9-3718-59E5,Cloud Basic 1,SO-1\n")
        #expect(records == [])
        #expect(
            diagnostics == [
                .error(
                    "missing required column 'issued' (also accepted: issued_on, issue_date, order_date); found columns 'Code', 'Product', 'Order'",
                    at: at(1))
            ])
    }

    /// Each header is named with its field number, so that two equal ones can be told apart
    /// (newcomer run 6: "columns 'issued' and 'issued' both give issued").
    @Test func twoHeaderColumnsForOneFieldAreAnError() throws {
        let (_, diagnostics) = readSales("code,license_key,type,issued\n")
        #expect(
            diagnostics == [
                .error(
                    "columns 1 ('code') and 2 ('license_key') both give activation_code; keep one of them", at: at(1))
            ])
        let (_, same) = readSales("code,type,issued,order,issued\n")
        #expect(same == [.error("columns 3 ('issued') and 5 ('issued') both give issued; keep one of them", at: at(1))])
    }

    @Test(arguments: ["", "\u{FEFF}", "\n\n", " , \r\n"])
    func emptyFileIsAnError(text: String) throws {
        let (_, diagnostics) = readSales(text)
        #expect(
            diagnostics == [
                .error(
                    "the file is empty; expected a header row with the columns activation_code, license_type, issued",
                    at: at(1))
            ])
    }

    /// A row shorter than the header says which column it lacks, not "issued: … found ''".
    @Test func aShortRowNamesTheMissingColumnsAndTheFieldCounts() throws {
        let (records, diagnostics) = readSales(
            "activation_code;license_type;issued;order\nAAAA-BBBB-0093;Cloud Basic 1\n417C-2D01-7E07;Cloud Basic 1;2026-01-15\n"
        )
        #expect(records.map(\.code) == [try code("417C-2D01-7E07")])
        #expect(
            diagnostics == [
                .error(
                    "the row has 2 fields where the header has 4: issued (column 3, 'issued') is missing; give every column, separated by ';'",
                    at: at(2))
            ])
    }

    @Test func headerOnlyFileHasNoCodesAndAWarning() throws {
        let (records, diagnostics) = readSales("activation_code,license_type,issued\n")
        #expect(records == [])
        #expect(
            diagnostics == [
                .warning("no activation codes in this file, only a header; was the export cut short?", at: at(1))
            ])
    }

    @Test(arguments: ["\n", "", "\r\n"])
    func unclosedQuoteInTheLastRecordIsAnErrorWithOrWithoutAFinalLineBreak(_ end: String) throws {
        let text =
            "code,type,issued\r\n96D9-3718-59E5,Cloud Basic 1,2026-01-15\r\n\"4A1F-0C22-9B7E,Cloud Basic 1,2026-01-15"
            + end
        let (records, diagnostics) = readSales(text)
        #expect(records == [])
        #expect(
            diagnostics == [
                .error(
                    "a quoted field that starts in this record is never closed; expected a closing '\"' (RFC 4180 quoting)",
                    at: at(3))
            ])
    }

    @Test func quotedFieldsAndEscapedQuotesThatCloseAreFine() throws {
        let text =
            "code,type,issued,order\n\"96D9-3718-59E5\",Cloud Basic 1,2026-01-15,\"SO \"\"1\"\"\"\n4A1F-0C22-9B7E,Cloud Basic 1,2026-01-15,\"SO\n2\""
        let (records, diagnostics) = readSales(text)
        #expect(diagnostics == [])
        #expect(records.map(\.order) == ["SO \"1\"", "SO\n2"])
    }

    @Test func aMisspelledOptionalColumnIsAWarningWithTheColumnMeant() throws {
        let (records, diagnostics) = readSales(
            "code;type;issued;Duraton;customer\n96D9-3718-59E5;Cloud Basic 1;2026-01-15;P2Y;ACME\n")
        #expect(records.map(\.term) == [.oneYear])
        #expect(
            diagnostics == [
                .warning(
                    "column 'Duraton' is not one licensectl reads (did you mean 'duration'?); its values are ignored",
                    at: at(1))
            ])
    }

    @Test func unclosedQuoteIsAnErrorAtTheRecordWhereItOpens() throws {
        let text =
            "code,type,issued,order\n96D9-3718-59E5,Cloud Basic 1,2026-01-15,\"SO-1\n4A1F-0C22-9B7E,Cloud Basic 1,2026-01-15,SO-2\n"
        let (records, diagnostics) = readSales(text)
        #expect(records == [])
        #expect(
            diagnostics == [
                .error(
                    "a quoted field that starts in this record is never closed; expected a closing '\"' (RFC 4180 quoting)",
                    at: at(2))
            ])
    }
}
