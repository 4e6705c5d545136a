/// The Cloud Free rules R1 and R2 (docs/rules.md §1) checked on the licenses after step 2.
extension TenantPlanner {
    /// R1 (one non-terminal Cloud Free) and R2 (no Cloud Free at or after the first paid
    /// activation, recorded or planned).
    mutating func checkCloudFree(_ manifest: TenantManifest, _ timeline: LicenseTimeline, _ step: StepTwo) {
        let live = timeline.licenses.filter { $0.archivedAt == nil }
        let firstScheduledPaid = live.filter { $0.type.isPaid && $0.status == .scheduled }.compactMap(\.scheduledAt)
            .min()
        let plannedPaid = [timeline.paidSince, firstScheduledPaid].compactMap { $0 }.min()
        let activatedNow = Set(step.activatedNow)
        for l in live where l.type.invalidatedByPaid {
            let place = step.desired[l.code].map { $0.activationSource ?? $0.source } ?? manifest.source
            var activation: Instant?
            if l.status == .scheduled { activation = l.scheduledAt }
            if activatedNow.contains(l.code) { activation = at }
            if step.adopted.contains(l.code), let t = l.activatedAt, let paid = timeline.paidSince, t >= paid {
                diagnostics.emit(
                    .error(
                        PlanError.cloudFreeAdoptedAfterPaid(
                            code: l.code.masked, activation: t, tenant: name, paid: paid
                        ).message,
                        at: step.desired[l.code]?.adopted?.source ?? place))
                continue
            }
            if let t = activation, let paid = plannedPaid, t >= paid {
                diagnostics.emit(
                    .error(
                        PlanError.cloudFreeAfterPaid(
                            code: l.code.masked, activation: t, tenant: name, paid: paid,
                            renewing: l.renew && activatedNow.contains(l.code)
                        ).message,
                        at: place))
            }
        }
        checkAdoptedCloudFreeOverlap(live, step)
        let nonTerminal = live.filter { $0.type.policy.exclusive && !$0.status.isTerminal }
            .sorted { ($0.redeemedAt, $0.code) < ($1.redeemedAt, $1.code) }
        if let first = nonTerminal.first {
            for extra in nonTerminal.dropFirst() {
                diagnostics.emit(
                    .error(
                        PlanError.secondCloudFree(
                            code: extra.code.masked, tenant: name, first: first.code.masked,
                            status: first.status.rawValue
                        ).message,
                        at: step.desired[extra.code]?.source ?? manifest.source))
            }
        }
    }

    /// R1 over the platform's history: a Cloud Free this plan adopts, activated while another
    /// Cloud Free of the tenant was valid (between its activation and its expiry or
    /// invalidation), is an error at the adopted one — whether the other is terminal by now or
    /// not (README "Choices where the contract is silent").
    mutating func checkAdoptedCloudFreeOverlap(_ live: [LicenseRecord], _ step: StepTwo) {
        let frees = live.filter { $0.type.policy.exclusive && $0.activatedAt != nil }
        for adopted in frees where step.adopted.contains(adopted.code) {
            guard let start = adopted.activatedAt else { continue }
            let overlapping = frees.filter { other in
                guard other.code != adopted.code, let otherStart = other.activatedAt,
                    let end = other.invalidatedAt ?? other.expiresAt
                else { return false }
                return otherStart < start && start < end
            }
            let earliest = overlapping.min { a, b in
                (a.activatedAt ?? start, a.code) < (b.activatedAt ?? start, b.code)
            }
            guard let other = earliest,
                let otherStart = other.activatedAt, let until = other.invalidatedAt ?? other.expiresAt
            else { continue }
            diagnostics.emit(
                .error(
                    PlanError.cloudFreeAdoptedWhileAnotherRan(
                        code: adopted.code.masked, activation: start, other: other.code.masked,
                        otherActivation: otherStart, until: until
                    ).message,
                    at: step.desired[adopted.code]?.adopted?.source ?? step.desired[adopted.code]?.source))
        }
    }
}
