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

    @OptionGroup var selection: SelectionOptions

    @Option(help: ArgumentHelp("Wait up to this many seconds for another apply's lock (default: 0, fail at once).",
                               valueName: "SECONDS"))
    var lockTimeout: Double?

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
        if planFile != nil, selection.isGiven {
            throw ValidationError("apply PLANFILE applies exactly the plan file's selection; remove --target/--shard (or plan again with them)")
        }
        guard (0...86_400).contains(timeout), timeout.isFinite else {
            throw ValidationError("--lock-timeout: expected a number of seconds from 0 to 86400, found \(timeout)")
        }
        // Bytes, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
        if mailFrom.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0x2C }) || !mailFrom.contains("@") {
            throw ValidationError("--mail-from: expected one address such as 'licensectl <ops@example.com>', found '\(mailFrom)'")
        }
    }

    /// `--lock-timeout` in seconds, 0 when absent.
    private var timeout: Double { lockTimeout ?? 0 }

    /// A plan that apply is about to write, and whether a person confirmed it at the terminal.
    private struct Decision {
        var plan: Plan
        var confirmed: Bool
    }

    func run() throws {
        let workspace = Workspace(root: repo.directory, tenantsDirectory: repo.tenants, stateDirectory: state.state)
        let store = workspace.store
        // Arguments are checked before the lock is taken: a bad --at touches nothing.
        let at = planFile == nil ? try state.instant() : nil
        // SPEC §8 "Apply and the lock": with a .lock, lock first (a held lock fails even when
        // there would be nothing to write); without one, plan first and create state/ and .lock
        // only when there is something to write, then plan again under the lock.
        if store.lockExists {
            let lock = try takeLock(store)
            defer { lock.release() }
            guard let decision = try decide(workspace, at: at, quiet: false) else { return }
            try commit(decision.plan, store: store, lock: lock)
            return
        }
        guard let first = try decide(workspace, at: at, quiet: false) else { return }
        let lock = try takeLock(store)
        defer { lock.release() }
        guard let underLock = try decide(workspace, at: first.plan.at, quiet: true) else {
            // Another apply wrote it meanwhile: the plan made under the lock has no changes.
            if first.confirmed {
                try Console.fail("stale plan: state changed between your confirmation and taking the lock; what you confirmed would not be written. Run apply again.")
            }
            Console.err("licensectl: state changed while this apply waited for the lock; the plan made under the lock has no changes.\n")
            Console.out("No changes. State is up to date.\n")
            return
        }
        if Self.differs(first.plan, underLock.plan) {
            if first.confirmed {
                try Console.fail("stale plan: state changed between your confirmation and taking the lock; what you confirmed would not be written. Run apply again.")
            }
            Console.err("licensectl: state changed while this apply waited for the lock; applying the plan made under the lock:\n")
            Console.out(PlanText.render(underLock.plan, showCodes: showCodes, includeDiagnostics: false))
        }
        try commit(underLock.plan, store: store, lock: lock)
    }

    /// Takes the lock and completes an interrupted apply first.
    private func takeLock(_ store: StateStore) throws -> StateLock {
        let lock: StateLock
        do {
            lock = try store.lock(timeout: timeout, startTime: Instant.now())
        } catch {
            try Console.failOnErrors(error.diagnostics)
            throw ExitCode.failure
        }
        do {
            if try store.recoverIfNeeded(lock: lock) {
                Console.err("licensectl: completed an interrupted apply first.\n")
            }
        } catch {
            lock.release()
            try Console.failOnErrors(error.diagnostics)
        }
        return lock
    }

    /// Whether two plans of one apply would write different things.
    private static func differs(_ a: Plan, _ b: Plan) -> Bool {
        a.tenants.map { [$0.tenant, "\($0.changed)"] } != b.tenants.map { [$0.tenant, "\($0.changed)"] }
            || a.tenants.map(\.events) != b.tenants.map(\.events)
            || a.tenants.map(\.newState) != b.tenants.map(\.newState)
    }

    /// Plans (or reads and checks the plan file), prints, asks; `nil` when there is nothing to
    /// write (after printing so). `quiet`: the second look under the lock, which prints only errors.
    ///
    /// - Throws: `ExitCode.failure` after printing why: errors, a stale plan file, a cancelled
    ///   confirmation.
    private func decide(_ workspace: Workspace, at: Instant?, quiet: Bool) throws -> Decision? {
        if let planFile {
            let plan = try savedPlan(planFile, workspace: workspace, quiet: quiet)
            guard plan.hasChanges else {
                if !quiet { Console.out("No changes. State is up to date.\n") }
                return nil
            }
            return Decision(plan: plan, confirmed: false)
        }
        let now = at ?? Instant.now()
        if !quiet { warnIfFuture(now) }
        let inputs = workspace.loadInputs()
        let selected = selection.selection()
        try Console.failOnErrors(selected.unknownNames(known: Workspace.knownTenants(inputs)))
        let plan = workspace.plan(inputs: inputs, at: now, selection: selected)
        if !quiet || plan.hasErrors { Console.report(HumanDiagnostics(plan).diagnostics) }
        if plan.hasErrors {
            Console.err("Apply refused: \(plan.diagnostics.errorCount) error(s); nothing was written.\n")
            throw ExitCode.failure
        }
        if quiet { return plan.hasChanges ? Decision(plan: plan, confirmed: false) : nil }
        Console.out(PlanText.render(plan, showCodes: showCodes, includeDiagnostics: false))
        guard plan.hasChanges else { return nil }
        var confirmed = false
        if !yes, isatty(0) == 1 {
            guard confirm() else {
                Console.err("Apply cancelled; nothing was written.\n")
                throw ExitCode.failure
            }
            confirmed = true
        }
        return Decision(plan: plan, confirmed: confirmed)
    }

    /// SPEC §6: `apply --at T` and `apply PLANFILE` with an `at` later than the current time warn
    /// that plans without `--at` are refused until then.
    private func warnIfFuture(_ at: Instant) {
        if at.secondsSinceEpoch > Instant.now().secondsSinceEpoch + 60 {
            Console.report([.warning("applying at \(at), later than the current time: until then, plans without --at are refused (--at earlier than appliedAt)")])
        }
    }

    /// Writes the plan (and the outbox first) under the held lock and prints the summary.
    private func commit(_ plan: Plan, store: StateStore, lock: StateLock) throws {
        // Messages are written completely and durably (fsync) before state records their
        // reminders as sent: a reminder recorded but never written would be lost for good
        // (SPEC §8 "Apply and the lock"). A failed write is exit 1 with no state written.
        // The plan and its warnings could not be shown (stdout or stderr failed): apply nothing
        // that nobody saw; the run ends with exit 1 and one message (SPEC §8 "Output").
        if Console.hasFailed { throw ExitCode.failure }
        let mails = plan.tenants.compactMap { ReminderMailer.message(for: $0, at: plan.at, from: mailFrom) }
        if outbox != nil, !mails.isEmpty { try writeOutbox(mails) }
        let result: StateStore.ApplyResult
        do {
            result = try store.write(plan, lock: lock)
        } catch {
            try Console.failOnErrors(error.diagnostics)
            return
        }
        Console.report(result.warnings)
        var summary = "Apply complete at \(plan.at): \(result.written.count) tenant file(s) written, "
            + "\(result.journalLines) journal line(s)"
        if outbox != nil { summary += ", \(mails.count) reminder e-mail(s)" }
        Console.out(summary + ".\n")
    }

    /// Reads the plan file, re-plans at its `at` over its selection and refuses it when stale
    /// (SPEC §6, §5.2).
    private func savedPlan(_ path: String, workspace: Workspace, quiet: Bool) throws -> Plan {
        let resolved = repo.resolve(path)
        // A FIFO or device must not block or feed the run: only a regular file is a plan file.
        guard let data = OutputFile.readRegularFile(resolved) else {
            try Console.fail("cannot read plan file '\(path)'")
        }
        let saved: Plan
        do {
            saved = try PlanJSON.decode(Array(data))
        } catch {
            Console.report([.error("\(path): \(error.message)")])  // masked like every diagnostic
            throw ExitCode.failure
        }
        if !quiet { warnIfFuture(saved.at) }
        let inputs = workspace.loadInputs()
        let fresh = workspace.plan(inputs: inputs, at: saved.at, selection: saved.selection ?? TenantSelection())
        if !quiet || fresh.hasErrors { Console.report(HumanDiagnostics(fresh).diagnostics) }
        if fresh.hasErrors {
            Console.err("Apply refused: \(fresh.diagnostics.errorCount) error(s); nothing was written.\n")
            throw ExitCode.failure
        }
        let reasons = StalePlanCheck.reasons(saved: saved, fresh: fresh, states: inputs.states, now: Instant.now())
        if !reasons.isEmpty {
            Console.report(reasons.map { .error($0) })
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

    /// Writes one `.eml` per tenant with reminders due and contacts (a tenant without contacts
    /// gets none; the plan already warned), each atomically and fsynced, into the outbox folder
    /// (created when missing; a relative one must lie inside the repo root).
    ///
    /// - Throws: `ExitCode.failure` after printing why, before any state is written.
    private func writeOutbox(_ mails: [ReminderMail]) throws {
        guard let outbox else { return }
        let folder: Int32
        do {
            folder = try OutputFile.openOutbox(outbox, root: repo.directory)
        } catch {
            try Console.fail("--outbox '\(outbox)': \(error.reason); nothing was written")
        }
        defer { _ = close(folder) }
        for mail in mails {
            do {
                try OutputFile.write([mail.contents], in: folder, name: mail.fileName, mode: 0o600)
            } catch {
                let shown = (outbox as NSString).appendingPathComponent(mail.fileName)
                try Console.fail("cannot write '\(shown)': \(error.reason); no state was written")
            }
        }
    }
}
