import Foundation
import GoldenFiles
import Testing

/// Compares `actual` byte for byte with `Tests/licensectlTests/<folder>/<name>` (see
/// `assertMatchesGoldenFile`; `RECORD_SNAPSHOTS=1` re-records).
func assertGolden(
    _ actual: String, named name: String, folder: String = "Golden",
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(folder).appendingPathComponent(name)
    assertMatchesGoldenFile(actual, at: url, named: name, sourceLocation: sourceLocation)
}
