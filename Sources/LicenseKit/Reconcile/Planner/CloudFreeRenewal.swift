extension TenantPlanner {
    /// docs/rules.md §4.1 `renew` of an active Cloud Free, after both steps: every Cloud Free with
    /// `renew: true` in the manifest that is `active` at `at` and whose renewal window
    /// [E−30d, E) holds `at` gets a `renew` event at `at` and `expiresAt` one term on.
    ///
    /// Runs after step 2 settled (adoptions, activations at `at`, R2), so that a Free this plan
    /// invalidates is not renewed (`invalid` is terminal, docs/rules.md §4.1) and a Free this plan adopts
    /// renews in the same plan as it would in the next one (docs/rules.md §4.8: adopt, then renew at `at`).
    mutating func renewCloudFree(_ timeline: inout LicenseTimeline, _ step: inout StepTwo) {
        for i in timeline.licenses.indices {
            let l = timeline.licenses[i]
            guard l.type.policy.renewable, l.status == .active, l.archivedAt == nil, l.renew,
                !step.renewed.contains(l.code), step.desired.contains(l.code), let expiresAt = l.expiresAt,
                LicenseTimeline.renewalWindowStart(expiresAt: expiresAt) <= at, at < expiresAt
            else { continue }
            let moved = expiresAt.adding(l.term)
            timeline.licenses[i].expiresAt = moved
            step.renewed.insert(l.code)
            events.append(PlanEvent(at: at, action: .renew, code: l.code, expiresAt: moved))
        }
    }

    /// The tenant's capacity just before this plan's activations at `at` (docs/rules.md §4.5: "from what
    /// to what"): the licenses after step 2 without those it activated now, so licenses adopted
    /// by this plan (docs/rules.md §4.8) count as the capacity they bring.
    func capacityBeforeActivationsNow(_ timeline: LicenseTimeline, _ step: StepTwo) -> Capacity {
        let activatedNow = Set(step.activatedNow)
        return Capacity(timeline.licenses.filter { !activatedNow.contains($0.code) })
    }
}
