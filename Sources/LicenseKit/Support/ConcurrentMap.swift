import Dispatch

extension RandomAccessCollection where Self: Sendable, Index == Int {
    /// `map(transform)` with the elements transformed in parallel on all cores
    /// (`DispatchQueue.concurrentPerform`); the results are in the collection's order, so the
    /// output does not depend on the number of cores or on scheduling.
    ///
    /// The one concurrency helper of the library: every stage that works per file or per tenant
    /// (parse, CSV, assemble, cross-file checks, plan, JSON) maps through it.
    func concurrentMap<T>(_ transform: @Sendable (Element) -> T) -> [T] {
        let count = self.count
        guard count > 0 else { return [] }
        let start = startIndex
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let out = ResultSlots(base: buffer.baseAddress)
            DispatchQueue.concurrentPerform(iterations: count) { offset in
                out.initialize(offset, to: transform(self[start + offset]))
            }
            initialized = count
        }
    }
}

/// The uninitialized result buffer of ``Swift/RandomAccessCollection/concurrentMap(_:)``, shared
/// by its iterations. Sound because every iteration initializes only its own offset, exactly
/// once, and the buffer outlives the (synchronous) `concurrentPerform`.
private struct ResultSlots<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>?

    func initialize(_ offset: Int, to value: T) {
        guard let base else { preconditionFailure("concurrentMap: no buffer for \(offset)") }
        (base + offset).initialize(to: value)
    }
}
