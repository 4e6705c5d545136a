import Foundation

/// Stage 1, discover: the manifests under the tenants folder (docs/formats.md §3).
extension LicenseRepoLoader {
    /// The repo's paths and its manifests, each with its absolute and repo-relative path, in
    /// sorted order.
    struct Discovered: Sendable {
        var paths: RepoPaths
        var manifests: [(absolute: String, relative: String)]
    }

    /// Stage 1: the manifests under `tenantsDirectory` (relative to `root` unless absolute).
    /// A folder that cannot be listed, an entry that is not a file and a manifest symlinked to
    /// a place outside the repo root (docs/formats.md §3) are errors in `diagnostics` (the
    /// manifest is left out).
    ///
    /// - Returns: `nil`, with an error in `diagnostics`, when the root or the tenants folder is
    ///   missing or the folder lies outside the root.
    static func discover(root: String, tenantsDirectory: String, diagnostics: DiagnosticsEngine) -> Discovered? {
        guard let paths = RepoPaths(root: root) else {
            diagnostics.emit(.error(RepoError.rootNotFound(root: root).message))
            return nil
        }
        let tenantsPath =
            tenantsDirectory.hasPrefix("/")
            ? RepoPaths.normalize(tenantsDirectory) : RepoPaths.normalize(paths.root + "/" + tenantsDirectory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: tenantsPath, isDirectory: &isDirectory), isDirectory.boolValue,
            let tenantsReal = RepoPaths.realPath(tenantsPath)
        else {
            diagnostics.emit(
                .error(RepoError.tenantsDirectoryNotFound(directory: tenantsDirectory, root: root).message))
            return nil
        }

        guard paths.relative(tenantsReal) != nil else {
            diagnostics.emit(
                .error(RepoError.tenantsDirectoryOutsideRoot(directory: tenantsDirectory, root: root).message))
            return nil
        }

        let scan = scanManifests(in: tenantsReal, root: paths)
        for problem in scan.problems {
            let absolute = problem.path.isEmpty ? tenantsReal : tenantsReal + "/" + problem.path
            diagnostics.emit(
                .error(problem.reason, at: SourceLocation(file: paths.relative(absolute) ?? absolute, line: 1)))
        }
        var found = scan.entries
        found.removeAll { entry in
            let absolute = tenantsReal + "/" + entry.path
            guard entry.isSymlink, case .outside = paths.resolve(absolute, from: tenantsReal) else { return false }
            diagnostics.emit(
                .error(
                    RepoError.manifestOutsideRoot.message,
                    at: SourceLocation(file: paths.relative(absolute) ?? absolute, line: 1)))
            return true
        }
        return Discovered(
            paths: paths,
            manifests: found.map { entry in
                let absolute = tenantsReal + "/" + entry.path
                return (absolute, paths.relative(absolute) ?? absolute)
            })
    }

    /// Manifest paths relative to `directory`, sorted by their UTF-8 bytes: every `*.yaml` and
    /// `*.yml` entry that is not a directory, found recursively, skipping names that start with
    /// `.`; symlinks are listed, never followed; unreadable folders are skipped. Plain
    /// `readdir(3)`, not Foundation's enumerator, which asks for every file's attributes.
    static func findManifests(in directory: String) -> [String] {
        findManifestEntries(in: directory).map(\.path)
    }

    /// ``findManifests(in:)`` with, for each, whether the entry is a symlink (from `d_type`, or
    /// `lstat` when the file system does not fill it in).
    static func findManifestEntries(in directory: String) -> [(path: String, isSymlink: Bool)] {
        scanManifests(in: directory).entries
    }

    /// ``findManifestEntries(in:)`` and the entries that could not be listed or are not files at
    /// all (docs/README.md §8 "State": an unreadable folder or a FIFO under `tenants/` is an error, never
    /// "no manifest there"): each with its path relative to `directory` and why.
    ///
    /// A symlinked folder is followed like a symlinked manifest (docs/formats.md §3), when it
    /// resolves inside `root` (the repo; without one, inside `directory`): its manifests are
    /// listed under the link's path, which is what diagnostics and the inputs digest name. A
    /// symlinked folder resolving outside is an error; one resolving to a folder already
    /// searched (`directory` or anything inside it, or a folder on its own path: a loop) is an
    /// error too, so that every manifest is read once, under one path.
    static func scanManifests(in directory: String, root: RepoPaths? = nil)
        -> (entries: [(path: String, isSymlink: Bool)], problems: [(path: String, reason: String)])
    {
        var found: [(path: String, isSymlink: Bool)] = []
        var problems: [(path: String, reason: String)] = []
        // Each folder to list with the real folders on its way from `directory` (loops).
        var pending: [(relative: String, real: [String])] = [("", [directory])]
        while let (relative, chain) = pending.popLast() {
            let absolute = relative.isEmpty ? directory : directory + "/" + relative
            guard let dir = opendir(absolute) else {
                problems.append(
                    (
                        relative,
                        RepoError.unreadableFolder(reason: String(cString: strerror(errno))).message
                    ))
                continue
            }
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                // Hidden entries are skipped: `.`/`..`, `.git`, editors' lock and backup files
                // (Emacs' `.#acme.yaml` is a dangling symlink).
                if name.hasPrefix(".") { continue }
                let path = relative.isEmpty ? name : relative + "/" + name
                if isDirectory(entry.pointee.d_type, at: directory + "/" + path) {
                    pending.append((path, chain))
                } else if let target = symlinkedFolder(entry.pointee.d_type, at: directory + "/" + path) {
                    let inside = { (folder: String) in target == folder || target.hasPrefix(folder + "/") }
                    if let bound = root {
                        guard bound.relative(target) != nil else {
                            problems.append((path, RepoError.folderOutsideRoot.message))
                            continue
                        }
                    } else if !inside(directory) {
                        problems.append((path, RepoError.folderOutsideRoot.message))
                        continue
                    }
                    // Inside the searched folder, or a folder on this link's own way (a loop).
                    if chain.contains(where: inside) || chain.contains(where: { $0.hasPrefix(target + "/") }) {
                        let shown = root?.relative(target) ?? target
                        problems.append((path, RepoError.folderLinkLoop(target: shown).message))
                        continue
                    }
                    pending.append((path, chain + [target]))
                } else if let reason = brokenLink(entry.pointee.d_type, at: directory + "/" + path),
                    !(name.hasSuffix(".yaml") || name.hasSuffix(".yml"))
                {
                    // A linked manifest that resolves to nothing is reported when it is read.
                    problems.append((path, RepoError.brokenLink(reason: reason).message))
                } else if isSpecial(entry.pointee.d_type, at: directory + "/" + path) {
                    problems.append(
                        (
                            path,
                            RepoError.notARegularFile.message
                        ))
                } else if name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                    found.append((path, isSymlink(entry.pointee.d_type, at: directory + "/" + path)))
                }
            }
        }
        return (
            found.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) },
            problems.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        )
    }

    /// The real path of the folder a symlink entry resolves to; `nil` for anything else (a
    /// symlinked file, a dangling symlink).
    static func symlinkedFolder(_ type: UInt8, at path: String) -> String? {
        guard isSymlink(type, at: path) else { return nil }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { return nil }
        return RepoPaths.realPath(path)
    }

    /// Why a symlink entry resolves to nothing (`No such file or directory`, `Too many levels of
    /// symbolic links`); `nil` for anything else.
    static func brokenLink(_ type: UInt8, at path: String) -> String? {
        guard isSymlink(type, at: path) else { return nil }
        var info = stat()
        guard stat(path, &info) != 0 else { return nil }
        return String(cString: strerror(errno))
    }

    /// Whether a directory entry is a FIFO, device or socket (asking `lstat` when the file system
    /// does not fill in `d_type`).
    static func isSpecial(_ type: UInt8, at path: String) -> Bool {
        if type == UInt8(DT_FIFO) || type == UInt8(DT_CHR) || type == UInt8(DT_BLK) || type == UInt8(DT_SOCK) {
            return true
        }
        guard type == UInt8(DT_UNKNOWN) else { return false }
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        let kind = info.st_mode & S_IFMT
        return kind == S_IFIFO || kind == S_IFCHR || kind == S_IFBLK || kind == S_IFSOCK
    }

    /// Whether a directory entry is a symlink, asking `lstat` when the file system does not fill
    /// in `d_type`.
    static func isSymlink(_ type: UInt8, at path: String) -> Bool {
        if type == UInt8(DT_LNK) { return true }
        guard type == UInt8(DT_UNKNOWN) else { return false }
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    /// Whether a directory entry is a real directory (a symlink to one is not), asking `lstat`
    /// when the file system does not fill in `d_type`.
    static func isDirectory(_ type: UInt8, at path: String) -> Bool {
        if type == UInt8(DT_DIR) { return true }
        guard type == UInt8(DT_UNKNOWN) else { return false }
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
