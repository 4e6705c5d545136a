import ArgumentParser
import Foundation
import LicenseKit

/// `licensectl apply [PLANFILE]`: record a plan in the state directory (docs/state.md §5, docs/cli.md §6).
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

    // `.unconditional`: `--lock-timeout -1` reaches the check below ("a wait cannot be
    // negative") instead of swift-argument-parser's "Missing value" (newcomer run 7).
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Wait up to this many seconds (0 to 86400) for another apply's lock (default: 0, fail at once).",
            valueName: "SECONDS"))
    var lockTimeout: String?

    @Option(
        help: ArgumentHelp(
            "Also write one reminder e-mail (.eml) per tenant with reminders due into this folder.",
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
            throw ValidationError(CommandError.atWithPlanFile.message)
        }
        if planFile != nil, selection.isGiven {
            throw ValidationError(CommandError.selectionWithPlanFile.message)
        }
        if let lockTimeout {
            do {
                _ = try Seconds.parse(lockTimeout, option: "--lock-timeout", upTo: 86_400)
            } catch {
                throw ValidationError(error.message)
            }
        }
        // Bytes, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
        if mailFrom.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0x2C }) || !mailFrom.contains("@") {
            throw ValidationError(CommandError.mailFromNotAnAddress(found: mailFrom).message)
        }
    }

    /// `--lock-timeout` in seconds, 0 when absent (``validate()`` has checked it).
    private var timeout: Double {
        lockTimeout.flatMap { try? Seconds.parse($0, option: "--lock-timeout", upTo: 86_400) } ?? 0
    }

    func run() throws {
        let workspace = try state.workspace(repo)
        // Arguments are checked before the lock is taken: a bad --at touches nothing.
        let at = planFile == nil ? try state.instant() : nil
        let options = ApplySession.Options(
            at: at, planFile: planFile.map { ApplySession.PlanFile(shown: $0, path: repo.resolve($0)) },
            selection: selection.selection(), lockTimeout: timeout, holder: LockHolder.current(start: Instant.now()),
            writesMessages: outbox != nil, mailFrom: mailFrom)
        let asks = !yes && isatty(0) == 1
        let callbacks = ApplySession.Callbacks(
            now: { Instant.now() },
            confirm: asks ? { self.confirm() } : nil,
            report: { self.print($0) },
            beforeCommit: { (mails: [ReminderMail]) throws(ApplyFailure) in
                // The plan and its warnings could not be shown (stdout or stderr failed): apply
                // nothing that nobody saw; the run ends with exit 1 and one message (docs/README.md §8
                // "Output").
                if Console.hasFailed { throw ApplyFailure([]) }
                try self.writeOutbox(mails)
            })
        do throws(ApplyFailure) {
            _ = try ApplySession(workspace: workspace, options: options).run(callbacks)
        } catch {
            Console.report(error.diagnostics)
            if let note = error.note { Console.err(note + "\n") }
            throw ExitCode.failure
        }
    }

    /// Prints what the session reports.
    private func print(_ report: ApplyReport) {
        switch report {
        case .diagnostics(let diagnostics):
            Console.report(diagnostics)
        case .recoveredInterruptedApply:
            Console.err(CommandError.recoveredInterruptedApply.message + "\n")
        case .plan(let plan):
            Console.out(PlanText.render(plan, showCodes: showCodes, includeDiagnostics: false))
        case .noChanges:
            Console.out("No changes. State is up to date.\n")
        case .replannedWithoutChanges:
            Console.err(
                "licensectl: state changed while this apply waited for the lock; the plan made under the lock has no changes.\n"
            )
            Console.out("No changes. State is up to date.\n")
        case .replanned(let plan):
            Console.err(
                "licensectl: state changed while this apply waited for the lock; applying the plan made under the lock:\n"
            )
            Console.out(PlanText.render(plan, showCodes: showCodes, includeDiagnostics: false))
        case .complete(let summary):
            Console.out(summary.line + "\n")
        }
    }

    /// Asks on the terminal; only "yes" proceeds (like Terraform).
    private func confirm() -> Bool {
        Console.out("\nDo you want to apply these changes? Only 'yes' will be accepted: ")
        return readLine()?.trimmingCharacters(in: .whitespaces) == "yes"
    }

    /// Writes one `.eml` per tenant with reminders due and contacts (a tenant without contacts
    /// gets none; the plan already warned), each atomically and fsynced, into the outbox folder
    /// (created when missing; a relative one must lie inside the repo root), before state is
    /// committed (docs/README.md §8 "Apply and the lock").
    ///
    /// - Throws: ``ApplyFailure`` saying why; no state is written then.
    private func writeOutbox(_ mails: [ReminderMail]) throws(ApplyFailure) {
        guard let outbox, !mails.isEmpty else { return }
        let folder: Int32
        do {
            folder = try OutputFile.openOutbox(outbox, root: repo.directory)
        } catch {
            throw ApplyFailure([.error(OutboxError.cannotOpenFolder(outbox: outbox, reason: error.reason).message)])
        }
        defer { _ = close(folder) }
        for mail in mails {
            do {
                try OutputFile.write([mail.contents], in: folder, name: mail.fileName, mode: 0o600)
            } catch {
                let shown = (outbox as NSString).appendingPathComponent(mail.fileName)
                throw ApplyFailure([.error(OutboxError.cannotWriteMessage(file: shown, reason: error.reason).message)])
            }
        }
        if ReminderMailer.isLocalhostSender(mailFrom) {
            Console.report([
                .warning(MailSenderWarning.applyWrote(count: mails.count, outbox: outbox, from: mailFrom).message)
            ])
        }
    }
}
