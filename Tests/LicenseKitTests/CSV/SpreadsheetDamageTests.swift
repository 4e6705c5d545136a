import Testing

@testable import LicenseKit

/// docs/formats.md §3.2 "Spreadsheet damage": the hints appear where the damage can be told, and
/// nowhere else (an impossible ISO date, a date-time without offset, a plain word).
@Suite struct SpreadsheetDamageTests {
    @Test(arguments: [
        ("2.12.2024", "('2.12.2024' is probably 2024-12-02)"),
        ("2024/12/02", "('2024/12/02' is probably 2024-12-02)"),
        ("2024-2-3", "('2024-2-3' is probably 2024-02-03)"),
        ("13/2/2024", "('13/2/2024' is probably 2024-02-13)"),
        (
            "12/2/2024",
            "('12/2/2024' is 2024-02-12 when the day comes first, 2024-12-02 when the month does: check the original)"
        ),
    ])
    func aLocaleDateSaysWhatItProbablyMeans(_ value: String, _ meaning: String) {
        #expect(
            SpreadsheetDamage.dateHint(value)
                == "; it looks like a spreadsheet wrote the date in its locale's form: write it as YYYY-MM-DD (ISO 8601) \(meaning)"
        )
    }

    /// Newcomer run 8: `09.06.2026 03:01` in an Activated cell got only the generic error.
    @Test(arguments: [
        (
            "09.06.2026 03:01",
            "('09.06.2026 03:01' is probably 2026-06-09T03:01:00Z if the export's times are UTC: check its time zone)"
        ),
        (
            "2026-06-09 3:01:07",
            "('2026-06-09 3:01:07' is probably 2026-06-09T03:01:07Z if the export's times are UTC: check its time zone)"
        ),
        (
            "6/9/2026 03:01",
            "('6/9/2026 03:01' is 2026-09-06T03:01:00Z when the day comes first, 2026-06-09T03:01:00Z when the month does, if the times are UTC: check the original)"
        ),
    ])
    func aLocaleDateTimeSaysTheInstantItProbablyMeans(_ value: String, _ meaning: String) {
        #expect(
            SpreadsheetDamage.dateHint(value)
                == "; it looks like a spreadsheet wrote the date-time in its locale's form: write it as YYYY-MM-DDTHH:MM:SSZ (RFC 3339, UTC) or with the export's offset (+01:00) \(meaning)"
        )
        #expect(SpreadsheetDamage.dateHint(value, cell: false)?.hasPrefix("; write it as YYYY-MM-DDTHH:MM:SSZ") == true)
    }

    @Test(arguments: ["09.06.2026 25:01", "09.06.2026 03:1", "31.31.2026 03:01", "09.06.2026 03:01:00Z", "next 03:01"])
    func aDateTimeWithoutAValidDateOrClockTimeGetsNoHint(_ value: String) {
        #expect(SpreadsheetDamage.dateHint(value) == nil)
    }

    @Test(arguments: ["2026-02-30", "2026-12-01T10:00:00", "immediately", "31/31/2024", "45123", ""])
    func whatIsNoLocaleDateGetsNoHint(_ value: String) {
        #expect(SpreadsheetDamage.dateHint(value) == nil)
    }

    @Test func aTwoDigitYearOnlySaysTheFormToWrite() {
        #expect(
            SpreadsheetDamage.dateHint("12/2/24")
                == "; it looks like a spreadsheet wrote the date in its locale's form: write it as YYYY-MM-DD (ISO 8601)"
        )
    }

    @Test func textFormulaIsRecognisedOnlyAsAWholeCell() {
        #expect(SpreadsheetDamage.textFormulaValue("=\"0012345\"") == "0012345")
        #expect(SpreadsheetDamage.textFormulaValue("=A1") == nil)
        #expect(SpreadsheetDamage.textFormulaValue("\"x\"") == nil)
    }

    @Test func serialHintOnlyForScientificNotation() {
        #expect(SpreadsheetDamage.serialHint("1.00E+11") != nil)
        #expect(SpreadsheetDamage.serialHint("1,00E+11") != nil)
        #expect(SpreadsheetDamage.serialHint("100000000000") == nil)
        #expect(SpreadsheetDamage.serialHint("00A0 BA") == nil)
    }

    @Test func droppedLeadingZerosNeedsNumericSerialsWithZerosOfTheCommonLength() {
        let numeric = ["001234567891", "001234567892", "001234567893", "1234567894", "012"]
        #expect(
            SpreadsheetDamage.droppedLeadingZeros(numeric).map { "\($0.index) \($0.length) \($0.example) \($0.padded)" }
                == ["3 12 001234567891 001234567894"])
        // Alphanumeric serials of the common length: a spreadsheet would not have made them
        // numbers, so a short numeric serial says nothing.
        #expect(
            SpreadsheetDamage.droppedLeadingZeros(["00A0BA1C2D3E", "00A0BA1C2D3F", "00A0BA1C2D41", "12345"]).isEmpty)
        // Too few serials to tell.
        #expect(SpreadsheetDamage.droppedLeadingZeros(["001234567891", "1234567894"]).isEmpty)
    }
}
