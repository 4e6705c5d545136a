/// A tenant's licenses advanced through time by the events the platform performs by itself
/// (docs/rules.md §4 step 1; the same engine drives the forecast).
///
/// Each license has at most one "next" event derived from its recorded facts: an `available`
/// code stock-expires; a `scheduled` one activates (or stock-expires first); an `active` one
/// expires, is invalidated by the first paid activation (R2, Cloud Free only) and — in forecast
/// mode only — falls due for reminders and renews. ``run(through:_:)`` repeatedly applies the
/// earliest event, in the tie order of docs/rules.md §4.1 (instant, action, code), so that expiries and
/// activations interleave correctly and an invalidation happens at the very instant of the
/// first paid activation.
struct LicenseTimeline {
    var licenses: [LicenseRecord]
    /// The first paid activation ever (R2 "ever").
    var paidSince: Instant?
    /// Forecast mode: reminder slots become `notify` events and Cloud Free licenses with
    /// `renew: true` renew at max(`start`, E−30d).
    var forecast: Bool
    /// Forecast mode: the instant the forecast starts from (renewals and reminders are later).
    var start: Instant

    init(licenses: [LicenseRecord], paidSince: Instant?, forecast: Bool = false, start: Instant? = nil) {
        self.licenses = licenses
        self.paidSince = paidSince
        self.forecast = forecast
        self.start = start ?? Instant(secondsSinceEpoch: .min)
    }

    /// Reminder offsets before `expiresAt` (R6, docs/rules.md §4.3), earliest first.
    static let reminderOffsetsInDays = [30, 23, 16, 9, 2]

    /// The reminder slots of an expiry, ascending.
    static func reminderSlots(expiresAt: Instant) -> [Instant] {
        reminderOffsetsInDays.map { expiresAt.addingDays(-$0) }
    }

    /// Start of the renewal window of a Cloud Free license expiring at `expiresAt`: E−30d.
    static func renewalWindowStart(expiresAt: Instant) -> Instant { expiresAt.addingDays(-30) }

    /// The next event of license `i`, or `nil` when it has none.
    func nextEvent(of i: Int) -> (at: Instant, action: Action)? {
        let l = licenses[i]
        guard l.archivedAt == nil else { return nil }
        var best: (at: Instant, action: Action)?
        func consider(_ at: Instant, _ action: Action) {
            if let b = best, (b.at, b.action.rank) <= (at, action.rank) { return }
            best = (at, action)
        }
        switch l.status {
        case .available:
            consider(l.stockExpiresAt, .stockExpire)
        case .scheduled:
            if let s = l.scheduledAt, s < l.stockExpiresAt {
                consider(s, .activate)
            } else {
                consider(l.stockExpiresAt, .stockExpire)
            }
        case .active:
            if let e = l.expiresAt { consider(e, .expire) }
            if l.type.invalidatedByPaid, let paid = paidSince {
                consider(max(paid, l.activatedAt ?? paid), .invalidate)
            }
            if forecast, let e = l.expiresAt {
                if l.type.policy.renewable, l.renew {
                    consider(max(start, Self.renewalWindowStart(expiresAt: e)), .renew)
                }
                let lower = max(start, l.activatedAt ?? start)
                if let slot = Self.reminderSlots(expiresAt: e).first(where: {
                    $0 > lower && !l.remindersSent.contains($0)
                }) {
                    consider(slot, .notify)
                }
            }
        case .expired, .invalid:
            break
        }
        return best
    }

    /// Applies every event up to and including `end`, earliest first, ties in docs/rules.md §4.1 order
    /// (action, then code). `observe` is called after each event with the timeline as it is then.
    /// Returns the events in the order applied.
    @discardableResult
    mutating func run(through end: Instant, _ observe: ((PlanEvent, LicenseTimeline) -> Void)? = nil) -> [PlanEvent] {
        var events: [PlanEvent] = []
        while let p = next(), p.at <= end {
            let event = apply(p.action, to: p.index, at: p.at)
            events.append(event)
            observe?(event, self)
        }
        return events
    }

    /// The earliest pending event over all licenses, ties broken by action order, then code
    /// (licenses are kept sorted by code, so the first minimum found has the lowest code).
    func next() -> (index: Int, at: Instant, action: Action)? {
        var pick: (index: Int, at: Instant, action: Action)?
        for i in licenses.indices {
            guard let e = nextEvent(of: i) else { continue }
            if let p = pick, (p.at, p.action.rank) <= (e.at, e.action.rank) { continue }
            pick = (i, e.at, e.action)
        }
        return pick
    }

    /// Applies one time-driven event to license `i` at `t`.
    mutating func apply(_ action: Action, to i: Int, at t: Instant) -> PlanEvent {
        let code = licenses[i].code
        switch action {
        case .activate:
            let expires = t.adding(licenses[i].term)
            licenses[i].status = .active
            licenses[i].activatedAt = t
            licenses[i].expiresAt = expires
            if licenses[i].type.isPaid { paidSince = min(paidSince ?? t, t) }
            return PlanEvent(at: t, action: .activate, code: code, expiresAt: expires)
        case .expire:
            licenses[i].status = .expired
            return PlanEvent(at: t, action: .expire, code: code)
        case .stockExpire:
            licenses[i].status = .expired
            licenses[i].activatedAt = nil
            return PlanEvent(at: t, action: .stockExpire, code: code)
        case .invalidate:
            licenses[i].status = .invalid
            licenses[i].invalidatedAt = t
            return PlanEvent(at: t, action: .invalidate, code: code)
        case .renew:
            let expires = (licenses[i].expiresAt ?? t).adding(licenses[i].term)
            licenses[i].expiresAt = expires
            return PlanEvent(at: t, action: .renew, code: code, expiresAt: expires)
        case .notify:
            licenses[i].remindersSent = Self.inserting(t, into: licenses[i].remindersSent)
            return PlanEvent(at: t, action: .notify, code: code, expiresAt: licenses[i].expiresAt, slot: t)
        default:
            return PlanEvent(at: t, action: action, code: code)
        }
    }

    /// `sorted` with `instant` added once, ascending.
    static func inserting(_ instant: Instant, into sorted: [Instant]) -> [Instant] {
        guard !sorted.contains(instant) else { return sorted }
        var out = sorted
        let index = out.firstIndex { $0 > instant } ?? out.count
        out.insert(instant, at: index)
        return out
    }
}

/// Capacity and mode of a set of licenses from their statuses (docs/rules.md §1 R1, R7, tenant mode).
/// Only call on licenses advanced to the instant in question (statuses up to date).
struct Capacity: Equatable {
    var mode: TenantMode
    var capacity: Int

    init(mode: TenantMode, capacity: Int) {
        self.mode = mode
        self.capacity = capacity
    }

    init(_ licenses: [LicenseRecord]) {
        var tally = Tally()
        for l in licenses where l.status == .active && l.archivedAt == nil { tally.add(l) }
        self = tally.capacity
    }

    /// Adds up licenses valid at one instant by their type's policy (docs/rules.md §1 R1, R7):
    /// paid capacities add up (the paid types' mode, `full`); without a valid paid license the
    /// largest valid unpaid one gives capacity and mode (Cloud Free: 1000, `limited`); none:
    /// `disabled`, 0.
    struct Tally {
        private var paid = 0
        private var paidMode: TenantMode?
        private var unpaid: LicensePolicy?

        mutating func add(_ license: LicenseRecord) {
            let policy = license.type.policy
            if policy.isPaid {
                paid += license.capacity
                paidMode = policy.mode
            } else if unpaid.map({ policy.capacity > $0.capacity }) ?? true {
                unpaid = policy
            }
        }

        var capacity: Capacity {
            if paid > 0, let paidMode { return Capacity(mode: paidMode, capacity: paid) }
            if let unpaid { return Capacity(mode: unpaid.mode, capacity: unpaid.capacity) }
            return Capacity(mode: .disabled, capacity: 0)
        }
    }
}
