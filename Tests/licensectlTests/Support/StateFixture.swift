import Foundation
import PostgresTestSupport
import Testing

/// The state backends an end-to-end test runs on (docs/state.md §5, §5.1): the state directory,
/// and PostgreSQL when the tests are built with the `PostgreSQL` trait (then `licensectl` is too).
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case directory, postgres

    /// The backends of this build.
    static var all: [Backend] {
        #if PostgreSQL
        [.directory, .postgres]
        #else
        [.directory]
        #endif
    }

    var testDescription: String { rawValue }
}

/// A license repo and its state on one backend: a temporary repo whose state is its `state/`
/// folder, or a fresh database on the suite's cluster (`LICENSECTL_STATE`, owner `default`)
/// with the repo's `state/` migrated into it and removed, so that every command line of a
/// test stays the same on both backends. Suites using it carry `.postgresClusterOnDemand`.
struct StateFixture {
    let backend: Backend
    let repo: TempRepo
    /// `LICENSECTL_STATE=postgres://…` for PostgreSQL; nothing for the directory.
    let environment: [String: String]
    /// The database's URL (PostgreSQL only).
    let url: String?

    var root: String { repo.root }

    /// The example repo (docs: README walkthrough) with its shipped state unless `withState` is false.
    static func example(_ backend: Backend, withState: Bool = true, label: String) throws -> StateFixture {
        try StateFixture(backend, repo: TempRepo.example(withState: withState, label: label))
    }

    /// `repo` on `backend`; for PostgreSQL its `state/` (if any) is migrated into a fresh
    /// database, then removed.
    init(_ backend: Backend, repo: TempRepo) throws {
        self.backend = backend
        self.repo = repo
        guard backend == .postgres else {
            environment = [:]
            url = nil
            return
        }
        let cluster = try PostgresCluster.suiteCluster()
        let url = cluster.url(database: try cluster.createDatabase())
        self.url = url
        environment = ["LICENSECTL_STATE": url]
        if repo.exists("state/tenants") {
            let migrate = try licensectl(["state", "migrate", "-C", repo.root, "--from", "state", "--to", url])
            try #require(migrate.status == 0, "\(migrate)")
            try FileManager.default.removeItem(atPath: repo.path("state"))
        }
    }

    /// Runs `licensectl` with this state.
    func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> CLIRun {
        try licensectl(arguments, environment: environment.merging(extra) { _, new in new })
    }

    /// Starts `licensectl` with this state without waiting.
    func start(_ arguments: [String], environment extra: [String: String] = [:]) throws -> RunningCommand {
        try startLicensectl(arguments, environment: environment.merging(extra) { _, new in new })
    }

    /// How diagnostics name a tenant's stored document (docs/README.md §8 "PostgreSQL").
    func place(ofTenant tenant: String) -> String {
        backend == .postgres ? "postgres:default/\(tenant)" : "state/tenants/\(tenant).json"
    }

    /// Where the tenant documents are, as messages name it.
    var tenantsPlace: String { backend == .postgres ? "postgres:default" : "state/tenants" }

    /// `text` as the directory backend would print it: places in stored state renamed from this
    /// backend's to the directory's (the only bytes allowed to differ, docs/README.md §8).
    func asDirectory(_ text: String) -> String {
        guard backend == .postgres else { return text }
        var out = text
        let pattern = try? NSRegularExpression(pattern: "postgres:default/([a-z0-9-]+)")
        if let pattern {
            out = pattern.stringByReplacingMatches(
                in: out, range: NSRange(out.startIndex..., in: out), withTemplate: "state/tenants/$1.json")
        }
        return out.replacingOccurrences(of: "postgres:default", with: "state/tenants")
    }

    /// The recorded state as a state directory's files (`state/tenants/<t>.json`,
    /// `state/journal.jsonl`) by repo-relative path: the directory itself, or the database
    /// exported by `state migrate` into a scratch folder (documents re-serialized canonically,
    /// byte-identical to the directory's).
    func stateFiles() throws -> [String: Data] {
        guard backend == .postgres, let url else {
            return repo.files(under: "state").filter { $0.key != "state/.lock" }
        }
        let scratch = try TempRepo(label: "export")
        defer { scratch.remove() }
        let export = try licensectl(["state", "migrate", "-C", scratch.root, "--from", url, "--to", "state"])
        guard export.status == 0 else {
            // Nothing recorded yet: an empty export is refused as "no state"; say so as no files.
            if export.stderr.contains("holds no state") { return [:] }
            Issue.record("state export failed: \(export)")
            return [:]
        }
        return scratch.files(under: "state").filter { $0.key != "state/.lock" }
    }

    func remove() { repo.remove() }

    // The repo's files, as ``TempRepo``.
    func path(_ relative: String) -> String { repo.path(relative) }
    func read(_ relative: String) throws -> String { try repo.read(relative) }
    func write(_ relative: String, _ text: String) throws { try repo.write(relative, text) }
    func exists(_ relative: String) -> Bool { repo.exists(relative) }
    func files(under relative: String = "") -> [String: Data] { repo.files(under: relative) }

    /// Every file of the repo and of its recorded state (for PostgreSQL the export, under
    /// `state/`), without the lock file: what a command that must change nothing compares.
    func everything() throws -> [String: Data] {
        repo.files().filter { $0.key != "state/.lock" }.merging(try stateFiles()) { _, exported in exported }
    }
}
