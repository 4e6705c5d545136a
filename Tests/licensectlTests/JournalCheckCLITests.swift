import Foundation
import Testing

/// `state/journal.jsonl` as every command reads it (docs/README.md §8 "State"): a torn last line
/// is what a crash leaves (plan warns, apply cuts it, migrate refuses and says how to cut it);
/// any other line that is not an event was edited and is an error everywhere. A newcomer's
/// attack run found migrate refusing what apply accepted, without a fix, and plan silent.
@Suite struct JournalCheckCLITests {
    static let torn = "{\"action\":\"redeem\",\"ap"

    @Test func planWarnsAboutATornLastLineThatTheNextApplyCuts() throws {
        let repo = try TempRepo.example(label: "journal-torn-plan")
        defer { repo.remove() }
        let journal = try repo.read("state/journal.jsonl")
        try repo.write("state/journal.jsonl", journal + Self.torn)
        let before = repo.files()
        let plan = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29"])
        #expect(plan.status == 0, "\(plan)")
        #expect(
            plan.stderr.contains(
                "state/journal.jsonl:250:1: warning: the last journal line is torn (22 bytes without a newline), as a crash leaves it; the next apply that writes cuts it\n"
            ), "\(plan.stderr)")
        #expect(changedPaths(before, repo.files()) == [])
    }

    @Test(arguments: [["plan"], ["apply", "--yes"], ["status"]])
    func aGarbageMiddleLineIsAnErrorAtItsLineAndNothingIsWritten(_ command: [String]) throws {
        let repo = try TempRepo.example(label: "journal-garbage")
        defer { repo.remove() }
        var lines = try repo.read("state/journal.jsonl").split(separator: "\n", omittingEmptySubsequences: false)
        lines[6] = "not json at all"
        try repo.write("state/journal.jsonl", lines.joined(separator: "\n"))
        let before = repo.files()
        let run = try licensectl(command + ["-C", repo.root, "--at", "2026-11-29"])
        #expect(run.status == 1, "\(run)")
        #expect(
            run.stderr.contains(
                "state/journal.jsonl:7:1: error: journal line is not an applied event (expected one JSON object with tenant, action, at and apply, as apply writes it); only a crash can tear the last line, so this one was edited: restore it from git (git diff shows the edit) or delete the line; nothing was written\n"
            ), "\(run.stderr)")
        #expect(changedPaths(before, repo.files()) == [])
    }

    /// A journal checked out with CRLF (git's core.autocrlf) is one error that says so, not one
    /// "edited" error per line (newcomer run 6: 249 of them); nothing is written.
    @Test(arguments: [["plan"], ["apply", "--yes"]])
    func aCRLFJournalIsOneErrorNamingGitsLineEndings(_ command: [String]) throws {
        let repo = try TempRepo.example(label: "journal-crlf")
        defer { repo.remove() }
        let journal = try repo.read("state/journal.jsonl")
        let lines = journal.split(separator: "\n")
        try repo.write("state/journal.jsonl", lines.map { $0 + "\r\n" }.joined())
        let before = repo.files()
        let run = try licensectl(command + ["-C", repo.root, "--at", "2026-11-29"])
        #expect(run.status == 1, "\(run)")
        let errors = run.stderr.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(
            errors == [
                "state/journal.jsonl:1:1: error: \(lines.count) journal lines end in CRLF (Windows line endings, as git's core.autocrlf checks files out); apply writes LF: add 'state/** -text' to .gitattributes and check the journal out again (rm state/journal.jsonl && git checkout -- state/journal.jsonl), or convert it with sed -i 's/\\r$//' state/journal.jsonl; nothing was written"
            ], "\(run.stderr)")
        #expect(changedPaths(before, repo.files()) == [])
    }

    /// A deleted journal beside tenant documents is a warning (newcomer run 6: apply silently
    /// started a new journal and the history was gone).
    @Test func aMissingJournalBesideTenantDocumentsIsAWarning() throws {
        let repo = try TempRepo.example(label: "journal-missing")
        defer { repo.remove() }
        try FileManager.default.removeItem(atPath: repo.path("state/journal.jsonl"))
        let plan = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29"])
        #expect(plan.status == 0, "\(plan)")
        #expect(
            plan.stderr.contains(
                "state/journal.jsonl:1:1: warning: the journal is missing while 4 tenant documents exist: the history of past applies is lost; restore it from git (git checkout -- state/journal.jsonl) — the next apply starts a new journal with its own events only\n"
            ), "\(plan.stderr)")
        let fresh = try TempRepo.example(withState: false, label: "journal-none")
        defer { fresh.remove() }
        let first = try licensectl(["plan", "-C", fresh.root, "--at", "2026-11-20"])
        #expect(!first.stderr.contains("journal"), "\(first.stderr)")
    }

    #if PostgreSQL
    /// Reading the source creates nothing (no `state/.lock`) and refuses both, each with its fix.
    @Test func migrateRefusesATornLastLineWithTheExactFixAndAGarbageLineWithAHint() throws {
        let repo = try TempRepo.example(label: "journal-migrate")
        defer { repo.remove() }
        let journal = try repo.read("state/journal.jsonl")
        let destination = "postgres://nobody@%2Fnonexistent/licenses"
        try repo.write("state/journal.jsonl", journal + Self.torn)
        let before = repo.files()
        let torn = try licensectl(["state", "migrate", "-C", repo.root, "--from", "state", "--to", destination])
        #expect(torn.status == 1, "\(torn)")
        #expect(
            torn.stderr
                == "state/journal.jsonl:250:1: error: the last journal line is torn (22 bytes without a newline), as a crash leaves it; the state was not copied: cut it with 'truncate -s \(journal.utf8.count) state/journal.jsonl' (or run an apply that writes, which cuts it), then migrate again\n"
        )
        #expect(changedPaths(before, repo.files()) == [])
        #expect(!repo.exists("state/.lock"))

        var lines = journal.split(separator: "\n", omittingEmptySubsequences: false)
        lines[6] = "{\"garbage\":true}"
        try repo.write("state/journal.jsonl", lines.joined(separator: "\n"))
        let garbage = try licensectl(["state", "migrate", "-C", repo.root, "--from", "state", "--to", destination])
        #expect(garbage.status == 1, "\(garbage)")
        #expect(
            garbage.stderr
                == "state/journal.jsonl:7:1: error: journal line is not an applied event (expected a JSON object with tenant, action, at and apply); the state was not copied: restore the line from git (git diff shows the edit) or delete it, then migrate again\n"
        )
        #expect(!repo.exists("state/.lock"))
    }
    #endif
}
