#if PostgreSQL
import Foundation
import LicenseKit
import Logging
import NIOCore
import NIOSSL
import PostgresNIO

/// One connection of the PostgreSQL backend: queries whose errors become one-line
/// ``StateStoreError``s that never contain the password, the schema and the tenant locks.
struct Session: Sendable {
    let connection: PostgresConnection
    let url: PostgresStateURL

    /// postgres-nio logs nothing of ours: errors are reported by the callers.
    static let logger = Logger(label: "licensectl.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A fixed advisory lock key (two 32-bit halves, so it never equals a tenant's 64-bit key)
    /// under which the schema is created: "lice", "nsec".
    static let schemaLockKey: (Int32, Int32) = (0x6C69_6365, 0x6E73_6563)

    static func open(_ url: PostgresStateURL, applicationName: String?) async throws(StateStoreError) -> Session {
        var configuration: PostgresConnection.Configuration
        switch url.endpoint {
        case .unixSocket(let path):
            configuration = .init(
                unixSocketPath: path, username: url.user, password: url.password, database: url.database)
        case .tcp(let host, let port):
            configuration = .init(
                host: host, port: port, username: url.user, password: url.password, database: url.database,
                tls: try tls(url))
        }
        configuration.options.connectTimeout = .seconds(Int64(url.connectTimeout))
        if let applicationName {
            configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        }
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
            return Session(connection: connection, url: url)
        } catch {
            throw StateStoreError("cannot connect to \(url): \(describe(error, url: url))")
        }
    }

    private static func tls(_ url: PostgresStateURL) throws(StateStoreError) -> PostgresConnection.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch url.sslMode {
        case .disable: return .disable
        case .allow, .prefer, .require: tls.certificateVerification = .none
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: tls.certificateVerification = .fullVerification
        }
        if let root = url.sslRootCertificate { tls.trustRoots = .file(root) }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: tls)
        } catch {
            throw StateStoreError("state URL \(url): cannot set up TLS (\(oneLine(String(describing: error))))")
        }
        return url.sslMode == .allow || url.sslMode == .prefer ? .prefer(context) : .require(context)
    }

    func close() async {
        try? await connection.close()
    }

    // MARK: - Queries

    func execute(_ query: PostgresQuery) async throws(StateStoreError) {
        do {
            try await connection.query(query, logger: Self.logger)
        } catch {
            throw failure(error)
        }
    }

    func rows<each Column: PostgresDecodable>(_ query: PostgresQuery, as types: (repeat each Column).Type)
        async throws(StateStoreError)
        -> [(repeat each Column)]
    {
        do {
            var out = [(repeat each Column)]()
            for try await row in try await connection.query(query, logger: Self.logger) {
                out.append(try row.decode((repeat each Column).self))
            }
            return out
        } catch {
            throw failure(error)
        }
    }

    func rows<Column: PostgresDecodable>(_ query: PostgresQuery, as type: Column.Type) async throws(StateStoreError)
        -> [Column]
    {
        do {
            var out = [Column]()
            for try await row in try await connection.query(query, logger: Self.logger) {
                out.append(try row.decode(Column.self))
            }
            return out
        } catch {
            throw failure(error)
        }
    }

    private func failure(_ error: any Error) -> StateStoreError {
        StateStoreError("PostgreSQL state \(url): \(Self.describe(error, url: url))")
    }

    // MARK: - Schema

    /// Whether the schema exists; throws when its version is newer than this build's.
    func schemaExists() async throws(StateStoreError) -> Bool {
        guard try await rows("SELECT to_regclass('licensectl.schema_version') IS NOT NULL", as: Bool.self).first == true
        else {
            return false
        }
        let version =
            try await rows("SELECT coalesce(max(version), 0) FROM licensectl.schema_version", as: Int32.self).first ?? 0
        guard version <= PostgresStateStore.schemaVersion else {
            throw StateStoreError(
                "PostgreSQL state \(url) has schema version \(version), newer than this licensectl reads (\(PostgresStateStore.schemaVersion)); upgrade licensectl"
            )
        }
        return true
    }

    /// Creates the schema inside the current transaction unless it exists, under the fixed
    /// advisory lock (a concurrent first apply waits here, then sees it).
    func createSchemaIfNeeded() async throws(StateStoreError) {
        if try await schemaExists() { return }
        try await execute("SELECT pg_advisory_xact_lock(\(Self.schemaLockKey.0), \(Self.schemaLockKey.1))")
        if try await schemaExists() { return }
        // IF NOT EXISTS: a transaction that waited for the lock may still not see the tables
        // another one just committed in its catalog snapshot.
        for statement in Self.schema { try await execute(PostgresQuery(unsafeSQL: statement)) }
        try await execute(
            """
            INSERT INTO licensectl.schema_version (version)
            SELECT \(Int32(PostgresStateStore.schemaVersion)) WHERE NOT EXISTS (SELECT 1 FROM licensectl.schema_version)
            """)
    }

    static let schema = [
        "CREATE SCHEMA IF NOT EXISTS licensectl",
        "CREATE TABLE IF NOT EXISTS licensectl.schema_version (version integer NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS licensectl.tenants (
            owner text NOT NULL,
            name text NOT NULL,
            document jsonb NOT NULL,
            lineage text NOT NULL,
            serial bigint NOT NULL,
            applied_at timestamptz NOT NULL,
            PRIMARY KEY (owner, name))
        """,
        """
        CREATE TABLE IF NOT EXISTS licensectl.codes (
            code text PRIMARY KEY,
            owner text NOT NULL,
            tenant text NOT NULL,
            FOREIGN KEY (owner, tenant) REFERENCES licensectl.tenants (owner, name) ON DELETE CASCADE)
        """,
        "CREATE INDEX IF NOT EXISTS codes_tenant ON licensectl.codes (owner, tenant)",
        """
        CREATE TABLE IF NOT EXISTS licensectl.applies (
            id bigserial PRIMARY KEY,
            owner text NOT NULL,
            kind text NOT NULL,
            at timestamptz NOT NULL,
            inputs_digest text,
            host text NOT NULL,
            pid integer NOT NULL,
            started_at timestamptz NOT NULL,
            ended_at timestamptz NOT NULL,
            tenants integer NOT NULL,
            events integer NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS applies_owner ON licensectl.applies (owner, id)",
        """
        CREATE TABLE IF NOT EXISTS licensectl.journal (
            apply_id bigint NOT NULL REFERENCES licensectl.applies (id),
            position bigint NOT NULL,
            owner text NOT NULL,
            tenant text NOT NULL,
            at timestamptz NOT NULL,
            action text NOT NULL,
            line text NOT NULL,
            PRIMARY KEY (apply_id, position))
        """,
        "CREATE INDEX IF NOT EXISTS journal_tenant ON licensectl.journal (owner, tenant)",
    ]

    // MARK: - Tenants

    /// Every document of the owner, decoded and validated like a state file.
    func loadTenants() async throws(StateStoreError) -> [String: PriorState] {
        let (result, problems) = try await loadTenantsEach()
        guard problems.isEmpty else { throw StateStoreError(problems) }
        return result
    }

    /// ``loadTenants()`` that keeps going past invalid documents: one problem each, at its
    /// place `postgres:<owner>/<t>` (docs/README.md §8 "Selections": a selection without the tenant runs).
    func loadTenantsEach() async throws(StateStoreError) -> (states: [String: PriorState], problems: [Diagnostic]) {
        let rows = try await rows(
            "SELECT name, document::text FROM licensectl.tenants WHERE owner = \(url.owner) ORDER BY name",
            as: (String, String).self)
        let url = url
        // Decoded on all cores, like a state directory's files.
        let documents = TenantState.decode(storedDocuments: rows.map { Array($0.1.utf8) })
        let decoded = zip(rows, documents).map { row, document -> Result<PriorState, Diagnostic> in
            let place = url.place(ofTenant: row.0)
            switch document {
            case .success(let document):
                guard document.tenant == row.0 else {
                    return .failure(
                        .error(
                            "stored document names tenant '\(document.tenant)', not '\(row.0)'; the state was not changed",
                            at: SourceLocation(file: place, line: 1)))
                }
                return .success(PriorState(document: document, location: place))
            case .failure(let error):
                var located = error
                located.location = SourceLocation(file: place, line: 1)
                return .failure(located)
            }
        }
        var result = [String: PriorState]()
        var problems = [Diagnostic]()
        for outcome in decoded {
            switch outcome {
            case .success(let prior): result[prior.document.tenant] = prior
            case .failure(let problem): problems.append(problem)
            }
        }
        return (result, problems)
    }

    /// Takes the transaction-level advisory lock of each tenant, in the given (name) order, in
    /// one round trip when none is busy: one statement tries them in order and stops at the
    /// first busy one (`LIMIT 1` over the in-order `unnest`), which is then retried every 50 ms
    /// for up to `timeout` seconds before the rest are tried; on timeout names its holder. Locks
    /// already taken stay held until the transaction ends, as with one statement per tenant.
    func lockTenants(_ names: [String], timeout: Double) async throws(StateStoreError) {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(Int64(max(0, timeout) * 1000)))
        let keys = names.map { "\(url.owner)/\($0)" }
        var next = 0
        while next < keys.count {
            let rest = Array(keys[next...])
            let busy = try await rows(
                """
                SELECT i FROM unnest(\(rest)::text[]) WITH ORDINALITY AS u(k, i)
                WHERE NOT pg_try_advisory_xact_lock(hashtextextended(k, 0)) LIMIT 1
                """, as: Int.self
            ).first
            guard let busy else { return }
            let index = next + busy - 1
            let key = keys[index]
            while try await rows("SELECT pg_try_advisory_xact_lock(hashtextextended(\(key), 0))", as: Bool.self).first
                != true
            {
                if clock.now >= deadline {
                    let holder = try await holderDescription(key)
                    let name = names[index]
                    if timeout > 0 {
                        throw StateStoreError(
                            "tenant '\(name)' is still locked by \(holder) after waiting \(Self.seconds(timeout)) seconds; wait or retry with a longer --lock-timeout"
                        )
                    }
                    throw StateStoreError("tenant '\(name)' is locked by \(holder); wait or retry with --lock-timeout")
                }
                try? await Task.sleep(for: .milliseconds(50))
            }
            next = index + 1
        }
    }

    /// `pid 4242 on host ci-1 since …` of the session holding the advisory lock `key`.
    private func holderDescription(_ key: String) async throws(StateStoreError) -> String {
        let names = try await rows(
            """
            SELECT coalesce(a.application_name, '') FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND ((l.classid::int8 << 32) | l.objid::int8) = hashtextextended(\(key), 0)
            """, as: String.self)
        guard let name = names.first else { return "another run (it has just finished; retry)" }
        return LockHolder(applicationName: name)?.description
            ?? "another session (application_name '\(Self.oneLine(name))', not a licensectl run)"
    }

    // MARK: - Messages

    /// One line saying why, without the password.
    static func describe(_ error: any Error, url: PostgresStateURL) -> String {
        var text: String
        if let error = error as? PSQLError {
            switch error.code {
            case .server:
                let message = error.serverInfo?[.message] ?? "server error"
                let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                text = message + state
            case .authMechanismRequiresPassword:
                text = "the server asks for a password: give it in the URL or set PGPASSWORD"
            case .sslUnsupported:
                text = "the server does not offer TLS (sslmode=\(url.sslMode.rawValue)); use sslmode=prefer or disable"
            case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
                text = "the connection was lost"
            case .connectionError:
                text = error.underlying.map(describeTransport) ?? "connection error"
            default:
                text = "\(error.code)" + (error.underlying.map { " (\(describeTransport($0)))" } ?? "")
            }
        } else {
            text = describeTransport(error)
        }
        text = oneLine(text)
        if let password = url.password, !password.isEmpty {
            text = text.replacingOccurrences(of: password, with: "***")
        }
        return text
    }

    private static func describeTransport(_ error: any Error) -> String {
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
        if let error = error as? NIOConnectionError {
            if let first = error.connectionErrors.first { return describeTransport(first.error) }
            if let dns = error.dnsAAAAError ?? error.dnsAError {
                return "cannot resolve host (\(oneLine(String(describing: dns))))"
            }
            return "cannot connect"
        }
        if let channel = error as? ChannelError, case .connectTimeout = channel { return "timed out" }
        if let error = error as? PSQLError { return "\(error.code)" }
        return oneLine(String(describing: error))
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }

    private static func seconds(_ s: Double) -> String { s == s.rounded() ? String(Int(s)) : String(s) }
}
#endif
