#if PostgreSQL
import Foundation
import LicenseKit
import NIOCore
import PostgresNIO

/// A connection that ends under an apply's (or `state migrate`'s) transaction — the server
/// stopped or crashed, the network failed, no answer within ``Session/statementDeadline`` —
/// leaves the old state (docs/state.md §5.1: "A crash or lost connection leaves the old
/// state"). The error then says what a person must know: nothing was recorded (or, when the
/// connection ended while the server committed, that it may have been), and to start the server
/// and run the command again (``PostgresStateError/connectionLost(url:reason:run:committing:)``).
extension Session {
    /// Why `error` means that the connection ended under a request: `.some(nil)` for a
    /// connection that closed without saying why, `.some(text)` with the server's or the
    /// transport's reason (`terminating connection due to administrator command (SQLSTATE
    /// 57P01)`, `Connection reset by peer`), `nil` when the connection did not end.
    static func connectionLossReason(_ error: any Error, url: PostgresStateURL) -> String?? {
        if error is LostConnection { return .some(nil) }
        // The legacy error postgres-nio's channel handler throws for a request after the
        // connection closed (`NIOPostgres error: connection closed`, newcomer run 8).
        if let error = error as? PostgresError {
            if case .connectionClosed = error { return .some(nil) }
            return nil
        }
        if error is StatementTimedOut || error is IOError || error is ChannelError || error is NIOConnectionError {
            return .some(describe(error, url: url))
        }
        guard let error = error as? PSQLError else { return nil }
        switch error.code {
        case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return .some(nil)
        case .connectionError:
            return .some(describe(error, url: url))
        case .server:
            // Class 08 (connection exception) and 57P (the server shutting down: smart, fast
            // or immediate) end the session.
            let state = error.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("08") || state.hasPrefix("57P") ? .some(describe(error, url: url)) : nil
        default:
            return nil
        }
    }

    /// Records in ``connectionLoss`` that `error` ended the connection, when it did.
    func noteConnectionLoss(_ error: any Error) {
        if let reason = Self.connectionLossReason(error, url: url) { connectionLoss.record(reason: reason) }
    }

    /// `error` itself, or, when a request of this session failed because the connection ended,
    /// ``PostgresStateError/connectionLost(url:reason:run:committing:)`` for `run`.
    ///
    /// - Parameter committing: whether the request that failed was the `COMMIT`, sent while
    ///   the connection was open (the server may have committed before it went away).
    func explainingConnectionLoss(_ error: StateStoreError, run: PostgresRun, committing: Bool = false)
        -> StateStoreError
    {
        // Once: an error already explained passes through outer catches unchanged.
        guard let loss = connectionLoss.explain() else { return error }
        return StateStoreError(.connectionLost(url: "\(url)", reason: loss, run: run, committing: committing))
    }
}

/// Whether a request of one session failed because its connection ended, and why.
final class ConnectionLoss: @unchecked Sendable {
    private let lock = NSLock()
    private var reason: String??
    private var explained = false

    /// Records the first loss (a later request fails only because of it).
    func record(reason: String?) {
        lock.withLock { if self.reason == nil { self.reason = .some(reason) } }
    }

    /// The loss's reason (`.some(nil)`: none given) the first time it is asked for after a loss
    /// was recorded; `nil` without a loss and after that.
    func explain() -> String?? {
        lock.withLock {
            guard let reason, !explained else { return nil }
            explained = true
            return .some(reason)
        }
    }
}
#endif
