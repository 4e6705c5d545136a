/// Expiry reminders (docs/rules.md §4.3).
extension TenantPlanner {
    /// Due reminder slots of every active license, recorded in `remindersSent`; one `notify` per
    /// license, for its latest due slot.
    static func dueReminders(
        _ licenses: inout [LicenseRecord], appliedAt: Instant?, at: Instant,
        renewed: Set<ActivationCode>
    ) -> [PlanEvent] {
        var out: [PlanEvent] = []
        for i in licenses.indices {
            let l = licenses[i]
            guard l.status == .active, l.archivedAt == nil, !renewed.contains(l.code),
                let e = l.expiresAt, let activatedAt = l.activatedAt
            else { continue }
            // An adopted license's slots up to its adoption were the platform's (docs/rules.md §4.8).
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
}
