import Foundation
import Testing

/// A license repo in a fresh temporary folder, removed when the value is dropped by `remove()`.
/// Tests never write into the package's own example repo: they copy it here first.
struct TempRepo {
    let root: String

    /// An empty folder `licensectl-e2e-<label>-<uuid>` in the temporary directory.
    init(label: String) throws {
        root =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("licensectl-e2e-\(label)-" + UUID().uuidString).path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    /// A copy of the example license repo at the package root: `tenants/`, `fixtures/` and,
    /// unless `withState` is false, its shipped `state/`.
    static func example(withState: Bool = true, label: String = "example") throws -> TempRepo {
        let repo = try TempRepo(label: label)
        var folders = ["tenants", "fixtures"]
        if withState { folders.append("state") }
        for folder in folders {
            try FileManager.default.copyItem(atPath: packageRoot + "/" + folder, toPath: repo.root + "/" + folder)
        }
        // Like a fresh clone: the lock file and an interrupted apply's intent are not in git.
        for leftover in ["state/.lock", "state/.pending.json"] {
            try? FileManager.default.removeItem(atPath: repo.root + "/" + leftover)
        }
        return repo
    }

    /// A copy of another repo (every file, including state).
    func copy(label: String) throws -> TempRepo {
        let repo = try TempRepo(label: label)
        try FileManager.default.removeItem(atPath: repo.root)
        try FileManager.default.copyItem(atPath: root, toPath: repo.root)
        return repo
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }

    func path(_ relative: String) -> String { root + "/" + relative }

    func write(_ relative: String, _ text: String) throws {
        let url = URL(fileURLWithPath: path(relative))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func read(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path(relative)) }

    /// Every regular file under `relative` (default: the whole repo), by repo-relative path, with
    /// its bytes. Hidden files are included.
    func files(under relative: String = "") -> [String: Data] {
        let base = relative.isEmpty ? root : path(relative)
        var result = [String: Data]()
        guard let walker = FileManager.default.enumerator(atPath: base) else { return result }
        while let item = walker.nextObject() as? String {
            let full = base + "/" + item
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue,
                let data = FileManager.default.contents(atPath: full)
            else { continue }
            result[relative.isEmpty ? item : relative + "/" + item] = data
        }
        return result
    }

    /// Modification times of the files under `relative`, by repo-relative path.
    func modificationDates(under relative: String) -> [String: Date] {
        var result = [String: Date]()
        for name in files(under: relative).keys {
            if let date = (try? FileManager.default.attributesOfItem(atPath: path(name)))?[.modificationDate] as? Date {
                result[name] = date
            }
        }
        return result
    }
}

/// The paths whose bytes differ between two snapshots (added, removed or changed), sorted.
func changedPaths(_ before: [String: Data], _ after: [String: Data]) -> [String] {
    Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
}
