#if PostgreSQL
import LicenseKit
@testable import LicenseKitPostgres
import PostgresNIO
import Testing

/// Which errors of postgres-nio mean that the connection ended under a request
/// (``Session/connectionLossReason(_:url:)``, docs/state.md §5.1 "Lost connections").
@Suite struct PostgresConnectionLossTests {
    let url: PostgresStateURL

    init() throws {
        url = try PostgresStateURL(parsing: "postgres://ci@db.example/k1?owner=default", environment: [:])
    }

    /// Newcomer run 8: a server stopped 0.7–1.0 s into an apply printed `NIOPostgres error:
    /// connection closed` (the error postgres-nio's channel handler gives a request after the
    /// connection closed) instead of "the connection to the server was lost".
    @Test func theLegacyConnectionClosedErrorIsALostConnection() {
        let reason = Session.connectionLossReason(PostgresError.connectionClosed, url: url)
        #expect(reason == .some(nil))
    }

    /// A protocol error of the same legacy type is not a lost connection.
    @Test func aLegacyProtocolErrorIsNotALostConnection() {
        let reason = Session.connectionLossReason(PostgresError.protocol("unexpected message"), url: url)
        #expect(reason == nil)
    }
}
#endif
