import Dispatch

/// The reconciler: manifests + prior state + `at` → ``Plan``, as a pure function (SPEC §4).
///
/// No I/O and no clock: `at` is a parameter; the same inputs give the same plan, byte for byte,
/// whatever the order of `states` or the number of cores.
public enum Reconciler {
    /// Computes the plan at `at` (SPEC §4): for every tenant, step 1 replays the recorded facts
    /// over (`appliedAt`, `at`], step 2 diffs the manifest at `at`, then routers are admitted at
    /// `at`.
    ///
    /// - Parameters:
    ///   - repo: the validated manifests; `repo.diagnostics` are carried into the plan.
    ///   - states: prior state documents keyed by tenant name (a tenant without state is absent).
    ///   - at: "now" (UTC).
    ///   - selection: the tenants to plan (SPEC §5.2); cross-tenant checks still run over the
    ///     whole repo and state, and warnings about unselected tenants are left out.
    /// - Returns: a plan covering every selected manifest tenant and every selected tenant that
    ///   only has state, sorted by name. Errors of SPEC §4.5 are added to `diagnostics`; a plan with errors is
    ///   still returned (the CLI refuses it).
    public static func plan(repo: LicenseRepo, states: [String: PriorState], at: Instant,
                            selection: TenantSelection = TenantSelection()) -> Plan {
        let manifests = Dictionary(repo.tenants.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let everyName = Set(manifests.keys).union(states.keys).sorted()
        let names = selection.isRestricting ? everyName.filter(selection.contains) : everyName
        let cross = crossTenantDiagnostics(repo: repo, states: states)

        var results = [(plan: TenantPlan, diagnostics: [Diagnostic])?](repeating: nil, count: names.count)
        results.withUnsafeMutableBufferPointer { buffer in
            let out = DisjointSlots(buffer: buffer)
            DispatchQueue.concurrentPerform(iterations: names.count) { i in
                var planner = TenantPlanner(
                    name: names[i], manifest: manifests[names[i]], prior: states[names[i]],
                    at: at, inputsDigest: repo.inputsDigest)
                let plan = planner.run()
                out(i, (plan, planner.diagnostics))
            }
        }

        var diagnostics = repo.diagnostics(selecting: selection) + cross
        var tenants: [TenantPlan] = []
        tenants.reserveCapacity(names.count)
        for result in results {
            guard let result else { continue }
            tenants.append(result.plan)
            diagnostics += result.diagnostics
        }
        return Plan(at: at, inputsDigest: repo.inputsDigest, tenants: tenants, diagnostics: diagnostics,
                    selection: selection)
    }

    /// Step 1 only, for `status` (SPEC §6): the recorded state replayed over (`appliedAt`, `at`] —
    /// scheduled activations, expiries, stock expiries, invalidations and the due reminders
    /// (coalesced as in SPEC §4.3) — with router admission evaluated at `at` from the recorded
    /// routers. The manifest is not read. `appliedAt`, `serial` and `lineage` are left as they
    /// are; a retired tenant, or `at` before `appliedAt`, returns the state unchanged.
    ///
    /// - Returns: the replayed document and its events in SPEC §4.1 order.
    public static func replay(_ state: TenantState, to at: Instant) -> (state: TenantState, events: [PlanEvent]) {
        guard state.retiredAt == nil, at >= state.appliedAt else { return (state, []) }
        var timeline = LicenseTimeline(licenses: state.licenses, paidSince: state.paidSince)
        var events = timeline.run(through: at)
        events += TenantPlanner.dueReminders(&timeline.licenses, appliedAt: state.appliedAt, at: at, renewed: [])
        let capacity = Capacity(timeline.licenses)
        let admission = Admission(routers: state.routers.map { ($0.serial, $0.connectedAt) }, capacity: capacity, at: at)
        var out = state
        out.licenses = timeline.licenses
        out.paidSince = timeline.paidSince
        out.routers = admission.records
        out.summary = TenantSummary(mode: capacity.mode, capacity: capacity.capacity,
                                    online: admission.online.count, offline: admission.offline.count)
        events.sortInPlanOrder()
        return (out, events)
    }

    /// The cross-tenant error that needs state (SPEC §4.5): a code in one tenant's manifest and
    /// another tenant's state, naming both places. (Codes and router serials declared twice in
    /// the manifests are reported by ``LicenseRepoLoader``, which sees every file.)
    static func crossTenantDiagnostics(repo: LicenseRepo, states: [String: PriorState]) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var stateOwner: [ActivationCode: (tenant: String, path: String)] = [:]
        for name in states.keys.sorted() {
            guard let prior = states[name] else { continue }
            for license in prior.document.licenses where stateOwner[license.code] == nil {
                stateOwner[license.code] = (name, prior.path)
            }
        }
        let manifestNames = Set(repo.tenants.map(\.name))
        var hinted: Set<String> = []
        for tenant in repo.tenants {
            for license in tenant.licenses {
                if let owner = stateOwner[license.code], owner.tenant != tenant.name {
                    var message = "code \(license.code.masked) of tenant '\(tenant.name)' is already redeemed into tenant '\(owner.tenant)' (\(owner.path)); a code is redeemed into exactly one tenant"
                    // A tenant renamed only in metadata.name: its state file still has the old
                    // name (SPEC §5: git mv it and edit its tenant field). Said once per pair.
                    if states[tenant.name] == nil, !manifestNames.contains(owner.tenant),
                       hinted.insert(owner.tenant + "\n" + tenant.name).inserted {
                        let folder = owner.path.hasSuffix("/\(owner.tenant).json")
                            ? String(owner.path.dropLast("\(owner.tenant).json".count)) : "state/tenants/"
                        message += ". If tenant '\(owner.tenant)' was renamed to '\(tenant.name)' in metadata.name, rename its state file too: "
                            + "git mv \(owner.path) \(folder)\(tenant.name).json, and set its \"tenant\" field to '\(tenant.name)'"
                    }
                    out.append(.error(message, at: license.source))
                }
            }
        }
        return out
    }
}

/// A preallocated result buffer shared by `concurrentPerform` iterations. Sound because every
/// iteration writes only its own index and the buffer outlives the (synchronous) loop.
struct DisjointSlots<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>

    func callAsFunction(_ index: Int, _ value: Element) { buffer[index] = value }
}

/// One tenant's reconciliation (SPEC §4): replay, manifest diff, checks, admission, new document.
struct TenantPlanner {
    let name: String
    let manifest: TenantManifest?
    let prior: PriorState?
    let at: Instant
    let inputsDigest: String
    var diagnostics: [Diagnostic] = []
    var events: [PlanEvent] = []

    init(name: String, manifest: TenantManifest?, prior: PriorState?, at: Instant, inputsDigest: String) {
        self.name = name
        self.manifest = manifest
        self.prior = prior
        self.at = at
        self.inputsDigest = inputsDigest
    }

    private var stateLocation: SourceLocation? { prior.map { SourceLocation(file: $0.path, line: 1) } }

    mutating func run() -> TenantPlan {
        let doc = prior?.document
        if let doc, at < doc.appliedAt {
            diagnostics.append(.error(
                "--at \(at) is earlier than the appliedAt of tenant '\(name)', \(doc.appliedAt); plan at \(doc.appliedAt) or later",
                at: stateLocation))
            return unchanged(doc)
        }
        if let doc, doc.retiredAt != nil, manifest == nil { return unchanged(doc) }

        // Step 1: recorded facts over (appliedAt, at].
        var timeline = LicenseTimeline(licenses: doc?.licenses ?? [], paidSince: doc?.paidSince)
        events += timeline.run(through: at)

        guard let manifest else {
            if let doc { return retire(doc, timeline) }
            return unchanged(nil)
        }

        // Step 2: the manifest at `at`.
        var step = StepTwo()
        diffLicenses(manifest, &timeline, &step)
        timeline.licenses.sort { $0.code < $1.code }
        let beforeStepTwo = step.capacityBeforeStepTwo
        let settle = timeline.run(through: at)
        events += settle
        checkCloudFree(manifest, timeline, step)
        let notifications = Self.dueReminders(&timeline.licenses, appliedAt: doc?.appliedAt, at: at, renewed: step.renewed)
        events += notifications

        // Admission at `at`.
        let capacity = Capacity(timeline.licenses)
        let admission = Admission(routers: manifest.routers.map { ($0.serial, $0.connectedAt) }, capacity: capacity, at: at)
        routerEvents(manifest, doc, admission)
        warnings(manifest, timeline, step, settle: settle, before: beforeStepTwo, capacity: capacity,
                 admission: admission, notifications: notifications.count)

        var newDoc = TenantState(
            tenant: name, lineage: doc?.lineage ?? "", serial: doc?.serial ?? 0, appliedAt: doc?.appliedAt ?? at,
            paidSince: timeline.paidSince, retiredAt: nil, licenses: timeline.licenses, routers: admission.records,
            summary: TenantSummary(mode: capacity.mode, capacity: capacity.capacity,
                                   online: admission.online.count, offline: admission.offline.count))
        let after = TenantAfter(mode: capacity.mode, capacity: capacity.capacity, online: admission.online,
                                offline: admission.offline, licenses: Self.counts(timeline.licenses))
        return finish(&newDoc, after: after, contacts: manifest.contacts)
    }

    // MARK: - Step 2

    /// What step 2 did, for the checks and warnings that follow it.
    struct StepTwo {
        var capacityBeforeStepTwo = Capacity(mode: .disabled, capacity: 0)
        /// Licenses activated at `at` by step 2 (requests and Cloud Free restarts).
        var activatedNow: [ActivationCode] = []
        /// Licenses scheduled or rescheduled by step 2.
        var scheduledNow: [ActivationCode] = []
        /// Cloud Free licenses renewed by this plan (no reminders for them, SPEC §4.3).
        var renewed: Set<ActivationCode> = []
        /// Licenses adopted by this plan with their platform history (SPEC §4.8).
        var adopted: [ActivationCode] = []
        /// The manifest's licenses by code (lookup only).
        var desired = DesiredLicenses(licenses: [])
    }

    private mutating func diffLicenses(_ manifest: TenantManifest, _ timeline: inout LicenseTimeline, _ step: inout StepTwo) {
        step.capacityBeforeStepTwo = Capacity(timeline.licenses)
        var index: [ActivationCode: Int] = Dictionary(minimumCapacity: timeline.licenses.count)
        for (i, l) in timeline.licenses.enumerated() { index[l.code] = i }
        step.desired = DesiredLicenses(licenses: manifest.licenses)

        for d in manifest.licenses {
            if let i = index[d.code] {
                var record = timeline.licenses[i]
                update(&record, from: d, timeline: &timeline, step: &step)
                timeline.licenses[i] = record
            } else if let history = d.adopted {
                // A running license (SPEC §4.8): redeemed, then adopted with its history. The
                // stock-expiry error of redeeming does not apply: `activated` < stockExpiresAt
                // was checked when the manifest was read.
                guard notInFuture(d, history) else { continue }
                events.append(PlanEvent(at: at, action: .redeem, code: d.code))
                var record = LicenseRecord(
                    code: d.code, type: d.type, status: .available, issued: d.issued, term: d.term,
                    activation: nil, redeemedAt: at, renew: d.renew, source: Self.fileAndLine(d.source))
                adopt(&record, history, timeline: &timeline, step: &step)
                timeline.licenses.append(record)
            } else {
                if at >= d.stockExpiresAt {
                    diagnostics.append(.error(
                        "cannot redeem \(d.code.masked): its stock expired at \(d.stockExpiresAt) (issued \(d.issued.dateString) + P2Y)",
                        at: d.source))
                    continue
                }
                if d.issued > at {
                    // SPEC §4 is silent; a code cannot exist before the vendor issued it, but the
                    // issue date is the sales order's date, so this is a warning, not an error.
                    diagnostics.append(.warning(
                        "\(d.code.masked) is redeemed at \(at), before its issue date \(d.issued.dateString); check the issue date or plan later",
                        at: d.source))
                }
                events.append(PlanEvent(at: at, action: .redeem, code: d.code))
                var record = LicenseRecord(
                    code: d.code, type: d.type, status: .available, issued: d.issued, term: d.term,
                    activation: nil, redeemedAt: at, renew: d.renew, source: Self.fileAndLine(d.source))
                request(&record, d, timeline: &timeline, step: &step)
                timeline.licenses.append(record)
            }
        }

        if !step.adopted.isEmpty { settleAdoptions(&timeline, &step) }

        // Licenses in state that left the manifest (SPEC §4.1 archive, §4.5).
        var missing: [String] = []
        for i in timeline.licenses.indices where !step.desired.contains(timeline.licenses[i].code) {
            let l = timeline.licenses[i]
            guard l.archivedAt == nil else { continue }
            if l.status.isTerminal {
                timeline.licenses[i].archivedAt = at
                events.append(PlanEvent(at: at, action: .archive, code: l.code))
            } else {
                missing.append("\(l.code.masked) (\(l.status.rawValue))")
            }
        }
        if !missing.isEmpty {
            diagnostics.append(.error(
                "tenant '\(name)': \(missing.joined(separator: ", ")) \(missing.count == 1 ? "is" : "are") in state but missing from the manifest; only expired or invalid licenses may leave it (restore \(missing.count == 1 ? "it" : "them"))",
                at: stateLocation ?? manifest.source))
        }
    }

    /// A license already in state: §4.2 rules, then renewal (SPEC §4.1 `renew`).
    private mutating func update(_ record: inout LicenseRecord, from d: DesiredLicense,
                                 timeline: inout LicenseTimeline, step: inout StepTwo) {
        guard record.archivedAt == nil else { return }
        // State keeps what the code was redeemed as (README); say so when the manifest now
        // disagrees, rather than ignoring the edit without a word.
        var differences: [String] = []
        if d.type != record.type { differences.append("type '\(d.type)' (recorded '\(record.type)')") }
        if d.issued != record.issued {
            differences.append("issued \(d.issued.dateString) (recorded \(record.issued.dateString))")
        }
        if d.term != record.term { differences.append("term \(d.term) (recorded \(record.term))") }
        if record.adoptedAt != nil, !record.renew, let history = d.adopted, let recorded = record.expiresAt,
           history.expiry(term: record.term) != recorded {
            differences.append("expiry \(history.expiry(term: record.term)) (recorded \(recorded))")
        }
        if !differences.isEmpty {
            diagnostics.append(.warning(
                "\(d.code.masked) was redeemed with other values; the manifest now gives \(differences.joined(separator: ", ")); state keeps the recorded ones — restore them, or redeem a new code",
                at: d.source))
        }
        record.renew = d.renew
        if let history = d.adopted, record.status == .expired, record.activatedAt == nil,
           let stockExpiry = events.firstIndex(where: { $0.action == .stockExpire && $0.code == d.code }) {
            // SPEC §8: step 1 stock-expired a held code that the platform activated in time
            // (`activated` < stockExpiresAt, checked on reading): its stock-expire is dropped.
            guard notInFuture(d, history) else { return }
            events.remove(at: stockExpiry)
            record.status = .available
            adopt(&record, history, timeline: &timeline, step: &step)
            return
        }
        switch record.status {
        case .available, .scheduled:
            if let history = d.adopted {
                // Activated in the platform at another time than planned (SPEC §4.8): adopted
                // with that history, without an `unschedule`.
                guard notInFuture(d, history) else { return }
                adopt(&record, history, timeline: &timeline, step: &step)
            } else {
                request(&record, d, timeline: &timeline, step: &step)
            }
        case .active, .expired, .invalid:
            if let activatedAt = record.activatedAt {
                // SPEC §8: `activated: X` is the request recorded as `activate: X`, and the
                // same as the recorded activation when X is its activatedAt.
                let same = d.activation == record.activation || d.adopted.map { $0.activatedAt == activatedAt } ?? false
                if !same {
                    let key = record.adoptedAt == nil ? "activate" : "activated"
                    let restore = record.activation.map { "restore `\(key): \($0)`" } ?? "remove `activate`"
                    diagnostics.append(.error(
                        "license \(d.code.masked) was activated on \(activatedAt); \(restore)",
                        at: d.activationSource ?? d.source))
                }
            } else if let wanted = d.activation, wanted != record.activation {
                diagnostics.append(.error(
                    "cannot activate \(d.code.masked): its stock expired at \(record.stockExpiresAt) (issued \(record.issued.dateString) + P2Y)",
                    at: d.activationSource ?? d.source))
            }
            guard record.type.policy.renewable, d.renew, let expiresAt = record.expiresAt else { return }
            if record.status == .active, LicenseTimeline.renewalWindowStart(expiresAt: expiresAt) <= at, at < expiresAt {
                let moved = expiresAt.adding(record.term)
                record.expiresAt = moved
                step.renewed.insert(record.code)
                events.append(PlanEvent(at: at, action: .renew, code: record.code, expiresAt: moved))
            } else if record.status == .expired, record.activatedAt != nil {
                let moved = at.adding(record.term)
                record.status = .active
                record.activatedAt = at
                record.expiresAt = moved
                step.renewed.insert(record.code)
                step.activatedNow.append(record.code)
                events.append(PlanEvent(at: at, action: .renew, code: record.code, expiresAt: moved))
            }
        }
    }

    /// The activation request of an `available` or `scheduled` license (SPEC §4, §4.1, §4.2).
    private mutating func request(_ record: inout LicenseRecord, _ d: DesiredLicense,
                                  timeline: inout LicenseTimeline, step: inout StepTwo) {
        let place = d.activationSource ?? d.source
        switch d.activation {
        case nil:
            if record.status == .scheduled {
                events.append(PlanEvent(at: at, action: .unschedule, code: record.code))
                record.status = .available
                record.scheduledAt = nil
            }
        case .at(let t) where t > at:
            if record.status == .scheduled, record.scheduledAt == t { break }
            guard t < record.stockExpiresAt else {
                diagnostics.append(.error(
                    "cannot activate \(d.code.masked) at \(t): its stock expires at \(record.stockExpiresAt) (issued \(record.issued.dateString) + P2Y)",
                    at: place))
                return
            }
            if record.status == .scheduled, let from = record.scheduledAt {
                events.append(PlanEvent(at: at, action: .reschedule, code: record.code, scheduledAt: t, from: from))
            } else {
                events.append(PlanEvent(at: at, action: .schedule, code: record.code, scheduledAt: t))
            }
            record.status = .scheduled
            record.scheduledAt = t
            step.scheduledNow.append(record.code)
        case .immediately, .at:
            if case .at(let t) = d.activation, t < at {
                diagnostics.append(.warning(
                    "activate: \(t) of \(d.code.masked) is in the past and was never recorded as scheduled; activating it now, at \(at)",
                    at: place))
            }
            guard at < record.stockExpiresAt else {
                diagnostics.append(.error(
                    "cannot activate \(d.code.masked) at \(at): its stock expires at \(record.stockExpiresAt) (issued \(record.issued.dateString) + P2Y)",
                    at: place))
                return
            }
            let expires = at.adding(record.term)
            record.status = .active
            record.activatedAt = at
            record.expiresAt = expires
            record.scheduledAt = nil
            if record.type.isPaid { timeline.paidSince = min(timeline.paidSince ?? at, at) }
            step.activatedNow.append(record.code)
            events.append(PlanEvent(at: at, action: .activate, code: record.code, expiresAt: expires))
        }
        record.activation = d.activation
    }

    // MARK: - Adoption (SPEC §4.8)

    /// SPEC §4.8: `activated` must not lie after `at`; a future activation is a request.
    private mutating func notInFuture(_ d: DesiredLicense, _ history: AdoptedHistory) -> Bool {
        guard history.activatedAt > at else { return true }
        diagnostics.append(.error(
            "activated: \(history.activatedAt) of \(d.code.masked) is in the future (after \(at)); 'activated' records an activation the platform already made — to request one, write `activate: \(history.activatedAt)`",
            at: history.source))
        return false
    }

    /// Enters a running license into state with its history (SPEC §4.8): `activation` =
    /// `activatedAt` = the given instant, `expiresAt` = `expires` or `activated + term`,
    /// `adoptedAt` = `at`, status `active` or `expired` at `at` (R2 follows in
    /// ``settleAdoptions(_:_:)``, which also makes the `adopt` event).
    private mutating func adopt(_ record: inout LicenseRecord, _ history: AdoptedHistory,
                                timeline: inout LicenseTimeline, step: inout StepTwo) {
        let expires = history.expiry(term: record.term)
        record.status = at < expires ? .active : .expired
        record.activation = .at(history.activatedAt)
        record.activatedAt = history.activatedAt
        record.expiresAt = expires
        record.scheduledAt = nil
        record.adoptedAt = at
        if record.type.isPaid { timeline.paidSince = min(timeline.paidSince ?? history.activatedAt, history.activatedAt) }
        step.adopted.append(record.code)
    }

    /// R2 over adopted activations (SPEC §4.8, §8), then the `adopt` events. A Cloud Free adopted
    /// now (active or expired), or recorded and active, whose validity [activatedAt, expiresAt)
    /// contains a paid activation P ≤ `at` that was adopted or recorded (not one made by this
    /// plan, which invalidates at `at` as usual) becomes `invalid` with `invalidatedAt` = the
    /// earliest such P; a recorded one gets an `invalidate` event at `at` carrying P.
    private mutating func settleAdoptions(_ timeline: inout LicenseTimeline, _ step: inout StepTwo) {
        let adoptedNow = Set(step.adopted)
        let activatedNow = Set(step.activatedNow)
        var paid: [(at: Instant, code: ActivationCode)] = []
        for l in timeline.licenses where l.type.isPaid && !activatedNow.contains(l.code) {
            if let a = l.activatedAt, a <= at { paid.append((a, l.code)) }
        }
        paid.sort { ($0.at, $0.code) < ($1.at, $1.code) }
        var invalidatedBy: [ActivationCode: ActivationCode] = [:]
        for i in timeline.licenses.indices {
            let l = timeline.licenses[i]
            let adopted = adoptedNow.contains(l.code)
            // An adopted Free is judged on its whole history (R2 before expiry, SPEC §8); a
            // recorded one only while active (expired or invalid ones are never rewritten).
            // A Free this plan activates (or restarts) is judged by the R2 check of requests.
            guard l.type.invalidatedByPaid, l.status == .active || (adopted && l.status == .expired), l.archivedAt == nil,
                  !activatedNow.contains(l.code), let start = l.activatedAt, let end = l.expiresAt else { continue }
            if !adopted {
                // A recorded Cloud Free: an adopted paid activation before it means the platform
                // would have refused the Free (SPEC §8).
                if let earlier = paid.first(where: { $0.at < start && adoptedNow.contains($0.code) }) {
                    diagnostics.append(.error(
                        "\(earlier.code.masked) was activated at \(earlier.at), before Cloud Free \(l.code.masked) recorded as activated at \(start); the platform refuses Cloud Free after a paid activation — check activated of \(earlier.code.masked)",
                        at: step.desired[earlier.code]?.adopted?.source ?? step.desired[earlier.code]?.source ?? stateLocation))
                    continue
                }
            }
            guard let by = paid.first(where: { start <= $0.at && $0.at < end }),
                  adopted || adoptedNow.contains(by.code) else { continue }
            timeline.licenses[i].status = .invalid
            timeline.licenses[i].invalidatedAt = by.at
            invalidatedBy[l.code] = by.code
            if !adopted {
                events.append(PlanEvent(at: at, action: .invalidate, code: l.code, invalidatedAt: by.at,
                                        invalidatedBy: by.code))
            }
        }
        for l in timeline.licenses where adoptedNow.contains(l.code) {
            events.append(PlanEvent(
                at: at, action: .adopt, code: l.code, expiresAt: l.expiresAt, activatedAt: l.activatedAt, status: l.status,
                invalidatedAt: l.status == .invalid ? l.invalidatedAt : nil, invalidatedBy: invalidatedBy[l.code]))
        }
    }

    // MARK: - Checks

    /// R1 (one non-terminal Cloud Free) and R2 (no Cloud Free at or after the first paid
    /// activation, recorded or planned).
    private mutating func checkCloudFree(_ manifest: TenantManifest, _ timeline: LicenseTimeline, _ step: StepTwo) {
        let live = timeline.licenses.filter { $0.archivedAt == nil }
        let firstScheduledPaid = live.filter { $0.type.isPaid && $0.status == .scheduled }.compactMap(\.scheduledAt).min()
        let plannedPaid = [timeline.paidSince, firstScheduledPaid].compactMap { $0 }.min()
        let activatedNow = Set(step.activatedNow)
        for l in live where l.type.invalidatedByPaid {
            let place = step.desired[l.code].map { $0.activationSource ?? $0.source } ?? manifest.source
            var activation: Instant?
            if l.status == .scheduled { activation = l.scheduledAt }
            if activatedNow.contains(l.code) { activation = at }
            if step.adopted.contains(l.code), let t = l.activatedAt, let paid = timeline.paidSince, t >= paid {
                diagnostics.append(.error(
                    "Cloud Free \(l.code.masked) is activated at \(t), at or after tenant '\(name)''s first paid activation at \(paid); the platform refuses Cloud Free after a paid license — check 'activated'",
                    at: step.desired[l.code]?.adopted?.source ?? place))
                continue
            }
            if let t = activation, let paid = plannedPaid, t >= paid {
                diagnostics.append(.error(
                    "cannot activate Cloud Free \(l.code.masked) at \(t): tenant '\(name)' has its first paid activation at \(paid); Cloud Free never follows a paid license"
                        + (l.renew && activatedNow.contains(l.code) ? " (this would renew the expired Cloud Free: remove 'renew: true')" : ""),
                    at: place))
            }
        }
        let nonTerminal = live.filter { $0.type.policy.exclusive && !$0.status.isTerminal }
            .sorted { ($0.redeemedAt, $0.code) < ($1.redeemedAt, $1.code) }
        if let first = nonTerminal.first {
            for extra in nonTerminal.dropFirst() {
                diagnostics.append(.error(
                    "\(extra.code.masked) would be a second non-terminal Cloud Free license in tenant '\(name)' (\(first.code.masked) is \(first.status.rawValue)); Cloud Free cannot be combined",
                    at: step.desired[extra.code]?.source ?? manifest.source))
            }
        }
    }

    // MARK: - Reminders (SPEC §4.3)

    /// Due reminder slots of every active license, recorded in `remindersSent`; one `notify` per
    /// license, for its latest due slot.
    static func dueReminders(_ licenses: inout [LicenseRecord], appliedAt: Instant?, at: Instant,
                             renewed: Set<ActivationCode>) -> [PlanEvent] {
        var out: [PlanEvent] = []
        for i in licenses.indices {
            let l = licenses[i]
            guard l.status == .active, l.archivedAt == nil, !renewed.contains(l.code),
                  let e = l.expiresAt, let activatedAt = l.activatedAt else { continue }
            // An adopted license's slots up to its adoption were the platform's (SPEC §4.8).
            let lower = max(appliedAt ?? activatedAt, activatedAt, l.adoptedAt ?? activatedAt)
            let due = LicenseTimeline.reminderSlots(expiresAt: e).filter {
                lower < $0 && $0 <= at && !l.remindersSent.contains($0)
            }
            guard let latest = due.last else { continue }
            var sent = l.remindersSent
            for slot in due { sent = LicenseTimeline.inserting(slot, into: sent) }
            licenses[i].remindersSent = sent
            out.append(PlanEvent(at: latest, action: .notify, code: l.code, expiresAt: e, slot: latest))
        }
        return out
    }

    // MARK: - Routers (SPEC §4.4)

    private mutating func routerEvents(_ manifest: TenantManifest, _ doc: TenantState?, _ admission: Admission) {
        let recorded = doc?.routers ?? []
        events.reserveCapacity(events.count + admission.records.count + recorded.count)
        if recorded.isEmpty {
            // Nothing recorded: every router is admitted or rejected now.
            for r in admission.records {
                events.append(PlanEvent(at: at, action: r.status == .online ? .admit : .reject,
                                        serial: r.serial, reason: r.reason))
            }
            return
        }
        if Self.mergeRouterEvents(recorded: recorded, records: admission.records, manifest: manifest.routers,
                                  at: at, into: &events) {
            return
        }
        // Routers are identified by their upper-cased serial (SPEC §8 "Inputs"): a spelling
        // change alone is no event (the new document records the new spelling).
        var byserial: [String: RouterRecord] = [:]
        for r in recorded { byserial[RouterSerial.identity(r.serial)] = r }
        for r in admission.records {
            let old = byserial[RouterSerial.identity(r.serial)]
            if old?.status != r.status || old?.reason != r.reason {
                events.append(PlanEvent(at: at, action: r.status == .online ? .admit : .reject,
                                        serial: r.serial, reason: r.reason))
            }
        }
        let present = Set(manifest.routers.map { RouterSerial.identity($0.serial) })
        for r in recorded where !present.contains(RouterSerial.identity(r.serial)) {
            events.append(PlanEvent(at: at, action: .remove, serial: r.serial))
        }
    }

    /// ``routerEvents`` by a linear merge, when the recorded routers, the admitted ones and the
    /// manifest's are each in strictly increasing serial order (as state and manifests keep
    /// them): admit/reject events in the order of `records`, then remove events in the order of
    /// `recorded`. Returns `false`, having added nothing, when an input is out of order.
    private static func mergeRouterEvents(recorded: [RouterRecord], records: [RouterRecord], manifest: [DesiredRouter],
                                          at: Instant, into events: inout [PlanEvent]) -> Bool {
        func increasing(_ count: Int, _ serial: (Int) -> String) -> Bool {
            var i = 1
            while i < count {
                guard RouterSerial.precedes(serial(i - 1), serial(i)) else { return false }
                i += 1
            }
            return true
        }
        guard increasing(recorded.count, { recorded[$0].serial }), increasing(records.count, { records[$0].serial }),
              increasing(manifest.count, { manifest[$0].serial })
        else { return false }
        var j = 0
        for r in records {
            while j < recorded.count, RouterSerial.precedes(recorded[j].serial, r.serial) { j += 1 }
            let old = j < recorded.count && RouterSerial.same(recorded[j].serial, r.serial) ? recorded[j] : nil
            if old?.status != r.status || old?.reason != r.reason {
                events.append(PlanEvent(at: at, action: r.status == .online ? .admit : .reject,
                                        serial: r.serial, reason: r.reason))
            }
        }
        var m = 0
        for r in recorded {
            while m < manifest.count, RouterSerial.precedes(manifest[m].serial, r.serial) { m += 1 }
            if !(m < manifest.count && RouterSerial.same(manifest[m].serial, r.serial)) {
                events.append(PlanEvent(at: at, action: .remove, serial: r.serial))
            }
        }
        return true
    }

    // MARK: - Warnings (SPEC §4.5)

    private mutating func warnings(_ manifest: TenantManifest, _ timeline: LicenseTimeline, _ step: StepTwo,
                                   settle: [PlanEvent], before: Capacity, capacity: Capacity,
                                   admission: Admission, notifications: Int) {
        // An activation now that invalidates Cloud Free.
        let invalidatedNow = settle.filter { $0.action == .invalidate && $0.at == at }.compactMap(\.code)
        let paidNow = step.activatedNow.filter { step.desired[$0]?.type.isPaid ?? false }.sorted()
        if let paid = paidNow.first {
            for free in invalidatedNow {
                let d = step.desired[paid]
                diagnostics.append(.warning(
                    "activating \(paid.masked) invalidates Cloud Free \(free.masked): capacity \(before.capacity) → \(capacity.capacity), \(admission.rejected.count) routers rejected",
                    at: d.map { $0.activationSource ?? $0.source } ?? manifest.source))
            }
        }
        // A scheduled first paid activation that will invalidate Cloud Free.
        if timeline.paidSince == nil {
            let live = timeline.licenses.filter { $0.archivedAt == nil }
            let scheduledPaid = live.filter { $0.type.isPaid && $0.status == .scheduled }
            if let first = scheduledPaid.min(by: { ($0.scheduledAt ?? at, $0.code) < ($1.scheduledAt ?? at, $1.code) }),
               let s = first.scheduledAt, step.scheduledNow.contains(first.code),
               let free = live.first(where: { l in
                   l.type.invalidatedByPaid && ((l.status == .active && (l.expiresAt ?? at) > s)
                       || (l.status == .scheduled && (l.scheduledAt ?? s) < s))
               }) {
                var paidCapacity = 0
                for l in live where l.type.isPaid {
                    let start = l.status == .active ? l.activatedAt : (l.status == .scheduled ? l.scheduledAt : nil)
                    guard let start else { continue }
                    let end = l.status == .active ? (l.expiresAt ?? start) : start.adding(l.term)
                    if start <= s, s < end { paidCapacity += l.capacity }
                }
                let connected = manifest.routers.filter { ($0.connectedAt ?? .init(secondsSinceEpoch: .max)) <= s }.count
                let d = step.desired[first.code]
                diagnostics.append(.warning(
                    "activating \(first.code.masked) at \(s) will invalidate Cloud Free \(free.code.masked): capacity \(free.type.capacity) → \(paidCapacity), \(max(0, connected - paidCapacity)) routers rejected",
                    at: d.map { $0.activationSource ?? $0.source } ?? manifest.source))
            }
        }
        // Rejected routers.
        if !admission.rejected.isEmpty {
            let why = capacity.mode == .disabled ? "no valid license: device management is disabled" : "capacity \(capacity.capacity)"
            diagnostics.append(.warning(
                "tenant '\(name)': \(admission.rejected.count) of \(admission.connected) connected routers rejected (\(why))",
                at: manifest.source, standing: .rejectedRouters, tenant: name))
        }
        // Routers connected after `at`.
        for r in manifest.routers {
            if let c = r.connectedAt, c > at {
                diagnostics.append(.warning(
                    "router \(r.serial) has connectedAt \(c), after \(at); it counts as not connected", at: r.source,
                    standing: .routersConnectingLater, tenant: name, keeping: [r.serial]))
            }
        }
        for l in timeline.licenses where l.archivedAt == nil {
            guard let d = step.desired[l.code] else { continue }
            // Cloud Free near expiry without renewal.
            if l.type.policy.renewable, l.status == .active, !l.renew, let e = l.expiresAt,
               LicenseTimeline.renewalWindowStart(expiresAt: e) <= at, at < e {
                diagnostics.append(.warning(
                    "Cloud Free \(l.code.masked) expires at \(e) (in \(Self.days(from: at, to: e)) days) and has renew: false; set renew: true to keep limited mode",
                    at: d.source, standing: .cloudFreeNearExpiry, tenant: name))
            }
            // Codes still available near stock expiry.
            if l.status == .available, l.stockExpiresAt.addingDays(-90) <= at, at < l.stockExpiresAt {
                diagnostics.append(.warning(
                    "\(l.code.masked) is still available and its stock expires at \(l.stockExpiresAt) (in \(Self.days(from: at, to: l.stockExpiresAt)) days); activate it before then",
                    at: d.source, standing: .stockExpiring, tenant: name))
            }
        }
        // Reminders due without contacts.
        if notifications > 0, manifest.contacts.isEmpty {
            diagnostics.append(.warning(
                "tenant '\(name)' has \(notifications) reminder\(notifications == 1 ? "" : "s") due but no contacts; add spec.contacts",
                at: manifest.source, standing: .remindersWithoutContacts, tenant: name))
        }
    }

    static func days(from a: Instant, to b: Instant) -> Int64 {
        (b.secondsSinceEpoch - a.secondsSinceEpoch) / 86_400
    }

    // MARK: - Retire, unchanged, finish

    /// A tenant that left the manifests (SPEC §4.1 `retire`): allowed only when all its
    /// licenses are terminal after step 1; its routers are removed.
    private mutating func retire(_ doc: TenantState, _ timeline: LicenseTimeline) -> TenantPlan {
        let open = timeline.licenses.filter { $0.archivedAt == nil && !$0.status.isTerminal }
        var newDoc = doc
        newDoc.licenses = timeline.licenses
        newDoc.paidSince = timeline.paidSince
        if !open.isEmpty {
            let list = open.map { "\($0.code.masked) (\($0.status.rawValue))" }.joined(separator: ", ")
            diagnostics.append(.error(
                "tenant '\(name)' has state but no manifest, and its licenses \(list) are not expired or invalid; restore its manifest (a tenant retires only when all its licenses are terminal)",
                at: stateLocation))
        } else {
            events.append(PlanEvent(at: at, action: .retire))
            for r in doc.routers { events.append(PlanEvent(at: at, action: .remove, serial: r.serial)) }
            newDoc.retiredAt = at
            newDoc.routers = []
            newDoc.summary = TenantSummary(mode: .disabled, capacity: 0, online: 0, offline: 0)
        }
        let capacity = Capacity(newDoc.licenses)
        let admission = Admission(routers: newDoc.routers.map { ($0.serial, $0.connectedAt) }, capacity: capacity, at: at)
        if newDoc.retiredAt == nil {
            newDoc.routers = admission.records
            newDoc.summary = TenantSummary(mode: capacity.mode, capacity: capacity.capacity,
                                           online: admission.online.count, offline: admission.offline.count)
        }
        let after = TenantAfter(mode: capacity.mode, capacity: capacity.capacity, online: admission.online,
                                offline: admission.offline, licenses: Self.counts(newDoc.licenses))
        return finish(&newDoc, after: after, contacts: [])
    }

    /// The plan of a tenant left as recorded (a retired tenant; `--at` before `appliedAt`).
    private func unchanged(_ doc: TenantState?) -> TenantPlan {
        guard let doc else {
            return TenantPlan(tenant: name, prior: nil, changed: false, events: [],
                              after: TenantAfter(mode: .disabled, capacity: 0, online: [], offline: [], licenses: LicenseCounts()))
        }
        let online = doc.routers.filter { $0.status == .online }
            .sorted { ($0.connectedAt ?? at, $0.serial) < ($1.connectedAt ?? at, $1.serial) }.map(\.serial)
        let offline = doc.routers.compactMap { r in r.reason.map { OfflineRouter(serial: r.serial, reason: $0) } }
        let after = TenantAfter(mode: doc.summary.mode, capacity: doc.summary.capacity, online: online,
                                offline: offline, licenses: Self.counts(doc.licenses))
        return TenantPlan(tenant: name, prior: PriorRef(lineage: doc.lineage, serial: doc.serial), changed: false,
                          events: [], after: after, before: doc.summary, newState: doc,
                          contacts: manifest?.contacts ?? [])
    }

    /// SPEC §4.6: compares with the prior document ignoring `appliedAt` and `serial`; a changed
    /// document gets `appliedAt` = `at`, `serial` + 1 and its lineage (new on the first write).
    private mutating func finish(_ newDoc: inout TenantState, after: TenantAfter, contacts: [String]) -> TenantPlan {
        let doc = prior?.document
        var changed = true
        if let doc {
            newDoc.lineage = doc.lineage
            newDoc.serial = doc.serial
            newDoc.appliedAt = doc.appliedAt
            newDoc.formatVersion = doc.formatVersion
            changed = newDoc != doc
        }
        if changed {
            newDoc.formatVersion = TenantState.currentFormatVersion
            newDoc.appliedAt = at
            newDoc.serial = (doc?.serial ?? 0) + 1
            newDoc.lineage = doc?.lineage ?? Lineage.make(tenant: name, firstAppliedAt: at, inputsDigest: inputsDigest)
        }
        events.sortInPlanOrder()
        return TenantPlan(tenant: name, prior: doc.map { PriorRef(lineage: $0.lineage, serial: $0.serial) },
                          changed: changed, events: events, after: after, before: doc?.summary,
                          newState: changed ? newDoc : doc, contacts: contacts)
    }

    /// ``SourceLocation/fileAndLine`` (`file:line`), made in one buffer instead of by
    /// interpolation: every newly redeemed license records it.
    static func fileAndLine(_ location: SourceLocation) -> String {
        var file = location.file
        let line = location.line
        return file.withUTF8 { name in
            var digits = 1
            var rest = line.magnitude / 10
            while rest > 0 {
                digits += 1
                rest /= 10
            }
            let count = name.count + 1 + (line < 0 ? 1 : 0) + digits
            return String(unsafeUninitializedCapacity: count) { out in
                var i = 0
                for byte in name {
                    out[i] = byte
                    i += 1
                }
                out[i] = UInt8(ascii: ":")
                i += 1
                if line < 0 {
                    out[i] = UInt8(ascii: "-")
                    i += 1
                }
                var v = line.magnitude
                var k = i + digits - 1
                repeat {
                    out[k] = UInt8(truncatingIfNeeded: 48 + v % 10)
                    v /= 10
                    k -= 1
                } while v > 0
                return count
            }
        }
    }

    static func counts(_ licenses: [LicenseRecord]) -> LicenseCounts {
        var counts = LicenseCounts()
        for l in licenses where l.archivedAt == nil { counts[l.status] += 1 }
        return counts
    }
}

/// A manifest's licenses looked up by code, for step 2 and its checks: codes are keyed by their
/// 12 hex digits as one integer and found by binary search, instead of hashing their text. For
/// a code given twice, the last one counts (as a dictionary built in order would keep it).
struct DesiredLicenses {
    let licenses: [DesiredLicense]
    /// (key, position in `licenses`) sorted by key; one entry per key.
    private var byKey: [(key: UInt64, position: Int)] = []
    /// Whether every code packed to a distinct key; otherwise lookups compare codes one by one.
    private var packed = true

    init(licenses: [DesiredLicense]) {
        self.licenses = licenses
        byKey.reserveCapacity(licenses.count)
        for (i, d) in licenses.enumerated() {
            guard let key = Self.key(d.code) else {
                packed = false
                return
            }
            byKey.append((key, i))
        }
        byKey.sort { ($0.key, $0.position) < ($1.key, $1.position) }
        // One entry per key, the last position; a key shared by different codes cannot be
        // told apart by key (it cannot happen: the key is the code's hex digits).
        var unique: [(key: UInt64, position: Int)] = []
        unique.reserveCapacity(byKey.count)
        for entry in byKey {
            if let last = unique.last, last.key == entry.key {
                guard licenses[last.position].code == licenses[entry.position].code else {
                    packed = false
                    return
                }
                unique[unique.count - 1] = entry
            } else {
                unique.append(entry)
            }
        }
        byKey = unique
    }

    /// The position in ``licenses`` of the (last) license with `code`.
    func position(of code: ActivationCode) -> Int? {
        guard packed, let key = Self.key(code) else {
            return licenses.lastIndex { $0.code == code }
        }
        var low = 0
        var high = byKey.count
        while low < high {
            let mid = (low + high) / 2
            if byKey[mid].key < key { low = mid + 1 } else { high = mid }
        }
        guard low < byKey.count, byKey[low].key == key else { return nil }
        let position = byKey[low].position
        return licenses[position].code == code ? position : nil
    }

    func contains(_ code: ActivationCode) -> Bool { position(of: code) != nil }

    subscript(code: ActivationCode) -> DesiredLicense? {
        position(of: code).map { licenses[$0] }
    }

    /// The 12 hex digits of a canonical code `XXXX-XXXX-XXXX` as a 48-bit integer; `nil` for
    /// text of another shape.
    private static func key(_ code: ActivationCode) -> UInt64? {
        let key = code.canonical.utf8.withContiguousStorageIfAvailable { utf8 -> UInt64? in
            var key: UInt64 = 0
            var digits = 0
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): key = key << 4 | UInt64(byte - 48)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): key = key << 4 | UInt64(byte - 55)
                case UInt8(ascii: "-"): continue
                default: return nil
                }
                digits += 1
            }
            return digits == 12 ? key : nil
        }
        return key ?? nil
    }
}
