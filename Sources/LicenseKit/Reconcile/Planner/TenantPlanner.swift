/// One tenant's reconciliation (docs/rules.md §4): replay, manifest diff, checks, admission, new document.
struct TenantPlanner {
    let name: String
    let manifest: TenantManifest?
    let prior: PriorState?
    let at: Instant
    let inputsDigest: String
    /// This tenant's errors and warnings.
    let diagnostics = DiagnosticsEngine()
    var events: [PlanEvent] = []
    /// The recorded `appliedAt` when `at` is earlier (docs/rules.md §4.5): the error is the
    /// reconciler's, one for all tenants (``Reconciler/plan(repo:states:at:selection:codesOfOtherOwners:)``).
    private(set) var appliedAtAfterAt: Instant?

    init(name: String, manifest: TenantManifest?, prior: PriorState?, at: Instant, inputsDigest: String) {
        self.name = name
        self.manifest = manifest
        self.prior = prior
        self.at = at
        self.inputsDigest = inputsDigest
    }

    var stateLocation: SourceLocation? { prior.map { SourceLocation(file: $0.location, line: 1) } }

    mutating func run() -> TenantPlan {
        let doc = prior?.document
        if let doc, at < doc.appliedAt {
            appliedAtAfterAt = doc.appliedAt
            return unchanged(doc)
        }
        if let doc, doc.retiredAt != nil, manifest == nil { return unchanged(doc) }

        // Step 1: recorded facts over (appliedAt, at].
        var timeline = LicenseTimeline(licenses: doc?.licenses ?? [], paidSince: doc?.paidSince)
        let replayed = timeline.run(through: at)
        events += replayed

        guard let manifest else {
            if let doc { return retire(doc, timeline) }
            return unchanged(nil)
        }

        // Step 2: the manifest at `at`.
        var step = StepTwo()
        diffLicenses(manifest, &timeline, &step)
        timeline.licenses.sort { $0.code < $1.code }
        let beforeStepTwo = capacityBeforeActivationsNow(timeline, step)
        let settle = timeline.run(through: at)
        events += settle
        renewCloudFree(&timeline, &step)
        checkCloudFree(manifest, timeline, step)
        let notifications = Self.dueReminders(
            &timeline.licenses, appliedAt: doc?.appliedAt, at: at, renewed: step.renewed)
        events += notifications

        // Admission at `at`.
        let capacity = Capacity(timeline.licenses)
        let admission = Admission(
            routers: manifest.routers.map { ($0.serial, $0.connectedAt) }, capacity: capacity, at: at)
        routerEvents(manifest, doc, admission)
        warnings(
            manifest, timeline, step, replayed: replayed, settle: settle, before: beforeStepTwo, capacity: capacity,
            admission: admission, notifications: notifications.count)

        var newDoc = TenantState(
            tenant: name, lineage: doc?.lineage ?? "", serial: doc?.serial ?? 0, appliedAt: doc?.appliedAt ?? at,
            paidSince: timeline.paidSince, retiredAt: nil, licenses: timeline.licenses, routers: admission.records,
            summary: TenantSummary(
                mode: capacity.mode, capacity: capacity.capacity,
                online: admission.online.count, offline: admission.offline.count))
        let after = TenantAfter(
            mode: capacity.mode, capacity: capacity.capacity, online: admission.online,
            offline: admission.offline, licenses: Self.counts(timeline.licenses))
        return finish(&newDoc, after: after, contacts: manifest.contacts)
    }

    // MARK: - Step 2

    /// What step 2 did, for the checks and warnings that follow it.
    struct StepTwo {
        /// Licenses activated at `at` by step 2 (requests and Cloud Free restarts).
        var activatedNow: [ActivationCode] = []
        /// Licenses scheduled or rescheduled by step 2.
        var scheduledNow: [ActivationCode] = []
        /// Cloud Free licenses renewed by this plan (no reminders for them, docs/rules.md §4.3).
        var renewed: Set<ActivationCode> = []
        /// Licenses adopted by this plan with their platform history (docs/rules.md §4.8).
        var adopted: [ActivationCode] = []
        /// Adopted licenses whose `expires` this plan corrects, with the recorded expiry
        /// (docs/rules.md §4.8): their `adopt` event carries it as `from`.
        var correctedExpiries: [ActivationCode: Instant] = [:]
        /// The manifest's licenses by code (lookup only).
        var desired = DesiredLicenses(licenses: [])
    }

    // MARK: - Retire, unchanged, finish

    /// A tenant that left the manifests (docs/rules.md §4.1 `retire`): allowed only when all its
    /// licenses are terminal after step 1; its routers are removed.
    private mutating func retire(_ doc: TenantState, _ timeline: LicenseTimeline) -> TenantPlan {
        let open = timeline.licenses.filter { $0.archivedAt == nil && !$0.status.isTerminal }
        var newDoc = doc
        newDoc.licenses = timeline.licenses
        newDoc.paidSince = timeline.paidSince
        if !open.isEmpty {
            let list = open.map { "\($0.code.masked) (\($0.status.rawValue))" }.joined(separator: ", ")
            diagnostics.emit(
                .error(
                    PlanError.retireWithLiveLicenses(tenant: name, licenses: list).message,
                    at: stateLocation))
        } else {
            events.append(PlanEvent(at: at, action: .retire))
            for r in doc.routers { events.append(PlanEvent(at: at, action: .remove, serial: r.serial)) }
            newDoc.retiredAt = at
            newDoc.routers = []
            newDoc.summary = TenantSummary(mode: .disabled, capacity: 0, online: 0, offline: 0)
        }
        let capacity = Capacity(newDoc.licenses)
        let admission = Admission(
            routers: newDoc.routers.map { ($0.serial, $0.connectedAt) }, capacity: capacity, at: at)
        if newDoc.retiredAt == nil {
            newDoc.routers = admission.records
            newDoc.summary = TenantSummary(
                mode: capacity.mode, capacity: capacity.capacity,
                online: admission.online.count, offline: admission.offline.count)
        }
        let after = TenantAfter(
            mode: capacity.mode, capacity: capacity.capacity, online: admission.online,
            offline: admission.offline, licenses: Self.counts(newDoc.licenses))
        return finish(&newDoc, after: after, contacts: [])
    }

    /// The plan of a tenant left as recorded (a retired tenant; `--at` before `appliedAt`).
    private func unchanged(_ doc: TenantState?) -> TenantPlan {
        guard let doc else {
            return TenantPlan(
                tenant: name, prior: nil, changed: false, events: [],
                after: TenantAfter(mode: .disabled, capacity: 0, online: [], offline: [], licenses: LicenseCounts()))
        }
        let online = doc.routers.filter { $0.status == .online }
            .sorted { ($0.connectedAt ?? at, $0.serial) < ($1.connectedAt ?? at, $1.serial) }.map(\.serial)
        let offline = doc.routers.compactMap { r in r.reason.map { OfflineRouter(serial: r.serial, reason: $0) } }
        let after = TenantAfter(
            mode: doc.summary.mode, capacity: doc.summary.capacity, online: online,
            offline: offline, licenses: Self.counts(doc.licenses))
        return TenantPlan(
            tenant: name, prior: PriorRef(lineage: doc.lineage, serial: doc.serial), changed: false,
            events: [], after: after, before: doc.summary, newState: doc,
            contacts: manifest?.contacts ?? [])
    }

    /// docs/rules.md §4.6: compares with the prior document ignoring `appliedAt` and `serial`; a changed
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
        return TenantPlan(
            tenant: name, prior: doc.map { PriorRef(lineage: $0.lineage, serial: $0.serial) },
            changed: changed, events: events, after: after, before: doc?.summary,
            newState: changed ? newDoc : doc, contacts: contacts)
    }

    static func counts(_ licenses: [LicenseRecord]) -> LicenseCounts {
        var counts = LicenseCounts()
        for l in licenses where l.archivedAt == nil { counts[l.status] += 1 }
        return counts
    }
}
