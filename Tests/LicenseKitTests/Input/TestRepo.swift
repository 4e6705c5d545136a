import Foundation

@testable import LicenseKit

/// A small license repo in a fresh temporary folder, for loader tests.
struct TestRepo {
    let root: String

    init(_ files: [String: String] = [:]) throws {
        let base = FileManager.default.temporaryDirectory.path + "/licensectl-input-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: base + "/repo", withIntermediateDirectories: true)
        root = base + "/repo"
        for (path, text) in files { try write(path, text) }
    }

    /// The folder that holds `root`: outside the repo, for escape tests.
    var outside: String { String(root.dropLast("/repo".count)) }

    func write(_ path: String, _ text: String) throws {
        try write(path, bytes: Array(text.utf8))
    }

    func write(_ path: String, bytes: [UInt8]) throws {
        let full = path.hasPrefix("/") ? path : root + "/" + path
        let folder = (full as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
    }

    func symlink(_ path: String, to destination: String) throws {
        let full = root + "/" + path
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: destination)
    }

    func load() -> LicenseRepo {
        LicenseRepoLoader.load(root: root)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: outside)
    }
}

/// A Tenant manifest with the given `spec` lines (already indented by two spaces).
func tenantYAML(_ name: String = "acme", spec: [String]) -> String {
    (["apiVersion: licensectl/v1", "kind: Tenant", "metadata:", "  name: \(name)", "spec:"] + spec)
        .joined(separator: "\n") + "\n"
}
