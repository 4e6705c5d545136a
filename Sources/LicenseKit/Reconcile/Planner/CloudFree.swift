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
}
