import Foundation

/// Write-once slots filled from `DispatchQueue.concurrentPerform`; each index is written by
/// exactly one iteration and read only after all of them finished. Kept for
/// `State/StateStore`'s parallel read until it maps with ``Swift/RandomAccessCollection/concurrentMap(_:)``,
/// the library's one concurrency helper; nothing else uses it.
final class ParallelSlots<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [T?]

    init(count: Int) { storage = [T?](repeating: nil, count: count) }

    func set(_ index: Int, _ value: T) {
        lock.lock()
        storage[index] = value
        lock.unlock()
    }

    func values() -> [T] {
        lock.lock()
        defer { lock.unlock() }
        return storage.compactMap { $0 }
    }
}
