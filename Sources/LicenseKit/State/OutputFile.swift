import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files written at the user's request outside `state/`: the plan file of `plan --out` and the
/// reminder messages of `apply --outbox` (docs/cli.md §6, docs/README.md §8 "Output").
///
/// They are written the way state files are (docs/state.md §5): a temporary file in the same folder,
/// created with `O_CREAT|O_EXCL|O_NOFOLLOW` under a name nobody can guess or pre-create
/// (`.<name>.tmp-<pid>-<random>`), mode 0600 unless asked otherwise, every write checked,
/// fsync, rename over the target, fsync of the folder. The target must be missing or a regular
/// file: a FIFO, device, socket, folder or symlink is refused and nothing is written.
public enum OutputFile {
    /// Why an output file could not be written; ``reason`` completes "cannot write 'PATH': …".
    /// `errno` texts are the system's (`No space left on device`).
    public enum WriteError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The path names a folder.
        case isAFolder
        /// The file's folder does not exist.
        case folderMissing
        /// The file's folder cannot be opened.
        case cannotOpenItsFolder(errno: String)
        /// The path is a symlink.
        case isASymlink
        /// The path is a FIFO, device or socket.
        case notARegularFile
        /// The path cannot be examined.
        case cannotExamine(errno: String)
        /// No temporary file can be created next to the file.
        case cannotCreateTemporary(errno: String)
        /// A write, fsync or rename failed; the file is unchanged.
        case notWritten(errno: String)
        /// The outbox folder resolves outside the repo root.
        case outsideRoot
        /// The outbox path is a file.
        case isAFile
        /// The outbox folder cannot be created.
        case cannotCreateFolder(errno: String)
        /// The outbox folder cannot be opened.
        case cannotOpenFolder(errno: String)

        /// What completes "cannot write 'PATH': …".
        public var reason: String {
            switch self {
            case .isAFolder: "it is a folder; name a file"
            case .folderMissing: "its folder does not exist"
            case .cannotOpenItsFolder(let errno): "cannot open its folder (\(errno))"
            case .isASymlink:
                "it is a symlink; licensectl does not write through symlinks: remove it or name the file itself"
            case .notARegularFile: "it is not a regular file (a FIFO, device or socket); name a regular file"
            case .cannotExamine(let errno): errno
            case .cannotCreateTemporary(let errno): "cannot create a temporary file next to it (\(errno))"
            case .notWritten(let errno): errno + "; it was not written"
            case .outsideRoot:
                "it resolves (after symlinks) to a place outside the repository root; name a folder inside the license repo or give an absolute path"
            case .isAFile: "it is a file, not a folder"
            case .cannotCreateFolder(let errno): "cannot create the folder (\(errno))"
            case .cannotOpenFolder(let errno): "cannot open the folder (\(errno))"
            }
        }

        /// The same as ``reason``.
        public var description: String { reason }
    }

    /// Atomically replaces the file at `path` with the pieces, in order.
    ///
    /// - Parameters:
    ///   - pieces: the content (a big plan comes in pieces, written one after the other).
    ///   - path: the file; its folder must exist.
    ///   - mode: permission bits of a new file (default 0600: a plan file holds full codes).
    /// - Throws: ``WriteError``: the folder is missing; the target is not a regular file; a
    ///   write, fsync or rename failed (disk full). The target is then unchanged.
    public static func write(_ pieces: [String], to path: String, mode: mode_t = 0o600) throws(WriteError) {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        guard !name.isEmpty, name != ".", name != "..", !path.hasSuffix("/") else {
            throw .isAFolder
        }
        let dir = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dir >= 0 else {
            throw errno == ENOENT ? .folderMissing : .cannotOpenItsFolder(errno: FileSystem.errnoText())
        }
        defer { _ = close(dir) }
        try write(pieces, in: dir, name: name, mode: mode)
    }

    /// ``write(_:to:mode:)`` for the file `name` in the open folder `dir` (not following a
    /// symlink at `name`).
    public static func write(_ pieces: [String], in dir: Int32, name: String, mode: mode_t = 0o600) throws(WriteError) {
        var info = stat()
        if fstatat(dir, name, &info, AT_SYMLINK_NOFOLLOW) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFDIR: throw .isAFolder
            case S_IFLNK:
                throw .isASymlink
            default: throw .notARegularFile
            }
        } else if errno != ENOENT {
            throw .cannotExamine(errno: FileSystem.errnoText())
        }
        var fd: Int32 = -1
        var temporary = ""
        for _ in 0..<16 {
            temporary = ".\(name).tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
            fd = openat(dir, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw .cannotCreateTemporary(errno: FileSystem.errnoText()) }
        var failure: String?
        for piece in pieces where failure == nil {
            failure = writeAll(fd, piece)
        }
        if failure == nil, fsync(fd) != 0 { failure = FileSystem.errnoText() }
        if close(fd) != 0, failure == nil { failure = FileSystem.errnoText() }
        if failure == nil, renameat(dir, temporary, dir, name) != 0 { failure = FileSystem.errnoText() }
        if let failure {
            _ = unlinkat(dir, temporary, 0)
            throw .notWritten(errno: failure)
        }
        _ = fsync(dir)
    }

    /// Writes a string's UTF-8 completely; `nil` on success, else the system's reason.
    static func writeAll(_ fd: Int32, _ text: String) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            var offset = 0
            while offset < bytes.count, let base = bytes.baseAddress {
                let n = Foundation.write(fd, base + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return FileSystem.errnoText()
                }
                if n == 0 { return "nothing was written" }
                offset += n
            }
            return nil
        }
    }

    /// The bytes of a regular file (a plan file given to `apply PLANFILE`), or `nil` when it is
    /// missing, unreadable or not a regular file. Opened with `O_NONBLOCK`, so a FIFO never
    /// blocks the run.
    public static func readRegularFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { _ = close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return FileSystem.readAll(fd)
    }

    /// Opens (creating it and its parents when missing) the folder of `apply --outbox`.
    ///
    /// A relative `folder` is resolved against `root` and must lie, after symlinks, inside the
    /// repo root (docs/README.md §8 "Output"): a committed symlink `outbox -> /elsewhere` is refused before
    /// anything is created. An absolute `folder` is the user's explicit choice and may be
    /// anywhere.
    ///
    /// - Returns: a descriptor of the folder (the caller closes it).
    /// - Throws: ``WriteError``: outside the repo root, not a folder, cannot be created or opened.
    public static func openOutbox(_ folder: String, root: String) throws(WriteError) -> Int32 {
        let base = root.hasPrefix("/") ? root : FileManager.default.currentDirectoryPath + "/" + root
        let absolute = folder.hasPrefix("/") ? folder : base + "/" + folder
        let rootReal = RepoPaths.realPath(base)
        let inside = { (real: String) -> Bool in
            guard !folder.hasPrefix("/") else { return true }
            guard let rootReal else { return false }
            return real == rootReal || real.hasPrefix(rootReal.hasSuffix("/") ? rootReal : rootReal + "/")
        }
        // The deepest part that exists must already resolve inside the repo root: otherwise
        // creating the rest would create folders elsewhere.
        var existing = RepoPaths.normalize(absolute)
        var info = stat()
        while stat(existing, &info) != 0 {
            let parent = (existing as NSString).deletingLastPathComponent
            if parent == existing || parent.isEmpty { break }
            existing = parent
        }
        guard let existingReal = RepoPaths.realPath(existing), inside(existingReal) else {
            throw .outsideRoot
        }
        if stat(absolute, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else { throw .isAFile }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: absolute, withIntermediateDirectories: true)
            } catch {
                throw .cannotCreateFolder(errno: FileSystem.errnoText())
            }
        }
        guard let real = RepoPaths.realPath(absolute), inside(real) else {
            throw .outsideRoot
        }
        let fd = open(real, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotOpenFolder(errno: FileSystem.errnoText()) }
        return fd
    }
}
