/// Step 2 over the manifest's licenses: redeem, activation requests, renewals (docs/rules.md §4.1, §4.2).
extension TenantPlanner {
    mutating func diffLicenses(_ manifest: TenantManifest, _ timeline: inout LicenseTimeline, _ step: inout StepTwo) {
        var index: [ActivationCode: Int] = Dictionary(minimumCapacity: timeline.licenses.count)
        for (i, l) in timeline.licenses.enumerated() { index[l.code] = i }
        step.desired = DesiredLicenses(licenses: manifest.licenses)

        for d in manifest.licenses {
            if let i = index[d.code] {
                var record = timeline.licenses[i]
                update(&record, from: d, timeline: &timeline, step: &step)
                timeline.licenses[i] = record
            } else if let history = d.adopted {
                // A running license (docs/rules.md §4.8): redeemed, then adopted with its history. The
                // stock-expiry error of redeeming does not apply: `activated` < stockExpiresAt
                // was checked when the manifest was read.
                guard notInFuture(d, history) else { continue }
                events.append(PlanEvent(at: at, action: .redeem, code: d.code))
                var record = LicenseRecord(
                    code: d.code, type: d.type, status: .available, issued: d.issued, term: d.term,
                    activation: nil, redeemedAt: at, renew: d.renew, source: d.source.bufferedFileAndLine)
                adopt(&record, history, timeline: &timeline, step: &step)
                timeline.licenses.append(record)
            } else {
                if at >= d.stockExpiresAt {
                    diagnostics.emit(
                        .error(
                            PlanError.redeemAfterStockExpiry(
                                code: d.code.masked, stockExpiresAt: d.stockExpiresAt, issued: d.issued.dateString
                            ).message,
                            at: d.source))
                    continue
                }
                if d.issued > at {
                    // docs/rules.md §4 is silent; a code cannot exist before the vendor issued it, but the
                    // issue date is the sales order's date, so this is a warning, not an error.
                    diagnostics.emit(
                        .warning(
                            PlanError.redeemBeforeIssue(code: d.code.masked, at: at, issued: d.issued.dateString)
                                .message,
                            at: d.source))
                }
                events.append(PlanEvent(at: at, action: .redeem, code: d.code))
                var record = LicenseRecord(
                    code: d.code, type: d.type, status: .available, issued: d.issued, term: d.term,
                    activation: nil, redeemedAt: at, renew: d.renew, source: d.source.bufferedFileAndLine)
                request(&record, d, timeline: &timeline, step: &step)
                timeline.licenses.append(record)
            }
        }

        if !step.adopted.isEmpty { settleAdoptions(&timeline, &step) }

        // Licenses in state that left the manifest (docs/rules.md §4.1 archive, §4.5).
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
            diagnostics.emit(
                .error(
                    PlanError.missingFromManifest(tenant: name, licenses: missing).message,
                    at: stateLocation ?? manifest.source))
        }
    }

    /// A license already in state: §4.2 rules, then renewal (docs/rules.md §4.1 `renew`).
    mutating func update(
        _ record: inout LicenseRecord, from d: DesiredLicense,
        timeline: inout LicenseTimeline, step: inout StepTwo
    ) {
        guard record.archivedAt == nil else { return }
        // State keeps what the code was redeemed as (README); say so when the manifest now
        // disagrees, rather than ignoring the edit without a word.
        var differences: [String] = []
        if d.type != record.type { differences.append("type '\(d.type)' (recorded '\(record.type)')") }
        if d.issued != record.issued {
            differences.append("issued \(d.issued.dateString) (recorded \(record.issued.dateString))")
        }
        if d.term != record.term { differences.append("term \(d.term) (recorded \(record.term))") }
        // An adopted license's `expires` edited after adoption (docs/rules.md §4.8, README
        // "Correcting an adopted expiry"): while the license is active it is adopted again with
        // the corrected expiry (an `adopt` event whose `from` is the recorded one); an expired or
        // invalid license is never rewritten (docs/README.md §8), so the edit is an error there.
        var correctedExpiry: Instant?
        if record.adoptedAt != nil, !record.renew, let history = d.adopted, let recorded = record.expiresAt,
            history.activatedAt == record.activatedAt, history.expiry(term: record.term) != recorded
        {
            let wanted = history.expiry(term: record.term)
            let place = history.expiresSource ?? history.source
            if record.status == .active {
                correctedExpiry = wanted
                // Corrected to before the last apply, which recorded the license as active: the
                // edit rewrites what that apply admitted (docs/rules.md §4.8). Allowed (the
                // platform's date wins), but never silently.
                if let appliedAt = prior?.document.appliedAt, wanted <= appliedAt {
                    diagnostics.emit(
                        .warning(
                            PlanError.correctedExpiryBeforeAppliedAt(
                                code: d.code.masked, recorded: recorded, found: wanted, appliedAt: appliedAt,
                                inCSV: place.file != manifest?.source.file
                            ).message,
                            at: place))
                }
            } else {
                let inCSV = place.file != manifest?.source.file
                let byTerm = record.activatedAt.map { recorded == $0.adding(record.term) } ?? false
                let restore =
                    inCSV
                    ? "write \(recorded) back into its expires_at cell" + (byTerm ? " (or empty the cell)" : "")
                    : "restore `expires: \(recorded)`" + (byTerm ? " (or remove `expires`)" : "")
                diagnostics.emit(
                    .error(
                        PlanError.adoptedExpiryOfTerminalLicense(
                            code: d.code.masked, status: record.status, recorded: recorded, found: wanted,
                            file: place.file, restore: restore
                        ).message,
                        at: place))
            }
        }
        if !differences.isEmpty {
            diagnostics.emit(
                .warning(
                    PlanError.redeemedWithOtherValues(
                        code: d.code.masked, differences: differences,
                        file: d.source.file == manifest?.source.file ? nil : d.source.file
                    ).message,
                    at: d.source))
        }
        record.renew = d.renew
        if let history = d.adopted, record.status == .expired, record.activatedAt == nil,
            let stockExpiry = events.firstIndex(where: { $0.action == .stockExpire && $0.code == d.code })
        {
            // docs/README.md §8: step 1 stock-expired a held code that the platform activated in time
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
                // Activated in the platform at another time than planned (docs/rules.md §4.8): adopted
                // with that history, without an `unschedule`.
                guard notInFuture(d, history) else { return }
                adopt(&record, history, timeline: &timeline, step: &step)
            } else {
                request(&record, d, timeline: &timeline, step: &step)
            }
        case .active, .expired, .invalid:
            if correctedExpiry != nil, let history = d.adopted {
                // Same activation (checked above): adopted again with the corrected history.
                step.correctedExpiries[record.code] = record.expiresAt
                adopt(&record, history, timeline: &timeline, step: &step)
                return
            }
            if let activatedAt = record.activatedAt {
                // docs/README.md §8: `activated: X` is the request recorded as `activate: X`, and the
                // same as the recorded activation when X is its activatedAt.
                let same = d.activation == record.activation || d.adopted.map { $0.activatedAt == activatedAt } ?? false
                if !same {
                    // An adoption from a sales CSV is restored in its activated_at cell, not in the
                    // manifest, and the error stands at that cell (docs/rules.md §4.8).
                    let place = d.adopted?.source ?? d.activationSource ?? d.source
                    let key = record.adoptedAt == nil ? "activate" : "activated"
                    let inCSV = record.adoptedAt != nil && (d.adopted?.source ?? d.source).file != manifest?.source.file
                    let restore =
                        record.activation.map {
                            inCSV ? "write \($0) back into its activated_at cell" : "restore `\(key): \($0)`"
                        } ?? "remove `activate`"
                    diagnostics.emit(
                        .error(
                            PlanError.activationChanged(code: d.code.masked, activatedAt: activatedAt, restore: restore)
                                .message,
                            at: place))
                }
            } else if let wanted = d.activation, wanted != record.activation {
                diagnostics.emit(
                    .error(
                        PlanError.activateAfterStockExpired(
                            code: d.code.masked, stockExpiresAt: record.stockExpiresAt, issued: record.issued.dateString
                        ).message,
                        at: d.activationSource ?? d.source))
            }
            // An active renewable license renews after both steps (``renewCloudFree(_:_:)``); an
            // expired one restarts here, an activation that R2 judges.
            guard record.type.policy.renewable, d.renew else { return }
            if record.status == .expired, record.activatedAt != nil {
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

    /// The activation request of an `available` or `scheduled` license (docs/rules.md §4, §4.1, §4.2).
    mutating func request(
        _ record: inout LicenseRecord, _ d: DesiredLicense,
        timeline: inout LicenseTimeline, step: inout StepTwo
    ) {
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
                diagnostics.emit(
                    .error(
                        PlanError.activateAtOrAfterStockExpiry(
                            code: d.code.masked, at: t, stockExpiresAt: record.stockExpiresAt,
                            issued: record.issued.dateString
                        ).message,
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
                diagnostics.emit(
                    .warning(
                        PlanError.pastActivationNeverScheduled(activation: t, code: d.code.masked, at: at).message,
                        at: place))
            }
            guard at < record.stockExpiresAt else {
                diagnostics.emit(
                    .error(
                        PlanError.activateAtOrAfterStockExpiry(
                            code: d.code.masked, at: at, stockExpiresAt: record.stockExpiresAt,
                            issued: record.issued.dateString
                        ).message,
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
}
