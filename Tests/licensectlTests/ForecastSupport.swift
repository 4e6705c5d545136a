import Foundation
import Testing

/// A copy of the example license repo (see ``TempRepo/example(withState:label:)``).
func copyOfExampleRepo() throws -> String {
    try TempRepo.example(label: "forecast").root
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
