#if PostgreSQL
import Foundation
import PostgresTestSupport
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `licensectl apply --state postgres://…` as a process, against a real server (docs/state.md §5.1,
/// docs/cli.md §5.2): killed with SIGKILL at any moment, eight shard applies at once, overlapping
/// applies, and the codes of other owners refused by `plan`. One cluster for the suite, one
/// database per apply.
///
/// Every comparison is of the state exported by `state migrate` into a directory: documents
/// byte-identical, the journal equal (its order aside where applies ran at the same time).
@Suite(.postgresCluster, .serialized, .timeLimit(.minutes(10))) struct PostgresCLITests {
    static let tenantCount = 300

    /// A generated repo applied at T1 into a fresh database (the baseline), and the state an
    /// uninterrupted apply at T2 leaves (from a copy of the baseline in another database).
    struct Fixture {
        var repo: TempRepo
        var cluster: PostgresCluster
        var baseline: String
        var reference: [String: Data]
        var old: [String: Data]
        var referenceSeconds: Double

        func remove() { repo.remove() }
    }

    static func cluster() throws -> PostgresCluster { try #require(PostgresCluster.current) }

    static func freshDatabase(_ cluster: PostgresCluster) throws -> String {
        cluster.url(database: try cluster.createDatabase())
    }

    static func apply(
        _ repo: TempRepo, _ url: String, at: String, _ extra: [String] = [], environment: [String: String] = [:]
    )
        throws -> CLIRun
    {
        try licensectl(
            ["apply", "-C", repo.root, "--state", url, "--at", at, "--yes"] + extra, environment: environment)
    }

    static func start(_ repo: TempRepo, _ url: String, at: String, _ extra: [String] = []) throws -> RunningCommand {
        try startLicensectl(["apply", "-C", repo.root, "--state", url, "--at", at, "--yes"] + extra)
    }

    /// The state of `url` as a state directory's files (see ``StateFixture/stateFiles()``).
    static func export(_ url: String) throws -> [String: Data] {
        let scratch = try TempRepo(label: "pg-export")
        defer { scratch.remove() }
        let run = try licensectl(["state", "migrate", "-C", scratch.root, "--from", url, "--to", "state"])
        if run.status != 0, run.stderr.contains("holds no state") { return [:] }
        try #require(run.status == 0, "\(run)")
        return scratch.files(under: "state").filter { $0.key != "state/.lock" }
    }

    static func journal(_ files: [String: Data]) -> [String] {
        String(decoding: files["state/journal.jsonl"] ?? Data(), as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// The journal's events, sorted, without their `seq` (numbered over each apply: shards
    /// number their own events, docs/state.md §5 "Journal lines").
    static func events(_ files: [String: Data]) -> [String] {
        journal(files).map { $0.replacingOccurrences(of: #","seq":[0-9]+,"#, with: ",", options: .regularExpression) }
            .sorted()
    }

    static func makeFixture() throws -> Fixture {
        let cluster = try cluster()
        let repo = try GeneratedRepo.make(tenants: tenantCount, label: "pg-crash")
        let baseline = try freshDatabase(cluster)
        let first = try apply(repo, baseline, at: GeneratedRepo.t1)
        try #require(first.status == 0, "\(first)")
        let old = try export(baseline)
        let reference = try copyOf(old, cluster)
        let second = try apply(repo, reference, at: GeneratedRepo.t2)
        try #require(second.status == 0, "\(second)")
        #expect(
            second.stdout.hasSuffix(
                "\(tenantCount) tenant(s) written, \(tenantCount + (tenantCount + 2) / 3) event(s) journaled.\n"),
            "\(second.stdout.suffix(200))")
        return Fixture(
            repo: repo, cluster: cluster, baseline: baseline, reference: try export(reference), old: old,
            referenceSeconds: second.seconds)
    }

    /// A new database holding `files` (a state directory's), through `state migrate`.
    static func copyOf(_ files: [String: Data], _ cluster: PostgresCluster) throws -> String {
        let url = try freshDatabase(cluster)
        let scratch = try TempRepo(label: "pg-import")
        defer { scratch.remove() }
        for (path, bytes) in files { try scratch.write(path, String(decoding: bytes, as: UTF8.self)) }
        let before = scratch.files()
        let run = try licensectl(["state", "migrate", "-C", scratch.root, "--from", "state", "--to", url])
        try #require(run.status == 0, "\(run)")
        // Reading the source creates nothing, not even state/.lock (a newcomer's attack run).
        #expect(Set(scratch.files().keys) == Set(before.keys))
        return url
    }

    /// After a kill: the database holds exactly the old state (one transaction: nothing of the
    /// killed apply), or exactly the new one when the kill came after `COMMIT`.
    static func checkOldOrNew(_ url: String, _ fixture: Fixture, _ label: String) throws -> Bool {
        let now = try export(url)
        if now == fixture.reference { return true }
        #expect(changedPaths(fixture.old, now) == [], "\(label): neither the old state nor the new one")
        return false
    }

    /// Reruns the apply at T2 and compares everything with the uninterrupted run.
    static func rerunConverges(_ url: String, _ fixture: Fixture, _ label: String) throws {
        let rerun = try apply(fixture.repo, url, at: GeneratedRepo.t2)
        #expect(rerun.status == 0, "\(label): \(rerun)")
        let final = try export(url)
        #expect(changedPaths(fixture.reference, final) == [], "\(label): differs from the uninterrupted run")
        let t2 = journal(final).filter { $0.contains("\"apply\":\"\(GeneratedRepo.t2)\"") }
        #expect(t2.count == tenantCount + (tenantCount + 2) / 3, "\(label): each T2 event exactly once")
        #expect(Set(t2).count == t2.count, "\(label): an event was journaled twice")
    }

    // MARK: - SIGKILL

    @Test func applyKilledAtEachStepLeavesTheOldStateAndTheRerunConverges() throws {
        let fixture = try Self.makeFixture()
        defer { fixture.remove() }
        // `locked`: every tenant lock taken, nothing written; `written`: every row written in
        // the transaction, COMMIT not sent.
        for step in ["locked", "written"] {
            let url = try Self.copyOf(fixture.old, fixture.cluster)
            let killed = try Self.apply(
                fixture.repo, url, at: GeneratedRepo.t2, environment: ["LICENSECTL_TEST_CRASH_AFTER": step])
            #expect(killed.signaled && killed.status == SIGKILL, "\(step): \(killed)")
            #expect(try !Self.checkOldOrNew(url, fixture, step), "\(step): the killed apply committed")
            // Nothing outlives the killed client: its locks are gone, the next apply takes them at once.
            try Self.rerunConverges(url, fixture, step)
        }
    }

    @Test func applyKilledAfterSeededRandomDelaysLeavesOldOrNewStateAndTheRerunConverges() throws {
        let fixture = try Self.makeFixture()
        defer { fixture.remove() }
        var interruptions = SeededInterruptions(
            seed: 0x9_0573_6E55, referenceSeconds: fixture.referenceSeconds, fractions: 0.2...1.1)
        let died = try interruptions.sigkill(rounds: 6) { _ in
            let url = try Self.copyOf(fixture.old, fixture.cluster)
            return (try Self.start(fixture.repo, url, at: GeneratedRepo.t2), url)
        } check: { url, run, label in
            let committed = try Self.checkOldOrNew(url, fixture, label)
            // An apply that exited 0 committed; a killed one committed only if the kill came
            // after its COMMIT.
            #expect(committed || run.signaled, "\(label): exited 0 without committing")
            try Self.rerunConverges(url, fixture, label)
        }
        #expect(died > 0, "no round was killed before the apply ended")
    }

    // MARK: - Shards and overlapping applies

    @Test func eightShardAppliesAtOnceEqualOneUnshardedApply() throws {
        let cluster = try Self.cluster()
        let repo = try GeneratedRepo.make(tenants: Self.tenantCount, label: "pg-shards")
        defer { repo.remove() }
        let whole = try Self.freshDatabase(cluster)
        let sharded = try Self.freshDatabase(cluster)
        let one = try Self.apply(repo, whole, at: GeneratedRepo.t1)
        #expect(one.status == 0, "\(one)")

        // All eight start before any ends; the first ones also race to create the schema.
        let running = try (1...8).map { try Self.start(repo, sharded, at: GeneratedRepo.t1, ["--shard", "\($0)/8"]) }
        let runs = running.map { $0.wait() }
        for (index, run) in runs.enumerated() {
            #expect(run.status == 0 && !run.signaled, "shard \(index + 1)/8: \(run)")
            #expect(run.stdout.contains("Apply complete at"), "shard \(index + 1)/8: \(run.stdout.suffix(200))")
        }
        let expected = try Self.export(whole)
        let got = try Self.export(sharded)
        #expect(expected.count == Self.tenantCount + 1)
        let documents = { (files: [String: Data]) in files.filter { $0.key.hasPrefix("state/tenants/") } }
        #expect(changedPaths(documents(expected), documents(got)) == [])
        // The journal: the same events, in shard-commit order instead of one apply's order.
        #expect(Self.events(got).count == Self.journal(expected).count)
        #expect(Self.events(got) == Self.events(expected))
        #expect(Set(Self.events(got)).count == Self.events(got).count)
    }

    @Test func anOverlappingApplyFailsAtOnceNamingTheHolderOrWaitsWithLockTimeout() throws {
        let cluster = try Self.cluster()
        let fixture = try StateFixtureless.example(cluster)
        defer { fixture.repo.remove() }
        let database = fixture.database
        // Another licensectl run (its application_name) holds acme-water's lock in an open
        // transaction, idle, like an apply between two queries.
        let holder = try cluster.startClient(
            """
            SET application_name = 'licensectl 4242 ci-1 2026-11-29T10:00:00Z';
            BEGIN;
            SELECT pg_advisory_xact_lock(hashtextextended('default/acme-water', 0));
            """, database: database)
        // Wait until the holder has the lock (its statements run on their own).
        let deadline = Date().addingTimeInterval(30)
        while try cluster.sql(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted", database: database) != "1\n",
            Date() < deadline
        {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let immediate = try Self.apply(fixture.repo, fixture.url, at: "2026-11-29")
        #expect(immediate.status == 1, "\(immediate)")
        #expect(immediate.seconds < 10, "\(immediate)")
        // The plan's warnings come first (it is planned before the locks are taken).
        #expect(
            immediate.stderr.hasSuffix(
                "\nlicensectl: error: tenant 'acme-water' is locked by pid 4242 on host ci-1 since 2026-11-29T10:00:00Z; wait or retry with --lock-timeout\n"
            ),
            "\(immediate)")
        #expect(immediate.stdout.contains("Plan: 5 tenants, 3 changed"), "the plan is shown before the lock")
        #expect(try Self.export(fixture.url) == fixture.before, "the refused apply changed state")

        // A selection that does not include the locked tenant goes ahead at once.
        let other = try Self.apply(fixture.repo, fixture.url, at: "2026-11-29", ["--target", "baltic-ports"])
        #expect(other.status == 0, "\(other)")

        // With --lock-timeout the apply waits, and applies when the holder ends.
        let waiting = try Self.start(fixture.repo, fixture.url, at: "2026-11-29", ["--lock-timeout", "60"])
        Thread.sleep(forTimeInterval: 1)
        kill(holder.pid, SIGKILL)
        cluster.reap(holder)
        let waited = waiting.wait()
        #expect(waited.status == 0, "\(waited)")
        #expect(waited.seconds >= 1, "\(waited)")
        #expect(
            waited.stdout.contains("Apply complete at 2026-11-29T00:00:00Z: 2 tenant(s) written, "),
            "\(waited.stdout.suffix(300))")

        // Both applies together journaled each event of one full apply exactly once.
        let reference = try Self.copyOf(fixture.before, cluster)
        let full = try Self.apply(fixture.repo, reference, at: "2026-11-29")
        #expect(full.status == 0, "\(full)")
        let expected = try Self.export(reference)
        let got = try Self.export(fixture.url)
        #expect(Self.events(got) == Self.events(expected))
        #expect(
            changedPaths(
                expected.filter { $0.key.hasPrefix("state/tenants/") },
                got.filter { $0.key.hasPrefix("state/tenants/") })
                == [])
    }

    /// A refused `state migrate` into a directory creates nothing (docs/state.md §5; newcomer run
    /// 7: it left `state/.lock` behind): a clone whose `state/` (from git, no `.lock`) holds state.
    @Test func aRefusedMigrateIntoADirectoryCreatesNoLock() throws {
        let cluster = try Self.cluster()
        let fixture = try StateFixtureless.example(cluster)
        defer { fixture.repo.remove() }
        let clone = try TempRepo.example(label: "pg-migrate-refused")
        defer { clone.remove() }
        let before = clone.files()
        let journalLines = try clone.read("state/journal.jsonl").split(separator: "\n").count
        let run = try licensectl(["state", "migrate", "-C", clone.root, "--from", fixture.url, "--to", "state"])
        #expect(run.status == 1, "\(run)")
        #expect(
            run.stderr
                == "licensectl: error: state already holds state (4 tenant file(s), \(journalLines) journal line(s)); migrate only into an empty destination\n",
            "\(run)")
        #expect(!clone.exists("state/.lock"))
        #expect(clone.files() == before)
        // Into a folder that does not exist, the copy goes ahead and creates it.
        let copy = try licensectl(["state", "migrate", "-C", clone.root, "--from", fixture.url, "--to", "copy"])
        #expect(copy.status == 0, "\(copy)")
        #expect(clone.exists("copy/tenants/acme-water.json"))
    }

    @Test func twoAppliesOnOverlappingTenantsAtOnceBothSucceedWithLockTimeoutAndLoseNoEvent() throws {
        let cluster = try Self.cluster()
        let repo = try GeneratedRepo.make(tenants: Self.tenantCount, label: "pg-overlap")
        defer { repo.remove() }
        let url = try Self.freshDatabase(cluster)
        let reference = try Self.freshDatabase(cluster)
        let one = try Self.apply(repo, reference, at: GeneratedRepo.t1)
        #expect(one.status == 0, "\(one)")
        // Shards 1-2 of 4 and 2-3 of 4 overlap in shard 2; then the whole repo.
        let first = try Self.start(repo, url, at: GeneratedRepo.t1, ["--shard", "2/4", "--lock-timeout", "120"])
        let second = try Self.start(repo, url, at: GeneratedRepo.t1, ["--lock-timeout", "120"])
        let runs = [first.wait(), second.wait()]
        for run in runs { #expect(run.status == 0 && !run.signaled, "\(run)") }
        let expected = try Self.export(reference)
        let got = try Self.export(url)
        #expect(
            changedPaths(
                expected.filter { $0.key.hasPrefix("state/tenants/") },
                got.filter { $0.key.hasPrefix("state/tenants/") })
                == [])
        #expect(Self.events(got) == Self.events(expected))
    }

    // MARK: - Codes of other owners

    @Test func planRefusesACodeAnotherOwnerRedeemedNamingThatOwnerAndTenant() throws {
        let cluster = try Self.cluster()
        let database = try cluster.createDatabase()
        let teamA = cluster.url(database: database, owner: "team-a")
        let teamB = cluster.url(database: database, owner: "team-b")
        let a = try TempRepo.example(withState: false, label: "owner-a")
        defer { a.remove() }
        let b = try TempRepo.example(withState: false, label: "owner-b")
        defer { b.remove() }
        let first = try Self.apply(a, teamA, at: "2025-01-01")
        #expect(first.status == 0, "\(first)")

        // Team B's repo holds the same manifests: every code of team A's tenants is taken.
        // A plan says so before anything is locked or written: 27 codes of another owner are
        // most likely a wrong `?owner=`, one error at the first code's CSV line (newcomer run 8
        // got one error per code, 873 lines).
        let plan = try licensectl(["plan", "-C", b.root, "--state", teamB, "--at", "2025-01-01"])
        #expect(plan.status == 1, "\(plan)")
        #expect(
            plan.stderr.contains(
                "fixtures/sales/acme-water-2024-12.csv:2:1: error: 27 codes of the manifests are already redeemed into tenants of owner 'team-a' of this database ('acme-water', 'baltic-ports', 'harbor-lights' and 2 more), the first: code 0D95-****-602F of tenant 'acme-water' in tenant 'acme-water' (postgres:team-a/acme-water); a code is redeemed into exactly one tenant: check ?owner= in the state URL — this database's tenants holding them belong to owner 'team-a'\n"
            ),
            "\(plan.stderr)")
        #expect(!plan.stderr.contains("0D95-1C95-602F"))
        #expect(plan.stderr.components(separatedBy: "is already redeemed").count == 1, "\(plan.stderr)")
        #expect(plan.stderr.components(separatedBy: "are already redeemed").count == 2, "\(plan.stderr)")
        #expect(plan.stderr.hasSuffix("nothing was written.\n"), "\(plan.stderr)")
        let apply = try Self.apply(b, teamB, at: "2025-01-01")
        #expect(apply.status == 1, "\(apply)")
        #expect(apply.stderr.contains("in tenant 'acme-water' (postgres:team-a/acme-water)"), "\(apply.stderr)")
        #expect(try Self.export(teamB).isEmpty)

        // The same repo for team A itself: its own codes are no conflict.
        let again = try licensectl(["plan", "-C", a.root, "--state", teamA, "--at", "2025-01-01"])
        #expect(again.status == 0, "\(again)")
    }
}

/// The example repo with its shipped state migrated into a fresh database.
private struct StateFixtureless {
    var repo: TempRepo
    var database: String
    var url: String
    var before: [String: Data]

    static func example(_ cluster: PostgresCluster) throws -> StateFixtureless {
        let repo = try TempRepo.example(label: "pg-lock")
        let database = try cluster.createDatabase()
        let url = cluster.url(database: database)
        let migrate = try licensectl(["state", "migrate", "-C", repo.root, "--from", "state", "--to", url])
        try #require(migrate.status == 0, "\(migrate)")
        try FileManager.default.removeItem(atPath: repo.path("state"))
        return StateFixtureless(repo: repo, database: database, url: url, before: try PostgresCLITests.export(url))
    }
}

/// The server stopped (`pg_ctl stop -m immediate`, like a crash of the database host) in the
/// middle of an apply: the apply ends with one error line (no hang, no password), and after a
/// restart the next apply converges to the uninterrupted run (docs/state.md §5.1). Its own
/// cluster: the restart would disturb the other suites.
@Suite(.postgresCluster, .serialized, .timeLimit(.minutes(10))) struct PostgresServerStopCLITests {
    @Test func aServerStoppedMidApplyEndsTheApplyWithAnErrorAndTheNextApplyConverges() throws {
        let fixture = try PostgresCLITests.makeFixture()
        defer { fixture.remove() }
        var interruptions = SeededInterruptions(
            seed: 0x5709_5E7F, referenceSeconds: fixture.referenceSeconds, fractions: 0.2...0.9)
        var interrupted = 0
        try interruptions.run(rounds: 3, interruption: "server stopped") { _ in
            let url = try PostgresCLITests.copyOf(fixture.old, fixture.cluster)
            return (try PostgresCLITests.start(fixture.repo, url, at: GeneratedRepo.t2), url)
        } interrupt: { _ in
            fixture.cluster.stopServer()
        } check: { url, run, label in
            #expect(!run.signaled, "\(label): \(run)")
            #expect(run.seconds < 60, "\(label): the apply hung")
            if run.status == 1 {
                interrupted += 1
                let lines = run.stderr.split(separator: "\n")
                #expect(
                    lines.last?.hasPrefix("licensectl: error: ") == true
                        || lines.last?.contains("nothing was written") == true,
                    "\(label): \(run.stderr)")
                #expect(!run.stderr.contains(fixture.cluster.password), "\(label): the password was printed")
            } else {
                #expect(run.status == 0, "\(label): \(run)")
            }
            try fixture.cluster.startServer()
            _ = try PostgresCLITests.checkOldOrNew(url, fixture, label)
            try PostgresCLITests.rerunConverges(url, fixture, label)
        }
        #expect(interrupted > 0, "the server never stopped before an apply ended")
    }

    /// The server stopped (`pg_ctl stop -m fast`) while an apply's `COPY` runs, round after
    /// round (newcomer run 8: 2 of ~20 such stops crashed with SIGILL in postgres-nio's
    /// `preconditionFailure("Copy mode is only supported for extended queries")`, 4 of 12
    /// printed `NIOPostgres error: connection closed`). The copy stops writing once the
    /// connection is closed (Session+Copy.swift): every round ends with exit 1 and the
    /// lost-connection message, nothing recorded; after a restart the next apply succeeds.
    /// postgres-nio's remaining window (one event-loop hop) is not closed by this: a rare crash
    /// would fail this test, which then should be rerun rather than relaxed.
    @Test func aServerStoppedMidCopyNeverCrashesAndSaysTheConnectionWasLost() throws {
        let cluster = try PostgresCLITests.cluster()
        let repo = try GeneratedRepo.make(tenants: PostgresCLITests.tenantCount, label: "pg-stop-copy")
        defer { repo.remove() }
        var stoppedMidCopy = 0
        for round in 1...8 {
            let database = try cluster.createDatabase()
            let url = cluster.url(database: database)
            let running = try PostgresCLITests.start(repo, url, at: GeneratedRepo.t1)
            var copying = false
            while !copying, running.process.isRunning {
                copying =
                    try cluster.sql(
                        """
                        SELECT count(*) FROM pg_stat_activity
                        WHERE datname = '\(database)' AND state = 'active' AND query LIKE 'COPY%'
                        """) == "1\n"
            }
            cluster.stopServer(immediately: false)
            let run = running.wait()
            try cluster.startServer()
            #expect(!run.signaled, "round \(round): \(run)")
            if copying, run.status == 1 {
                stoppedMidCopy += 1
                let last = String(run.stderr.split(separator: "\n").last ?? "")
                #expect(
                    last.contains(": the connection to the server was lost during the apply"), "round \(round): \(run)")
                #expect(try PostgresCLITests.export(url).isEmpty, "round \(round): state recorded")
                if stoppedMidCopy == 1 {
                    let again = try PostgresCLITests.apply(repo, url, at: GeneratedRepo.t1)
                    #expect(again.status == 0, "\(again)")
                }
            } else {
                #expect(run.status == 0, "round \(round): \(run)")
            }
        }
        #expect(stoppedMidCopy > 0, "the server never stopped during a COPY")
    }

    /// The server stopped (`pg_ctl stop -m fast`, as `systemctl stop` does) while an apply waits
    /// for a tenant's lock: the error says what a person must know (newcomer run 7): nothing was
    /// recorded, start the server and apply again. After a restart, state is unchanged and the
    /// next apply succeeds.
    @Test func aServerStoppedMidApplySaysNothingWasRecordedAndToApplyAgain() throws {
        let cluster = try PostgresCLITests.cluster()
        let fixture = try StateFixtureless.example(cluster)
        defer { fixture.repo.remove() }
        let holder = try cluster.startClient(
            """
            SET application_name = 'licensectl 4242 ci-1 2026-11-29T10:00:00Z';
            BEGIN;
            SELECT pg_advisory_xact_lock(hashtextextended('default/acme-water', 0));
            """, database: fixture.database)
        let waiting = try PostgresCLITests.start(
            fixture.repo, fixture.url, at: "2026-11-29", ["--lock-timeout", "120"])
        // Both in a transaction: the holder, and the apply waiting for acme-water's lock.
        let deadline = Date().addingTimeInterval(60)
        while try cluster.sql(
            """
            SELECT count(*) FROM pg_stat_activity
            WHERE application_name LIKE 'licensectl %' AND xact_start IS NOT NULL
            """, database: fixture.database) != "2\n",
            Date() < deadline
        {
            Thread.sleep(forTimeInterval: 0.05)
        }
        cluster.stopServer(immediately: false)
        kill(holder.pid, SIGKILL)
        cluster.reap(holder)
        let run = waiting.wait()
        try cluster.startServer()
        #expect(run.status == 1 && !run.signaled, "\(run)")
        let last = String(run.stderr.split(separator: "\n").last ?? "")
        #expect(last.hasPrefix("licensectl: error: PostgreSQL state postgres://"), "\(run)")
        #expect(last.contains(": the connection to the server was lost during the apply"), "\(run)")
        #expect(
            last.hasSuffix(
                "; nothing was recorded: the server rolled the apply's transaction back. Start the server (or restore the connection) and run apply again"
            ), "\(run)")
        #expect(!run.stderr.contains(cluster.password), "the password was printed")
        #expect(try PostgresCLITests.export(fixture.url) == fixture.before, "state changed")
        let again = try PostgresCLITests.apply(fixture.repo, fixture.url, at: "2026-11-29")
        #expect(again.status == 0, "\(again)")
        #expect(try PostgresCLITests.export(fixture.url) != fixture.before)
    }
}
#endif
