/// Adoption of running licenses (docs/rules.md §4.8).
extension TenantPlanner {
    /// docs/rules.md §4.8: `activated` must not lie after `at`; a future activation is a request
    /// (in a manifest `activate`; a CSV has no such column, so its advice names the manifest).
    mutating func notInFuture(_ d: DesiredLicense, _ history: AdoptedHistory) -> Bool {
        guard history.activatedAt > at else { return true }
        let error =
            isInCSV(history.source)
            ? PlanError.activatedAtInTheFuture(
                activated: history.activatedAt, code: d.code.masked, at: at, manifest: manifestFile)
            : PlanError.activatedInTheFuture(activated: history.activatedAt, code: d.code.masked, at: at)
        diagnostics.emit(.error(error.message, at: history.source))
        return false
    }

    /// Whether a place of this tenant's input is in a CSV file (an import's row) rather than in
    /// its manifest: the advice of a diagnostic then names a cell, not a YAML key.
    func isInCSV(_ place: SourceLocation) -> Bool {
        guard let manifest else { return false }
        return place.file != manifest.source.file
    }

    /// The tenant manifest's repo-relative path, for advice that a CSV cannot follow.
    var manifestFile: String { manifest?.source.file ?? "the tenant's manifest" }

    /// Enters a running license into state with its history (docs/rules.md §4.8): `activation` =
    /// `activatedAt` = the given instant, `expiresAt` = `expires` or `activated + term`,
    /// `adoptedAt` = `at`, status `active` or `expired` at `at` (R2 follows in
    /// ``settleAdoptions(_:_:)``, which also makes the `adopt` event).
    mutating func adopt(
        _ record: inout LicenseRecord, _ history: AdoptedHistory,
        timeline: inout LicenseTimeline, step: inout StepTwo
    ) {
        let expires = history.expiry(term: record.term)
        record.status = at < expires ? .active : .expired
        record.activation = .at(history.activatedAt)
        record.activatedAt = history.activatedAt
        record.expiresAt = expires
        record.scheduledAt = nil
        record.adoptedAt = at
        if record.type.isPaid {
            timeline.paidSince = min(timeline.paidSince ?? history.activatedAt, history.activatedAt)
        }
        step.adopted.append(record.code)
    }

    /// R2 over adopted activations (docs/rules.md §4.8, docs/README.md §8), then the `adopt` events. A Cloud Free adopted
    /// now (active or expired), or recorded and active, whose validity [activatedAt, expiresAt)
    /// contains a paid activation P ≤ `at` that was adopted or recorded (not one made by this
    /// plan, which invalidates at `at` as usual) becomes `invalid` with `invalidatedAt` = the
    /// earliest such P; a recorded one gets an `invalidate` event at `at` carrying P.
    mutating func settleAdoptions(_ timeline: inout LicenseTimeline, _ step: inout StepTwo) {
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
            // An adopted Free is judged on its whole history (R2 before expiry, docs/README.md §8); a
            // recorded one only while active (expired or invalid ones are never rewritten).
            // A Free this plan activates (or restarts) is judged by the R2 check of requests.
            guard l.type.invalidatedByPaid, l.status == .active || (adopted && l.status == .expired),
                l.archivedAt == nil,
                !activatedNow.contains(l.code), let start = l.activatedAt, let end = l.expiresAt
            else { continue }
            if !adopted {
                // A recorded Cloud Free: an adopted paid activation before it means the platform
                // would have refused the Free (docs/README.md §8).
                if let earlier = paid.first(where: { $0.at < start && adoptedNow.contains($0.code) }) {
                    diagnostics.emit(
                        .error(
                            PlanError.paidBeforeRecordedCloudFree(
                                paid: earlier.code.masked, paidAt: earlier.at, free: l.code.masked, freeAt: start
                            ).message,
                            at: step.desired[earlier.code]?.adopted?.source ?? step.desired[earlier.code]?.source
                                ?? stateLocation))
                    continue
                }
            }
            guard let by = paid.first(where: { start <= $0.at && $0.at < end }),
                adopted || adoptedNow.contains(by.code)
            else { continue }
            timeline.licenses[i].status = .invalid
            timeline.licenses[i].invalidatedAt = by.at
            invalidatedBy[l.code] = by.code
            if !adopted {
                events.append(
                    PlanEvent(
                        at: at, action: .invalidate, code: l.code, invalidatedAt: by.at,
                        invalidatedBy: by.code))
            }
        }
        for l in timeline.licenses where adoptedNow.contains(l.code) {
            events.append(
                PlanEvent(
                    at: at, action: .adopt, code: l.code, from: step.correctedExpiries[l.code],
                    expiresAt: l.expiresAt, activatedAt: l.activatedAt,
                    status: l.status,
                    invalidatedAt: l.status == .invalid ? l.invalidatedAt : nil, invalidatedBy: invalidatedBy[l.code]))
        }
    }
}
