import Foundation
import Testing

/// Golden-file comparison for the output renderers: `RECORD_SNAPSHOTS=1 swift test` rewrites the
/// files under `Output/Golden/`; otherwise a mismatch fails with a line diff.
enum OutputGolden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static var recording: Bool { ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" }

    static func check(_ actual: String, named name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation)
        throws
    {
        let url = directory.appendingPathComponent(name)
        if recording {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: url)
            return
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            Issue.record(
                "golden file \(name) is missing; run with RECORD_SNAPSHOTS=1 to record it",
                sourceLocation: sourceLocation)
            return
        }
        let expected = String(decoding: data, as: UTF8.self)
        if expected != actual {
            Issue.record(
                "output differs from golden file \(name) (re-record with RECORD_SNAPSHOTS=1):\n\(diff(expected: expected, actual: actual))",
                sourceLocation: sourceLocation)
        }
    }

    /// The differing lines, `-` expected and `+` actual, with line numbers; CR shown as `␍`.
    static func diff(expected: String, actual: String) -> String {
        func lines(_ s: String) -> [String] {
            // Split by scalar: a CRLF is one Swift Character, and its CR is shown as ␍.
            s.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                String(String.UnicodeScalarView(line.map { $0 == "\r" ? "␍" : $0 }))
            }
        }
        let e = lines(expected)
        let a = lines(actual)
        var out: [String] = []
        for i in 0..<max(e.count, a.count) {
            let el = i < e.count ? e[i] : nil
            let al = i < a.count ? a[i] : nil
            if el != al {
                if let el { out.append("\(i + 1): - \(el)") }
                if let al { out.append("\(i + 1): + \(al)") }
            }
            if out.count >= 40 {
                out.append("…")
                break
            }
        }
        return out.joined(separator: "\n")
    }
}
