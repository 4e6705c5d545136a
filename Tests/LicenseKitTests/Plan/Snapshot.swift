import Foundation
import GoldenFiles
import Testing

/// Compares `actual` byte for byte with the golden file `Golden/<name>` next to the calling
/// source file (see `assertMatchesGoldenFile`; `RECORD_SNAPSHOTS=1` re-records).
func assertSnapshot(
    _ actual: String, named name: String, filePath: String = #filePath,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    let url = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden").appendingPathComponent(name)
    assertMatchesGoldenFile(actual, at: url, named: name, sourceLocation: sourceLocation)
}
