import Foundation
import Testing

/// The package root: the nearest folder above this file that holds `Package.swift`.
func packageRoot(filePath: String = #filePath) throws -> String {
    var folder = URL(fileURLWithPath: filePath).deletingLastPathComponent()
    while folder.path != "/" {
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
            return folder.path
        }
        folder.deleteLastPathComponent()
    }
    throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Package.swift above \(filePath)"])
}

/// A copy of the example license repo at the package root (`tenants/`, `fixtures/`, `state/`
/// without its lock file) in a new temporary folder, so that no test writes into the package.
func copyOfExampleRepo() throws -> String {
    let fm = FileManager.default
    let source = try packageRoot()
    let root = fm.temporaryDirectory.path + "/licensectl-forecast-" + UUID().uuidString
    try fm.createDirectory(atPath: root, withIntermediateDirectories: true)
    for folder in ["tenants", "fixtures", "state"] {
        try fm.copyItem(atPath: source + "/" + folder, toPath: root + "/" + folder)
    }
    for leftover in ["state/.lock", "state/.pending.json"] {
        try? fm.removeItem(atPath: root + "/" + leftover)
    }
    return root
}

/// Writes `files` (path relative to the root → content) into a new temporary license repo.
func makeRepo(_ files: [String: String]) throws -> String {
    let fm = FileManager.default
    let root = fm.temporaryDirectory.path + "/licensectl-forecast-" + UUID().uuidString
    for (path, content) in files {
        let url = URL(fileURLWithPath: root + "/" + path)
        try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: url)
    }
    return root
}

/// Compares `actual` byte for byte with `ForecastGolden/<name>` next to this file.
///
/// A missing golden file is written and the test fails ("recorded"); `RECORD_SNAPSHOTS=1`
/// rewrites it (failing only when it changed); a mismatch fails with a line diff (`-` golden,
/// `+` actual, two lines of context).
func assertForecastSnapshot(
    _ actual: String, named name: String, filePath: String = #filePath,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    let url = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        .appendingPathComponent("ForecastGolden").appendingPathComponent(name)
    let recording = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"
    let expected = try? String(contentsOf: url, encoding: .utf8)
    if recording || expected == nil {
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: url)
        } catch {
            Issue.record("cannot write golden file \(url.path): \(error)", sourceLocation: sourceLocation)
            return
        }
        if expected == nil {
            Issue.record("recorded new golden file \(name); check it and run the tests again", sourceLocation: sourceLocation)
        } else if expected != actual {
            Issue.record("re-recorded golden file \(name):\n\(goldenLineDiff(expected ?? "", actual))",
                         sourceLocation: sourceLocation)
        }
        return
    }
    if expected != actual {
        let diff = goldenLineDiff(expected ?? "", actual)
        Issue.record("output differs from golden file \(name) (RECORD_SNAPSHOTS=1 re-records):\n\(diff)",
                     sourceLocation: sourceLocation)
    }
}

/// A readable line diff: `-` only in `old`, `+` only in `new`, two lines of context, `…` between.
func goldenLineDiff(_ old: String, _ new: String) -> String {
    let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var removed = Set<Int>()
    var inserted = Set<Int>()
    for change in b.difference(from: a) {
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
            lines.append(("-", a[i])); i += 1
        } else if j < b.count, inserted.contains(j) {
            lines.append(("+", b[j])); j += 1
        } else {
            lines.append((" ", i < a.count ? a[i] : b[j])); i += 1; j += 1
        }
    }
    let changed = lines.indices.filter { lines[$0].mark != " " }
    var out: [String] = []
    var last = -1
    for k in lines.indices where changed.contains(where: { abs($0 - k) <= 2 }) {
        if last >= 0, k > last + 1 { out.append("…") }
        out.append("\(lines[k].mark) \(lines[k].text)")
        last = k
    }
    return out.joined(separator: "\n")
}
