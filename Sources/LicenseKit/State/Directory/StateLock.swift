import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The exclusive lock of a state directory: `flock(2)` on `state/.lock` (docs/state.md §5).
///
/// Held for a whole apply. After acquiring, the holder writes `pid host startTime` (one line,
/// e.g. `4242 ci-1 2026-11-29T10:00:00Z`) into the file so that a second locker can name it. The
/// kernel drops the lock when the holder's process ends, so no stale lock can block anyone; the
/// text of a dead holder is simply overwritten by the next one.
package final class StateLock {
    /// The open `state/.lock` file; -1 once released.
    private var fd: Int32
    /// The state directory this lock guards (as given to ``acquire(stateDirectory:display:timeout:startTime:)``).
    package let stateDirectory: String

    private init(fd: Int32, stateDirectory: String) {
        self.fd = fd
        self.stateDirectory = stateDirectory
    }

    deinit { release() }

    /// Whether the lock is still held by this object.
    package var isHeld: Bool { fd >= 0 }

    /// Takes the lock, creating the state directory and `.lock` when missing.
    ///
    /// - Parameters:
    ///   - stateDirectory: the state directory's path (absolute, or relative to the working
    ///     directory). Neither it nor `.lock` may be a symlink.
    ///   - display: the state directory as shown in messages (relative to the repo root).
    ///   - timeout: seconds to wait for a busy lock (polling every 50 ms); 0 fails at once.
    ///   - startTime: the holder's start time (UTC), written into the lock file for messages.
    /// - Throws: ``StateStoreError`` naming the holder, `state is locked by pid 4242 on host ci-1
    ///   since 2026-11-29T10:00:00Z; …`, or `by another process (unknown holder…)` when the
    ///   file names none; or when the directory or file cannot be opened.
    package static func acquire(
        stateDirectory: String, display: String = "state", timeout: Double,
        startTime: Instant
    ) throws(StateStoreError) -> StateLock {
        try acquire(
            stateDirectory: stateDirectory, display: display, timeout: timeout, holder: .current(start: startTime))
    }

    /// ``acquire(stateDirectory:display:timeout:startTime:)`` recording `holder` (its pid, host
    /// and start) as the lock's holder.
    package static func acquire(
        stateDirectory: String, display: String = "state", timeout: Double,
        holder: LockHolder
    ) throws(StateStoreError) -> StateLock {
        guard let dir = try FileSystem.openDirectory(stateDirectory, display: display, create: true) else {
            throw StateStoreError(.cannotCreate(file: display, reason: nil))
        }
        defer { _ = close(dir) }
        let lockDisplay = display + "/.lock"
        let fd = openat(dir, ".lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            if errno == ELOOP {
                throw StateStoreError(
                    .lockFileIsSymlink(file: lockDisplay)
                )
            }
            throw StateStoreError(.cannotOpen(file: lockDisplay, reason: FileSystem.errnoText()))
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(Int64(max(0, timeout) * 1000)))
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            guard code == EWOULDBLOCK else {
                _ = close(fd)
                throw StateStoreError(.cannotLock(file: lockDisplay, reason: FileSystem.errnoText(code)))
            }
            if clock.now >= deadline {
                let holder = StateLock.describeHolder(fd: fd, lockDisplay: lockDisplay)
                _ = close(fd)
                if timeout > 0 {
                    throw StateStoreError(
                        .stillLocked(holder: holder, seconds: formatSeconds(timeout))
                    )
                }
                throw StateStoreError(.locked(holder: holder))
            }
            usleep(50_000)
        }
        let text = "\(holder.pid) \(holder.host) \(holder.start)\n"
        _ = ftruncate(fd, 0)
        _ = lseek(fd, 0, SEEK_SET)
        _ = FileSystem.writeAll(fd, Array(text.utf8))
        return StateLock(fd: fd, stateDirectory: stateDirectory)
    }

    /// Releases the lock (clearing the holder text first). Safe to call twice.
    package func release() {
        guard fd >= 0 else { return }
        _ = ftruncate(fd, 0)
        _ = flock(fd, LOCK_UN)
        _ = close(fd)
        fd = -1
    }

    /// `pid 4242 on host ci-1 since 2026-11-29T10:00:00Z`, from the lock file's text.
    static func describeHolder(fd: Int32, lockDisplay: String) -> String {
        _ = lseek(fd, 0, SEEK_SET)
        let text = String(decoding: FileSystem.readAll(fd) ?? [], as: UTF8.self)
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        guard parts.count == 3, Int(parts[0]) != nil else {
            return "another process (unknown holder: \(lockDisplay) names none)"
        }
        return "pid \(parts[0]) on host \(parts[1]) since \(parts[2])"
    }

    private static func formatSeconds(_ s: Double) -> String {
        s == s.rounded() ? String(Int(s)) : String(s)
    }
}
