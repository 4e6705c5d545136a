import Testing

@testable import LicenseKit

private let path = "fixtures/devices/d.csv"
private func at(_ line: Int, _ column: Int = 1) -> LicenseKit.SourceLocation {
    LicenseKit.SourceLocation(file: path, line: line, column: column)
}

private func readDevices(_ text: String) -> ([DeviceRecord], [Diagnostic]) {
    let engine = DiagnosticsEngine()
    let records = DeviceListReader.read(Array(text.utf8), path: path, diagnostics: engine)
    return (records, engine.diagnostics)
}

@Suite struct DeviceListReaderTests {
    @Test func emptyConnectedAtMeansNotConnectedAndBadRowsAreErrorsNamingTheLine() throws {
        let text = """
            serial,connected_at
            00A0BA1C2D3E,2025-03-01T08:00:00+01:00
            00A0BA1C2D3F,

            00A0BA 1C2D40,2025-03-01
            00A0BA1C2D3E,2025-04-01
            00A0BA1C2D41,01.03.2025
            00A0BA1C2D42,01/03/2025
            012,2025-03-02

            """
        let (records, diagnostics) = readDevices(text)
        #expect(
            records == [
                DeviceRecord(
                    serial: "00A0BA1C2D3E", connectedAt: try Instant.parse("2025-03-01T07:00:00Z"), location: at(2)),
                DeviceRecord(serial: "00A0BA1C2D3F", connectedAt: nil, location: at(3)),
                // DD.MM.YYYY as in sales CSVs (docs/formats.md §3.3).
                DeviceRecord(serial: "00A0BA1C2D41", connectedAt: try Instant.parse("2025-03-01"), location: at(7)),
                DeviceRecord(serial: "012", connectedAt: try Instant.parse("2025-03-02"), location: at(9)),
            ])
        #expect(
            diagnostics == [
                .error(
                    "serial: expected a router serial of 1-64 characters A-Z a-z 0-9 . _ : -, found '00A0BA 1C2D40'; character 7 is U+0020 (a space), which a serial cannot hold",
                    at: at(5)),
                .error(
                    "serial 00A0BA1C2D3E appears on line 2 and line 6 with different connected_at (2025-03-01T07:00:00Z vs 2025-04-01T00:00:00Z); list each router once",
                    at: at(6), keeping: ["00A0BA1C2D3E"]),
                .error(
                    "connected_at: expected a date YYYY-MM-DD or DD.MM.YYYY or a date-time YYYY-MM-DDTHH:MM:SSZ (RFC 3339 with Z or an offset), found '01/03/2025'; it looks like a spreadsheet wrote the date in its locale's form: write it as YYYY-MM-DD (ISO 8601) ('01/03/2025' is 2025-03-01 when the day comes first, 2025-01-03 when the month does: check the original); leave it empty when the router is not connected",
                    at: at(8, 14)),
            ])
    }

    /// A look-alike letter (Cyrillic А, U+0410) is named by code point and position, as in a
    /// code; a spreadsheet's number in connected_at gets the fix; a row with more fields than the
    /// header is an error at the extra field.
    @Test func serialLookAlikesSpreadsheetNumbersAndExtraFieldsAreNamedAtTheirCell() {
        let (records, diagnostics) = readDevices(
            "serial,connected_at\n00\u{0410}0BA1C2D3E,2025-03-01\n00A0BA1C2D3F,45717\n00A0BA1C2D40,2025-03-01,x\n")
        #expect(records == [])
        #expect(
            diagnostics == [
                .error(
                    "serial: expected a router serial of 1-64 characters A-Z a-z 0-9 . _ : -, found '00\u{0410}0BA1C2D3E'; character 3 is U+0410, not an ASCII letter, digit or . _ : -: retype it",
                    at: at(2)),
                .error(
                    "connected_at: expected a date YYYY-MM-DD or DD.MM.YYYY or a date-time YYYY-MM-DDTHH:MM:SSZ (RFC 3339 with Z or an offset), found '45717'; a spreadsheet turned this cell into a number: format the column as text and export again",
                    at: at(3, 14)),
                .error(
                    "the row has 3 fields where the header has 2: 'x' is past the last column; remove it, or put a value that contains ',' in double quotes",
                    at: at(4, 25)),
            ])
    }

    @Test(arguments: [
        "Serial Number;Connected Since\r\n00A0BA1C2D3E;2025-03-01\r\n",
        "device\tconnected\n00A0BA1C2D3E\t2025-03-01\n",
        "\u{FEFF}SERIAL,Connected-At,location\n\"00A0BA1C2D3E\",2025-03-01,\"Hall 3, rack 2\"\n",
    ])
    func headerSynonymsAndDelimitersAreAccepted(text: String) throws {
        let (records, diagnostics) = readDevices(text)
        #expect(diagnostics == [])
        #expect(
            records == [
                DeviceRecord(serial: "00A0BA1C2D3E", connectedAt: try Instant.parse("2025-03-01"), location: at(2))
            ])
    }

    /// docs/formats.md §3.3 "Same CSV rules" (§3.2): an identical repeated row is read once with a warning.
    @Test func aRowRepeatingASerialWithTheSameConnectedAtIsReadOnceWithAWarning() throws {
        let text =
            "serial,connected_at\n00A0BA1C2D3E,2025-03-01\n00A0BA1C2D3F,\n00a0ba1c2d3e,01.03.2025\n00A0BA1C2D3F,\n"
        let (records, diagnostics) = readDevices(text)
        #expect(
            records == [
                DeviceRecord(serial: "00A0BA1C2D3E", connectedAt: try Instant.parse("2025-03-01"), location: at(2)),
                DeviceRecord(serial: "00A0BA1C2D3F", connectedAt: nil, location: at(3)),
            ])
        #expect(
            diagnostics == [
                .warning(
                    "serial 00a0ba1c2d3e appears again (first on line 2) with the same connected_at; it is read once",
                    at: at(4), keeping: ["00a0ba1c2d3e"]),
                .warning(
                    "serial 00A0BA1C2D3F appears again (first on line 3) with the same connected_at; it is read once",
                    at: at(5), keeping: ["00A0BA1C2D3F"]),
            ])
    }

    @Test func aMisspelledConnectedAtColumnIsAWarningNotASilentlyDisconnectedFleet() throws {
        let (records, diagnostics) = readDevices("serial,conected_at\nR1,2026-11-01\n")
        #expect(records.map(\.connectedAt) == [nil])
        #expect(
            diagnostics.map(\.description) == [
                "fixtures/devices/d.csv:1:1: warning: column 'conected_at' is not one licensectl reads (did you mean 'connected_at'?); its values are ignored"
            ])
    }

    @Test func withoutConnectedAtColumnNoRouterIsConnected() throws {
        let (records, diagnostics) = readDevices("serial\n00A0BA1C2D3E\n00A0BA1C2D3F\n")
        #expect(diagnostics == [])
        #expect(records.map(\.connectedAt) == [nil, nil])
    }

    @Test func missingSerialColumnIsAnError() throws {
        let (records, diagnostics) = readDevices("router,connected_at\n00A0BA1C2D3E,2025-03-01\n")
        #expect(records == [])
        #expect(
            diagnostics == [
                .error(
                    "missing required column 'serial' (also accepted: serial_number, device); found columns 'router', 'connected_at'",
                    at: at(1))
            ])
    }

    /// Newcomer run 8: an activation code pasted into the serial column was read as a router
    /// and printed in full by plan and status. It is an error at the cell, the code masked; a
    /// 12-digit hexadecimal serial (a code's digits without dashes) stays a serial.
    @Test func aSerialWithTheShapeOfAnActivationCodeIsAnErrorWithTheCodeMasked() {
        let (records, diagnostics) = readDevices(
            """
            Seriennummer;connected_at
            00A0BC000062;01.02.2024
            3451-5675-F6AD;01.01.2025
            3451-5675-f6ad;
            00A0BC0000DE;

            """.replacingOccurrences(of: "Seriennummer", with: "serial"))
        #expect(records.map(\.serial) == ["00A0BC000062", "00A0BC0000DE"])
        let message =
            "serial: expected a router serial, found '3451-****-F6AD', which has the shape of an activation code (XXXX-XXXX-XXXX): a code pasted where the router's serial belongs; write the router's serial here, and put the code into a sales CSV or a manifest's licenses entry"
        #expect(diagnostics == [.error(message, at: at(3)), .error(message, at: at(4))])
        #expect(!diagnostics.contains { $0.description.contains("5675") })
    }
}
