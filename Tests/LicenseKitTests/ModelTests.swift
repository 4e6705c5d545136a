import Testing

@testable import LicenseKit

@Suite struct InstantTests {
    @Test(arguments: [
        ("2026-11-29", "2026-11-29T00:00:00Z"),
        ("2026-11-02T08:15:00Z", "2026-11-02T08:15:00Z"),
        ("2026-11-02T08:15:00.999Z", "2026-11-02T08:15:00Z"),
        ("2026-01-01T00:30:00+01:00", "2025-12-31T23:30:00Z"),
        ("2026-03-01T01:00:00-02:30", "2026-03-01T03:30:00Z"),
        ("2024-02-29", "2024-02-29T00:00:00Z"),
    ])
    func parsesToUTC(input: String, expected: String) throws {
        #expect(try Instant.parse(input).description == expected)
    }

    @Test(arguments: [
        ("2026-02-30", "'2026-02-30' is not a date that exists"),
        (
            "2026-11-02T08:15:00",
            "date-time '2026-11-02T08:15:00' has no UTC offset; add 'Z' or an offset such as +01:00"
        ),
        ("2026-06-30T23:59:60Z", "'2026-06-30T23:59:60Z' is a leap second; licensectl does not accept leap seconds"),
        (
            "01/02/2026",
            "expected a date YYYY-MM-DD or a date-time YYYY-MM-DDTHH:MM:SSZ (RFC 3339 with Z or an offset), found '01/02/2026'"
        ),
    ])
    func rejects(input: String, message: String) {
        #expect(throws: ValueParseError(message: message)) { try Instant.parse(input) }
    }

    @Test(arguments: [
        ("2024-02-29", "P1Y", "2025-02-28"),
        ("2026-01-31", "P1M", "2026-02-28"),
        ("2024-01-31", "P1M", "2024-02-29"),
        ("2026-11-29", "P30D", "2026-12-29"),
        ("2025-08-31", "P1Y6M", "2027-02-28"),
        ("2026-12-15", "P1M20D", "2027-02-04"),
    ])
    func termArithmetic(start: String, term: String, expected: String) throws {
        #expect(try Instant.parse(start).adding(Term.parse(term)).dateString == expected)
    }

    @Test(arguments: ["P", "P0D", "1Y", "P1M1Y", "PT1H", "P-1Y", "P1.5Y", ""])
    func badTerms(text: String) {
        #expect(throws: ValueParseError.self) { try Term.parse(text) }
    }

    @Test func salesDates() throws {
        #expect(try Instant.parseSalesDate("15.01.2026").dateString == "2026-01-15")
        #expect(try Instant.parseSalesDate("2026-01-15").dateString == "2026-01-15")
        #expect(throws: ValueParseError.self) { try Instant.parseSalesDate("01/02/2026") }
        #expect(throws: ValueParseError.self) { try Instant.parseSalesDate("31.02.2026") }
    }
}

@Suite struct ActivationCodeTests {
    @Test(arguments: [
        ("96D9-3718-59E5", "96D9-3718-59E5"),
        (" 96d9-3718-59e5 ", "96D9-3718-59E5"),
        ("96D9371859E5", "96D9-3718-59E5"),
        ("96D9 3718 59E5", "96D9-3718-59E5"),
    ])
    func normalizes(input: String, canonical: String) throws {
        #expect(try ActivationCode(parsing: input).canonical == canonical)
    }

    @Test(arguments: [
        "96D9-3718-59E", "96D9-3718-59EG", "96D9--3718-59E5", "96D93-718-59E5", "4,68769E+15", "2026-01-15", "",
    ])
    func rejects(input: String) {
        #expect(throws: ActivationCodeError.self) { try ActivationCode(parsing: input) }
    }

    @Test func masksTheMiddleGroup() throws {
        #expect(try ActivationCode(parsing: "96D9-3718-59E5").masked == "96D9-****-59E5")
    }

    @Test func spreadsheetHint() {
        #expect(ActivationCodeError(text: "4,68769E+15").message.contains("spreadsheet turned the code into a number"))
        #expect(ActivationCodeError(text: "15.01.2026").message.contains("into a date"))
    }

    @Test func spacesAndTabsAroundACodeAreTrimmed() throws {
        #expect(try ActivationCode(parsing: " \t96d9 3718 59e5\t ").canonical == "96D9-3718-59E5")
    }

    @Test func spreadsheetNumberHintSaysTheDigitsAreLost() {
        #expect(
            ActivationCodeError(text: "9.6937E+11").message
                == "expected an activation code XXXX-XXXX-XXXX (12 hex digits 0-9 A-F), found '9.6937E+11'; it looks like a spreadsheet turned the code into a number, and the digits it rounded away are lost: take the code from the original file (the vendor's delivery), format the column as text and export again"
        )
    }

    /// docs/formats.md §3.4, docs/README.md §8 "Inputs": a look-alike character is named by code point and 1-based position.
    @Test(arguments: [
        (
            "96D9\u{2013}3718-59E5",
            "; character 5 is U+2013 (looks like a dash), which is not part of a code: retype it as '-'"
        ),
        (
            "96D9\u{00A0}3718 59E5",
            "; character 5 is U+00A0 (an invisible or non-breaking space), which is not part of a code: retype it as a plain space or remove it"
        ),
        (
            "\u{200B}96D9-3718-59E5",
            "; character 1 is U+200B (an invisible or non-breaking space), which is not part of a code: retype it as a plain space or remove it"
        ),
        ("96D9-3718-59EG", "; character 14 is 'G' (U+0047), not a hex digit 0-9 A-F"),
        ("96D9-37\u{00D6}8-59E5", "; character 8 is U+00D6, which is not part of a code: retype it"),
        // docs/README.md §8 "Inputs": trimming removes ASCII space and tab only.
        ("96D9-3718-59E5\r", "; character 15 is U+000D, which is not part of a code: retype it"),
        ("\n96D9-3718-59E5", "; character 1 is U+000A, which is not part of a code: retype it"),
    ])
    func lookAlikeCharacterIsNamed(input: String, hint: String) {
        #expect(throws: ActivationCodeError.self) { try ActivationCode(parsing: input) }
        // Quoted masked when it holds 12 hex digits (docs/README.md §8 "Output"); the two inputs
        // with a wrong character in place of a digit hold 11 and stay as written.
        let hexDigits = input.unicodeScalars.filter(\.properties.isASCIIHexDigit).count
        let quoted = hexDigits >= 12 ? input.replacingOccurrences(of: "3718", with: "****") : input
        #expect(
            ActivationCodeError(text: input).message
                == "expected an activation code XXXX-XXXX-XXXX (12 hex digits 0-9 A-F), found '\(quoted)'" + hint)
    }
}

@Suite struct LicenseTypeTests {
    @Test(arguments: [
        ("Cloud Basic 1", LicenseType.cloudBasic1), ("cloud basic 25", .cloudBasic25),
        ("CLOUD_FREE", .cloudFree), ("cloudbasic-1", .cloudBasic1),
    ])
    func parses(text: String, type: LicenseType) throws {
        #expect(try LicenseType(parsing: text) == type)
    }

    @Test func capacities() {
        #expect(LicenseType.cloudBasic1.capacity == 1)
        #expect(LicenseType.cloudBasic25.capacity == 25)
        #expect(LicenseType.cloudFree.capacity == 1000)
        #expect(!LicenseType.cloudFree.isPaid)
    }
}

@Suite struct DiagnosticTests {
    @Test func controlCharactersFromInputAreEscapedInText() {
        let d = Diagnostic.error("found 'a\nb\u{1B}[31m'", at: SourceLocation(file: "f.csv", line: 2, column: 1))
        #expect(d.description == "f.csv:2:1: error: found 'a\\u{A}b\\u{1B}[31m'")
    }

    @Test func githubAnnotationEscapesNewlinesAndPercent() {
        let d = Diagnostic.error("50% a\nb", at: SourceLocation(file: "t/x.yaml", line: 3, column: 4))
        #expect(d.githubAnnotation == "::error file=t/x.yaml,line=3,col=4::50%25 a%0Ab")
    }
}

@Suite struct InputRangeTests {
    @Test func datesOutsideTheSupportedYearsAreErrors() {
        #expect(
            throws: ValueParseError(message: "'9999-12-31' is outside the supported dates 1970-01-01 to 2999-12-31")
        ) {
            try Instant.parse("9999-12-31")
        }
        #expect(
            throws: ValueParseError(message: "'31.12.9999' is outside the supported dates 1970-01-01 to 2999-12-31")
        ) {
            try Instant.parseSalesDate("31.12.9999")
        }
    }

    @Test func termsAreAtMostAHundredYears() throws {
        #expect(try Term.parse("P100Y") == Term(years: 100))
        #expect(
            throws: ValueParseError(
                message: "'P101Y' is longer than licensectl allows (at most P100Y, P1200M or P36600D)")
        ) {
            try Term.parse("P101Y")
        }
        #expect(throws: ValueParseError.self) { try Term.parse("P36601D") }
        #expect(throws: ValueParseError(message: "'P0Y0D' is zero; a license runs for at least a day")) {
            try Term.parse("P0Y0D")
        }
    }
}

/// `activate` values (docs/formats.md §3.1): the message says what is wrong, once.
@Suite struct ActivationRequestParsingTests {
    @Test(arguments: [
        (
            "Immediately",
            "expected 'immediately', a date YYYY-MM-DD or a date-time with an offset, found 'Immediately'; write 'immediately' in lower case"
        ),
        ("soon", "expected 'immediately', a date YYYY-MM-DD or a date-time with an offset, found 'soon'"),
        (
            "2026-02-30",
            "expected 'immediately', a date YYYY-MM-DD or a date-time with an offset, found '2026-02-30' ('2026-02-30' is not a date that exists)"
        ),
        (
            "2026-12-01T08:00:00",
            "expected 'immediately', a date YYYY-MM-DD or a date-time with an offset, found '2026-12-01T08:00:00' (date-time '2026-12-01T08:00:00' has no UTC offset; add 'Z' or an offset such as +01:00)"
        ),
    ])
    func invalidActivationSaysWhyOnce(text: String, message: String) {
        #expect(throws: ValueParseError(message: message)) { try ActivationRequest(parsing: text) }
    }
}
