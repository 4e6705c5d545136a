import Dispatch
import LicenseKit

/// The one place where the synchronous commands wait for asynchronous work (the PostgreSQL
/// state backend is built on SwiftNIO's async API).
enum AsyncBridge {
    /// Runs `body` on Swift's concurrency pool and blocks the calling thread until it ends.
    /// Call only from a thread outside that pool: the command's main thread.
    static func wait<T: Sendable>(_ body: @escaping @Sendable () async throws(StateStoreError) -> T)
        throws(StateStoreError) -> T
    {
        let outcome = Outcome<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            do throws(StateStoreError) {
                outcome.set(.success(try await body()))
            } catch {
                outcome.set(.failure(error))
            }
            done.signal()
        }
        done.wait()
        guard let result = outcome.result else {
            throw StateStoreError("internal error: asynchronous work ended without a result")
        }
        return try result.get()
    }

    /// Written once by the task before it signals, read after the wait.
    private final class Outcome<T: Sendable>: @unchecked Sendable {
        private(set) var result: Result<T, StateStoreError>?
        func set(_ value: Result<T, StateStoreError>) { result = value }
    }
}
