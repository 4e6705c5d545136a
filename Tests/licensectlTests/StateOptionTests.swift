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
    /// tenant as new, `postgres:db` applied into a folder of that name); only the scheme is
    /// repeated, never the password.
    @Test(arguments: [
        ("postgress://ci:s3cret@db.example/licenses", "'postgress://' is not a state backend licensectl knows"),
        ("mysql://ci:s3cret@db.example/licenses", "'mysql://' is not a state backend licensectl knows"),
        ("postgres:licenses", "'postgres:' without '//'"),
        ("PostgreSQL:licenses", "'PostgreSQL:' without '//'"),
    ])
    func aMistypedURLIsAnErrorNotAStateDirectory(value: String, why: String) throws {
        let repo = try TempRepo.example(label: "state-mistyped-url")
        defer { repo.remove() }
        let before = repo.files()
        let expected =
            "licensectl: error: --state: \(why); expected a state directory or a PostgreSQL URL postgres://USER@HOST:PORT/DB\n"
        for command in [["plan"], ["apply", "--yes"], ["status"], ["forecast"]] {
            let run = try licensectl(command + ["-C", repo.root, "--at", "2026-11-29", "--state", value])
            #expect(run.status == 1 && run.stderr == expected, "\(command): \(run)")
            #expect(!run.stderr.contains("s3cret"))
        }
        #if PostgreSQL
        let migrate = try licensectl(["state", "migrate", "-C", repo.root, "--from", "state", "--to", value])
        #expect(migrate.status == 1 && migrate.stderr == expected.replacingOccurrences(of: "--state:", with: "--to:"))
        #endif
        #expect(repo.files() == before)
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
