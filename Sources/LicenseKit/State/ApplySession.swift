import Foundation

/// One `apply` (docs/state.md §5, docs/cli.md §6, docs/README.md §8 "Apply and the lock"), on any ``StateBackend``: lock, complete an
/// interrupted apply, plan (or read a plan file and check it is not stale), confirm, write the
/// reminder messages, commit, summarize.
///
/// The session does no printing and reads neither the clock, the terminal nor the environment:
/// the caller (the `apply` command) answers through ``Callbacks`` and prints the ``ApplyReport``s
/// it receives. Crash points for tests are given to the backend when it is made
/// (``StateBackends/directory(root:directory:crashAfter:)``).
///
/// Lock order (docs/README.md §8): when the backend ``StateBackend/locksBeforePlanning`` (a directory whose
/// `state/.lock` exists), the session locks first, so a held lock fails or waits even when there
/// would be nothing to write. Otherwise it plans first, locks only when there is something to
/// write (so a refused, cancelled or no-op apply creates nothing), and plans again under the
/// lock. What is committed is always the plan made under the lock; if a person confirmed a
/// different plan, the apply is refused as stale instead.
public struct ApplySession: Sendable {
    /// A plan file to apply (`apply PLANFILE`).
    public struct PlanFile: Sendable, Hashable {
        /// As the user gave it, for messages.
        public var shown: String
        /// Its path for reading (resolved against `-C`).
        public var path: String

        /// An outbox folder shown as `shown`, written at `path`.
        public init(shown: String, path: String) {
            self.shown = shown
            self.path = path
        }
    }

    /// What the command line asked for.
    public struct Options: Sendable {
        /// `--at`; `nil` plans at ``Callbacks/now`` (ignored with a plan file, which has its own).
        public var at: Instant?
        /// `apply PLANFILE`.
        public var planFile: PlanFile?
        /// `--target`/`--shard` (docs/cli.md §5.2); a plan file brings its own.
        public var selection: TenantSelection
        /// `--lock-timeout`, in seconds.
        public var lockTimeout: Double
        /// This run, as other runs name it while it holds the lock.
        public var holder: LockHolder
        /// `--outbox` was given: reminder messages are handed to ``Callbacks/beforeCommit``.
        public var writesMessages: Bool
        /// The From address of reminder messages.
        public var mailFrom: String

        /// The options of one apply (docs/cli.md §6 `apply`).
        public init(
            at: Instant? = nil, planFile: PlanFile? = nil, selection: TenantSelection = TenantSelection(),
            lockTimeout: Double = 0, holder: LockHolder, writesMessages: Bool = false,
            mailFrom: String = ReminderMailer.defaultFrom
        ) {
            self.at = at
            self.planFile = planFile
            self.selection = selection
            self.lockTimeout = lockTimeout
            self.holder = holder
            self.writesMessages = writesMessages
            self.mailFrom = mailFrom
        }
    }

    /// How the session asks and tells.
    public struct Callbacks {
        /// The current time (UTC, whole seconds): the default `at` and the stale-plan check.
        public var now: () -> Instant
        /// Asks a person to confirm the printed plan; `nil` applies without asking (`--yes`, or
        /// no terminal).
        public var confirm: (() -> Bool)?
        /// Receives what happens, in order, for printing.
        public var report: (ApplyReport) -> Void
        /// Runs right before the commit, under the lock, with the reminder messages of the plan
        /// (`--outbox`; empty without one): writes them completely and durably. Throwing
        /// refuses the apply (nothing is committed), e.g. when a message cannot be written or
        /// the printed plan did not reach its reader.
        public var beforeCommit: ([ReminderMail]) throws(ApplyFailure) -> Void

        /// The callbacks of one apply.
        public init(
            now: @escaping () -> Instant, confirm: (() -> Bool)?, report: @escaping (ApplyReport) -> Void,
            beforeCommit: @escaping ([ReminderMail]) throws(ApplyFailure) -> Void = { _ in }
        ) {
            self.now = now
            self.confirm = confirm
            self.report = report
            self.beforeCommit = beforeCommit
        }
    }

    /// The repo and its state backend.
    public var workspace: Workspace
    /// How this apply runs.
    public var options: Options

    /// A session over `workspace` with `options`.
    public init(workspace: Workspace, options: Options) {
        self.workspace = workspace
        self.options = options
    }

    /// Runs the apply.
    ///
    /// - Returns: ``ApplyOutcome/noChanges`` when nothing was written, else the summary.
    /// - Throws: ``ApplyFailure`` after which nothing was committed: the lock is held by another
    ///   run; the plan has errors; an unknown `--target`; an unreadable or stale plan file; a
    ///   cancelled confirmation; a stale confirmed plan; messages that could not be written; a
    ///   failed commit.
    public func run(_ callbacks: Callbacks) throws(ApplyFailure) -> ApplyOutcome {
        if workspace.backend.locksBeforePlanning {
            let lease = try takeLock(tenants: nil, callbacks)
            defer { lease.release() }
            let repo = workspace.loadRepo()
            guard let decision = try decide(at: options.at, repo: repo, lease: lease, quiet: false, callbacks) else {
                return .noChanges
            }
            return .applied(try commit(decision.plan, lease: lease, callbacks))
        }
        // The manifests are read once; state is read again under the lock, where it may have
        // changed (another apply), while the manifests are this run's own files.
        let repo = workspace.loadRepo()
        guard let first = try decide(at: options.at, repo: repo, lease: nil, quiet: false, callbacks) else {
            return .noChanges
        }
        let lease = try takeLock(tenants: first.plan.tenants.map(\.tenant), callbacks)
        defer { lease.release() }
        let stale = ApplyFailure([.error(PlanFileError.changedBeforeLock.message)])
        // The plan is a function of the manifests, state, `at` and the selection: when state read
        // under the lock is what the first plan read (always, unless another apply wrote
        // meanwhile), planning again would give the same plan, so the first one is the plan made
        // under the lock. An apply of 1,000 tenants saves a whole reconcile this way.
        if options.planFile == nil, let planned = first.inputs {
            let underLock = loadInputs(repo, lease)
            if underLock.states == planned.states, underLock.stateDiagnostics == planned.stateDiagnostics,
                underLock.repo.diagnostics == planned.repo.diagnostics
            {
                return .applied(try commit(first.plan, lease: lease, callbacks))
            }
        }
        guard let underLock = try decide(at: first.plan.at, repo: repo, lease: lease, quiet: true, callbacks) else {
            // Another apply wrote it meanwhile: the plan made under the lock has no changes.
            if first.confirmed { throw stale }
            callbacks.report(.replannedWithoutChanges)
            return .noChanges
        }
        if Self.differs(first.plan, underLock.plan) {
            if first.confirmed { throw stale }
            callbacks.report(.replanned(underLock.plan))
        }
        return .applied(try commit(underLock.plan, lease: lease, callbacks))
    }

    /// A plan about to be written, and whether a person confirmed it.
    private struct Decision {
        var plan: Plan
        var confirmed: Bool
        /// What the plan was made from (`nil` for a plan file, which is re-planned and checked).
        var inputs: Workspace.Inputs? = nil
    }

    /// Locks and completes an interrupted apply first.
    private func takeLock(tenants: [String]?, _ callbacks: Callbacks) throws(ApplyFailure) -> any StateLease {
        let lease: any StateLease
        do {
            lease = try workspace.backend.lock(tenants: tenants, timeout: options.lockTimeout, holder: options.holder)
        } catch {
            throw ApplyFailure(error.diagnostics)
        }
        do {
            if try lease.recover() { callbacks.report(.recoveredInterruptedApply) }
        } catch {
            lease.release()
            throw ApplyFailure(error.diagnostics)
        }
        return lease
    }

    /// Whether two plans of one apply would write different things.
    private static func differs(_ a: Plan, _ b: Plan) -> Bool {
        a.tenants.map { [$0.tenant, "\($0.changed)"] } != b.tenants.map { [$0.tenant, "\($0.changed)"] }
            || a.tenants.map(\.events) != b.tenants.map(\.events)
            || a.tenants.map(\.newState) != b.tenants.map(\.newState)
    }

    /// The inputs over the manifests read, with state read now: through the lease when one is
    /// held.
    private func loadInputs(_ repo: LicenseRepo, _ lease: (any StateLease)?) -> Workspace.Inputs {
        let backend = workspace.backend
        let codes = Workspace.manifestCodes(repo)
        guard let lease else {
            return workspace.inputs(repo: repo) { () throws(StateStoreError) in
                try backend.load(checkingCodes: codes)
            }
        }
        return workspace.inputs(repo: repo) { () throws(StateStoreError) in try lease.load(checkingCodes: codes) }
    }

    /// Plans (or reads and checks the plan file), reports, asks; `nil` when there is nothing to
    /// write. `quiet`: the second look under the lock, which reports only errors.
    private func decide(
        at: Instant?, repo: LicenseRepo, lease: (any StateLease)?, quiet: Bool,
        _ callbacks: Callbacks
    ) throws(ApplyFailure) -> Decision? {
        if let planFile = options.planFile {
            let plan = try savedPlan(planFile, repo: repo, lease: lease, quiet: quiet, callbacks)
            guard plan.hasChanges else {
                if !quiet { callbacks.report(.noChanges) }
                return nil
            }
            return Decision(plan: plan, confirmed: false)
        }
        let now = at ?? callbacks.now()
        if !quiet { warnIfFuture(now, callbacks) }
        let inputs = loadInputs(repo, lease)
        let unknown = options.selection.unknownNames(known: workspace.knownTenants(inputs))
        if unknown.errorCount > 0 { throw ApplyFailure(unknown) }
        if !unknown.isEmpty { callbacks.report(.diagnostics(unknown)) }
        let plan = workspace.plan(inputs: inputs, at: now, selection: options.selection)
        try refuseErrors(plan)
        if !quiet { callbacks.report(.diagnostics(HumanDiagnostics(plan).diagnostics)) }
        if quiet { return plan.hasChanges ? Decision(plan: plan, confirmed: false) : nil }
        callbacks.report(.plan(plan))
        guard plan.hasChanges else { return nil }
        var confirmed = false
        if let confirm = callbacks.confirm {
            guard confirm() else { throw ApplyFailure([], note: ApplyError.cancelled.message) }
            confirmed = true
        }
        return Decision(plan: plan, confirmed: confirmed, inputs: inputs)
    }

    /// A plan with errors is refused with all its diagnostics.
    private func refuseErrors(_ plan: Plan) throws(ApplyFailure) {
        guard plan.hasErrors else { return }
        throw ApplyFailure(
            HumanDiagnostics(plan).diagnostics,
            note: ApplyError.refusedWithErrors(plan.diagnostics.errorCount).message)
    }

    /// docs/cli.md §6: `apply --at T` and `apply PLANFILE` with an `at` later than the current time warn
    /// that plans without `--at` are refused until then.
    private func warnIfFuture(_ at: Instant, _ callbacks: Callbacks) {
        if at.secondsSinceEpoch > callbacks.now().secondsSinceEpoch + 60 {
            callbacks.report(
                .diagnostics([
                    .warning(ApplyError.atInTheFuture(at).message)
                ]))
        }
    }

    /// Reads the plan file, re-plans at its `at` over its selection and refuses it when stale
    /// (docs/cli.md §6, §5.2).
    private func savedPlan(
        _ file: PlanFile, repo: LicenseRepo, lease: (any StateLease)?, quiet: Bool,
        _ callbacks: Callbacks
    ) throws(ApplyFailure) -> Plan {
        // A FIFO or device must not block or feed the run: only a regular file is a plan file.
        guard let data = OutputFile.readRegularFile(file.path) else {
            throw ApplyFailure([.error(PlanFileError.unreadable(file: file.shown).message)])
        }
        let saved: Plan
        do {
            saved = try PlanJSON.decode(Array(data))
        } catch {
            throw ApplyFailure([.error(PlanFileError.undecodable(file: file.shown, error).message)])
        }
        if !quiet { warnIfFuture(saved.at, callbacks) }
        let inputs = loadInputs(repo, lease)
        let fresh = workspace.plan(inputs: inputs, at: saved.at, selection: saved.selection ?? TenantSelection())
        try refuseErrors(fresh)
        if !quiet { callbacks.report(.diagnostics(HumanDiagnostics(fresh).diagnostics)) }
        let stale = DiagnosticsEngine()
        for reason in StalePlanCheck.reasons(saved: saved, fresh: fresh, states: inputs.states, now: callbacks.now()) {
            stale.error(reason.message)
        }
        if stale.count > 0 {
            throw ApplyFailure(stale.emitted, note: ApplyError.refusedAsStale.message)
        }
        return fresh
    }

    /// Writes the messages, then the plan, under the held lock.
    private func commit(_ plan: Plan, lease: any StateLease, _ callbacks: Callbacks) throws(ApplyFailure)
        -> ApplySummary
    {
        // The messages are written before state changes: a reminder recorded as sent but never
        // written would be lost for good (docs/README.md §8 "Apply and the lock").
        let mails =
            options.writesMessages
            ? plan.tenants.compactMap { ReminderMailer.message(for: $0, at: plan.at, from: options.mailFrom) } : []
        try callbacks.beforeCommit(mails)
        let result: ApplyResult
        do {
            result = try lease.commit(plan)
        } catch {
            throw ApplyFailure(error.diagnostics)
        }
        callbacks.report(.diagnostics(result.warnings))
        let summary = ApplySummary(
            at: plan.at, tenantsWritten: result.written.count, eventsJournaled: result.journalLines,
            reminderMessages: options.writesMessages ? mails.count : nil)
        callbacks.report(.complete(summary))
        return summary
    }
}

/// What an ``ApplySession`` tells its caller, in order.
public enum ApplyReport: Sendable {
    /// Diagnostics to print (on stderr); may be empty. A plan's diagnostics come as people read
    /// them: standing warnings of unchanged tenants consolidated (``HumanDiagnostics``, docs/README.md §8).
    case diagnostics([Diagnostic])
    /// An interrupted apply was completed first.
    case recoveredInterruptedApply
    /// The plan about to be applied (before confirmation).
    case plan(Plan)
    /// The plan file has no changes: state is up to date.
    case noChanges
    /// State changed while this apply waited for the lock, and the plan made under the lock has
    /// no changes: nothing is written.
    case replannedWithoutChanges
    /// State changed while this apply waited for the lock: this plan, made under the lock, is
    /// applied instead of the one printed before.
    case replanned(Plan)
    /// The apply was committed.
    case complete(ApplySummary)
}

/// How an ``ApplySession`` ended without an error.
public enum ApplyOutcome: Sendable, Hashable {
    /// Nothing to write; nothing was written.
    case noChanges
    /// The plan was committed.
    case applied(ApplySummary)
}

/// What one apply recorded (docs/README.md §8 "Output": the summary line).
public struct ApplySummary: Sendable, Hashable {
    /// The plan's `at`.
    public var at: Instant
    /// Tenant documents written.
    public var tenantsWritten: Int
    /// Events journaled.
    public var eventsJournaled: Int
    /// Reminder messages written (`--outbox`), `nil` without an outbox.
    public var reminderMessages: Int?

    /// A summary of an apply at `at`.
    public init(at: Instant, tenantsWritten: Int, eventsJournaled: Int, reminderMessages: Int? = nil) {
        self.at = at
        self.tenantsWritten = tenantsWritten
        self.eventsJournaled = eventsJournaled
        self.reminderMessages = reminderMessages
    }

    /// `Apply complete at T: N tenant(s) written, M event(s) journaled.`, the same on every
    /// backend (docs/README.md §8 "Output"); with an outbox, `, K reminder e-mail(s)` before the period.
    public var line: String {
        var text = "Apply complete at \(at): \(tenantsWritten) tenant(s) written, \(eventsJournaled) event(s) journaled"
        if let reminderMessages { text += ", \(reminderMessages) reminder e-mail(s)" }
        return text + "."
    }
}

/// Why an apply wrote nothing: diagnostics to print, then an optional closing line
/// (`Apply refused: 2 error(s); nothing was written.`).
public struct ApplyFailure: Error, Sendable {
    /// Every error that refused the apply.
    public var diagnostics: [Diagnostic]
    /// Printed after the diagnostics, on its own line.
    public var note: String?

    /// A refusal with its `diagnostics` and an optional `note`.
    public init(_ diagnostics: [Diagnostic], note: String? = nil) {
        self.diagnostics = diagnostics
        self.note = note
    }
}
