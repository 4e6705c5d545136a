#if PostgreSQL
import Foundation
import LicenseKit
import LicenseKitPostgres
import PostgresTestSupport
import Testing

/// Schema version 2 and the upgrade of a version-1 database in place (docs/state.md §5.1
/// "Upgrade from version 1"): reads leave a version-1 schema as it is, the first apply upgrades it in its
/// transaction, and the documents, codes and journal written by version 1 stay intact; what
/// version 2 writes with `COPY` comes back byte-identical.
@Suite(.postgresCluster, .timeLimit(.minutes(10))) struct PostgresSchemaUpgradeTests {
    let holder = LockHolder(host: "test-host", pid: 4242, start: Example.instant("2026-11-29T10:00:00Z"))

    /// The version-1 DDL, as licensectl created it before version 2.
    static func versionOneSchema() throws -> String {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        return try String(contentsOf: folder.appendingPathComponent("Fixtures/schema-v1.sql"), encoding: .utf8)
    }

    @Test func theFirstApplyUpgradesAVersionOneSchemaKeepingDocumentsCodesAndJournal() async throws {
        let (cluster, database, store) = try PostgresStateStoreTests.fresh()
        let repo = try Example()
        defer { repo.remove() }
        let directory = StateStore(root: repo.root, directory: "state", crashAfter: nil)

        // Version 1 with the state of a first apply, rows as version 1 wrote them.
        let first = repo.plan(at: "2025-01-01", states: [:])
        _ = try directory.apply(first, lockTimeout: 0, startTime: holder.start)
        try cluster.sql(try Self.versionOneSchema(), database: database)
        try cluster.sql(try Self.versionOneRows(directory), database: database)
        let licenses = try directory.loadAll().values.reduce(0) { $0 + $1.document.licenses.count }
        #expect(try cluster.sql("SELECT count(*) FROM licensectl.codes", database: database) == "\(licenses)\n")

        // Reads work on version 1 and change nothing.
        #expect(try await store.load().keys.sorted() == directory.loadAll().keys.sorted())
        #expect(try await store.snapshot().journal.map { $0 + "\n" }.joined() == repo.read("state/journal.jsonl"))
        #expect(try await store.history().count == 1)
        #expect(try Self.version(cluster, database) == "1")
        #expect(try Self.foreignKeys(cluster, database) == "2")

        // The next apply upgrades the schema in its transaction and writes as version 2.
        for at in ["2026-11-01", "2026-12-21"] {
            let fromDirectory = repo.plan(at: at, states: try directory.loadAll())
            let fromPostgres = repo.plan(at: at, states: try await store.load())
            #expect(fromPostgres.tenants == fromDirectory.tenants)
            #expect(fromDirectory.hasChanges)
            _ = try directory.apply(fromDirectory, lockTimeout: 0, startTime: holder.start)
            let lease = try await store.lock(tenants: fromPostgres.tenants.map(\.tenant), timeout: 0, holder: holder)
            _ = try await lease.commit(fromPostgres)
            #expect(try Self.version(cluster, database) == "2")
        }

        #expect(try Self.foreignKeys(cluster, database) == "0")
        #expect(
            try cluster.sql(
                """
                SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns
                WHERE table_schema = 'licensectl' AND table_name = 'journal'
                """, database: database) == "apply_id,position,line\n")
        #expect(
            try cluster.sql(
                "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'licensectl'",
                database: database) == "applies_owner,applies_pkey,codes_pkey,journal_apply,tenants_pkey\n")
        for (name, prior) in try await store.load() {
            #expect(prior.document.canonicalJSON() == repo.read("state/tenants/\(name).json"), "\(name) differs")
        }
        #expect(try await store.snapshot().journal.map { $0 + "\n" }.joined() == repo.read("state/journal.jsonl"))
        #expect(try await store.history().map(\.at) == ["2025-01-01", "2026-11-01", "2026-12-21"].map(Example.instant))
        // Every recorded code once, with its tenant: the old rows were replaced, none left over.
        let codes = try directory.loadAll().values.flatMap { prior in
            prior.document.licenses.map { "\($0.code.canonical)|\(prior.document.tenant)" }
        }
        #expect(
            try cluster.sql(
                "SELECT string_agg(code || '|' || tenant, E'\\n' ORDER BY code) FROM licensectl.codes WHERE owner = 'default'",
                database: database) == codes.sorted().joined(separator: "\n") + "\n")
    }

    @Test func aFreshDatabaseGetsVersionTwo() async throws {
        let (cluster, database, store) = try PostgresStateStoreTests.fresh()
        let repo = try Example()
        defer { repo.remove() }
        let plan = repo.plan(at: "2025-01-01", states: [:])
        _ = try await store.lock(tenants: plan.tenants.map(\.tenant), timeout: 0, holder: holder).commit(plan)
        #expect(try Self.version(cluster, database) == "2")
        #expect(try Self.foreignKeys(cluster, database) == "0")
        #expect(
            try cluster.sql("SELECT count(*) FROM licensectl.journal", database: database)
                == "\(StateStore.journalLines(of: plan).count)\n")
    }

    /// Documents and journal lines go through `COPY`'s text format, where a backslash, tab,
    /// newline or carriage return inside a value must be escaped: a document whose strings hold
    /// them (JSON escapes them as `\\`, `\"`, `\t`, `\n`, …) comes back byte-identical.
    @Test func valuesWithBackslashesAndControlCharactersSurviveTheCopy() async throws {
        let (_, _, store) = try PostgresStateStoreTests.fresh()
        let repo = try Example()
        defer { repo.remove() }
        var plan = repo.plan(at: "2025-01-01", states: [:])
        let index = try #require(plan.tenants.firstIndex { $0.tenant == "acme-water" })
        var document = try #require(plan.tenants[index].newState)
        let odd = "tenants/we\\ird \"name\"\t\n\r.yaml:3"
        document.licenses[0].source = odd
        plan.tenants[index].newState = document
        _ = try await store.lock(tenants: plan.tenants.map(\.tenant), timeout: 0, holder: holder).commit(plan)
        let stored = try #require(try await store.load()["acme-water"])
        #expect(stored.document.licenses.contains { $0.source == odd })
        #expect(stored.document.canonicalJSON() == document.canonicalJSON())
        #expect(try await store.snapshot().journal == StateStore.journalLines(of: plan))
    }

    static func version(_ cluster: PostgresCluster, _ database: String) throws -> String {
        try cluster.sql("SELECT version FROM licensectl.schema_version", database: database)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func foreignKeys(_ cluster: PostgresCluster, _ database: String) throws -> String {
        try cluster.sql(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = 'licensectl'::regnamespace",
            database: database
        ).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The rows version 1 wrote for the directory's state (owner `default`, one apply): each
    /// document, each of its codes, the history row and one journal row per line with its
    /// `owner`, `tenant`, `at` and `action` columns.
    static func versionOneRows(_ directory: StateStore) throws -> String {
        var sql = ["BEGIN"]
        let documents = try directory.loadAll().values.map(\.document).sorted { $0.tenant < $1.tenant }
        for document in documents {
            sql.append(
                """
                INSERT INTO licensectl.tenants VALUES ('default', '\(document.tenant)', $d$\(document.canonicalJSON())$d$::jsonb,
                    '\(document.lineage)', \(document.serial), '\(document.appliedAt)')
                """)
            for license in document.licenses {
                sql.append(
                    "INSERT INTO licensectl.codes VALUES ('\(license.code.canonical)', 'default', '\(document.tenant)')"
                )
            }
        }
        let journal = try directory.snapshot().journal
        sql.append(
            """
            INSERT INTO licensectl.applies (owner, kind, at, inputs_digest, host, pid, started_at, ended_at, tenants, events)
            VALUES ('default', 'apply', '2025-01-01T00:00:00Z', 'sha256:00', 'test-host', 4242, '2026-11-29T10:00:00Z',
                    '2026-11-29T10:00:01Z', \(documents.count), \(journal.count))
            """)
        for (index, line) in journal.enumerated() {
            let fields = try StateSnapshot.fields(ofJournalLine: line, place: "journal", lineNumber: index + 1)
            sql.append(
                """
                INSERT INTO licensectl.journal VALUES (1, \(index + 1), 'default', '\(fields.tenant)', '\(fields.at)',
                    '\(fields.action)', $l$\(line)$l$)
                """)
        }
        sql.append("COMMIT")
        return sql.joined(separator: ";\n")
    }
}
#endif
