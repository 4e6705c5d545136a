#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Resolves paths written in manifests (docs/formats.md §3): relative to the manifest's own folder, and after
/// resolving symlinks they must lie inside the repo root.
struct RepoPaths: Sendable {
    /// The repo root, absolute, symlinks resolved, without a trailing slash (`/` stays `/`).
    let root: String

    /// `nil` when the root does not exist.
    init?(root: String) {
        guard let real = RepoPaths.realPath(root) else { return nil }
        self.root = real
    }

    /// The outcome of resolving a manifest path.
    enum Resolution: Sendable, Equatable {
        /// The file exists inside the root: its real absolute path and its repo-relative path.
        case inside(absolute: String, relative: String)
        /// It lies outside the root, lexically or (`viaSymlink`) only after resolving symlinks.
        case outside(viaSymlink: Bool)
        /// It does not exist; `relative` is the lexical repo-relative path.
        case missing(relative: String)
    }

    /// Resolves `path` (as written in a manifest) against the absolute folder `directory`.
    func resolve(_ path: String, from directory: String) -> Resolution {
        let joined = path.hasPrefix("/") ? path : directory + "/" + path
        let lexical = RepoPaths.normalize(joined)
        let lexicalRelative = relative(lexical)
        guard let real = RepoPaths.realPath(lexical) else {
            if let lexicalRelative { return .missing(relative: lexicalRelative) }
            return .outside(viaSymlink: false)
        }
        if let rel = relative(real) { return .inside(absolute: real, relative: rel) }
        return .outside(viaSymlink: lexicalRelative != nil)
    }

    /// The repo-relative form of an absolute normalized path, or `nil` when it is not inside.
    func relative(_ absolute: String) -> String? {
        if absolute == root { return "." }
        let prefix = root == "/" ? "/" : root + "/"
        guard absolute.hasPrefix(prefix) else { return nil }
        return String(absolute.dropFirst(prefix.count))
    }

    /// Removes `.`, `..` and repeated slashes without touching the file system.
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// `realpath(3)`: absolute, symlinks resolved; `nil` when the path does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
