import ArgumentParser
import Foundation
import LicenseKit

/// `licensectl apply [PLANFILE]`: record a plan in the state directory (SPEC §5, §6).
///
/// Without a plan file it plans and applies in one go, asking for confirmation only when stdin
/// is a terminal and `--yes` is absent. With one, it applies exactly that plan at the plan's own
/// `at`, or refuses it as stale.
struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Record the plan in the state directory (atomically, under a lock)."
    )

    @Argument(help: ArgumentHelp("A JSON plan written by `plan --out`.", valueName: "PLANFILE"))
    var planFile: String?

    @OptionGroup var repo: RepoOptions
    @OptionGroup var state: StateOptions

    @Option(help: ArgumentHelp("Wait up to this many seconds for another apply's lock (default: fail at once).",
                               valueName: "SECONDS"))
    var lockTimeout: Double = 0

    @Option(help: ArgumentHelp("Also write one reminder e-mail (.eml) per tenant with reminders due into this folder.",
                               valueName: "DIR"))
    var outbox: String?

    @Option(help: ArgumentHelp("The From address of reminder e-mails.", valueName: "ADDRESS"))
    var mailFrom: String = ReminderMailer.defaultFrom

    @Flag(help: "Apply without asking for confirmation.")
    var yes = false

    @Flag(help: "Show full activation codes in the printed plan.")
    var showCodes = false

    func validate() throws {
        if planFile != nil, state.at != nil {
            throw ValidationError("apply PLANFILE applies the plan at its own at; remove --at")
        }
        guard lockTimeout.isFinite, (0...86_400).contains(lockTimeout) else {
            throw ValidationError("--lock-timeout: expected a number of seconds from 0 to 86400, found \(lockTimeout)")
        }
        // Bytes, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
        if mailFrom.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0x2C }) || !mailFrom.contains("@") {
            throw ValidationError("--mail-from: expected one address such as 'licensectl <ops@example.com>', found '\(mailFrom)'")
        }
    }

    func run() throws {
        let workspace = Workspace(root: repo.directory, tenantsDirectory: repo.tenants, stateDirectory: state.state)
        let store = workspace.store
        // Arguments are checked before the lock is taken: a bad --at touches nothing.
        let at = planFile == nil ? try state.instant() : nil
        let lock: StateLock
        do {
            lock = try store.lock(timeout: lockTimeout, startTime: Instant.now())
        } catch {
            try Console.failOnErrors(error.diagnostics)
            return
        }
        defer { lock.release() }
        do {
            if try store.recoverIfNeeded(lock: lock) {
                Console.err("licensectl: completed an interrupted apply first.\n")
            }
        } catch {
            try Console.failOnErrors(error.diagnostics)
        }

        let plan: Plan
        if let planFile {
            plan = try savedPlan(planFile, workspace: workspace)
        } else {
            let now = at ?? Instant.now()
            if now.secondsSinceEpoch > Instant.now().secondsSinceEpoch + 60 {
                Console.report([.warning("applying at \(now), later than the current time: until then, plans without --at are refused (--at earlier than appliedAt)")])
            }
            plan = workspace.plan(at: now)
            Console.report(HumanDiagnostics(plan).diagnostics)
            if plan.hasErrors {
                Console.err("Apply refused: \(plan.diagnostics.errorCount) error(s); nothing was written.\n")
                throw ExitCode.failure
            }
            Console.out(PlanText.render(plan, showCodes: showCodes, includeDiagnostics: false))
            guard plan.hasChanges else { return }
            if !yes, isatty(0) == 1, !confirm() {
                Console.err("Apply cancelled; nothing was written.\n")
                throw ExitCode.failure
            }
        }
        guard plan.hasChanges else {
            Console.out("No changes. State is up to date.\n")
            return
        }
        // The outbox must be usable before state changes: a reminder recorded as sent but never
        // written would be lost for good.
        let mails = plan.tenants.compactMap { ReminderMailer.message(for: $0, at: plan.at, from: mailFrom) }
        if outbox != nil, !mails.isEmpty { try prepareOutbox() }
        let result: StateStore.ApplyResult
        do {
            result = try store.write(plan, lock: lock)
        } catch {
            try Console.failOnErrors(error.diagnostics)
            return
        }
        Console.report(result.warnings)
        try writeOutbox(mails)
        var summary = "Apply complete at \(plan.at): \(result.written.count) tenant file(s) written, "
            + "\(result.journalLines) journal line(s)"
        if outbox != nil { summary += ", \(mails.count) reminder e-mail(s)" }
        Console.out(summary + ".\n")
    }

    /// Reads the plan file, re-plans at its `at` and refuses it when stale (SPEC §6).
    private func savedPlan(_ path: String, workspace: Workspace) throws -> Plan {
        let resolved = repo.resolve(path)
        guard let data = FileManager.default.contents(atPath: resolved) else {
            try Console.fail("cannot read plan file '\(path)'")
        }
        let saved: Plan
        do {
            saved = try PlanJSON.decode(Array(data))
        } catch {
            Console.err("licensectl: error: \(path): \(error.message)\n")
            throw ExitCode.failure
        }
        let inputs = workspace.loadInputs()
        let fresh = workspace.plan(inputs: inputs, at: saved.at)
        Console.report(HumanDiagnostics(fresh).diagnostics)
        if fresh.hasErrors {
            Console.err("Apply refused: \(fresh.diagnostics.errorCount) error(s); nothing was written.\n")
            throw ExitCode.failure
        }
        let reasons = StalePlanCheck.reasons(saved: saved, fresh: fresh, states: inputs.states, now: Instant.now())
        if !reasons.isEmpty {
            Console.err(reasons.map { "licensectl: error: \($0)\n" }.joined())
            Console.err("Apply refused; nothing was written. Run plan again.\n")
            throw ExitCode.failure
        }
        return fresh
    }

    /// Asks on the terminal; only "yes" proceeds (like Terraform).
    private func confirm() -> Bool {
        Console.out("\nDo you want to apply these changes? Only 'yes' will be accepted: ")
        return readLine()?.trimmingCharacters(in: .whitespaces) == "yes"
    }

    /// Creates the outbox folder (and checks it is a writable folder) before anything is applied.
    private func prepareOutbox() throws {
        guard let outbox else { return }
        let folder = repo.resolve(outbox)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { try Console.fail("--outbox '\(outbox)' is a file, not a folder; nothing was written") }
        } else if (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) == nil {
            try Console.fail("--outbox '\(outbox)': cannot create the folder; nothing was written")
        }
        guard access(folder, W_OK) == 0 else { try Console.fail("--outbox '\(outbox)' is not writable; nothing was written") }
    }

    /// Writes one `.eml` per tenant with reminders due and contacts (a tenant without contacts
    /// gets none; the plan already warned).
    private func writeOutbox(_ mails: [ReminderMail]) throws {
        guard let outbox else { return }
        let folder = repo.resolve(outbox)
        for mail in mails {
            try FileOutput.write(mail.contents, to: (folder as NSString).appendingPathComponent(mail.fileName),
                                 shown: (outbox as NSString).appendingPathComponent(mail.fileName))
        }
    }
}
