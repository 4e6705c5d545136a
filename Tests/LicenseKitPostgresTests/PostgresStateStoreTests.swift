#if PostgreSQL
import Foundation
import LicenseKit
import LicenseKitPostgres
import PostgresTestSupport
import Testing

/// The PostgreSQL state backend against a real server (docs/state.md §5.1, docs/README.md §8 "PostgreSQL"): one
/// throwaway cluster for the suite, one database per test.
///
/// Time limits are generous: in a whole `swift test` these async tests share Swift's
/// concurrency pool (one thread per core) with the end-to-end suites, whose tests block a
/// thread while `licensectl` runs, so a test may wait minutes for a thread. A hang still fails.
@Suite(.postgresCluster, .timeLimit(.minutes(10))) struct PostgresStateStoreTests {
    let holder = LockHolder(host: "test-host", pid: 4242, start: Example.instant("2026-11-29T10:00:00Z"))

    @Test func readsWithoutTheSchemaSeeEmptyStateAndCreateNothing() async throws {
        let (cluster, database, store) = try Self.fresh()
        #expect(try await store.load().isEmpty)
        #expect(try await store.history().isEmpty)
        #expect(try await store.snapshot().isEmpty)
        // A no-op apply and a refused one create nothing either.
        let lease = try await store.lock(tenants: ["acme-water"], timeout: 0, holder: holder)
        let result = try await lease.commit(
            Plan(at: Example.instant("2026-11-29"), inputsDigest: "sha256:00", tenants: [], diagnostics: []))
        #expect(result.written.isEmpty && result.journalLines == 0)
        let refused = try await store.lock(tenants: ["acme-water"], timeout: 0, holder: holder)
        await #expect(throws: StateStoreError("the plan has errors; nothing was written")) {
            try await refused.commit(
                Plan(
                    at: Example.instant("2026-11-29"), inputsDigest: "sha256:00", tenants: [],
                    diagnostics: [.error("bad")]))
        }
        #expect(
            try cluster.sql("SELECT count(*) FROM pg_namespace WHERE nspname = 'licensectl'", database: database)
                == "0\n")
    }

    @Test func appliesGiveTheDirectorysDocumentsJournalAndAHistory() async throws {
        let (_, _, store) = try Self.fresh()
        let repo = try Example()
        defer { repo.remove() }
        let directory = StateStore(root: repo.root, directory: "state", crashAfter: nil)

        for at in ["2025-01-01", "2026-11-01", "2026-12-21"] {
            let fromDirectory = repo.plan(at: at, states: try directory.loadAll())
            let fromPostgres = repo.plan(at: at, states: try await store.load())
            #expect(!fromDirectory.hasErrors && fromDirectory.hasChanges)
            #expect(fromPostgres.tenants == fromDirectory.tenants, "a plan over PostgreSQL state differs at \(at)")
            let written = try directory.apply(fromDirectory, lockTimeout: 0, startTime: holder.start)
            let lease = try await store.lock(tenants: fromPostgres.tenants.map(\.tenant), timeout: 0, holder: holder)
            let committed = try await lease.commit(fromPostgres)
            #expect(!lease.isHeld)
            #expect(committed.written.count == written.written.count)
            #expect(committed.journalLines == written.journalLines)
        }

        let documents = try await store.load()
        #expect(
            documents.keys.sorted() == [
                "acme-water", "baltic-ports", "harbor-lights", "nordlicht-ferries", "stadtwerke-nord",
            ])
        for (name, prior) in documents {
            #expect(prior.location == "postgres:default/\(name)")
            #expect(
                prior.document.canonicalJSON() == repo.read("state/tenants/\(name).json"),
                "\(name) is not byte-identical")
        }
        let journal = try await store.snapshot().journal
        #expect(journal.map { $0 + "\n" }.joined() == repo.read("state/journal.jsonl"))

        let history = try await store.history()
        #expect(history.map(\.at) == ["2025-01-01", "2026-11-01", "2026-12-21"].map(Example.instant))
        #expect(
            history.allSatisfy {
                $0.kind == "apply" && $0.holder == holder && $0.inputsDigest?.hasPrefix("sha256:") == true
            })
        #expect(history.map(\.events).reduce(0, +) == journal.count)
    }

    @Test func anUnchangedDocumentIsNotRewrittenAndAStalePlanIsRefusedInsideTheTransaction() async throws {
        let (_, _, store) = try Self.fresh()
        let repo = try Example()
        defer { repo.remove() }
        let plan = repo.plan(at: "2025-01-01", states: [:])
        _ = try await store.lock(tenants: plan.tenants.map(\.tenant), timeout: 0, holder: holder).commit(plan)
        // The same plan again: every tenant had no state when planned, and has now.
        let again = try await store.lock(tenants: plan.tenants.map(\.tenant), timeout: 0, holder: holder)
        await #expect {
            try await again.commit(plan)
        } throws: { error in
            "\(error)".contains("stale plan: tenant 'acme-water' had no state when planned, now it has serial 1")
        }
        #expect(try await store.history().count == 1)
    }

    @Test func twoOwnersCannotRedeemOneCode() async throws {
        let (cluster, database, teamA) = try Self.fresh(owner: "team-a")
        let teamB = try Self.store(cluster, database, owner: "team-b")
        let repo = try Example()
        defer { repo.remove() }
        let plan = repo.plan(at: "2025-01-01", states: [:])
        _ = try await teamA.lock(tenants: plan.tenants.map(\.tenant), timeout: 0, holder: holder).commit(plan)

        let lease = try await teamB.lock(tenants: plan.tenants.map(\.tenant), timeout: 0, holder: holder)
        await #expect {
            try await lease.commit(plan)
        } throws: { error in
            let text = "\(error)"
            return text.contains(
                "code 0D95-****-602F of tenant 'acme-water' is already redeemed into tenant 'acme-water' of owner 'team-a' (postgres:team-a/acme-water)"
            )
                && !text.contains("0D95-1C95-602F")
        }
        #expect(try await teamB.load().isEmpty)
        #expect(try await teamB.history().isEmpty)
        let foreign = try await teamB.codesOfOtherOwners()
        #expect(foreign["0D95-1C95-602F"] == RedeemedCode(owner: "team-a", tenant: "acme-water"))
        #expect(try await teamA.codesOfOtherOwners().isEmpty)

        // What a plan reads carries them (docs/state.md §5.1), and the plan refuses them, naming
        // the other owner and tenant: the 27 codes of the example repo as one error.
        let loaded = try await teamB.loadEach()
        let code = try ActivationCode(parsing: "0D95-1C95-602F")
        #expect(
            loaded.codesOfOtherOwners[code]
                == OtherOwnersCode(owner: "team-a", tenant: "acme-water", location: "postgres:team-a/acme-water"))
        #expect(try await teamA.loadEach().codesOfOtherOwners.isEmpty)
        let refused = Reconciler.plan(
            repo: LicenseRepoLoader.load(root: repo.root), states: loaded.states, at: Example.instant("2025-01-01"),
            codesOfOtherOwners: loaded.codesOfOtherOwners)
        #expect(
            refused.diagnostics.contains {
                $0.severity == .error
                    && $0.message
                        == "27 codes of the manifests are already redeemed into tenants of owner 'team-a' of this database ('acme-water', 'baltic-ports', 'harbor-lights' and 2 more), the first: code 0D95-****-602F of tenant 'acme-water' in tenant 'acme-water' (postgres:team-a/acme-water); a code is redeemed into exactly one tenant: check ?owner= in the state URL — this database's tenants holding them belong to owner 'team-a'"
            })
        let reading = try await teamB.lock(tenants: ["acme-water"], timeout: 0, holder: holder)
        #expect(try await reading.loadEach().codesOfOtherOwners[code]?.owner == "team-a")
        await reading.release()
    }

    /// A plan reads of other owners' codes only those its manifests name (one query with the
    /// codes as an array), not every code in the database.
    @Test func aPlanReadsOnlyTheOtherOwnersCodesItsManifestsName() async throws {
        let (cluster, database, teamA) = try Self.fresh(owner: "team-a")
        let teamB = try Self.store(cluster, database, owner: "team-b")
        let repo = try Example()
        defer { repo.remove() }
        let plan = repo.plan(at: "2025-01-01", states: [:])
        _ = try await teamA.lock(tenants: plan.tenants.map(\.tenant), timeout: 0, holder: holder).commit(plan)
        let recorded = try Int(
            cluster.sql("SELECT count(*) FROM licensectl.codes", database: database)
                .trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(recorded ?? 0 > 2)

        let named = try ActivationCode(parsing: "0D95-1C95-602F")
        let unknown = try ActivationCode(parsing: "0000-0000-0001")
        let expected = [
            named: OtherOwnersCode(owner: "team-a", tenant: "acme-water", location: "postgres:team-a/acme-water")
        ]
        #expect(try await teamB.loadEach(checkingCodes: [named, unknown]).codesOfOtherOwners == expected)
        #expect(try await teamB.loadEach(checkingCodes: []).codesOfOtherOwners.isEmpty)
        #expect(try await teamB.loadEach().codesOfOtherOwners.count == recorded)
        let backend = PostgresBackend(store: teamB)
        #expect(try backend.load(checkingCodes: [named, unknown]).codesOfOtherOwners == expected)
        let lease = try backend.lock(tenants: ["acme-water"], timeout: 0, holder: holder)
        #expect(try lease.load(checkingCodes: [named]).codesOfOtherOwners == expected)
        lease.release()
        // The owner's own codes are never among them.
        #expect(try await teamA.loadEach(checkingCodes: [named]).codesOfOtherOwners.isEmpty)
    }

    @Test func aNewerSchemaVersionIsRefused() async throws {
        let (cluster, database, store) = try Self.fresh()
        let repo = try Example()
        defer { repo.remove() }
        let plan = repo.plan(at: "2025-01-01", states: [:])
        _ = try await store.lock(tenants: plan.tenants.map(\.tenant), timeout: 0, holder: holder).commit(plan)
        #expect(PostgresStateStore.schemaVersion == 2)
        try cluster.sql("UPDATE licensectl.schema_version SET version = 3", database: database)
        let expected = StateStoreError(
            "PostgreSQL state \(store.url) has schema version 3, newer than this licensectl reads (2); upgrade licensectl"
        )
        await #expect(throws: expected) { try await store.load() }
        let lease = try await store.lock(tenants: ["acme-water"], timeout: 0, holder: holder)
        await #expect(throws: expected) { try await lease.load() }
        await lease.release()
    }

    @Test func aWrongPasswordIsOneLineWithoutThePassword() async throws {
        let cluster = try #require(PostgresCluster.current)
        let database = try cluster.createDatabase()
        let store = PostgresStateStore(
            url: try PostgresStateURL(
                parsing: cluster.url(database: database, password: "wrong-Secret-77"), environment: [:]))
        await #expect {
            try await store.load()
        } throws: { error in
            let text = "\(error)"
            return text
                == "licensectl: error: cannot connect to \(store.url): password authentication failed for user \"licensectl\" (SQLSTATE 28P01)"
                && !text.contains("wrong-Secret-77")
        }
    }

    @Test(arguments: [
        // A stopped server: where it was looked for and what to check, as libpq says (found by
        // a newcomer's attack run: "No such file or directory" alone).
        (
            "postgres://licensectl:Hidden-99@%2Ftmp%2Flctl-no-such-folder/db",
            "No such file or directory; tried the socket /tmp/lctl-no-such-folder/.s.PGSQL.5432: is the server running and accepting connections there?"
        ),
        (
            "postgres://licensectl:Hidden-99@127.0.0.1:1/db?sslmode=disable",
            "Connection refused; tried host 127.0.0.1 port 1: is the server running there and accepting TCP/IP connections?"
        ),
    ])
    func anUnreachableServerIsOneLineWithoutThePassword(text: String, reason: String) async throws {
        let store = PostgresStateStore(url: try PostgresStateURL(parsing: text, environment: [:]))
        await #expect {
            try await store.load()
        } throws: { error in
            let message = "\(error)"
            return message == "licensectl: error: cannot connect to \(store.url): \(reason)"
                && !message.contains("Hidden-99")
        }
    }

    @Test func disjointTenantsCommitAtTheSameTime() async throws {
        let (cluster, database, store) = try Self.fresh()
        let repo = try Example()
        defer { repo.remove() }
        let plan = repo.plan(at: "2025-01-01", states: [:])
        let first = try await store.lock(tenants: ["acme-water", "harbor-lights"], timeout: 0, holder: holder)
        let second = try await store.lock(
            tenants: ["nordlicht-ferries", "stadtwerke-nord"], timeout: 0, holder: holder)
        // Both first applies create the schema: one waits for the other's advisory lock.
        async let a = first.commit(Example.only(plan, ["acme-water", "harbor-lights"]))
        async let b = second.commit(Example.only(plan, ["nordlicht-ferries", "stadtwerke-nord"]))
        let (resultA, resultB) = try await (a, b)
        #expect(resultA.written == ["postgres:default/acme-water", "postgres:default/harbor-lights"])
        #expect(resultB.written == ["postgres:default/nordlicht-ferries", "postgres:default/stadtwerke-nord"])
        #expect(try await store.load().count == 4)
        #expect(try cluster.sql("SELECT count(*) FROM licensectl.schema_version", database: database) == "1\n")
    }

    @Test func anOverlappingApplyFailsAtOnceNamingTheHolder() async throws {
        let (_, _, store) = try Self.fresh()
        let first = try await store.lock(tenants: ["harbor-lights", "acme-water"], timeout: 0, holder: holder)
        let other = LockHolder(host: "ci-2", pid: 77, start: holder.start)
        await #expect(
            throws: StateStoreError(
                "tenant 'harbor-lights' is locked by pid 4242 on host test-host since 2026-11-29T10:00:00Z; wait or retry with --lock-timeout"
            )
        ) {
            try await store.lock(tenants: ["harbor-lights", "zeta"], timeout: 0, holder: other)
        }
        let clock = ContinuousClock()
        let started = clock.now
        await #expect(
            throws: StateStoreError(
                "tenant 'acme-water' is still locked by pid 4242 on host test-host since 2026-11-29T10:00:00Z after waiting 0.5 seconds; wait or retry with a longer --lock-timeout"
            )
        ) {
            try await store.lock(tenants: ["acme-water"], timeout: 0.5, holder: other)
        }
        #expect(clock.now - started >= .milliseconds(500))
        await first.release()
        let after = try await store.lock(tenants: ["acme-water", "harbor-lights"], timeout: 0, holder: other)
        await after.release()
    }

    @Test func anOverlappingApplyWaitsAndPlansOnTheCommittedState() async throws {
        let (_, _, store) = try Self.fresh()
        let repo = try Example()
        defer { repo.remove() }
        let plan = Example.only(repo.plan(at: "2025-01-01", states: [:]), ["harbor-lights"])
        let first = try await store.lock(tenants: ["harbor-lights"], timeout: 0, holder: holder)
        let waiting = Task {
            // Generous: in a whole swift test this test may wait minutes for a thread of the pool.
            let lease = try await store.lock(
                tenants: ["harbor-lights"], timeout: 600, holder: LockHolder(host: "ci-2", pid: 77, start: holder.start)
            )
            defer { Task { await lease.release() } }
            return try await lease.load()
        }
        try await Task.sleep(for: .milliseconds(300))
        _ = try await first.commit(plan)
        let seen = try await waiting.value
        #expect(seen["harbor-lights"]?.document.serial == 1)
    }

    @Test func aKilledClientLeavesTheOldStateAndReleasesItsLocks() async throws {
        let (cluster, database, _) = try Self.fresh()
        // A psql child takes a tenant's lock inside a transaction, stays idle in it (as licensectl
        // between two queries) and is killed with SIGKILL.
        let store = try Self.store(cluster, database, owner: "default")
        let child = try cluster.startClient(
            "BEGIN;\nSELECT pg_advisory_xact_lock(hashtextextended('default/acme-water', 0));", database: database)
        var message = ""
        for _ in 0..<100 {
            do {
                await (try await store.lock(tenants: ["acme-water"], timeout: 0, holder: holder)).release()
                try await Task.sleep(for: .milliseconds(50))
            } catch {
                message = "\(error)"
                break
            }
        }
        #expect(
            message
                == "licensectl: error: tenant 'acme-water' is locked by another session (application_name 'psql', not a licensectl run); wait or retry with --lock-timeout"
        )
        kill(child.pid, SIGKILL)
        cluster.reap(child)
        let lease = try await store.lock(tenants: ["acme-water"], timeout: 10, holder: holder)
        await lease.release()
    }

    /// A stored document whose status contradicts its appliedAt (a license 'active' past its
    /// expiresAt, 'available' past its stock expiry) is invalid as a state file is: the one validation serves both backends.
    @Test func aStoredDocumentWithAStatusItsAppliedAtContradictsIsInvalid() async throws {
        let (cluster, database, store) = try Self.fresh()
        let repo = try Example()
        defer { repo.remove() }
        let plan = Example.only(repo.plan(at: "2026-11-29", states: [:]), ["harbor-lights"])
        _ = try await store.lock(tenants: ["harbor-lights"], timeout: 0, holder: holder).commit(plan)
        try cluster.sql(
            """
            UPDATE licensectl.tenants SET document = jsonb_set(document, '{appliedAt}', '"2099-01-01T00:00:00Z"')
            WHERE name = 'harbor-lights'
            """, database: database)
        await #expect {
            try await store.load()
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("postgres:default/harbor-lights:1:1: error: licenses[")
                && text.contains(".status: '")
                && text.contains(" is not after appliedAt 2099-01-01T00:00:00Z; the apply at 2099-01-01T00:00:00Z ")
                // No file and no git in a database (newcomer run 6): the advice names the stored document.
                && text.hasSuffix(
                    "; nothing was changed: fix the stored document (licensectl.tenants.document) or restore it from a backup of the database"
                )
        }
    }

    /// A session that is not licensectl (psql) holding a tenant's row: the apply used to wait
    /// without end, ignoring --lock-timeout. It now gives up after --lock-timeout (0: at once),
    /// rolls back and names the session (found by a newcomer's attack run).
    @Test(arguments: [0.0, 0.5])
    func aForeignRowLockFailsAfterTheLockTimeoutNamingTheSession(timeout: Double) async throws {
        let (cluster, database, store) = try Self.fresh()
        let repo = try Example()
        defer { repo.remove() }
        let first = repo.plan(at: "2025-01-01", states: [:])
        _ = try await store.lock(tenants: first.tenants.map(\.tenant), timeout: 0, holder: holder).commit(first)
        let before = try await store.snapshot()
        let second = Example.only(repo.plan(at: "2026-11-01", states: try await store.load()), ["harbor-lights"])
        try #require(second.tenants.first?.changed == true)

        let child = try cluster.startClient(
            "BEGIN;\nSELECT * FROM licensectl.tenants WHERE name = 'harbor-lights' FOR UPDATE;", database: database)
        defer {
            kill(child.pid, SIGKILL)
            cluster.reap(child)
        }
        let (pid, since) = try await Self.psqlHoldingItsLock(cluster, database)

        let clock = ContinuousClock()
        let started = clock.now
        let lease = try await store.lock(tenants: ["harbor-lights"], timeout: timeout, holder: holder)
        let advice =
            timeout == 0
            ? "end that transaction, or wait for it with --lock-timeout"
            : "it still held the lock after 0.5 seconds; end that transaction or retry with a longer --lock-timeout"
        await #expect(
            throws: StateStoreError(
                "tenant 'harbor-lights' is locked by another session (pid \(pid), application_name 'psql', client local socket, in a transaction since \(since); not a licensectl run); \(advice)"
            )
        ) {
            try await lease.commit(second)
        }
        #expect(clock.now - started >= .milliseconds(timeout == 0 ? 100 : 500))
        #expect(clock.now - started < .seconds(60))
        #expect(try await store.snapshot() == before)
    }

    /// A table that another session locked (a person's `LOCK TABLE`, a migration) makes a read
    /// fail after the read wait, naming that session (newcomer run 6: `plan` hung silently).
    @Test func aReadBehindAForeignTableLockFailsNamingTheSession() async throws {
        let (cluster, database, plain) = try Self.fresh()
        let repo = try Example()
        defer { repo.remove() }
        let first = repo.plan(at: "2025-01-01", states: [:])
        _ = try await plain.lock(tenants: first.tenants.map(\.tenant), timeout: 0, holder: holder).commit(first)
        var store = plain
        store.readLockWait = 0.5
        let child = try cluster.startClient(
            "BEGIN;\nLOCK TABLE licensectl.tenants IN ACCESS EXCLUSIVE MODE;", database: database)
        defer {
            kill(child.pid, SIGKILL)
            cluster.reap(child)
        }
        let (pid, since) = try await Self.psqlHoldingItsLock(cluster, database)
        let clock = ContinuousClock()
        let started = clock.now
        await #expect(
            throws: StateStoreError(
                "PostgreSQL state \(store.url): table licensectl.tenants is locked by another session (pid \(pid), application_name 'psql', client local socket, in a transaction since \(since); not a licensectl run); reading waited 0.5 seconds for it: end that transaction, then run licensectl again"
            )
        ) {
            _ = try await store.load()
        }
        #expect(clock.now - started >= .milliseconds(500))
        #expect(clock.now - started < .seconds(60))
    }

    /// Once the server ends the connection mid-commit, COMMIT, ROLLBACK and close return at once
    /// with an error (they used to wait forever: Session.request).
    @Test
    func aLostConnectionMidCommitLeavesTheOldStateAndTheNextApplyConverges() async throws {
        let (cluster, database, plain) = try Self.fresh()
        let repo = try Example()
        defer { repo.remove() }
        let first = repo.plan(at: "2025-01-01", states: [:])
        _ = try await plain.lock(tenants: first.tenants.map(\.tenant), timeout: 0, holder: holder).commit(first)
        let before = try await plain.snapshot()
        let second = repo.plan(at: "2026-11-01", states: try await plain.load())

        var crashing = plain
        crashing.faultInjection = { step, lease in
            guard step == "written" else { return }
            let pid = try await lease.backendProcessID()
            try cluster.sql("SELECT pg_terminate_backend(\(pid))", database: database)
        }
        let lease = try await crashing.lock(tenants: second.tenants.map(\.tenant), timeout: 0, holder: holder)
        await #expect(throws: StateStoreError.self) { try await lease.commit(second) }
        #expect(try await plain.snapshot() == before)
        #expect(try await plain.history().count == 1)

        _ = try await plain.lock(tenants: second.tenants.map(\.tenant), timeout: 0, holder: holder).commit(second)
        let journal = try await plain.snapshot().journal
        #expect(journal.count == before.journal.count + StateStore.journalLines(of: second).count)
        #expect(Set(journal).count == journal.count, "an event was journaled twice")
    }

    @Test func migrateDirectoryToPostgresAndBackIsByteIdentical() async throws {
        let (_, _, store) = try Self.fresh(owner: "emea")
        let repo = try Example(withState: true)
        defer { repo.remove() }
        let holder = holder
        let source = StateLocation.directory(StateStore(root: repo.root, directory: "state", crashAfter: nil))
        let copied = try await Self.onOwnThread {
            try StateMigration.migrate(from: source, to: .postgres(store), holder: holder)
        }
        #expect(copied.documents.count == 4)
        let back = StateLocation.directory(StateStore(root: repo.root, directory: "state-copy", crashAfter: nil))
        _ = try await Self.onOwnThread { try StateMigration.migrate(from: .postgres(store), to: back, holder: holder) }
        for name in ["acme-water", "harbor-lights", "nordlicht-ferries", "stadtwerke-nord"] {
            let original = try #require(repo.read("state/tenants/\(name).json"))
            #expect(repo.read("state-copy/tenants/\(name).json") == original)
        }
        #expect(repo.read("state-copy/journal.jsonl") == repo.read("state/journal.jsonl"))
        #expect(try await store.history().map(\.kind) == ["migrate", "migrate"])

        await #expect(
            throws: StateStoreError(
                "\(store.url) already holds state for owner 'emea' (4 tenant(s), \(copied.journal.count) journal line(s)); migrate only into an empty destination"
            )
        ) {
            try await Self.onOwnThread {
                try StateMigration.migrate(from: source, to: .postgres(store), holder: holder)
            }
        }
        await #expect(
            throws: StateStoreError(
                "state-copy already holds state (4 tenant file(s), \(copied.journal.count) journal line(s)); migrate only into an empty destination"
            )
        ) {
            try await Self.onOwnThread { try StateMigration.migrate(from: .postgres(store), to: back, holder: holder) }
        }
    }

    /// Runs synchronous ``StateBackend`` code (which waits for PostgreSQL's asynchronous work)
    /// on a thread of its own, so that it never occupies a thread of Swift's pool.
    static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    // MARK: - Helpers

    /// The pid and transaction start of the `psql` client that ``PostgresCluster/startClient``
    /// started, once it sits idle in its transaction (holding what it locked).
    static func psqlHoldingItsLock(_ cluster: PostgresCluster, _ database: String) async throws -> (String, Instant) {
        var session = ""
        for _ in 0..<200 where session.isEmpty {
            session = try cluster.sql(
                """
                SELECT pid || ' ' || floor(extract(epoch FROM xact_start))::int8 FROM pg_stat_activity
                WHERE application_name = 'psql' AND state = 'idle in transaction' AND datname = current_database()
                """, database: database
            ).trimmingCharacters(in: .whitespacesAndNewlines)
            if session.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        }
        let parts = session.split(separator: " ")
        try #require(parts.count == 2)
        return (String(parts[0]), Instant(secondsSinceEpoch: try #require(Int64(parts[1]))))
    }

    static func fresh(owner: String = "default") throws -> (PostgresCluster, String, PostgresStateStore) {
        let cluster = try #require(PostgresCluster.current)
        let database = try cluster.createDatabase()
        return (cluster, database, try store(cluster, database, owner: owner))
    }

    static func store(_ cluster: PostgresCluster, _ database: String, owner: String) throws -> PostgresStateStore {
        PostgresStateStore(
            url: try PostgresStateURL(parsing: cluster.url(database: database, owner: owner), environment: [:]))
    }
}

/// The same backend when the server stops in the middle of an apply (its own cluster: the
/// restart would disturb the other suite's tests).
@Suite(.postgresCluster, .serialized, .timeLimit(.minutes(10))) struct PostgresServerStopTests {
    /// Once the server ends the connection mid-commit, COMMIT, ROLLBACK and close return at once
    /// with an error (they used to wait forever: Session.request).
    @Test
    func aServerStoppedMidApplyLeavesTheOldStateAndTheNextApplyConverges() async throws {
        let cluster = try #require(PostgresCluster.current)
        let database = try cluster.createDatabase()
        let holder = LockHolder(host: "test-host", pid: 4242, start: Example.instant("2026-11-29T10:00:00Z"))
        var store = PostgresStateStore(
            url: try PostgresStateURL(parsing: cluster.url(database: database), environment: [:]))
        let repo = try Example()
        defer { repo.remove() }
        let plan = repo.plan(at: "2025-01-01", states: [:])
        store.faultInjection = { step, _ in if step == "written" { cluster.stopServer() } }
        let lease = try await store.lock(tenants: plan.tenants.map(\.tenant), timeout: 0, holder: holder)
        await #expect(throws: StateStoreError.self) { try await lease.commit(plan) }
        try cluster.startServer()
        store.faultInjection = nil
        #expect(try await store.load().isEmpty)
        #expect(
            try cluster.sql("SELECT count(*) FROM pg_namespace WHERE nspname = 'licensectl'", database: database)
                == "0\n")
        let result = try await store.lock(tenants: plan.tenants.map(\.tenant), timeout: 0, holder: holder).commit(plan)
        #expect(result.written.count == 5)  // every tenant of the example repo is new
        #expect(try await store.snapshot().journal.count == StateStore.journalLines(of: plan).count)
    }

    /// Stopped after the locks were taken and before anything was written: the commit's error is
    /// the typed one that says nothing was recorded and to apply again (newcomer run 7), and
    /// after a restart nothing was recorded indeed.
    @Test func aServerStoppedBeforeTheWritesSaysNothingWasRecordedAndToApplyAgain() async throws {
        let cluster = try #require(PostgresCluster.current)
        let database = try cluster.createDatabase()
        let holder = LockHolder(host: "test-host", pid: 4242, start: Example.instant("2026-11-29T10:00:00Z"))
        let url = try PostgresStateURL(parsing: cluster.url(database: database), environment: [:])
        var store = PostgresStateStore(url: url)
        let repo = try Example()
        defer { repo.remove() }
        let plan = repo.plan(at: "2025-01-01", states: [:])
        store.faultInjection = { step, _ in if step == "locked" { cluster.stopServer() } }
        let lease = try await store.lock(tenants: plan.tenants.map(\.tenant), timeout: 0, holder: holder)
        var message = ""
        do {
            _ = try await lease.commit(plan)
        } catch {
            message = error.diagnostics.map(\.message).joined(separator: "\n")
        }
        try cluster.startServer()
        #expect(
            message.hasPrefix("PostgreSQL state \(url): the connection to the server was lost during the apply"),
            "\(message)")
        #expect(
            message.hasSuffix(
                "; nothing was recorded: the server rolled the apply's transaction back. Start the server (or restore the connection) and run apply again"
            ), "\(message)")
        #expect(!message.contains(cluster.password))
        store.faultInjection = nil
        #expect(try await store.load().isEmpty)
    }
}

/// A copy of the example license repo at the package root (manifests and CSV files; its
/// `state/` only when asked for) in a temporary folder.
struct Example {
    let root: String

    init(withState: Bool = false) throws {
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        root = FileManager.default.temporaryDirectory.appendingPathComponent("licensectl-pg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for folder in ["tenants", "fixtures"] + (withState ? ["state"] : []) {
            try FileManager.default.copyItem(
                atPath: package.appendingPathComponent(folder).path, toPath: root + "/" + folder)
        }
    }

    func plan(at: String, states: [String: PriorState]) -> Plan {
        Reconciler.plan(repo: LicenseRepoLoader.load(root: root), states: states, at: Self.instant(at))
    }

    func read(_ relative: String) -> String? {
        FileManager.default.contents(atPath: root + "/" + relative).map { String(decoding: $0, as: UTF8.self) }
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    static func instant(_ text: String) -> Instant { (try? Instant.parse(text)) ?? Instant(secondsSinceEpoch: 0) }

    /// The plan restricted to some tenants.
    static func only(_ plan: Plan, _ names: Set<String>) -> Plan {
        Plan(
            at: plan.at, inputsDigest: plan.inputsDigest, tenants: plan.tenants.filter { names.contains($0.tenant) },
            diagnostics: [])
    }
}
#endif
