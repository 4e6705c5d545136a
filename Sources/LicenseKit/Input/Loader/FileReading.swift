import Foundation

/// Stage 2, read: a file's bytes, and why a file cannot be read.
extension LicenseRepoLoader {
    /// The bytes of a regular file, or `nil` (missing, a folder, unreadable). Plain POSIX reads
    /// straight into the array: no `Data` copy.
    static func readBytes(_ path: String) -> [UInt8]? {
        // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        // One byte more than the size, so that the read that finds the end does not grow the
        // array (growing doubled every file's buffer, and they are kept for the digest).
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var filled = 0
        while true {
            if filled == bytes.count { bytes.append(contentsOf: [UInt8](repeating: 0, count: 4096)) }
            let n = bytes.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return -1 }
                return read(fd, base + filled, buffer.count - filled)
            }
            if n < 0 { return nil }
            if n == 0 { break }
            filled += n
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    /// Why `readBytes` found nothing at `path`, as a clause for the message: a folder, another
    /// kind of file, or the system's reason.
    static func unreadableReason(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return ": " + String(cString: strerror(errno)) }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return ": it is a folder; name a CSV file"
        case S_IFREG: return access(path, R_OK) == 0 ? "" : ": " + String(cString: strerror(EACCES))
        default: return ": it is not a regular file"
        }
    }
}
