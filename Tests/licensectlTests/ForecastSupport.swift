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

/// Compares `actual` byte for byte with `ForecastGolden/<name>` (see ``assertGolden``).
func assertForecastSnapshot(
    _ actual: String, named name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    assertGolden(actual, named: name, folder: "ForecastGolden", sourceLocation: sourceLocation)
}
