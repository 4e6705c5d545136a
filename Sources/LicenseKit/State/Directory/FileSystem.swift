import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Low-level file operations of the state store, on POSIX calls so that every step is explicit:
/// directories are opened with `O_NOFOLLOW` and files are addressed relative to them (`openat`,
/// `renameat`), so no symlink inside `state/` is ever followed for a write (docs/state.md §5).
enum FileSystem {
    static func errnoText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    private static func isSymlink(_ st: stat) -> Bool { (st.st_mode & S_IFMT) == S_IFLNK }
    private static func isDirectory(_ st: stat) -> Bool { (st.st_mode & S_IFMT) == S_IFDIR }
    private static func isRegular(_ st: stat) -> Bool { (st.st_mode & S_IFMT) == S_IFREG }

    /// Opens a directory by path without following a symlink at its last component, creating it
    /// (mode 0755) when `create` and it is missing. Returns `nil` when missing and not `create`.
    static func openDirectory(_ path: String, display: String, create: Bool) throws(StateStoreError) -> Int32? {
        var st = stat()
        if lstat(path, &st) != 0 {
            guard errno == ENOENT else { throw StateStoreError(.cannotRead(file: display, reason: errnoText())) }
            guard create else { return nil }
            if mkdir(path, 0o755) != 0, errno != EEXIST {
                throw StateStoreError(.cannotCreate(file: display, reason: errnoText()))
            }
            let parent = (path as NSString).deletingLastPathComponent
            let pfd = open(parent.isEmpty ? "." : parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if pfd >= 0 {
                _ = fsync(pfd)
                _ = close(pfd)
            }
        } else if isSymlink(st) {
            throw StateStoreError(
                .folderIsSymlinkForWrites(file: display)
            )
        } else if !isDirectory(st) {
            throw StateStoreError(.notADirectory(file: display))
        }
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw StateStoreError(.cannotOpen(file: display, reason: errnoText())) }
        return fd
    }

    /// Opens (or creates) the subdirectory `name` of an open directory, refusing a symlink.
    static func openSubdirectory(_ parent: Int32, _ name: String, display: String, create: Bool) throws(StateStoreError)
        -> Int32?
    {
        var st = stat()
        if fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) != 0 {
            guard errno == ENOENT else { throw StateStoreError(.cannotRead(file: display, reason: errnoText())) }
            guard create else { return nil }
            if mkdirat(parent, name, 0o755) != 0, errno != EEXIST {
                throw StateStoreError(.cannotCreate(file: display, reason: errnoText()))
            }
            _ = fsync(parent)
        } else if isSymlink(st) {
            throw StateStoreError(
                .folderIsSymlinkForWrites(file: display)
            )
        } else if !isDirectory(st) {
            throw StateStoreError(.notADirectory(file: display))
        }
        let fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw StateStoreError(.cannotOpen(file: display, reason: errnoText())) }
        return fd
    }

    /// Fails unless `name` in `dir` is missing or a regular file (never a symlink).
    static func checkWritableTarget(_ dir: Int32, _ name: String, display: String) -> Diagnostic? {
        var st = stat()
        if fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0 {
            return errno == ENOENT
                ? nil
                : .error(
                    StateDirectoryError.cannotRead(file: display, reason: errnoText()).message,
                    at: SourceLocation(file: display, line: 1))
        }
        if isSymlink(st) {
            return .error(
                StateDirectoryError.fileIsSymlinkForWrites(file: display).message,
                at: SourceLocation(file: display, line: 1))
        }
        if !isRegular(st) {
            return .error(
                StateDirectoryError.fileNotRegularForWrites(file: display).message,
                at: SourceLocation(file: display, line: 1))
        }
        return nil
    }

    /// Reads a whole file from an open descriptor.
    static func readAll(_ fd: Int32) -> [UInt8]? {
        var out = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { return out }
            out.append(contentsOf: buffer[0..<n])
        }
    }

    /// The bytes of `name` in `dir` (not following symlinks), or `nil` when it does not exist.
    static func readFile(_ dir: Int32, _ name: String, display: String) throws(StateStoreError) -> [UInt8]? {
        let fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw StateStoreError(.cannotRead(file: display, reason: errnoText()), file: display)
        }
        defer { _ = close(fd) }
        guard let bytes = readAll(fd) else {
            throw StateStoreError(.cannotRead(file: display, reason: errnoText()), file: display)
        }
        return bytes
    }

    /// The size of the regular file `name` in `dir` (not following symlinks) when it is empty
    /// or its last byte is a newline; `nil` otherwise, or when it cannot be read (the caller then
    /// reads the whole file and reports what is wrong).
    static func sizeIfEndingWithNewline(_ dir: Int32, _ name: String) -> Int? {
        let fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { _ = close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, isRegular(st) else { return nil }
        let size = Int(st.st_size)
        if size == 0 { return 0 }
        var last: UInt8 = 0
        guard pread(fd, &last, 1, off_t(size - 1)) == 1, last == 0x0A else { return nil }
        return size
    }

    /// Writes all bytes, retrying short writes and `EINTR`.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress.map { $0 + done }, bytes.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            done += n
        }
        return true
    }

    /// Atomically replaces `name` in `dir` with `bytes`: a temporary file `.<name>.tmp.<pid>` in
    /// the same folder (`O_CREAT|O_EXCL|O_NOFOLLOW`), write, fsync, rename over the target.
    /// The caller fsyncs `dir` afterwards. `beforeRename` runs between fsync and rename (crash
    /// tests). The target must not be a symlink.
    static func replace(
        _ dir: Int32, _ name: String, with bytes: [UInt8], display: String,
        beforeRename: () throws(StateStoreError) -> Void = {}
    ) throws(StateStoreError) {
        if let problem = checkWritableTarget(dir, name, display: display) { throw StateStoreError([problem]) }
        let temp = ".\(name).tmp.\(getpid())"
        var fd = openat(dir, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        if fd < 0, errno == EEXIST {
            _ = unlinkat(dir, temp, 0)
            fd = openat(dir, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        }
        guard fd >= 0 else {
            throw StateStoreError(.cannotCreateTemporary(file: display, reason: errnoText()), file: display)
        }
        guard writeAll(fd, bytes), fsync(fd) == 0 else {
            let text = errnoText()
            _ = close(fd)
            _ = unlinkat(dir, temp, 0)
            throw StateStoreError(.cannotWrite(file: display, reason: text), file: display)
        }
        _ = close(fd)
        try beforeRename()
        guard renameat(dir, temp, dir, name) == 0 else {
            let text = errnoText()
            _ = unlinkat(dir, temp, 0)
            throw StateStoreError(.cannotReplace(file: display, reason: text), file: display)
        }
    }

    /// One file of a batch replacement (see ``createTemporaries(_:_:)`` and ``flush(_:)``).
    struct Replacement: Sendable {
        /// The target's name in the folder.
        var name: String
        var bytes: [UInt8]
        /// The target as shown in messages.
        var display: String
        /// The crash-test step number of this file (1-based over the apply's files; 0 for the
        /// intent).
        var step: Int

        /// `.<name>.tmp.<pid>`, removed by ``removeStaleTemporaries(_:path:)`` after a crash.
        var temporaryName: String { ".\(name).tmp.\(getpid())" }
    }

    /// How many files ``flush(_:)`` fsyncs at the same time when it does not sync the whole
    /// file system. fsync mostly waits for the disk; concurrent fsyncs on one file system are
    /// committed together, so the batch costs a few commits instead of one per file.
    static let syncWidth = 64

    /// From how many files on ``flush(_:)`` syncs the file system once (`syncfs(2)`, Linux)
    /// instead of each file: for 1,000 new tenant files one call took a third of the time of
    /// 1,000 concurrent fsyncs (measured on ext4).
    static let syncFileSystemFrom = 32

    /// Writes and flushes each replacement's temporary file in `dir` (``createTemporaries(_:_:)``
    /// then ``flush(_:)``); returns when every one is durable. Nothing is renamed:
    /// ``renameTemporary(_:_:)`` does that afterwards. On failure every temporary file of the
    /// batch is removed and the targets are unchanged.
    ///
    /// - Throws: ``StateStoreError``: a target is a symlink or not a regular file; a write or
    ///   flush failed.
    static func writeTemporaries(_ dir: Int32, _ files: [Replacement]) throws(StateStoreError) {
        try createTemporaries(dir, files)
        do throws(StateStoreError) {
            try flush([(dir, files)])
        } catch {
            removeTemporaries(dir, files)
            throw error
        }
    }

    /// Writes each replacement's bytes to its temporary file in `dir`, one after another
    /// (creating files in one folder is serialized by the kernel anyway), without flushing
    /// them. On failure every temporary file of the batch is removed.
    ///
    /// - Throws: ``StateStoreError``: a target is a symlink or not a regular file (naming every
    ///   one); a temporary file cannot be created or written.
    static func createTemporaries(_ dir: Int32, _ files: [Replacement]) throws(StateStoreError) {
        let problems = DiagnosticsEngine()
        for file in files {
            if let problem = checkWritableTarget(dir, file.name, display: file.display) { problems.emit(problem) }
        }
        guard problems.count == 0 else { throw StateStoreError(problems.emitted) }
        for file in files {
            let temp = file.temporaryName
            var fd = openat(dir, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if fd < 0, errno == EEXIST {
                _ = unlinkat(dir, temp, 0)
                fd = openat(dir, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            }
            guard fd >= 0 else {
                let text = errnoText()
                removeTemporaries(dir, files)
                throw StateStoreError(
                    .cannotCreateTemporary(file: file.display, reason: text), file: file.display)
            }
            let written = writeAll(fd, file.bytes)
            let text = errnoText()
            _ = close(fd)
            guard written else {
                removeTemporaries(dir, files)
                throw StateStoreError(.cannotWrite(file: file.display, reason: text), file: file.display)
            }
        }
    }

    /// Makes the temporary files of replacements written by ``createTemporaries(_:_:)``
    /// durable, with their folder entries: from ``syncFileSystemFrom`` files on, with one
    /// `syncfs(2)` per file system (Linux; it returns after every dirty page and the file
    /// system's journal are on disk, like fsync of each file, and reports a write-back error
    /// since Linux 5.8), otherwise with an fsync of each file, up to ``syncWidth`` at a time.
    /// The caller removes the temporaries when this throws.
    ///
    /// - Throws: ``StateStoreError`` naming the first file (or folder) that could not be synced.
    static func flush(_ groups: [(dir: Int32, files: [Replacement])]) throws(StateStoreError) {
        let count = groups.reduce(0) { $0 + $1.files.count }
        guard count > 0 else { return }
        #if os(Linux)
        if count >= syncFileSystemFrom, let syncfs = syncFileSystem {
            var synced = Set<UInt64>()
            for group in groups where !group.files.isEmpty {
                var st = stat()
                guard fstat(group.dir, &st) == 0 else {
                    throw StateStoreError(.cannotExamine(file: group.files[0].display, reason: errnoText()))
                }
                guard synced.insert(UInt64(st.st_dev)).inserted else { continue }
                guard syncfs(group.dir) == 0 else {
                    let shown = group.files[0].display
                    throw StateStoreError(.cannotWrite(file: shown, reason: errnoText()), file: shown)
                }
            }
            return
        }
        #endif
        let files = groups.flatMap { group in group.files.map { (dir: group.dir, file: $0) } }
        let failures = concurrentBlocking(count: files.count, width: syncWidth) { index -> Diagnostic? in
            let (dir, file) = files[index]
            let fd = openat(dir, file.temporaryName, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0, fsync(fd) == 0 else {
                let text = errnoText()
                if fd >= 0 { _ = close(fd) }
                return .error(
                    StateDirectoryError.cannotWrite(file: file.display, reason: text).message,
                    at: SourceLocation(file: file.display, line: 1))
            }
            _ = close(fd)
            return nil
        }.compactMap { $0 }
        guard failures.isEmpty else { throw StateStoreError(failures) }
    }

    #if os(Linux)
    /// glibc's `syncfs(2)`, which the Glibc module does not export (it is a GNU extension);
    /// `nil` if the C library lacks it (then ``flush(_:)`` fsyncs each file).
    private static let syncFileSystem: (@convention(c) (Int32) -> Int32)? = {
        guard let symbol = dlsym(nil, "syncfs") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
    }()
    #endif

    /// Removes the temporary files of a batch (after a failure).
    static func removeTemporaries(_ dir: Int32, _ files: [Replacement]) {
        for file in files { _ = unlinkat(dir, file.temporaryName, 0) }
    }

    /// Renames a replacement's durable temporary file over its target (after
    /// ``flush(_:)``). The caller fsyncs `dir` afterwards.
    static func renameTemporary(_ dir: Int32, _ file: Replacement) throws(StateStoreError) {
        guard renameat(dir, file.temporaryName, dir, file.name) == 0 else {
            let text = errnoText()
            _ = unlinkat(dir, file.temporaryName, 0)
            throw StateStoreError(.cannotReplace(file: file.display, reason: text), file: file.display)
        }
    }

    /// `(0..<count).map(body)` on up to `width` threads of its own, in order; returns when all
    /// are done. For blocking system calls (fsync), which would starve Dispatch's pool of one
    /// thread per core (``Swift/RandomAccessCollection/concurrentMap(_:)`` is for CPU work).
    static func concurrentBlocking<T: Sendable>(count: Int, width: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        guard count > 1 else { return count == 1 ? [body(0)] : [] }
        let indices = IndexDispenser(count: count)
        let results = ResultBox<T>(count: count)
        let group = DispatchGroup()
        for _ in 0..<min(width, count) {
            group.enter()
            let thread = Thread {
                while let index = indices.next() { results.set(index, body(index)) }
                group.leave()
            }
            thread.stackSize = 1 << 18
            thread.start()
        }
        group.wait()
        return results.values
    }

    /// Removes leftover temporary files (`.*.tmp.*`) of crashed writers from a directory.
    static func removeStaleTemporaries(_ dir: Int32, path: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        for name in names where name.hasPrefix(".") && name.contains(".tmp.") {
            _ = unlinkat(dir, name, 0)
        }
    }
}

/// Hands out 0, 1, 2, … up to a count, once each, to any thread.
private final class IndexDispenser: @unchecked Sendable {
    private let lock = NSLock()
    private var nextIndex = 0
    private let count: Int

    init(count: Int) { self.count = count }

    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard nextIndex < count else { return nil }
        nextIndex += 1
        return nextIndex - 1
    }
}

/// The results of ``FileSystem/concurrentBlocking(count:width:_:)``, one slot per index, set from
/// any thread.
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [T?]

    init(count: Int) { slots = [T?](repeating: nil, count: count) }

    func set(_ index: Int, _ value: T) { lock.withLock { slots[index] = value } }

    /// Every slot's value, in order (each was set once before this is read).
    var values: [T] { lock.withLock { slots.compactMap { $0 } } }
}
