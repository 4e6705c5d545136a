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
        do throws(StateStoreError) {
            guard try await session.schemaExists() else { return [:] }
            return try await session.loadTenants()
        } catch {
            throw await session.explainingLockTimeout(
                session.explainingConnectionLoss(error, run: .apply), tenants: tenants)
        }
    }

    /// ``PostgresStateStore/loadEach()`` inside this transaction: the documents (invalid ones as
    /// problems) and the codes of other owners.
    public func loadEach() async throws(StateStoreError) -> LoadedState {
        try checkHeld()
        do throws(StateStoreError) {
            return try await session.loadForPlanning()
        } catch {
            throw await session.explainingLockTimeout(
                session.explainingConnectionLoss(error, run: .apply), tenants: tenants)
        }
    }

    /// ``loadEach()`` with, of other owners' codes, only those among `codes`.
    public func loadEach(checkingCodes codes: [ActivationCode]) async throws(StateStoreError) -> LoadedState {
        try checkHeld()
        do throws(StateStoreError) {
            return try await session.loadForPlanning(checkingCodes: codes)
        } catch {
            throw session.explainingConnectionLoss(error, run: .apply)
        }
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
    ///   a lost connection (nothing was recorded, or, lost during `COMMIT`, maybe recorded:
    ///   ``PostgresStateError/connectionLost(url:reason:run:committing:)``).
    public func commit(_ plan: Plan) async throws(StateStoreError) -> ApplyResult {
        try checkHeld()
        do throws(StateStoreError) {
            let result: ApplyResult
            do throws(StateStoreError) {
                result = try await write(plan)
            } catch {
                throw session.explainingConnectionLoss(error, run: .apply)
            }
            let commits = !(result.written.isEmpty && result.journalLines == 0)
            // A COMMIT sent on an open connection may have been committed before the answer
            // was lost; one that could not be sent was not.
            let sent = !session.connection.isClosed
            do throws(StateStoreError) {
                try await session.execute(commits ? "COMMIT" : "ROLLBACK")
            } catch {
                throw session.explainingConnectionLoss(error, run: .apply, committing: commits && sent)
            }
            await finish()
            return result
        } catch {
            let error = await session.explainingLockTimeout(error, tenants: tenants)
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
        guard isHeld else { throw StateStoreError(.leaseEnded) }
    }

    private var owner: String { store.url.owner }

    private func write(_ plan: Plan) async throws(StateStoreError) -> ApplyResult {
        guard !plan.hasErrors else { throw StateStoreError(PostgresStateError.planHasErrors) }
        var problems = [Diagnostic]()
        var documents = [(prior: PriorRef?, state: TenantState)]()
        for tenant in plan.tenants where tenant.changed {
            guard let document = tenant.newState, document.tenant == tenant.tenant else {
                problems.append(PostgresStateError.noNewState(tenant: tenant.tenant).diagnostic)
                continue
            }
            guard tenants.contains(tenant.tenant) else {
                problems.append(PostgresStateError.notLocked(tenant: tenant.tenant).diagnostic)
                continue
            }
            documents.append((tenant.prior, document))
        }
        guard problems.isEmpty else { throw StateStoreError(problems) }
        // One journal line per event of a changed tenant.
        let events = plan.tenants.reduce(0) { $0 + ($1.changed ? $1.events.count : 0) }
        guard !documents.isEmpty || events > 0 else {
            return ApplyResult(written: [], unchanged: [], journalLines: 0)
        }

        try await session.createSchemaIfNeeded()
        try await compressDocumentsQuickly()
        let stored = try await checkPriors(documents)
        try await forgetCodes(ofTenants: stored)
        let written = try await store(documents.map(\.state), stored: stored)
        try await recordCodes(documents.map(\.state))
        let url = store.url
        let unchanged = documents.map(\.state.tenant).filter { !written.contains($0) }
        guard !written.isEmpty || events > 0 else {
            return ApplyResult(written: [], unchanged: unchanged.map(url.place(ofTenant:)), journalLines: 0)
        }
        let applyID =
            try await session.rows(
                """
                INSERT INTO licensectl.applies (owner, kind, at, inputs_digest, host, pid, started_at, ended_at, tenants, events)
                VALUES (\(owner), 'apply', \(plan.at.description)::timestamptz, \(plan.inputsDigest), \(holder.host), \(holder.pid),
                        \(holder.start.description)::timestamptz, clock_timestamp(), \(Int32(written.count)), \(Int32(events)))
                RETURNING id
                """, as: Int.self
            ).first ?? 0
        // The lines (130,000 for 1,000 new tenants) are built part by part while the server
        // stores the part before: numbered over the whole apply, tenants in plan order.
        let changed = plan.tenants.filter(\.changed)
        var firstSeqs = [Int]()
        var next = 1
        for part in stride(from: 0, to: changed.count, by: Self.journalTenants) {
            firstSeqs.append(next)
            next += changed[part..<min(changed.count, part + Self.journalTenants)].reduce(0) { $0 + $1.events.count }
        }
        let seqs = firstSeqs
        if events > 0 {
            try await insertJournal(applyID: applyID) { index in
                guard index < seqs.count else { return nil }
                let start = index * Self.journalTenants
                return StateStore.journalLines(
                    of: plan, tenants: changed[start..<min(changed.count, start + Self.journalTenants)],
                    firstSeq: seqs[index])
            }
        }
        try await store.inject("written", self)
        return ApplyResult(
            written: written.sorted().map(url.place(ofTenant:)),
            unchanged: unchanged.map(url.place(ofTenant:)), journalLines: events)
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
    /// still has the plan's `prior` lineage and serial. Returns the tenants that have a row (the
    /// others have none, and no other run can add one while this one holds their locks).
    private func checkPriors(_ documents: [(prior: PriorRef?, state: TenantState)]) async throws(StateStoreError)
        -> Set<String>
    {
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
                    PostgresStateError.stalePlan(tenant: document.tenant, then: nil, now: now.serial).diagnostic)
            case (let then?, nil):
                reasons.append(
                    PostgresStateError.stalePlan(tenant: document.tenant, then: then.serial, now: nil).diagnostic)
            case (let then?, let now?) where then != now:
                reasons.append(
                    PostgresStateError.stalePlan(tenant: document.tenant, then: then.serial, now: now.serial).diagnostic
                )
            default: break
            }
        }
        guard reasons.isEmpty else { throw StateStoreError(reasons) }
        return Set(current.keys)
    }

    /// Stores the documents; returns the names whose stored document changed. Tenants without a
    /// row (all of them on a first apply) are copied in (``Session/copy(into:columns:tolerating:chunks:)``),
    /// serialized in batches while the server stores the batch before; the others are updated
    /// in one statement, each only when its document differs (an unchanged one is not rewritten).
    private func store(_ documents: [TenantState], stored: Set<String>) async throws(StateStoreError) -> Set<String> {
        let existing = documents.filter { stored.contains($0.tenant) }
        let new = documents.filter { !stored.contains($0.tenant) }
        var written = Set(new.map(\.tenant))
        if !new.isEmpty {
            let owner = owner
            let batch = Self.documentBatch
            _ = try await session.copy(
                into: "tenants", columns: ["owner", "name", "document", "lineage", "serial", "applied_at"]
            ) { index in
                let batchDocuments = new.dropFirst(index * batch).prefix(batch)
                guard !batchDocuments.isEmpty else { return nil }
                let texts = TenantState.compactJSON(of: Array(batchDocuments))
                var rows = CopyRows(capacity: texts.reduce(0) { $0 + $1.utf8.count + 160 })
                for (document, text) in zip(batchDocuments, texts) {
                    rows.field(owner)
                    rows.field(document.tenant)
                    rows.field(text)
                    rows.field(document.lineage)
                    rows.field(String(document.serial))
                    rows.lastField(document.appliedAt.description)
                }
                return rows.buffer
            }
        }
        guard !existing.isEmpty else { return written }
        let names = existing.map(\.tenant)
        let texts = TenantState.compactJSON(of: existing)
        let lineages = existing.map(\.lineage)
        let serials = existing.map(\.serial)
        let applied = existing.map(\.appliedAt.description)
        let rows = try await session.rows(
            """
            UPDATE licensectl.tenants AS t
            SET document = u.d::jsonb, lineage = u.l, serial = u.s, applied_at = u.a::timestamptz
            FROM unnest(\(names)::text[], \(texts)::text[], \(lineages)::text[], \(serials)::int8[], \(applied)::text[]) AS u(n, d, l, s, a)
            WHERE t.owner = \(owner) AND t.name = u.n AND t.document IS DISTINCT FROM u.d::jsonb
            RETURNING t.name
            """, as: String.self)
        written.formUnion(rows)
        return written
    }

    /// Documents serialized and sent per chunk of a copy: small enough that the server starts
    /// parsing early, large enough that each chunk keeps both cores busy serializing.
    static let documentBatch = 64

    /// Deletes the recorded codes of tenants that have a row, found through their stored
    /// documents (before these are replaced): ``recordCodes(_:)`` then records the new ones.
    private func forgetCodes(ofTenants names: Set<String>) async throws(StateStoreError) {
        guard !names.isEmpty else { return }
        try await session.execute(
            """
            DELETE FROM licensectl.codes AS c USING licensectl.tenants AS t,
                LATERAL jsonb_path_query(t.document, 'lax $.licenses[*].code') AS k(code)
            WHERE t.owner = \(owner) AND t.name = ANY(\(names.sorted())) AND c.code = k.code #>> '{}'
              AND c.owner = t.owner AND c.tenant = t.name
            """)
    }

    /// Records the codes of the given tenants (after ``forgetCodes(ofTenants:)``); a code another
    /// tenant or owner holds is an error naming it (docs/state.md §5.1). The codes are copied in
    /// under a savepoint; only when that meets a code already recorded (SQLSTATE 23505, nothing
    /// of the copy is kept) are they inserted again row by row to name the holders. A
    /// concurrent insert of the same code waits for the other transaction, then conflicts.
    private func recordCodes(_ documents: [TenantState]) async throws(StateStoreError) {
        var codes = [String]()
        var owners = [String]()
        for document in documents {
            for license in document.licenses {
                codes.append(license.code.canonical)
                owners.append(document.tenant)
            }
        }
        guard !codes.isEmpty else { return }
        try await session.execute("SAVEPOINT codes")
        let owner = owner
        let copied = try await session.copy(
            into: "codes", columns: ["code", "owner", "tenant"], tolerating: Session.uniqueViolation
        ) { [codes, owners] index in
            guard index == 0 else { return nil }
            var rows = CopyRows(capacity: codes.count * (32 + owner.utf8.count))
            for (code, tenant) in zip(codes, owners) {
                rows.field(code)
                rows.field(owner)
                rows.lastField(tenant)
            }
            return rows.buffer
        }
        guard copied == .refused else {
            try await session.execute("RELEASE SAVEPOINT codes")
            return
        }
        try await session.execute("ROLLBACK TO SAVEPOINT codes")
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
            if let other = holderOf[code], other == RedeemedCode(owner: owner, tenant: tenant) {
                // Still recorded for this very tenant (its stored document no longer listed it,
                // e.g. edited by hand): it stays.
                continue
            } else if let other = holderOf[code] {
                problems.append(
                    .error(
                        CrossTenantError.codeOfOtherOwner(
                            code: shown, tenant: tenant, owner: other.tenant, otherOwner: other.owner,
                            location: "postgres:\(other.owner)/\(other.tenant)"
                        ).message))
            } else {
                problems.append(PostgresStateError.codeTwiceInPlan(code: shown, tenant: tenant).diagnostic)
            }
        }
        guard problems.isEmpty else { throw StateStoreError(problems) }
    }

    /// Changed tenants whose journal lines make one part of the journal's copy (about 8,000
    /// lines on the benchmark's repo).
    static let journalTenants = 64

    /// Copies one apply's journal rows in, part by part as `part(i)` gives them (`nil` after the
    /// last): positions 1, 2, … in line order over all parts.
    private func insertJournal(applyID: Int, part: @escaping @Sendable (Int) -> [String]?) async throws(StateStoreError)
    {
        let apply = String(applyID)
        let positions = Counter()
        _ = try await session.copy(into: "journal", columns: ["apply_id", "position", "line"]) { index in
            guard let lines = part(index) else { return nil }
            var rows = CopyRows(capacity: lines.reduce(0) { $0 + $1.utf8.count + 24 })
            for line in lines {
                rows.field(apply)
                rows.field(String(positions.next()))
                rows.lastField(line)
            }
            return rows.buffer
        }
    }

    /// ``insertJournal(applyID:part:)`` of lines at hand, in parts of 8,192.
    private func insertJournal(_ lines: [String], applyID: Int) async throws(StateStoreError) {
        guard !lines.isEmpty else { return }
        let size = 8192
        try await insertJournal(applyID: applyID) { index in
            let start = index * size
            guard start < lines.count else { return nil }
            return Array(lines[start..<min(lines.count, start + size)])
        }
    }

    /// The body of ``PostgresStateStore/restore(_:holder:)``.
    func restore(_ snapshot: StateSnapshot) async throws(StateStoreError) {
        try await session.createSchemaIfNeeded()
        let counts =
            try await session.rows(
                """
                SELECT (SELECT count(*) FROM licensectl.tenants WHERE owner = \(owner)),
                       (SELECT count(*) FROM licensectl.journal WHERE apply_id = ANY(ARRAY(SELECT id FROM licensectl.applies WHERE owner = \(owner))))
                """, as: (Int, Int).self
            ).first ?? (0, 0)
        guard counts == (0, 0) else {
            throw StateStoreError(
                .destinationNotEmpty(url: "\(store.url)", owner: owner, tenants: counts.0, journalLines: counts.1))
        }
        _ = try await store(snapshot.documents, stored: [])
        try await recordCodes(snapshot.documents)
        // One history entry per original apply (consecutive lines with the same `apply`); every
        // line must be an event.
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
            try await insertJournal(group.lines, applyID: applyID)
        }
        let sent = !session.connection.isClosed
        do throws(StateStoreError) {
            try await session.execute("COMMIT")
        } catch {
            throw session.explainingConnectionLoss(error, run: .migrate, committing: sent)
        }
        await finish()
    }
}
/// 1, 2, 3, … across the parts of one copy (called from one task at a time, in order).
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var last = 0

    func next() -> Int {
        lock.withLock {
            last += 1
            return last
        }
    }
}
#endif
