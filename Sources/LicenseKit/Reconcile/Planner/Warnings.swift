/// The warnings of SPEC §4.5.
extension TenantPlanner {
    mutating func warnings(_ manifest: TenantManifest, _ timeline: LicenseTimeline, _ step: StepTwo,
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
}
