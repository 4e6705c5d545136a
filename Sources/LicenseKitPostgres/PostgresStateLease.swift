#if PostgreSQL
import Foundation
import LicenseKit
import PostgresNIO

/// An open apply transaction holding the locks of its tenants (docs/state.md §5.1): read the state under
/// the locks with ``load()``, then ``commit(_:)`` the plan made from it, or ``release()``.
/// Ending the process without either rolls everything back.
public final class PostgresStateLease: @unchecked Sendable {
    let store: PostgresStateStore
    let session: Session
    /// The tenants whose locks this lease holds.
    public let tenants: Set<String>
    /// This run, as other runs name it.
    public let holder: LockHolder
    private let state = NSLock()
    private var finished = false

    init(store: PostgresStateStore, session: Session, tenants: Set<String>, holder: LockHolder) {
        self.store = store
        self.session = session
        self.tenants = tenants
        self.holder = holder
    }

    /// The server process serving this lease's connection (tests end it to simulate a lost
    /// client).
    public func backendProcessID() async throws(StateStoreError) -> Int32 {
        try await session.rows("SELECT pg_backend_pid()", as: Int32.self).first ?? 0
    }

    /// Whether the lease still holds its transaction.
    public var isHeld: Bool { state.withLock { !finished } }

    /// Every tenant document of the owner as seen inside this transaction (the locked tenants
    /// cannot change until it ends), as ``PostgresStateStore/load()``.
    public func load() async throws(StateStoreError) -> [String: PriorState] {
        try checkHeld()
        guard try await session.schemaExists() else { return [:] }
        return try await session.loadTenants()
    }

    /// ``PostgresStateStore/loadEach()`` inside this transaction: the documents (invalid ones as
    /// problems) and the codes of other owners.
    public func loadEach() async throws(StateStoreError) -> LoadedState {
        try checkHeld()
        return try await session.loadForPlanning()
    }

    /// Records every `changed` tenant's ``TenantPlan/newState``, their codes, their events'
    /// journal lines and a history entry, then commits and ends the lease (docs/state.md §5.1). A plan
    /// with nothing to write commits nothing and creates no schema.
    ///
    /// - Returns: the places written (`postgres:<owner>/<tenant>`), those whose document was
    ///   already identical, and the number of journal lines.
    /// - Throws: ``StateStoreError`` (the transaction is rolled back, nothing is written): the
    ///   plan has errors; a changed tenant outside the locked ones or without a document; a
    ///   tenant whose lineage or serial no longer matches the plan's `prior` (stale plan); a
    ///   code recorded for another owner's or tenant's state (naming them); a newer schema;
    ///   a lost connection.
    public func commit(_ plan: Plan) async throws(StateStoreError) -> ApplyResult {
        try checkHeld()
        do throws(StateStoreError) {
            let result = try await write(plan)
            try await session.execute(result.written.isEmpty && result.journalLines == 0 ? "ROLLBACK" : "COMMIT")
            await finish()
            return result
        } catch {
            await release()
            throw error
        }
    }

    /// Rolls the transaction back, dropping the locks, and closes the connection. Safe to call
    /// twice.
    public func release() async {
        guard
            state.withLock({ () -> Bool in
                defer { finished = true }
                return !finished
            })
        else { return }
        try? await session.execute("ROLLBACK")
        await session.close()
    }

    private func finish() async {
        state.withLock { finished = true }
        await session.close()
    }

    private func checkHeld() throws(StateStoreError) {
        guard isHeld else { throw StateStoreError("internal error: the PostgreSQL state lease has ended") }
    }

    private var owner: String { store.url.owner }

    private func write(_ plan: Plan) async throws(StateStoreError) -> ApplyResult {
        guard !plan.hasErrors else { throw StateStoreError("the plan has errors; nothing was written") }
        var problems = [Diagnostic]()
        var documents = [(prior: PriorRef?, state: TenantState)]()
        for tenant in plan.tenants where tenant.changed {
            guard let document = tenant.newState, document.tenant == tenant.tenant else {
                problems.append(
                    .error("internal error: tenant '\(tenant.tenant)' is changed but has no new state document"))
                continue
            }
            guard tenants.contains(tenant.tenant) else {
                problems.append(.error("internal error: tenant '\(tenant.tenant)' is not locked by this apply"))
                continue
            }
            documents.append((tenant.prior, document))
        }
        guard problems.isEmpty else { throw StateStoreError(problems) }
        let lines = StateStore.journalLines(of: plan)
        guard !documents.isEmpty || !lines.isEmpty else {
            return ApplyResult(written: [], unchanged: [], journalLines: 0)
        }

        try await session.createSchemaIfNeeded()
        try await compressDocumentsQuickly()
        try await checkPriors(documents)
        let written = try await upsert(documents.map(\.state))
        try await recordCodes(documents.map(\.state))
        let url = store.url
        let unchanged = documents.map(\.state.tenant).filter { !written.contains($0) }
        guard !written.isEmpty || !lines.isEmpty else {
            return ApplyResult(written: [], unchanged: unchanged.map(url.place(ofTenant:)), journalLines: 0)
        }
        let applyID =
            try await session.rows(
                """
                INSERT INTO licensectl.applies (owner, kind, at, inputs_digest, host, pid, started_at, ended_at, tenants, events)
                VALUES (\(owner), 'apply', \(plan.at.description)::timestamptz, \(plan.inputsDigest), \(holder.host), \(holder.pid),
                        \(holder.start.description)::timestamptz, clock_timestamp(), \(Int32(written.count)), \(Int32(lines.count)))
                RETURNING id
                """, as: Int.self
            ).first ?? 0
        // The rows' columns straight from the events, in the lines' order (tenants by name,
        // events in plan order): no need to parse 130,000 lines back.
        var columns = JournalColumns(lines: lines)
        for tenant in plan.tenants where tenant.changed {
            for event in tenant.events {
                columns.tenants.append(tenant.tenant)
                columns.instants.append(event.at.description)
                columns.actions.append(event.action.rawValue)
            }
        }
        try await insertJournal(columns, applyID: applyID)
        try await store.inject("written", self)
        return ApplyResult(
            written: written.sorted().map(url.place(ofTenant:)),
            unchanged: unchanged.map(url.place(ofTenant:)), journalLines: lines.count)
    }

    /// Documents of more than ~2 KB are compressed when stored; for this transaction, with LZ4
    /// instead of PostgreSQL's default pglz where the server has it (PostgreSQL 14+ built with
    /// lz4, as Debian's is): storing 1,000 new documents took 40 % less server time. Readers
    /// need nothing: each stored value records its compression.
    private func compressDocumentsQuickly() async throws(StateStoreError) {
        try await session.execute(
            """
            SELECT set_config('default_toast_compression', 'lz4', true) FROM pg_settings
            WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)
            """)
    }

    /// Stale-plan rule of docs/cli.md §6 checked inside the transaction: each written tenant's row
    /// still has the plan's `prior` lineage and serial.
    private func checkPriors(_ documents: [(prior: PriorRef?, state: TenantState)]) async throws(StateStoreError) {
        let names = documents.map(\.state.tenant)
        let rows = try await session.rows(
            """
            SELECT name, lineage, serial FROM licensectl.tenants WHERE owner = \(owner) AND name = ANY(\(names)) FOR UPDATE
            """, as: (String, String, Int).self)
        let current = Dictionary(
            rows.map { ($0.0, PriorRef(lineage: $0.1, serial: $0.2)) }, uniquingKeysWith: { a, _ in a })
        var reasons = [Diagnostic]()
        for (prior, document) in documents {
            switch (prior, current[document.tenant]) {
            case (nil, nil): break
            case (nil, let now?):
                reasons.append(
                    .error(
                        "stale plan: tenant '\(document.tenant)' had no state when planned, now it has serial \(now.serial)"
                    ))
            case (let then?, nil):
                reasons.append(
                    .error(
                        "stale plan: tenant '\(document.tenant)' had state serial \(then.serial) when planned, now it has none"
                    ))
            case (let then?, let now?) where then != now:
                reasons.append(
                    .error(
                        "stale plan: tenant '\(document.tenant)' was applied since (serial \(then.serial) → \(now.serial))"
                    ))
            default: break
            }
        }
        guard reasons.isEmpty else { throw StateStoreError(reasons) }
    }

    /// Inserts or replaces the documents; returns the names whose stored document changed.
    private func upsert(_ documents: [TenantState]) async throws(StateStoreError) -> Set<String> {
        guard !documents.isEmpty else { return [] }
        let names = documents.map(\.tenant)
        let texts = TenantState.canonicalJSON(of: documents)
        let lineages = documents.map(\.lineage)
        let serials = documents.map(\.serial)
        let applied = documents.map(\.appliedAt.description)
        let rows = try await session.rows(
            """
            INSERT INTO licensectl.tenants AS t (owner, name, document, lineage, serial, applied_at)
            SELECT \(owner), n, d::jsonb, l, s, a::timestamptz
            FROM unnest(\(names)::text[], \(texts)::text[], \(lineages)::text[], \(serials)::int8[], \(applied)::text[]) AS u(n, d, l, s, a)
            ON CONFLICT (owner, name) DO UPDATE
                SET document = EXCLUDED.document, lineage = EXCLUDED.lineage, serial = EXCLUDED.serial, applied_at = EXCLUDED.applied_at
                WHERE t.document IS DISTINCT FROM EXCLUDED.document
            RETURNING name
            """, as: String.self)
        return Set(rows)
    }

    /// Replaces the codes of the given tenants; a code another tenant or owner holds is an error
    /// naming it (docs/state.md §5.1). A concurrent insert of the same code waits for the other
    /// transaction, then conflicts.
    private func recordCodes(_ documents: [TenantState]) async throws(StateStoreError) {
        let names = documents.map(\.tenant)
        var codes = [String]()
        var owners = [String]()
        for document in documents {
            for license in document.licenses {
                codes.append(license.code.canonical)
                owners.append(document.tenant)
            }
        }
        try await session.execute("DELETE FROM licensectl.codes WHERE owner = \(owner) AND tenant = ANY(\(names))")
        guard !codes.isEmpty else { return }
        let inserted = Set(
            try await session.rows(
                """
                INSERT INTO licensectl.codes (code, owner, tenant)
                SELECT c, \(owner), t FROM unnest(\(codes)::text[], \(owners)::text[]) AS u(c, t)
                ON CONFLICT (code) DO NOTHING RETURNING code
                """, as: String.self))
        guard inserted.count < codes.count else { return }
        let missing = zip(codes, owners).filter { !inserted.contains($0.0) }
        let holders = try await session.rows(
            """
            SELECT code, owner, tenant FROM licensectl.codes WHERE code = ANY(\(missing.map(\.0)))
            """, as: (String, String, String).self)
        let holderOf = Dictionary(
            holders.map { ($0.0, RedeemedCode(owner: $0.1, tenant: $0.2)) }, uniquingKeysWith: { a, _ in a })
        var problems = [Diagnostic]()
        for (code, tenant) in missing {
            let shown = (try? ActivationCode(parsing: code).masked) ?? code
            if let other = holderOf[code] {
                problems.append(
                    .error(
                        "code \(shown) of tenant '\(tenant)' is already redeemed into tenant '\(other.tenant)' of owner '\(other.owner)' (postgres:\(other.owner)/\(other.tenant)); a code is redeemed into exactly one tenant"
                    ))
            } else {
                problems.append(
                    .error(
                        "code \(shown) of tenant '\(tenant)' appears twice in the plan; a code is redeemed into exactly one tenant"
                    ))
            }
        }
        throw StateStoreError(problems)
    }

    /// The journal rows of one apply, column by column (one entry per line).
    struct JournalColumns {
        var lines: [String]
        var tenants = [String]()
        var instants = [String]()
        var actions = [String]()

        init(lines: [String]) {
            self.lines = lines
            tenants.reserveCapacity(lines.count)
            instants.reserveCapacity(lines.count)
            actions.reserveCapacity(lines.count)
        }

        /// The columns of journal lines read back from a state directory's journal.
        ///
        /// - Throws: ``StateStoreError`` at `place`'s line for a line that is not an event.
        init(parsing lines: [String], place: String) throws(StateStoreError) {
            self.init(lines: lines)
            for (index, line) in lines.enumerated() {
                let fields = try StateSnapshot.fields(ofJournalLine: line, place: place, lineNumber: index + 1)
                tenants.append(fields.tenant)
                actions.append(fields.action)
                instants.append(fields.at.description)
            }
        }
    }

    /// Inserts one apply's journal rows with one statement (positions 1, 2, … in line order).
    private func insertJournal(_ columns: JournalColumns, applyID: Int) async throws(StateStoreError) {
        guard !columns.lines.isEmpty else { return }
        try await session.execute(
            """
            INSERT INTO licensectl.journal (apply_id, position, owner, tenant, at, action, line)
            SELECT \(applyID), p, \(owner), t, a::timestamptz, act, l
            FROM unnest(\(columns.tenants)::text[], \(columns.instants)::text[], \(columns.actions)::text[], \(columns.lines)::text[]) WITH ORDINALITY AS u(t, a, act, l, p)
            """)
    }

    /// The body of ``PostgresStateStore/restore(_:holder:)``.
    func restore(_ snapshot: StateSnapshot) async throws(StateStoreError) {
        try await session.createSchemaIfNeeded()
        let counts =
            try await session.rows(
                """
                SELECT (SELECT count(*) FROM licensectl.tenants WHERE owner = \(owner)), (SELECT count(*) FROM licensectl.journal WHERE owner = \(owner))
                """, as: (Int, Int).self
            ).first ?? (0, 0)
        guard counts == (0, 0) else {
            throw StateStoreError(
                "\(store.url) already holds state for owner '\(owner)' (\(counts.0) tenant(s), \(counts.1) journal line(s)); migrate only into an empty destination"
            )
        }
        _ = try await upsert(snapshot.documents)
        try await recordCodes(snapshot.documents)
        // One history entry per original apply (consecutive lines with the same `apply`).
        var groups = [(apply: Instant, lines: [String], tenants: Set<String>)]()
        for (index, line) in snapshot.journal.enumerated() {
            let fields = try StateSnapshot.fields(ofJournalLine: line, place: "journal", lineNumber: index + 1)
            if groups.last?.apply == fields.apply {
                groups[groups.count - 1].lines.append(line)
                groups[groups.count - 1].tenants.insert(fields.tenant)
            } else {
                groups.append((fields.apply, [line], [fields.tenant]))
            }
        }
        for group in groups {
            let applyID =
                try await session.rows(
                    """
                    INSERT INTO licensectl.applies (owner, kind, at, inputs_digest, host, pid, started_at, ended_at, tenants, events)
                    VALUES (\(owner), 'migrate', \(group.apply.description)::timestamptz, NULL, \(holder.host), \(holder.pid),
                            \(holder.start.description)::timestamptz, clock_timestamp(), \(Int32(group.tenants.count)), \(Int32(group.lines.count)))
                    RETURNING id
                    """, as: Int.self
                ).first ?? 0
            try await insertJournal(JournalColumns(parsing: group.lines, place: "journal"), applyID: applyID)
        }
        try await session.execute("COMMIT")
        await finish()
    }
}
#endif
