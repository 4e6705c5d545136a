import Foundation
import TestSupport  // SplitMix64, the seeded generator the benchmark uses
import Testing

@testable import LicenseKit

/// No CSV row can vanish into a field (issue 15): for seeded mutations of a sales CSV, either
/// licensectl reports an error, or it reads exactly as many records as Python's `csv` module —
/// every physical record accounted for.
@Suite struct CSVRecordCountTests {
    static let base =
        "activation_code,license_type,issued,term,order\n"
        + "0D95-1C95-602F,Cloud Basic 1,2024-12-02,P1Y,\"SO-1\"\n"
        + "\"417C-2D01-7E07\",\"Cloud Basic 1\",2024-12-02,P1Y,\"SO \"\"2\"\"\"\n"
        + "FC10-D0F9-061B,Cloud Basic 1,2024-12-02,P1Y,\"SO-3\r\nsecond line\"\r\n"
        + "FD71-05DA-2C88,Cloud Basic 1,2024-12-02,P1Y,SO-4\n"
        + "\n"
        + "8018-A460-EAF5,Cloud Basic 1,2024-12-02,P1Y,\"\"\n"
        + "D6E7-693D-8605,Cloud Basic 1,2024-12-02,P1Y,\"SO-6\""

    static let python = """
        import csv, sys, os
        folder = sys.argv[1]
        for name in sorted(os.listdir(folder)):
            if not name.endswith('.csv'):
                continue
            delimiter = open(os.path.join(folder, name + '.delimiter')).read()
            try:
                with open(os.path.join(folder, name), newline='', encoding='utf-8-sig') as f:
                    rows = [r for r in csv.reader(f, delimiter=delimiter) if not all(c.strip(' \\t\\r\\n') == '' for c in r)]
                print(name, max(len(rows) - 1, 0))
            except csv.Error:
                print(name, -1)
        """

    @Test func everyRecordIsReadOrTheFileIsRefusedAsPythonCountsThem() throws {
        let folder = FileManager.default.temporaryDirectory.path + "/licensectl-csv-count-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let pieces: [[UInt8]] = [
            [0x22], [0x2C], [0x0A], [0x0D], [0x20], [0x22, 0x20], [0x22, 0x22], [0x3B], [0x09], [0x0D, 0x0A],
        ]
        var rng = SplitMix64(seed: 0xC5F_C0DE)
        var ours: [String: Int] = [:]
        let columns = [CSVColumn(name: "activation_code", synonyms: [], required: false)]
        for n in 0..<300 {
            var bytes = Array(Self.base.utf8)
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let at = Int.random(in: 0...bytes.count, using: &rng)
                if Bool.random(using: &rng), at < bytes.count {
                    bytes.remove(at: at)
                } else {
                    bytes.insert(contentsOf: pieces[Int.random(in: 0..<pieces.count, using: &rng)], at: at)
                }
            }
            let name = String(format: "%03d.csv", n)
            try Data(bytes).write(to: URL(fileURLWithPath: folder + "/" + name))
            let delimiter = Character(CSVTable.detectDelimiter(bytes[...]))
            try String(delimiter).write(toFile: folder + "/" + name + ".delimiter", atomically: false, encoding: .utf8)
            let engine = DiagnosticsEngine()
            let rows = CSVTable.read(bytes, path: name, columns: columns, diagnostics: engine)
            if !engine.hasErrors { ours[name] = rows.count }
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.python, folder]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 is needed to compare with Python's csv module")
        var compared = 0
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let theirs = Int(parts[1]), theirs >= 0, let count = ours[String(parts[0])] else {
                continue
            }
            compared += 1
            #expect(
                count == theirs,
                "\(parts[0]): licensectl read \(count) records without an error, Python's csv \(theirs)")
        }
        #expect(compared >= 50, "only \(compared) mutated files were read cleanly by both")
        #expect(ours.count < 300, "some mutation must be refused")
    }
}
