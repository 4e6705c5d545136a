import Foundation
import Testing

/// Golden-file comparison shared by the test targets: `actual` against the file at `url`, byte
/// for byte.
///
/// - A missing golden file is written and the test fails ("recorded"), so that every new
///   snapshot is looked at once.
/// - With `RECORD_SNAPSHOTS=1` in the environment the file is rewritten; the test fails only when
///   the content changed, saying so.
/// - On a mismatch the failure shows a line diff (`-` golden, `+` actual, two lines of context).
public func assertMatchesGoldenFile(
    _ actual: String, at url: URL, named name: String,
    sourceLocation: Testing.SourceLocation
) {
    let recording = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"
    let expected = try? String(contentsOf: url, encoding: .utf8)
    if recording || expected == nil {
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: url)
        } catch {
            Issue.record("cannot write golden file \(url.path): \(error)", sourceLocation: sourceLocation)
            return
        }
        if let expected, expected != actual {
            Issue.record(
                "re-recorded golden file \(name):\n\(goldenLineDiff(expected, actual))", sourceLocation: sourceLocation)
        } else if expected == nil {
            Issue.record(
                "recorded new golden file \(name); check it and run the tests again", sourceLocation: sourceLocation)
        }
        return
    }
    if let expected, expected != actual {
        Issue.record(
            "output differs from golden file \(name) (RECORD_SNAPSHOTS=1 re-records):\n\(goldenLineDiff(expected, actual))",
            sourceLocation: sourceLocation)
    }
}

/// A readable line diff: `-` lines only in `old`, `+` lines only in `new`, `  ` context (two lines
/// around each change), `…` for skipped stretches. Trailing white space shows as `⏎` markers.
public func goldenLineDiff(_ old: String, _ new: String) -> String {
    let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let diff = b.difference(from: a)
    var removed = Set<Int>()
    var inserted = Set<Int>()
    for change in diff {
        switch change {
        case .remove(let offset, _, _): removed.insert(offset)
        case .insert(let offset, _, _): inserted.insert(offset)
        }
    }
    var lines: [(mark: String, text: String)] = []
    var i = 0
    var j = 0
    while i < a.count || j < b.count {
        if i < a.count, removed.contains(i) {
            lines.append(("-", a[i]))
            i += 1
        } else if j < b.count, inserted.contains(j) {
            lines.append(("+", b[j]))
            j += 1
        } else {
            lines.append((" ", i < a.count ? a[i] : b[j]))
            i += 1
            j += 1
        }
    }
    let changed = lines.indices.filter { lines[$0].mark != " " }
    var out: [String] = []
    var last = -1
    for k in lines.indices where changed.contains(where: { abs($0 - k) <= 2 }) {
        if last >= 0, k > last + 1 { out.append("…") }
        let text = lines[k].text.hasSuffix(" ") ? lines[k].text + "⏎" : lines[k].text
        out.append("\(lines[k].mark) \(text)")
        last = k
    }
    return out.joined(separator: "\n")
}
