import Foundation
import Testing

/// `--state` and `LICENSECTL_STATE` (docs/cli.md §6 "Defaults", §5.1): every command reads state
/// through the backend they name.
@Suite struct StateOptionTests {
    @Test func licensectlStateSetsTheDefaultStateOfEveryCommandAndStateOverridesIt() throws {
        let repo = try GeneratedRepo.make(tenants: 2, label: "state-env")
        defer { repo.remove() }
        let environment = ["LICENSECTL_STATE": "elsewhere"]
        let apply = try licensectl(
            ["apply", "-C", repo.root, "--at", GeneratedRepo.t1, "--yes"], environment: environment)
        #expect(apply.status == 0, "\(apply)")
        #expect(FileManager.default.fileExists(atPath: repo.root + "/elsewhere/tenants/t-000.json"))
        #expect(!FileManager.default.fileExists(atPath: repo.root + "/state"))

        let status = try licensectl(
            ["status", "-C", repo.root, "--at", GeneratedRepo.t1, "t-000"], environment: environment)
        #expect(status.status == 0, "\(status)")
        let show = try licensectl(["show", "-C", repo.root, "t-001"], environment: environment)
        #expect(show.status == 0, "\(show)")
        let plan = try licensectl(
            ["plan", "-C", repo.root, "--at", GeneratedRepo.t1, "--detailed-exitcode"], environment: environment)
        #expect(plan.status == 0, "applied state is read from elsewhere/: \(plan)")

        // --state wins over the environment: the default folder has no state.
        let other = try licensectl(["show", "-C", repo.root, "--state", "state", "t-000"], environment: environment)
        #expect(other.status == 1)
        #expect(
            other.stderr
                == "licensectl: error: tenant 't-000' has no state in state/tenants; tenants with state: none (run apply first)\n"
        )
    }

    /// A mistyped URL is not a state directory (newcomer run 6: `postgress://…` planned every
    /// tenant as new, `postgres:db` applied into a folder of that name; run 7: `postgress:/host/db`,
    /// with one slash, still did); a near miss of the scheme gets "did you mean" with the value
    /// corrected and its password redacted, anything else only its scheme repeated.
    @Test(arguments: [
        (
            "postgress://ci:s3cret@db.example/licenses",
            "'postgress://' is not a state backend licensectl knows; did you mean postgres://ci:***@db.example/licenses? Expected a state directory or a PostgreSQL URL postgres://USER@HOST:PORT/DB"
        ),
        (
            "postgress:/ci:s3cret@db.example/licenses",
            "'postgress:/' is not a state backend licensectl knows; did you mean postgres://ci:***@db.example/licenses? Expected a state directory or a PostgreSQL URL postgres://USER@HOST:PORT/DB"
        ),
        (
            "Postgre:licenses",
            "'Postgre:' is not a state backend licensectl knows; did you mean postgres://licenses? Expected a state directory or a PostgreSQL URL postgres://USER@HOST:PORT/DB"
        ),
        (
            "postgresq://db.example/licenses?owner=emea",
            "'postgresq://' is not a state backend licensectl knows; did you mean postgres://db.example/licenses?owner=emea? Expected a state directory or a PostgreSQL URL postgres://USER@HOST:PORT/DB"
        ),
        // Newcomer run 8: libpq takes the scheme in lower case only.
        (
            "Postgres://ci@db/x",
            "'Postgres://' is not a state backend licensectl knows; did you mean postgres://ci@db/x? Expected a state directory or a PostgreSQL URL postgres://USER@HOST:PORT/DB"
        ),
        (
            "POSTGRESQL://ci:s3cret@db/x",
            "'POSTGRESQL://' is not a state backend licensectl knows; did you mean postgresql://ci:***@db/x? Expected a state directory or a PostgreSQL URL postgres://USER@HOST:PORT/DB"
        ),
        (
            "mysql://ci:s3cret@db.example/licenses",
            "'mysql://' is not a state backend licensectl knows; expected a state directory or a PostgreSQL URL postgres://USER@HOST:PORT/DB"
        ),
        (
            "postgres:licenses",
            "'postgres:' without '//'; expected a state directory or a PostgreSQL URL postgres://USER@HOST:PORT/DB"
        ),
        (
            "PostgreSQL:licenses",
            "'PostgreSQL:' without '//'; expected a state directory or a PostgreSQL URL postgres://USER@HOST:PORT/DB"
        ),
    ])
    func aMistypedURLIsAnErrorNotAStateDirectory(value: String, why: String) throws {
        let repo = try TempRepo.example(label: "state-mistyped-url")
        defer { repo.remove() }
        let before = repo.files()
        let expected = "licensectl: error: --state: \(why)\n"
        for command in [["plan"], ["apply", "--yes"], ["status"], ["forecast"]] {
            let run = try licensectl(command + ["-C", repo.root, "--at", "2026-11-29", "--state", value])
            #expect(run.status == 1 && run.stderr == expected, "\(command): \(run)")
            #expect(!run.stderr.contains("s3cret"))
        }
        // From the environment, the message names it.
        let fromEnvironment = try licensectl(
            ["plan", "-C", repo.root, "--at", "2026-11-29"], environment: ["LICENSECTL_STATE": value])
        #expect(
            fromEnvironment.status == 1 && fromEnvironment.stderr == "licensectl: error: LICENSECTL_STATE: \(why)\n")
        #if PostgreSQL
        let migrate = try licensectl(["state", "migrate", "-C", repo.root, "--from", "state", "--to", value])
        #expect(migrate.status == 1 && migrate.stderr == expected.replacingOccurrences(of: "--state:", with: "--to:"))
        #endif
        #expect(repo.files() == before)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: repo.root).sorted() == ["fixtures", "state", "tenants"])
    }

    /// A `--state` folder that does not exist (a typo, `--state stat`) is read as empty state, so
    /// every tenant is planned as new: it is noted on stderr (newcomer run 7), while everything
    /// else stays what a first run prints. A first run with the default `state/` says nothing.
    @Test func aStateDirectoryThatDoesNotExistIsNotedAndAFirstRunStaysQuiet() throws {
        let repo = try TempRepo.example(label: "state-missing")
        defer { repo.remove() }
        let fresh = try TempRepo.example(withState: false, label: "state-first-run")
        defer { fresh.remove() }
        let before = repo.files()
        let note =
            "licensectl: note: state directory 'stat' (from --state) does not exist: every tenant is planned as new, and apply creates it; if state is recorded elsewhere, check --state\n"
        for command in [["plan"], ["status"], ["forecast"]] {
            let first = try licensectl(command + ["-C", fresh.root, "--at", "2025-01-01"])
            #expect(!first.stderr.contains("note:"), "a first run stays quiet: \(first)")
            let typo = try licensectl(command + ["-C", repo.root, "--at", "2025-01-01", "--state", "stat"])
            #expect(typo.status == first.status, "\(command): \(typo)")
            #expect(typo.stdout == first.stdout, "\(command): \(typo)")
            #expect(typo.stderr == note + first.stderr, "\(command): \(typo)")
        }
        let fromEnvironment = try licensectl(
            ["plan", "-C", repo.root, "--at", "2025-01-01"], environment: ["LICENSECTL_STATE": "stat"])
        #expect(
            fromEnvironment.stderr.hasPrefix(
                "licensectl: note: state directory 'stat' (from LICENSECTL_STATE) does not exist: every tenant is planned as new, and apply creates it; if state is recorded elsewhere, check LICENSECTL_STATE\n"
            ), "\(fromEnvironment)")
        // A --state folder that exists is not noted.
        let named = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29", "--state", "state"])
        #expect(named.status == 0 && !named.stderr.contains("note:"), "\(named)")
        #expect(repo.files() == before)
        #expect(!repo.exists("stat"))

        // apply notes it before the plan it shows, then creates the folder.
        let apply = try licensectl(["apply", "-C", repo.root, "--at", "2025-01-01", "--yes", "--state", "stat"])
        #expect(apply.status == 0 && apply.stderr.hasPrefix(note), "\(apply)")
        #expect(repo.exists("stat/tenants/acme-water.json"))
        let again = try licensectl(["plan", "-C", repo.root, "--at", "2025-01-01", "--state", "stat"])
        #expect(!again.stderr.contains("note:"), "\(again)")
    }

    #if !PostgreSQL
    @Test func aPostgresURLNeedsTheBackendInTheBuildAndIsNotPrinted() throws {
        let repo = try GeneratedRepo.make(tenants: 1, label: "state-pg-missing")
        defer { repo.remove() }
        let plan = try licensectl(["plan", "-C", repo.root, "--state", "postgres://ci:s3cret@db.example/licenses"])
        #expect(plan.status == 1)
        #expect(
            plan.stderr
                == "licensectl: error: --state names a PostgreSQL database, but this licensectl was built without the PostgreSQL state backend; build it with: swift build --traits PostgreSQL\n"
        )
        #expect(!FileManager.default.fileExists(atPath: repo.root + "/postgres:"))
    }
    #endif
}
