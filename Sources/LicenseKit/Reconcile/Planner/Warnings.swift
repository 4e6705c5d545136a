/// The warnings of docs/rules.md §4.5, one function each, in the order the plan lists them.
extension TenantPlanner {
    mutating func warnings(
        _ manifest: TenantManifest, _ timeline: LicenseTimeline, _ step: StepTwo,
        replayed: [PlanEvent], settle: [PlanEvent], before: Capacity, capacity: Capacity,
        admission: Admission, notifications: Int
    ) {
        warnScheduledActivationInvalidated(
            manifest, timeline, step, replayed: replayed, capacity: capacity, admission: admission)
        warnActivationInvalidatingNow(
            manifest, step, settle: settle, before: before, capacity: capacity, admission: admission)
        warnScheduledActivationWillInvalidate(manifest, timeline, step)
        warnRejectedRouters(manifest, capacity: capacity, admission: admission)
        warnRoutersConnectingLater(manifest)
        for l in timeline.licenses where l.archivedAt == nil {
            guard let d = step.desired[l.code] else { continue }
            warnNearExpiryWithoutRenew(l, d)
            warnStockExpiring(l, d)
            if step.adopted.contains(l.code) {
                warnAdoptedNearExpiry(l, d)
                // A corrected expiry is a deliberate edit, shown as such by its `adopt` event.
                if step.correctedExpiries[l.code] == nil { warnAdoptedExpiryOffTerm(l, d) }
            }
        }
        warnRemindersWithoutContacts(manifest, notifications: notifications)
    }

    /// A recorded scheduled paid activation that step 1 carries out in this plan (at its instant,
    /// in (`appliedAt`, `at`]) and that invalidates Cloud Free (R2, docs/rules.md §4.5): the Cloud
    /// Free's capacity before, the capacity at `at` after, and the routers rejected at `at` — the
    /// warning an activation now gets, which the example's harbor-lights lacked once its Cloud
    /// Basic 25 had been scheduled by an earlier apply.
    mutating func warnScheduledActivationInvalidated(
        _ manifest: TenantManifest, _ timeline: LicenseTimeline, _ step: StepTwo, replayed: [PlanEvent],
        capacity: Capacity, admission: Admission
    ) {
        let licenses = Dictionary(timeline.licenses.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        for invalidation in replayed where invalidation.action == .invalidate {
            guard let freeCode = invalidation.code, let free = licenses[freeCode], free.type.invalidatedByPaid,
                let paid = replayed.first(where: { e in
                    e.action == .activate && e.at == invalidation.at
                        && (e.code.flatMap { licenses[$0] }?.type.isPaid ?? false)
                })?.code
            else { continue }
            let d = step.desired[paid]
            diagnostics.emit(
                .warning(
                    PlanError.recordedScheduledPaidInvalidatedCloudFree(
                        paid: paid.masked, at: invalidation.at, free: freeCode.masked, before: free.type.capacity,
                        after: capacity.capacity, rejected: admission.rejected.count
                    ).message,
                    at: d.map { $0.activationSource ?? $0.source } ?? manifest.source))
        }
    }

    /// An activation now that invalidates Cloud Free (R2): the capacity before and after.
    mutating func warnActivationInvalidatingNow(
        _ manifest: TenantManifest, _ step: StepTwo, settle: [PlanEvent],
        before: Capacity, capacity: Capacity, admission: Admission
    ) {
        let invalidatedNow = settle.filter { $0.action == .invalidate && $0.at == at }.compactMap(\.code)
        let paidNow = step.activatedNow.filter { step.desired[$0]?.type.isPaid ?? false }.sorted()
        guard let paid = paidNow.first else { return }
        for free in invalidatedNow {
            let d = step.desired[paid]
            diagnostics.emit(
                .warning(
                    PlanError.paidInvalidatesCloudFree(
                        paid: paid.masked, free: free.masked, before: before.capacity, after: capacity.capacity,
                        rejected: admission.rejected.count
                    ).message,
                    at: d.map { $0.activationSource ?? $0.source } ?? manifest.source))
        }
    }

    /// A first paid activation scheduled by this plan that will invalidate Cloud Free (R2): the
    /// capacity at that instant and the routers it would reject.
    mutating func warnScheduledActivationWillInvalidate(
        _ manifest: TenantManifest, _ timeline: LicenseTimeline,
        _ step: StepTwo
    ) {
        guard timeline.paidSince == nil else { return }
        let live = timeline.licenses.filter { $0.archivedAt == nil }
        let scheduledPaid = live.filter { $0.type.isPaid && $0.status == .scheduled }
        guard let first = scheduledPaid.min(by: { ($0.scheduledAt ?? at, $0.code) < ($1.scheduledAt ?? at, $1.code) }),
            let s = first.scheduledAt, step.scheduledNow.contains(first.code),
            let free = live.first(where: { l in
                l.type.invalidatedByPaid
                    && ((l.status == .active && (l.expiresAt ?? at) > s)
                        || (l.status == .scheduled && (l.scheduledAt ?? s) < s))
            })
        else { return }
        var paidCapacity = 0
        for l in live where l.type.isPaid {
            let start = l.status == .active ? l.activatedAt : (l.status == .scheduled ? l.scheduledAt : nil)
            guard let start else { continue }
            let end = l.status == .active ? (l.expiresAt ?? start) : start.adding(l.term)
            if start <= s, s < end { paidCapacity += l.capacity }
        }
        let connected = manifest.routers.filter { ($0.connectedAt ?? .init(secondsSinceEpoch: .max)) <= s }.count
        let d = step.desired[first.code]
        diagnostics.emit(
            .warning(
                PlanError.scheduledPaidInvalidatesCloudFree(
                    paid: first.code.masked, at: s, free: free.code.masked, before: free.type.capacity,
                    after: paidCapacity, rejected: max(0, connected - paidCapacity)
                ).message,
                at: d.map { $0.activationSource ?? $0.source } ?? manifest.source))
    }

    /// Connected routers rejected at `at` (R8), a standing warning.
    mutating func warnRejectedRouters(_ manifest: TenantManifest, capacity: Capacity, admission: Admission) {
        guard !admission.rejected.isEmpty else { return }
        let why =
            capacity.mode == .disabled
            ? "no valid license: device management is disabled" : "capacity \(capacity.capacity)"
        diagnostics.emit(
            .warning(
                PlanError.routersRejected(
                    tenant: name, rejected: admission.rejected.count, connected: admission.connected, why: why
                ).message,
                at: manifest.source, standing: .rejectedRouters, tenant: name))
    }

    /// Routers whose `connectedAt` lies after `at`: they count as not connected.
    mutating func warnRoutersConnectingLater(_ manifest: TenantManifest) {
        for r in manifest.routers {
            if let c = r.connectedAt, c > at {
                diagnostics.emit(
                    .warning(
                        PlanError.routerConnectingLater(serial: r.serial, connectedAt: c, at: at).message,
                        at: r.source,
                        standing: .routersConnectingLater, tenant: name, keeping: [r.serial]))
            }
        }
    }

    /// A renewable license (Cloud Free) in its last 30 days with `renew: false`.
    mutating func warnNearExpiryWithoutRenew(_ l: LicenseRecord, _ d: DesiredLicense) {
        guard l.type.policy.renewable, l.status == .active, !l.renew, let e = l.expiresAt,
            LicenseTimeline.renewalWindowStart(expiresAt: e) <= at, at < e
        else { return }
        // A code that only a CSV lists has no place for `renew` (docs/formats.md §3.1): say where.
        let message =
            isInCSV(d.source)
            ? PlanError.importedCloudFreeNearExpiry(
                code: l.code.masked, expiresAt: e, days: Self.days(from: at, to: e), manifest: manifestFile
            ).message
            : PlanError.cloudFreeNearExpiry(code: l.code.masked, expiresAt: e, days: Self.days(from: at, to: e))
                .message
        diagnostics.emit(.warning(message, at: d.source, standing: .cloudFreeNearExpiry, tenant: name))
    }

    /// A paid license that this plan adopts with an `expires`/`expires_at` other than its
    /// activation + term (docs/rules.md R4, §4.8). The contract allows another expiry (the
    /// platform's date wins when the vendor extended a license), so this is a warning at the
    /// value, in the one plan that adopts it (not in one that corrects an adopted expiry): a
    /// mistyped year would otherwise count as capacity for decades without a word.
    mutating func warnAdoptedExpiryOffTerm(_ l: LicenseRecord, _ d: DesiredLicense) {
        guard l.type.isPaid, let history = d.adopted, let given = history.expiresAt, let e = l.expiresAt,
            given == e
        else { return }
        let byTerm = history.activatedAt.adding(l.term)
        guard given != byTerm else { return }
        let place = history.expiresSource ?? history.source
        diagnostics.emit(
            .warning(
                PlanError.adoptedExpiryOffTerm(
                    code: l.code.masked, expires: given, activated: history.activatedAt, term: "\(l.term)",
                    byTerm: byTerm, active: at < given, inCSV: isInCSV(place)
                ).message,
                at: place))
    }

    /// A paid license that this plan adopts in its last 30 days (README "Choices where the
    /// contract is silent"): its reminder slots before `at` were the platform's (docs/rules.md
    /// §4.8), so the adopting plan is the one place that says the end is near. A Cloud Free is
    /// left to its renewal and ``warnNearExpiryWithoutRenew(_:_:)``.
    mutating func warnAdoptedNearExpiry(_ l: LicenseRecord, _ d: DesiredLicense) {
        guard l.type.isPaid, l.status == .active, let e = l.expiresAt,
            LicenseTimeline.renewalWindowStart(expiresAt: e) <= at, at < e
        else { return }
        let left = LicenseTimeline.reminderSlots(expiresAt: e).filter { $0 > at }.count
        diagnostics.emit(
            .warning(
                PlanError.adoptedNearExpiry(
                    code: l.code.masked, expiresAt: e, days: Self.days(from: at, to: e), remindersLeft: left
                ).message,
                at: d.activationSource ?? d.source))
    }

    /// A code still available within 90 days of its stock expiry.
    mutating func warnStockExpiring(_ l: LicenseRecord, _ d: DesiredLicense) {
        guard l.status == .available, l.stockExpiresAt.addingDays(-90) <= at, at < l.stockExpiresAt else { return }
        diagnostics.emit(
            .warning(
                PlanError.stockExpiring(
                    code: l.code.masked, stockExpiresAt: l.stockExpiresAt,
                    days: Self.days(from: at, to: l.stockExpiresAt)
                ).message,
                at: d.source, standing: .stockExpiring, tenant: name))
    }

    /// Reminders due (docs/rules.md §4.3) in a tenant without contacts.
    mutating func warnRemindersWithoutContacts(_ manifest: TenantManifest, notifications: Int) {
        guard notifications > 0, manifest.contacts.isEmpty else { return }
        diagnostics.emit(
            .warning(
                PlanError.remindersWithoutContacts(tenant: name, reminders: notifications).message,
                at: manifest.source, standing: .remindersWithoutContacts, tenant: name))
    }

    static func days(from a: Instant, to b: Instant) -> Int64 {
        (b.secondsSinceEpoch - a.secondsSinceEpoch) / 86_400
    }
}
