import Foundation
import PostgresTestSupport
import Testing

/// `licensectl apply` end to end (docs/state.md §5, docs/cli.md §6): saved plans and their staleness, idempotence,
/// refusals that leave state untouched, confirmation, the outbox. Tests that are not about files
/// run on both state backends.
@Suite(.postgresClusterOnDemand) struct ApplyCommandTests {
    /// The state files' bytes, without the lock file (which every apply creates and empties).
    private func stateFiles(_ repo: TempRepo) -> [String: Data] {
        repo.files(under: "state").filter { $0.key != "state/.lock" }
    }

    // MARK: - Saved plans (apply PLANFILE)

    @Test(arguments: Backend.all)
    func stalePlanIsRefusedWhenAManifestChanged(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "stale-digest")
        defer { repo.remove() }
        let plan = try repo.run(["plan", "-C", repo.root, "--at", "2026-11-29", "--out", "p.json"])
        #expect(plan.status == 0, "\(plan)")
        let saved = try repo.read("p.json")
        #expect(
            saved.contains(
                "\"inputsDigest\": \"sha256:8324411287f5e5d4be7c25a7fb1227e1a47f33ac23ae1a180d9e3c5616282e60\""))
        let manifest = try repo.read("tenants/acme-water.yaml").replacingOccurrences(
            of: "team: ot", with: "team: water")
        try repo.write("tenants/acme-water.yaml", manifest)
        let before = try repo.stateFiles()

        let apply = try repo.run(["apply", "-C", repo.root, "p.json"])
        #expect(apply.status == 1, "\(apply)")
        #expect(
            apply.stderr.contains(
                "licensectl: error: stale plan: the manifests or CSV files changed since the plan was made (inputs digest sha256:8324411287f5… → sha256:"
            ),
            "\(apply.stderr)")
        #expect(apply.stderr.hasSuffix("Apply refused; nothing was written. Run plan again.\n"))
        #expect(changedPaths(before, try repo.stateFiles()) == [])
    }

    @Test(arguments: Backend.all)
    func freshPlanFileAppliesAndEqualsApplyAtTheSameAt(_ backend: Backend) throws {
        let at = utcStamp(Date().addingTimeInterval(-5))
        let viaFile = try StateFixture(backend, repo: freshRepo(label: "fresh-file"))
        defer { viaFile.remove() }
        let direct = try StateFixture(backend, repo: viaFile.repo.copy(label: "fresh-direct"))
        defer { direct.remove() }

        let plan = try viaFile.run([
            "plan", "-C", viaFile.root, "--at", at, "--out", "plan.json", "--detailed-exitcode",
        ])
        #expect(plan.status == 2, "\(plan)")
        let apply = try viaFile.run(["apply", "-C", viaFile.root, "plan.json"])
        #expect(apply.status == 0, "\(apply)")
        #expect(apply.stdout == "Apply complete at \(at): 1 tenant(s) written, 3 event(s) journaled.\n")

        let reference = try direct.run(["apply", "-C", direct.root, "--at", at, "--yes"])
        #expect(reference.status == 0, "\(reference)")
        let a = try viaFile.stateFiles()
        let b = try direct.stateFiles()
        #expect(a.keys.sorted() == ["state/journal.jsonl", "state/tenants/fresh-one.json"])
        #expect(a == b)
    }

    @Test(arguments: Backend.all)
    func reapplyingTheSamePlanFileIsStaleBecauseTheSerialChanged(_ backend: Backend) throws {
        let repo = try StateFixture(backend, repo: freshRepo(label: "stale-serial"))
        defer { repo.remove() }
        let first = try repo.run([
            "apply", "-C", repo.root, "--at", utcStamp(Date().addingTimeInterval(-86_400)), "--yes",
        ])
        #expect(first.status == 0, "\(first)")
        try writeFreshManifest(repo.repo, extraLicense: true)
        let plan = try repo.run([
            "plan", "-C", repo.root, "--at", utcStamp(Date().addingTimeInterval(-5)), "--out", "plan.json",
        ])
        #expect(plan.status == 0, "\(plan)")

        let apply = try repo.run(["apply", "-C", repo.root, "plan.json"])
        #expect(apply.status == 0, "\(apply)")
        let after = try repo.stateFiles()
        #expect(
            String(decoding: after["state/tenants/fresh-one.json"] ?? Data(), as: UTF8.self).contains("\"serial\": 2,"))

        let again = try repo.run(["apply", "-C", repo.root, "plan.json"])
        #expect(again.status == 1, "\(again)")
        #expect(
            again.stderr.contains(
                "licensectl: error: stale plan: tenant 'fresh-one' was applied since (serial 1 → 2)\n"),
            "\(again.stderr)")
        #expect(changedPaths(after, try repo.stateFiles()) == [])
    }

    @Test(arguments: Backend.all)
    func planFileOfAnotherFormatVersionIsRefused(_ backend: Backend) throws {
        let repo = try StateFixture(backend, repo: freshRepo(label: "stale-version"))
        defer { repo.remove() }
        let plan = try repo.run([
            "plan", "-C", repo.root, "--at", utcStamp(Date().addingTimeInterval(-5)), "--out", "plan.json",
        ])
        #expect(plan.status == 0, "\(plan)")
        let text = try repo.read("plan.json")
        #expect(text.contains("\"formatVersion\": 1,"))
        try repo.write(
            "plan.json", text.replacingOccurrences(of: "\"formatVersion\": 1,", with: "\"formatVersion\": 2,"))

        let apply = try repo.run(["apply", "-C", repo.root, "plan.json"])
        #expect(apply.status == 1, "\(apply)")
        #expect(apply.stderr == "licensectl: error: plan.json: stale plan: formatVersion 2, this licensectl reads 1\n")
        #expect(try repo.stateFiles().isEmpty)
    }

    @Test(arguments: Backend.all)
    func planFileIsStaleWhenATimeDrivenInstantPassedSinceItsAt(_ backend: Backend) throws {
        let now = Date()
        let activation = utcStamp(now.addingTimeInterval(-3_600))
        let at = utcStamp(now.addingTimeInterval(-7_200))
        let repo = try StateFixture(backend, repo: freshRepo(label: "stale-time", activate: activation))
        defer { repo.remove() }
        let plan = try repo.run(["plan", "-C", repo.root, "--at", at, "--out", "plan.json", "--show-codes"])
        #expect(plan.status == 0, "\(plan)")
        #expect(plan.stdout.contains("schedule  1111-2222-3333  at \(activation)"), "\(plan.stdout)")

        let apply = try repo.run(["apply", "-C", repo.root, "plan.json"])
        #expect(apply.status == 1, "\(apply)")
        #expect(
            apply.stderr.contains(
                "licensectl: error: stale plan: tenant 'fresh-one' has the scheduled activation of 1111-****-3333 at \(activation), after the plan's at \(at); the world moved on, plan again\n"
            ),
            "\(apply.stderr)")
        #expect(try repo.stateFiles().isEmpty)
    }

    @Test func planFileIsStaleWhenAStateFileAppearedThatItDidNotCover() throws {
        let repo = try freshRepo(label: "stale-uncovered")
        defer { repo.remove() }
        let plan = try licensectl([
            "plan", "-C", repo.root, "--at", utcStamp(Date().addingTimeInterval(-5)), "--out", "plan.json",
        ])
        #expect(plan.status == 0, "\(plan)")
        try repo.write("state/tenants/fresh-one.json", "")
        let apply = try licensectl(["apply", "-C", repo.root, "plan.json"])
        #expect(apply.status == 1, "\(apply)")
        #expect(
            apply.stderr.hasPrefix("state/tenants/fresh-one.json:1:1: error: state file is empty"), "\(apply.stderr)")
        #expect(try repo.read("state/tenants/fresh-one.json") == "")
    }

    @Test(arguments: Backend.all)
    func applyPlanFileRejectsAt(_ backend: Backend) throws {
        let repo = try StateFixture(backend, repo: freshRepo(label: "plan-at"))
        defer { repo.remove() }
        let apply = try repo.run(["apply", "-C", repo.root, "plan.json", "--at", "2026-11-29"])
        #expect(apply.status == 1, "\(apply)")  // usage errors exit 1 like every error (docs/cli.md §6)
        #expect(apply.stderr.contains("apply PLANFILE applies the plan at its own at; remove --at"))
    }

    @Test func stateAndTenantsOptionsChooseTheFolders() throws {
        let repo = try TempRepo.example(withState: false, label: "options")
        defer { repo.remove() }
        try FileManager.default.moveItem(atPath: repo.path("tenants"), toPath: repo.path("manifests"))
        // baltic-ports came later, brought in from the platform: the shipped state has none of it.
        try FileManager.default.removeItem(atPath: repo.path("manifests/baltic-ports.yaml"))
        let apply = try licensectl([
            "apply", "-C", repo.root, "--tenants", "manifests", "--state", "ledger", "--at", "2025-01-01", "--yes",
        ])
        #expect(apply.status == 0, "\(apply)")
        #expect(!repo.exists("state"))
        #expect(
            repo.files(under: "ledger").keys.sorted() == [
                "ledger/.lock", "ledger/journal.jsonl", "ledger/tenants/acme-water.json",
                "ledger/tenants/harbor-lights.json",
                "ledger/tenants/nordlicht-ferries.json", "ledger/tenants/stadtwerke-nord.json",
            ])
        // The shipped state was written by the same code at the same at: identical first serial.
        let shipped = try String(contentsOfFile: packageRoot + "/state/journal.jsonl", encoding: .utf8)
        let written = try repo.read("ledger/journal.jsonl")
        #expect(shipped.hasPrefix(written))
        let status = try licensectl(["status", "-C", repo.root, "--state", "ledger", "--at", "2025-01-01"])
        #expect(status.status == 0, "\(status)")
        #expect(
            status.stdout.contains(
                "\nacme-water         disabled  0         0       10       0       10         0          0        0        -                     -\n"
            ),
            "\(status.stdout)")
        let detail = try licensectl([
            "status", "acme-water", "-C", repo.root, "--state", "ledger", "--at", "2025-01-01",
        ])
        #expect(detail.stdout.contains("acme-water  (serial 1, applied 2025-01-01T00:00:00Z)"))
    }

    // MARK: - Idempotence

    @Test(arguments: Backend.all)
    func applyingTwiceAtTheSameAtChangesNothing(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "idempotent")
        defer { repo.remove() }
        let first = try repo.run(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes"])
        #expect(first.status == 0, "\(first)")
        #expect(
            first.stdout.hasSuffix(
                "Apply complete at 2026-11-29T00:00:00Z: 3 tenant(s) written, 41 event(s) journaled.\n"))
        let bytes = try repo.stateFiles()
        // Files' modification times: the directory only.
        let dates = repo.repo.modificationDates(under: "state/tenants")
        #expect(dates.count == (backend == .directory ? 5 : 0))
        Thread.sleep(forTimeInterval: 0.05)

        let second = try repo.run(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes"])
        #expect(second.status == 0, "\(second)")
        #expect(
            second.stdout.hasSuffix("5 tenants unchanged\n\nNo changes. State is up to date. · 0 errors, 4 warnings\n"),
            "\(second.stdout)")
        #expect(!second.stdout.contains("Apply complete"))
        #expect(changedPaths(bytes, try repo.stateFiles()) == [])
        #expect(repo.repo.modificationDates(under: "state/tenants") == dates)
    }

    @Test(arguments: Backend.all)
    func unchangedTenantsAreNotRewritten(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "unchanged")
        defer { repo.remove() }
        let before = try repo.stateFiles()
        let dates = repo.repo.modificationDates(under: "state/tenants")
        let apply = try repo.run(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes"])
        #expect(apply.status == 0, "\(apply)")
        #expect(
            changedPaths(before, try repo.stateFiles()) == [
                "state/journal.jsonl", "state/tenants/acme-water.json", "state/tenants/baltic-ports.json",
                "state/tenants/harbor-lights.json",
            ])
        let after = repo.repo.modificationDates(under: "state/tenants")
        for name in ["state/tenants/nordlicht-ferries.json", "state/tenants/stadtwerke-nord.json"] {
            #expect(after[name] == dates[name], "\(name) was touched")
        }
    }

    // MARK: - Refusals

    enum Corruption: String, CaseIterable, CustomTestStringConvertible {
        case empty, truncated, emptyObject, formatVersion2
        var testDescription: String { rawValue }

        func apply(to original: String) -> String {
            switch self {
            case .empty: ""
            case .truncated: String(original.prefix(300))
            case .emptyObject: "{}\n"
            case .formatVersion2:
                original.replacingOccurrences(of: "\"formatVersion\": 1,", with: "\"formatVersion\": 2,")
            }
        }

        var message: String {
            switch self {
            case .empty:
                "state/tenants/acme-water.json:1:1: error: state file is empty; the file was not changed: fix it or restore it from git\n"
            case .truncated:
                "state/tenants/acme-water.json:12:5: error: state file is truncated or not JSON (unexpected end of file); the file was not changed: fix it or restore it from git\n"
            case .emptyObject:
                "state/tenants/acme-water.json:1:1: error: document: missing key 'formatVersion'; the file was not changed: fix it or restore it from git\n"
            case .formatVersion2:
                "state/tenants/acme-water.json:3:20: error: state file has formatVersion 2, newer than this licensectl reads (1); upgrade licensectl; the file was not changed\n"
            }
        }
    }

    @Test(
        "a corrupted state file is refused by plan and apply, named, and left untouched", arguments: Corruption.allCases
    )
    func corruptedStateIsRefusedAndUntouched(_ corruption: Corruption) throws {
        let repo = try TempRepo.example(label: "corrupt")
        defer { repo.remove() }
        try repo.write(
            "state/tenants/acme-water.json", corruption.apply(to: try repo.read("state/tenants/acme-water.json")))
        let before = stateFiles(repo)

        let plan = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29"])
        #expect(plan.status == 1, "\(plan)")
        #expect(plan.stdout.isEmpty)
        #expect(plan.stderr == corruption.message + "Plan refused: 1 error(s); nothing was written.\n")

        let apply = try licensectl(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes"])
        #expect(apply.status == 1, "\(apply)")
        #expect(apply.stderr == corruption.message + "Apply refused: 1 error(s); nothing was written.\n")

        let status = try licensectl(["status", "-C", repo.root, "--at", "2026-11-29"])
        #expect(status.status == 1, "\(status)")
        #expect(status.stderr == corruption.message)
        #expect(changedPaths(before, stateFiles(repo)) == [])
    }

    /// Newcomer run 8: a plan whose error comes from a state check (here `--at` before
    /// appliedAt) still printed tenant sections in Markdown. Like an input error, it is now
    /// the title, the summary and the errors only.
    @Test(arguments: Backend.all)
    func markdownOfAPlanWithAStateCheckErrorIsOnlyItsDiagnostics(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "early-at-md")
        defer { repo.remove() }
        let plan = try repo.run(["plan", "-C", repo.root, "--at", "2026-10-01", "--format", "markdown"])
        #expect(plan.status == 1, "\(plan)")
        #expect(
            plan.stdout.hasPrefix(
                "## licensectl plan at 2026-10-01T00:00:00Z\n\n**The plan has 1 error: nothing can be applied.**\n"),
            "\(plan.stdout)")
        #expect(!plan.stdout.contains("<details>"), "\(plan.stdout)")
        #expect(!plan.stdout.contains("unchanged"), "\(plan.stdout)")
        #expect(
            plan.stdout.contains("\n### Errors and warnings\n\n- **error** `\(repo.place(ofTenant: "acme-water"))"),
            "\(plan.stdout)")
    }

    @Test(arguments: Backend.all)
    func atBeforeAppliedAtIsRefused(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "early-at")
        defer { repo.remove() }
        let before = try repo.stateFiles()
        // One mistaken --at is one error, not one per tenant (newcomer report: 300 identical lines).
        let lines = [
            "\(repo.place(ofTenant: "acme-water")):1:1: error: --at 2026-10-01T00:00:00Z is earlier than the appliedAt of 4 tenants ('acme-water' and 3 more; the latest is 2026-11-01T00:00:00Z); plan at 2026-11-01T00:00:00Z or later"
        ]
        let plan = try repo.run(["plan", "-C", repo.root, "--at", "2026-10-01"])
        #expect(plan.status == 1, "\(plan)")
        let planErrors = plan.stderr.split(separator: "\n").map(String.init).filter { $0.contains(": error: ") }
        #expect(planErrors == lines)
        #expect(plan.stderr.hasSuffix("Plan refused: 1 error(s); nothing was written.\n"))

        let apply = try repo.run(["apply", "-C", repo.root, "--at", "2026-10-01", "--yes"])
        #expect(apply.status == 1, "\(apply)")
        #expect(apply.stderr.split(separator: "\n").map(String.init).filter { $0.contains(": error: ") } == lines)
        #expect(apply.stderr.hasSuffix("Apply refused: 1 error(s); nothing was written.\n"))
        #expect(changedPaths(before, try repo.stateFiles()) == [])
    }

    @Test(
        "symlinks in state/ are not followed for writes",
        arguments: ["state/tenants/acme-water.json", "state/journal.jsonl"])
    func symlinkInStateIsRefusedAndItsTargetUntouched(_ link: String) throws {
        let repo = try TempRepo.example(label: "symlink")
        defer { repo.remove() }
        try FileManager.default.moveItem(atPath: repo.path(link), toPath: repo.path("outside"))
        try FileManager.default.createSymbolicLink(atPath: repo.path(link), withDestinationPath: repo.path("outside"))
        let before = repo.files()
        let apply = try licensectl(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes"])
        #expect(apply.status == 1, "\(apply)")
        // A tenant file is already refused when state is read (plan says so too); the journal
        // when it would be written.
        let expected =
            link.hasSuffix(".json")
            ? "\(link):1:1: error: state file is a symlink; licensectl does not follow symlinks in the state directory (apply would refuse to write it): replace it with the file itself\n"
            : "\(link):1:1: error: \(link) is a symlink; licensectl does not follow symlinks in the state directory for writes: replace it with a regular file (nothing was written)\n"
        #expect(apply.stderr.contains(expected), "\(apply.stderr)")
        // A tenant file is refused by the plan made before any lock (no .lock yet, docs/README.md §8
        // "Apply and the lock"): nothing is created. The journal is refused under the lock.
        #expect(changedPaths(before, repo.files()) == (link.hasSuffix(".json") ? [] : ["state/.lock"]))
        if link.hasSuffix(".json") {
            let plan = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29"])
            #expect(plan.status == 1, "\(plan)")
            #expect(plan.stderr.contains(expected), "\(plan.stderr)")
        }
    }

    @Test func aTornLastJournalLineIsCutWithAWarningBeforeAppending() throws {
        let repo = try TempRepo.example(label: "torn-journal")
        defer { repo.remove() }
        let journal = try repo.read("state/journal.jsonl")
        try repo.write("state/journal.jsonl", journal + "{\"action\":\"redeem\",\"ap")
        let apply = try licensectl(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes"])
        #expect(apply.status == 0, "\(apply)")
        #expect(
            apply.stderr.hasSuffix(
                "state/journal.jsonl:250:1: warning: cut a torn last journal line (22 bytes without a newline)\n"),
            "\(apply.stderr)")
        let after = try repo.read("state/journal.jsonl")
        #expect(after.hasPrefix(journal))
        let added = after.dropFirst(journal.count).split(separator: "\n")
        #expect(added.count == 41)
        #expect(added.allSatisfy { $0.hasPrefix("{\"action\":") && $0.hasSuffix("}") })
    }

    // MARK: - Confirmation and outbox

    @Test(arguments: Backend.all)
    func applyWithoutYesAndStdinNotATerminalAppliesWithoutAsking(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "no-tty")
        defer { repo.remove() }
        let apply = try repo.run(["apply", "-C", repo.root, "--at", "2026-11-29"])
        #expect(apply.status == 0, "\(apply)")
        #expect(!apply.stdout.contains("Do you want"))
        #expect(
            apply.stdout.hasSuffix(
                "Apply complete at 2026-11-29T00:00:00Z: 3 tenant(s) written, 41 event(s) journaled.\n"))
    }

    /// Runs `licensectl apply` on a pseudo-terminal (util-linux `script`), typing `answer`.
    private func applyOnTerminal(_ repo: TempRepo, answer: String) throws -> (status: Int32, output: String) {
        let script = URL(fileURLWithPath: "/usr/bin/script")
        try #require(FileManager.default.isExecutableFile(atPath: script.path), "util-linux script is needed")
        let executable = try #require(licensectlExecutable())
        let process = Process()
        process.executableURL = script
        process.arguments = ["-qec", "'\(executable.path)' apply -C '\(repo.root)' --at 2026-11-29", "/dev/null"]
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        process.environment = env
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data((answer + "\n").utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func applyOnATerminalAsksAndAnythingButYesCancels() throws {
        let repo = try TempRepo.example(label: "tty-no")
        defer { repo.remove() }
        let before = stateFiles(repo)
        let (status, output) = try applyOnTerminal(repo, answer: "y")
        #expect(status == 1, "\(output)")
        #expect(output.contains("Do you want to apply these changes? Only 'yes' will be accepted: "))
        #expect(output.contains("Apply cancelled; nothing was written."))
        #expect(changedPaths(before, stateFiles(repo)) == [])
    }

    @Test func applyOnATerminalAppliesAfterYes() throws {
        let repo = try TempRepo.example(label: "tty-yes")
        defer { repo.remove() }
        let (status, output) = try applyOnTerminal(repo, answer: "yes")
        #expect(status == 0, "\(output)")
        #expect(output.contains("Do you want to apply these changes?"))
        #expect(output.contains("Apply complete at 2026-11-29T00:00:00Z: 3 tenant(s) written, 41 event(s) journaled."))
    }

    @Test(arguments: Backend.all)
    func anUnusableOutboxRefusesTheApplyBeforeStateChanges(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "outbox-file")
        defer { repo.remove() }
        try repo.write("ob", "")
        let before = try repo.stateFiles()
        let apply = try repo.run(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes", "--outbox", "ob"])
        #expect(apply.status == 1, "\(apply)")
        #expect(
            apply.stderr.hasSuffix(
                "licensectl: error: --outbox 'ob': it is a file, not a folder; nothing was written\n"), "\(apply)")
        #expect(changedPaths(before, try repo.stateFiles()) == [])
    }

    @Test(
        arguments: Backend.all,
        [
            "me@x.example\r\nBcc: spy@evil.example", "me@x.example\nBcc: spy@evil.example",
            "a@x.example, b@x.example",
        ])
    func mailFromThatWouldAddAHeaderOrARecipientIsRefused(_ backend: Backend, _ from: String) throws {
        let repo = try StateFixture.example(backend, label: "mail-from")
        defer { repo.remove() }
        let before = try repo.stateFiles()
        let apply = try repo.run([
            "apply", "-C", repo.root, "--at", "2026-11-29", "--yes", "--outbox", "ob", "--mail-from", from,
        ])
        #expect(apply.status == 1, "\(apply)")
        #expect(apply.stderr.contains("--mail-from: expected one address"))
        // Control characters are shown escaped, never raw on the terminal (newcomer run 8).
        #expect(!apply.stderr.utf8.contains(13), "\(apply)")
        #expect(
            apply.stderr.contains(
                "found '\(from.replacingOccurrences(of: "\r", with: "\\u{D}").replacingOccurrences(of: "\n", with: "\\u{A}"))'"
            ), "\(apply)")
        #expect(changedPaths(before, try repo.stateFiles()) == [])
    }

    @Test(arguments: Backend.all)
    func outboxGetsOneMessagePerTenantWithRemindersAndNothingElseIsWritten(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "outbox")
        defer { repo.remove() }
        let before = try repo.everything()
        let apply = try repo.run(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes", "--outbox", "outbox"])
        #expect(apply.status == 0, "\(apply)")
        #expect(apply.stdout.hasSuffix("3 tenant(s) written, 41 event(s) journaled, 1 reminder e-mail(s).\n"))
        let changed = changedPaths(before, try repo.everything())
        #expect(
            changed == [
                "outbox/acme-water-20261129T000000Z.eml", "state/journal.jsonl",
                "state/tenants/acme-water.json", "state/tenants/baltic-ports.json", "state/tenants/harbor-lights.json",
            ])
        let mail = try repo.read("outbox/acme-water-20261129T000000Z.eml")
        let headers = mail.components(separatedBy: "\r\n\r\n").first?.components(separatedBy: "\r\n") ?? []
        #expect(headers.contains("From: licensectl <licensectl@localhost>"))
        #expect(headers.contains("To: ops@acme-water.example"))
        #expect(headers.contains("Date: Sun, 29 Nov 2026 00:00:00 +0000"))
        #expect(headers.contains("MIME-Version: 1.0"))
        #expect(headers.contains("Content-Type: text/plain; charset=utf-8"))
        #expect(headers.contains { $0.hasPrefix("Subject: ") && $0.contains("acme-water") })
        #expect(headers.contains { $0.hasPrefix("Message-ID: <") })
        #expect(mail.contains("8018-A460-EAF5") || mail.contains("8018-****-EAF5"))
    }
}
