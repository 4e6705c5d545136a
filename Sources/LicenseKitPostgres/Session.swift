#if PostgreSQL
import Foundation
import LicenseKit
import Logging
import NIOCore
import NIOSSL
import PostgresNIO

/// One connection of the PostgreSQL backend: queries whose errors become one-line
/// ``StateStoreError``s that never contain the password, the schema and the tenant locks.
///
/// No request waits forever (docs/state.md §5.1: a lost connection at any point leaves the old
/// state and the run ends with an error): see ``request(_:)``.
struct Session: Sendable {
    let connection: PostgresConnection
    let url: PostgresStateURL
    /// The requests waiting for an answer, failed when the connection closes under them.
    let pending: PendingRequests
    /// This transaction's `lock_timeout` and whether a statement hit it (see
    /// Session+LockTimeout.swift).
    let lockWaits = LockWaits()
    /// Whether a request failed because the connection ended (see Session+ConnectionLoss.swift).
    let connectionLoss = ConnectionLoss()

    /// The longest one statement may wait for the server's answer before the connection is
    /// given up (closed, so that the server rolls the transaction back): a server that
    /// stopped answering without closing the connection (a dead host behind a firewall).
    static let statementDeadline: TimeAmount = .seconds(300)
    /// How long a request still waits after its connection closed, for an answer that had
    /// already arrived (a `COMMIT` acknowledged just before the server went away).
    static let closeGrace: TimeAmount = .milliseconds(500)
    /// The longest ``close()`` waits for the connection to close.
    static let closeDeadline: TimeAmount = .seconds(5)

    /// postgres-nio logs nothing of ours: errors are reported by the callers.
    static let logger = Logger(label: "licensectl.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A fixed advisory lock key (two 32-bit halves, so it never equals a tenant's 64-bit key)
    /// under which the schema is created: "lice", "nsec".
    static let schemaLockKey: (Int32, Int32) = (0x6C69_6365, 0x6E73_6563)

    /// - Parameter lockWait: the session's `lock_timeout` (seconds) for statements outside a
    ///   transaction that sets its own (``limitLockWaits(to:)``).
    static func open(_ url: PostgresStateURL, applicationName: String?, lockWait: Double = 60)
        async throws(StateStoreError) -> Session
    {
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
        configuration.options.additionalStartupParameters = [
            ("lock_timeout", String(Self.lockTimeoutMilliseconds(forLockTimeout: lockWait)))
        ]
        if let applicationName {
            configuration.options.additionalStartupParameters.append(("application_name", applicationName))
        }
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
            return Session(connection: connection, url: url, pending: PendingRequests(connection: connection))
        } catch {
            throw StateStoreError(
                .cannotConnect(url: "\(url)", reason: describe(error, url: url), tried: whereTried(error, url: url)))
        }
    }

    /// What libpq adds when the server cannot be reached: where it was looked for, and what
    /// to check (`; tried the socket /tmp/pg/.s.PGSQL.5432: is the server running and accepting
    /// connections there?`). Empty for an error the server itself answered (a password, TLS).
    static func whereTried(_ error: any Error, url: PostgresStateURL) -> String {
        let unreachable: Bool
        if let error = error as? PSQLError {
            unreachable = error.code == .connectionError
        } else {
            unreachable = error is IOError || error is NIOConnectionError || error is ChannelError
        }
        guard unreachable else { return "" }
        switch url.endpoint {
        case .unixSocket(let path):
            return "; tried the socket \(path): is the server running and accepting connections there?"
        case .tcp(let host, let port):
            return
                "; tried host \(host) port \(port): is the server running there and accepting TCP/IP connections?"
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
            throw StateStoreError(.cannotSetUpTLS(url: "\(url)", reason: oneLine(String(describing: error))))
        }
        return url.sslMode == .allow || url.sslMode == .prefer ? .prefer(context) : .require(context)
    }

    /// Closes the connection (the server then ends its transaction, if any, and drops its
    /// locks); waits at most ``closeDeadline``.
    func close() async {
        guard !connection.isClosed else { return }
        let closed = connection.eventLoop.makePromise(of: Void.self)
        connection.close().cascade(to: closed)
        let deadline = connection.eventLoop.scheduleTask(in: Self.closeDeadline) {
            closed.fail(LostConnection())
        }
        try? await closed.futureResult.get()
        deadline.cancel()
    }

    // MARK: - Queries

    func execute(_ query: PostgresQuery) async throws(StateStoreError) {
        _ = try await request(query)
    }

    func rows<each Column: PostgresDecodable>(_ query: PostgresQuery, as types: (repeat each Column).Type)
        async throws(StateStoreError)
        -> [(repeat each Column)]
    {
        let rows = try await request(query)
        do {
            return try rows.map { try $0.decode((repeat each Column).self) }
        } catch {
            throw failure(error)
        }
    }

    func rows<Column: PostgresDecodable>(_ query: PostgresQuery, as type: Column.Type) async throws(StateStoreError)
        -> [Column]
    {
        let rows = try await request(query)
        do {
            return try rows.map { try $0.decode(Column.self) }
        } catch {
            throw failure(error)
        }
    }

    /// Sends one statement and collects its rows (so that its command completed, a `COMMIT`
    /// included), without ever waiting forever.
    ///
    /// postgres-nio drops a query written after its channel closed without completing it (the
    /// write's promise is `nil`; vapor/postgres-nio#487 fixed it and #501 reverted the fix), so
    /// a `ROLLBACK` after the server ended the connection never returned. Here a request fails
    /// at once on a closed connection; when the connection closes while it waits, it fails after
    /// ``closeGrace`` unless its answer arrives meanwhile; and after ``statementDeadline``
    /// without an answer the connection is closed and the request fails.
    ///
    /// - Throws: ``StateStoreError`` (`PostgreSQL state URL: the connection was lost`, the
    ///   server's message, or `no answer from the server within N seconds`).
    private func request(_ query: PostgresQuery) async throws(StateStoreError) -> [PostgresRow] {
        switch await guarded({ try await $0.query(query, logger: Self.logger).collect() }) {
        case .success(let rows): return rows
        case .failure(let error): throw failure(error)
        }
    }

    /// Runs `work` on the connection without ever waiting forever (the rules of
    /// ``request(_:)``, for a statement or a `COPY`): fails at once on a closed connection,
    /// ``closeGrace`` after the connection closes under it, and after ``statementDeadline``
    /// without an answer the connection is closed.
    ///
    /// - Returns: `work`'s rows, or the error it threw (`LostConnection`, `StatementTimedOut`,
    ///   or postgres-nio's), for the caller to describe.
    func guarded(_ work: @escaping @Sendable (PostgresConnection) async throws -> [PostgresRow]) async
        -> Result<[PostgresRow], any Error>
    {
        let connection = connection
        let outcome = FirstOutcome<[PostgresRow]>()
        typealias Waiting = CheckedContinuation<Result<[PostgresRow], any Error>, Never>
        return await withCheckedContinuation { (continuation: Waiting) in
            outcome.arm(continuation)
            guard !connection.isClosed, let ticket = pending.add(outcome) else {
                outcome.resume(.failure(LostConnection()))
                return
            }
            let deadline = connection.eventLoop.scheduleTask(in: Self.statementDeadline) {
                let seconds = Self.statementDeadline.nanoseconds / 1_000_000_000
                if outcome.resume(.failure(StatementTimedOut(seconds: seconds))) {
                    let _: EventLoopFuture<Void> = connection.close()
                }
            }
            let pending = pending
            let run: @Sendable () async -> Void = {
                do {
                    outcome.resume(.success(try await work(connection)))
                } catch {
                    outcome.resume(.failure(error))
                }
                deadline.cancel()
                pending.remove(ticket)
            }
            if #available(macOS 15.0, *) {
                Task(executorPreference: PostgresExecutor.shared, operation: run)
            } else {
                Task(operation: run)
            }
        }
    }

    /// `error` of a statement or a `COPY` as a ``StateStoreError``, noting a lock timeout (for
    /// ``explainingLockTimeout(_:tenants:)``) and a lost connection on the way.
    func failure(_ error: any Error) -> StateStoreError {
        if Self.isLockTimeout(error) { lockWaits.markTimedOut() }
        noteConnectionLoss(error)
        return StateStoreError(.server(url: "\(url)", reason: Self.describe(error, url: url)))
    }

    // MARK: - Schema

    /// Whether the schema exists; throws when its version is newer than this build's.
    func schemaExists() async throws(StateStoreError) -> Bool {
        try await schemaVersion() != nil
    }

    /// The version of the schema (`nil` without one, 1 or 2); throws when it is newer than this
    /// build's ``PostgresStateStore/schemaVersion``. Reads work on every version this build
    /// knows: they use only what versions 1 and 2 share.
    func schemaVersion() async throws(StateStoreError) -> Int? {
        // A scan of pg_class, not to_regclass: to_regclass looks the name up in the session's
        // catalog cache, which can still hold "no such table" from before another session
        // committed the schema (it is refreshed only when the session takes a table lock), so a
        // first apply that waited for the schema lock would run the DDL again and wait for
        // every other apply's table locks.
        guard
            try await rows(
                """
                SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c
                               JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                               WHERE n.nspname = 'licensectl' AND c.relname = 'schema_version')
                """, as: Bool.self
            ).first == true
        else {
            return nil
        }
        let version =
            try await rows("SELECT coalesce(max(version), 0) FROM licensectl.schema_version", as: Int32.self).first ?? 0
        guard version <= PostgresStateStore.schemaVersion else {
            throw StateStoreError(
                .newerSchema(url: "\(url)", version: Int(version), reads: Int(PostgresStateStore.schemaVersion)))
        }
        return Int(version)
    }

    /// Creates the schema inside the current transaction unless it exists, or upgrades a
    /// version-1 schema to version 2 in place (docs/state.md §5.1 "Upgrade from version 1"), under the fixed
    /// advisory lock (a concurrent first apply waits here, then sees it). Only an apply (or
    /// `state migrate` into PostgreSQL) calls this; reads never run DDL.
    func createSchemaIfNeeded() async throws(StateStoreError) {
        let current = Int32(PostgresStateStore.schemaVersion)
        if try await schemaVersion() == Int(current) { return }
        try await waitingUpToTheCeiling { () async throws(StateStoreError) in
            try await execute("SELECT pg_advisory_xact_lock(\(Self.schemaLockKey.0), \(Self.schemaLockKey.1))")
        }
        switch try await schemaVersion() {
        case nil:
            // Nobody else has these tables: the check above sees every committed schema, and
            // a creator still at work holds the schema lock. IF NOT EXISTS only spares a
            // `licensectl` schema that a person created by hand.
            for statement in Self.schema { try await execute(PostgresQuery(unsafeSQL: statement)) }
            try await execute(
                """
                INSERT INTO licensectl.schema_version (version)
                SELECT \(current) WHERE NOT EXISTS (SELECT 1 FROM licensectl.schema_version)
                """)
        case 1:
            // Other runs (plans, older builds' applies) may be reading these tables: the upgrade
            // waits for them up to the ceiling, as for the schema lock.
            try await waitingUpToTheCeiling { () async throws(StateStoreError) in
                for statement in Self.upgradeFromVersion1 { try await execute(PostgresQuery(unsafeSQL: statement)) }
                try await execute("UPDATE licensectl.schema_version SET version = \(current)")
            }
        default:
            return
        }
    }

    /// Schema version 2 (docs/state.md §5.1 "Schema version 2"). Each index serves a query:
    /// - `tenants` primary key (owner, name): loading an owner's documents in name order, the
    ///   stale-plan check and the update of a tenant's row;
    /// - `codes` primary key (code): one code in the whole database, and the cross-owner check of
    ///   a plan (`code = ANY(…)`); the codes of a re-applied tenant are found through its stored
    ///   document, not an index on (owner, tenant);
    /// - `applies_owner` (owner, id): the history of one owner and its journal;
    /// - `journal_apply` (BRIN on apply_id): an owner's journal, `apply_id = ANY(ARRAY(SELECT id
    ///   FROM applies WHERE owner = …))` (a join is not planned through it). A BRIN index (one
    ///   summary per range of pages) costs next to nothing per row, and the journal is only
    ///   appended to, in `apply_id` order: for one owner's 20,000 lines among 1,000,000 the read
    ///   took a third of the time of a join over the whole journal.
    ///
    /// No foreign keys: an apply writes a tenant's codes and its journal rows with its history
    /// row in one transaction, so the checks per row (a fifth of the journal's time) protect
    /// nothing the store does not already keep.
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
            tenant text NOT NULL)
        """,
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
            apply_id bigint NOT NULL,
            position bigint NOT NULL,
            line text NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS journal_apply ON licensectl.journal USING brin (apply_id)",
    ]

    /// Version 1 → 2, in place and in the apply's transaction: drops the foreign keys, the index
    /// `codes_tenant`, the journal's primary key and its columns that repeat its line (`owner`,
    /// `tenant`, `at`, `action`; `journal_tenant` goes with them), and adds `journal_apply`.
    /// Dropping columns and constraints changes only the catalog (no row is rewritten).
    static let upgradeFromVersion1 = [
        "ALTER TABLE licensectl.codes DROP CONSTRAINT IF EXISTS codes_owner_tenant_fkey",
        "DROP INDEX IF EXISTS licensectl.codes_tenant",
        """
        ALTER TABLE licensectl.journal DROP CONSTRAINT IF EXISTS journal_apply_id_fkey,
            DROP CONSTRAINT IF EXISTS journal_pkey,
            DROP COLUMN IF EXISTS owner, DROP COLUMN IF EXISTS tenant,
            DROP COLUMN IF EXISTS at, DROP COLUMN IF EXISTS action
        """,
        "CREATE INDEX IF NOT EXISTS journal_apply ON licensectl.journal USING brin (apply_id)",
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
                            PostgresStateError.tenantMismatch(stored: document.tenant, row: row.0).message,
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

    /// ``loadTenantsEach()`` with the codes of other owners, for a plan (docs/state.md §5.1):
    /// all of them, or only those among `checkingCodes` (the manifests' codes).
    func loadForPlanning(checkingCodes: [ActivationCode]? = nil) async throws(StateStoreError) -> LoadedState {
        guard try await schemaExists() else { return LoadedState(states: [:]) }
        let (states, problems) = try await loadTenantsEach()
        var codes = [ActivationCode: OtherOwnersCode]()
        for (code, holder) in try await codesOfOtherOwners(among: checkingCodes?.map(\.canonical)) {
            guard let code = try? ActivationCode(parsing: code) else { continue }
            codes[code] = OtherOwnersCode(
                owner: holder.owner, tenant: holder.tenant, location: "postgres:\(holder.owner)/\(holder.tenant)")
        }
        return LoadedState(states: states, problems: problems, codesOfOtherOwners: codes)
    }

    /// The codes recorded for tenants of other owners, by canonical code (the schema exists):
    /// all of them, or only those among `among` (canonical codes; one query, the codes as an
    /// array parameter, found through the primary key or one pass over the table, whichever the
    /// server finds cheaper). On the benchmark's repo (20,000 codes, one owner) the server
    /// spends about 10 ms on it instead of 1 ms for all other owners' codes, mostly estimating
    /// the array when planning; with other owners in the database it reads and sends only the
    /// codes that matter instead of all of theirs.
    func codesOfOtherOwners(among: [String]? = nil) async throws(StateStoreError) -> [String: RedeemedCode] {
        var codes = [String: RedeemedCode]()
        if let among, among.isEmpty { return codes }
        let query: PostgresQuery =
            if let among {
                "SELECT code, owner, tenant FROM licensectl.codes WHERE code = ANY(\(among)::text[]) AND owner <> \(url.owner)"
            } else {
                "SELECT code, owner, tenant FROM licensectl.codes WHERE owner <> \(url.owner)"
            }
        let rows = try await rows(query, as: (String, String, String).self)
        for (code, owner, tenant) in rows { codes[code] = RedeemedCode(owner: owner, tenant: tenant) }
        return codes
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
                            .tenantStillLocked(tenant: name, holder: holder, seconds: Self.seconds(timeout)))
                    }
                    throw StateStoreError(.tenantLocked(tenant: name, holder: holder))
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
        } else if error is LostConnection {
            text = "the connection was lost"
        } else if let error = error as? StatementTimedOut {
            text = "no answer from the server within \(error.seconds) seconds; the connection was closed"
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

    static func seconds(_ s: Double) -> String { s == s.rounded() ? String(Int(s)) : String(s) }
}
/// The connection closed before a request was answered.
struct LostConnection: Error {}

/// A request the server did not answer within ``Session/statementDeadline``.
struct StatementTimedOut: Error {
    var seconds: Int64
}

/// The first of several outcomes of one request (its answer, its connection's close, its
/// deadline) resumes the waiting task; the later ones are ignored.
final class FirstOutcome<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Result<T, any Error>, Never>?
    private var early: Result<T, any Error>?
    private var done = false

    func arm(_ continuation: CheckedContinuation<Result<T, any Error>, Never>) {
        let ready: Result<T, any Error>? = lock.withLock {
            if let early { return early }
            self.continuation = continuation
            return nil
        }
        if let ready { continuation.resume(returning: ready) }
    }

    /// Resumes the waiting task unless an earlier outcome did; whether this one did.
    @discardableResult
    func resume(_ result: Result<T, any Error>) -> Bool {
        let waiting: CheckedContinuation<Result<T, any Error>, Never>?? = lock.withLock {
            guard !done else { return .none }
            done = true
            guard let continuation else {
                early = result
                return .some(nil)
            }
            self.continuation = nil
            return .some(continuation)
        }
        guard case .some(let continuation) = waiting else { return false }
        continuation?.resume(returning: result)
        return true
    }
}

/// The requests of one connection still waiting for an answer: when the connection closes,
/// each one fails ``Session/closeGrace`` later unless it was answered meanwhile.
final class PendingRequests: @unchecked Sendable {
    private let lock = NSLock()
    private var waiting = [Int: FirstOutcome<[PostgresRow]>]()
    private var nextTicket = 0
    private var closed = false

    init(connection: PostgresConnection) {
        let eventLoop = connection.eventLoop
        connection.closeFuture.whenComplete { _ in
            _ = eventLoop.scheduleTask(in: Session.closeGrace) { self.failAll() }
        }
    }

    /// Registers a request; `nil` when the connection has already closed.
    func add(_ outcome: FirstOutcome<[PostgresRow]>) -> Int? {
        lock.withLock {
            guard !closed else { return nil }
            nextTicket += 1
            waiting[nextTicket] = outcome
            return nextTicket
        }
    }

    func remove(_ ticket: Int) {
        _ = lock.withLock { waiting.removeValue(forKey: ticket) }
    }

    private func failAll() {
        let outcomes = lock.withLock {
            closed = true
            defer { waiting = [:] }
            return Array(waiting.values)
        }
        for outcome in outcomes { outcome.resume(.failure(LostConnection())) }
    }
}
#endif
