/// Decides whether a saved plan (`plan --out`) may still be applied (docs/cli.md §6 `apply PLANFILE`).
enum StalePlanCheck {
    /// The reasons the saved plan is stale, empty when it may be applied.
    ///
    /// - Parameters:
    ///   - saved: the plan read from the plan file (its `formatVersion` was checked on decoding).
    ///   - fresh: the plan computed now from the current inputs and state at `saved.at`.
    ///   - states: the state documents as they are now.
    ///   - now: the moment of apply (UTC).
    /// - Returns: one ``PlanFileError`` per reason (messages start with "stale plan:"): a changed inputs
    ///   digest; a tenant whose lineage or serial changed, whose `prior` was null and now has a
    ///   file, or whose state file the plan did not cover (within the plan's selection, docs/cli.md §5.2); a time-driven instant (activation,
    ///   expiry, stock expiry, reminder slot, renewal window) in `(saved.at, now]`; or a fresh
    ///   plan whose events differ from the saved ones.
    static func reasons(saved: Plan, fresh: Plan, states: [String: PriorState], now: Instant) -> [PlanFileError] {
        var reasons: [PlanFileError] = []
        if saved.inputsDigest != fresh.inputsDigest {
            reasons.append(.inputsChanged(from: short(saved.inputsDigest), to: short(fresh.inputsDigest)))
        }
        let covered = Set(saved.tenants.map(\.tenant))
        for tenant in saved.tenants {
            let current = states[tenant.tenant].map {
                PriorRef(lineage: $0.document.lineage, serial: $0.document.serial)
            }
            switch (tenant.prior, current) {
            case (nil, nil):
                break
            case (nil, let now?):
                reasons.append(.stateAppeared(tenant: tenant.tenant, serial: now.serial))
            case (let then?, nil):
                reasons.append(.stateVanished(tenant: tenant.tenant, serial: then.serial))
            case (let then?, let now?) where then != now:
                if then.lineage != now.lineage {
                    reasons.append(.otherLineage(tenant: tenant.tenant, from: then.lineage, to: now.lineage))
                } else {
                    reasons.append(.appliedSince(tenant: tenant.tenant, from: then.serial, to: now.serial))
                }
            default:
                break
            }
        }
        // Only within the plan's selection (docs/cli.md §5.2): a shard's plan never covers the others.
        for name in states.keys.sorted() where !covered.contains(name) && saved.selection?.contains(name) ?? true {
            reasons.append(.stateNotCovered(tenant: name))
        }
        if now > saved.at {
            for tenant in fresh.tenants {
                guard let document = tenant.newState else { continue }
                if let (what, when) = firstTimeDrivenInstant(in: document, after: saved.at, upTo: now) {
                    reasons.append(.instantPassed(tenant: tenant.tenant, what: what, when: when, planAt: saved.at))
                }
            }
        }
        if reasons.isEmpty {
            let savedEvents = Dictionary(saved.tenants.map { ($0.tenant, $0.events) }, uniquingKeysWith: { a, _ in a })
            for tenant in fresh.tenants where savedEvents[tenant.tenant] != tenant.events {
                reasons.append(.otherEvents(tenant: tenant.tenant))
            }
            if Set(fresh.tenants.map(\.tenant)) != covered {
                reasons.append(.tenantsChanged)
            }
        }
        return reasons
    }

    /// The earliest time-driven instant of a tenant document in `(after, upTo]`, with what it is.
    static func firstTimeDrivenInstant(in document: TenantState, after: Instant, upTo: Instant) -> (
        PlanFileError.TimeDrivenInstant, Instant
    )? {
        var found: [(PlanFileError.TimeDrivenInstant, Instant)] = []
        func consider(_ what: PlanFileError.TimeDrivenInstant, _ instant: Instant?) {
            guard let instant, instant > after, instant <= upTo else { return }
            found.append((what, instant))
        }
        for license in document.licenses where license.archivedAt == nil {
            let code = license.code.masked
            switch license.status {
            case .available:
                consider(.stockExpiry(code: code), license.stockExpiresAt)
            case .scheduled:
                consider(.scheduledActivation(code: code), license.scheduledAt)
                consider(.stockExpiry(code: code), license.stockExpiresAt)
            case .active:
                consider(.expiry(code: code), license.expiresAt)
                if let expiresAt = license.expiresAt {
                    for slot in LicenseTimeline.reminderSlots(expiresAt: expiresAt) {
                        consider(.reminderSlot(code: code), slot)
                    }
                    if license.renew {
                        consider(.renewalWindow(code: code), LicenseTimeline.renewalWindowStart(expiresAt: expiresAt))
                    }
                }
            case .expired, .invalid:
                break
            }
        }
        return found.min { $0.1 < $1.1 }
    }

    private static func short(_ digest: String) -> String {
        digest.hasPrefix("sha256:") ? String(digest.prefix(19)) + "…" : digest
    }
}
