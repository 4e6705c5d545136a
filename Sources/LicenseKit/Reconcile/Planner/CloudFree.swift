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
                        "Cloud Free \(l.code.masked) is activated at \(t), at or after the first paid activation of tenant '\(name)' at \(paid); the platform refuses Cloud Free after a paid license — check 'activated'",
                        at: step.desired[l.code]?.adopted?.source ?? place))
                continue
            }
            if let t = activation, let paid = plannedPaid, t >= paid {
                diagnostics.emit(
                    .error(
                        "cannot activate Cloud Free \(l.code.masked) at \(t): tenant '\(name)' has its first paid activation at \(paid); Cloud Free never follows a paid license"
                            + (l.renew && activatedNow.contains(l.code)
                                ? " (this would renew the expired Cloud Free: remove 'renew: true')" : ""),
                        at: place))
            }
        }
        let nonTerminal = live.filter { $0.type.policy.exclusive && !$0.status.isTerminal }
            .sorted { ($0.redeemedAt, $0.code) < ($1.redeemedAt, $1.code) }
        if let first = nonTerminal.first {
            for extra in nonTerminal.dropFirst() {
                diagnostics.emit(
                    .error(
                        "\(extra.code.masked) would be a second non-terminal Cloud Free license in tenant '\(name)' (\(first.code.masked) is \(first.status.rawValue)); Cloud Free cannot be combined",
                        at: step.desired[extra.code]?.source ?? manifest.source))
            }
        }
    }
}
