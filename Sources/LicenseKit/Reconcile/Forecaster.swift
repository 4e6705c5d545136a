/// One future event of a forecast (docs/cli.md §6 `forecast`), with the tenant's capacity around its
/// instant and the admission after the instant's last event (all events at one instant take
/// effect together, docs/README.md §8 "Output").
///
/// License events carry `code` (and `expiresAt` for `activate`/`renew`, `slot` and `expiresAt`
/// for `notify`); a router connecting at its future `connectedAt` is an `admit` or `reject`
/// point with `serial` (and `reason` when rejected). Instants are UTC.
public struct ForecastPoint: Sendable, Hashable, Codable {
    /// When the event happens (UTC).
    public var at: Instant
    /// `activate`, `expire`, `stock-expire`, `invalidate`, `renew`, `notify` (license events) or
    /// `admit`/`reject` (a router connecting).
    public var action: Action
    /// The license, for license events.
    public var code: ActivationCode?
    /// The router, for `admit`/`reject`.
    public var serial: String?
    /// The new expiry for `activate`/`renew`; the expiry reminded of for `notify`.
    public var expiresAt: Instant?
    /// The reminder slot for `notify`.
    public var slot: Instant?
    /// Why a connecting router is rejected (`capacity` or `no-valid-license`).
    public var reason: RejectionReason?
    /// Capacity (routers) just before this event's instant.
    public var capacityBefore: Int
    /// Capacity (routers) after the last event of this event's instant.
    public var capacityAfter: Int
    /// Tenant mode after the instant.
    public var mode: TenantMode
    /// Online routers after the instant.
    public var online: Int
    /// Connected routers offline after the instant (reason `capacity` or `no-valid-license`),
    /// in admission order (connectedAt, then serial).
    public var rejected: [String]

    /// A forecast instant with its events and the routers rejected after it.
    public init(
        at: Instant, action: Action, code: ActivationCode? = nil, serial: String? = nil,
        expiresAt: Instant? = nil, slot: Instant? = nil, reason: RejectionReason? = nil,
        capacityBefore: Int, capacityAfter: Int, mode: TenantMode, online: Int, rejected: [String]
    ) {
        self.at = at
        self.action = action
        self.code = code
        self.serial = serial
        self.expiresAt = expiresAt
        self.slot = slot
        self.reason = reason
        self.capacityBefore = capacityBefore
        self.capacityAfter = capacityAfter
        self.mode = mode
        self.online = online
        self.rejected = rejected
    }
}

/// One tenant's forecast: where it starts (the plan's `after` at `at`) and what happens next.
public struct TenantForecast: Sendable, Hashable, Codable {
    /// The tenant's name.
    public var tenant: String
    /// The plan's result at `at`.
    public var start: TenantAfter
    /// Future events in (`at`, `at` + days], in docs/rules.md §4.1 order (instant, action, code or serial).
    /// Every event of one instant carries the capacity before that instant and the admission
    /// after the instant's last event (docs/README.md §8 "Output": the events of an instant take effect
    /// together).
    public var events: [ForecastPoint]
    /// The first instant in (`at`, `at` + days] after which some router that was online or not
    /// connected at `at` is offline with reason `capacity` or `no-valid-license`; `nil` when
    /// none is. Routers already rejected at `at` never set it (docs/cli.md §6, docs/README.md §8 `--fail-on-rejection`).
    public var firstRejectionAt: Instant?

    /// A tenant's forecast from `start` over its `events`.
    public init(tenant: String, start: TenantAfter, events: [ForecastPoint], firstRejectionAt: Instant?) {
        self.tenant = tenant
        self.start = start
        self.events = events
        self.firstRejectionAt = firstRejectionAt
    }
}

/// The reconciler's engine run forward in time (docs/cli.md §6 `forecast`).
public enum Forecaster {
    /// Forecasts every tenant (or those named) from the plan's result at `at` up to
    /// `at + days` days: scheduled activations, expiries, stock expiries, reminders (one `notify`
    /// per slot), Cloud Free renewals (`renew: true`, at max(`at`, E−30d)), invalidations (R2),
    /// and routers connecting at a future `connectedAt`. Today's connected routers are assumed
    /// to stay connected. All events at one instant take effect together before admission is
    /// judged (docs/cli.md §6): a license expiring at the instant its replacement activates rejects
    /// nobody.
    ///
    /// - Parameters:
    ///   - days: the horizon in days (default 90, docs/cli.md §6); negative is treated as 0.
    ///   - tenants: names to include; `nil` = all. Unknown names are skipped (the CLI checks them).
    /// - Returns: one forecast per tenant, sorted by name. Retired tenants have no events.
    public static func forecast(
        repo: LicenseRepo, states: [String: PriorState], at: Instant, days: Int,
        tenants: [String]? = nil
    ) -> [TenantForecast] {
        let plan = Reconciler.plan(repo: repo, states: states, at: at)
        return forecast(plan: plan, at: at, days: days, tenants: tenants)
    }

    /// Forecasts the tenants of a plan made at `at` (see
    /// ``forecast(repo:states:at:days:tenants:)``).
    public static func forecast(plan: Plan, at: Instant, days: Int, tenants: [String]? = nil) -> [TenantForecast] {
        let wanted = tenants.map(Set.init)
        let horizon = at.addingDays(max(0, days))
        var out: [TenantForecast] = []
        for tenantPlan in plan.tenants where wanted?.contains(tenantPlan.tenant) ?? true {
            out.append(forecast(tenantPlan, at: at, horizon: horizon))
        }
        return out
    }

    /// Runs one tenant's planned state forward over (`at`, `horizon`], one instant at a time.
    static func forecast(_ plan: TenantPlan, at: Instant, horizon: Instant) -> TenantForecast {
        guard let doc = plan.newState, doc.retiredAt == nil else {
            return TenantForecast(tenant: plan.tenant, start: plan.after, events: [], firstRejectionAt: nil)
        }
        let rejectedAtStart = Set(plan.after.offline.filter { $0.reason != .notConnected }.map(\.serial))
        var timeline = LicenseTimeline(licenses: doc.licenses, paidSince: doc.paidSince, forecast: true, start: at)
        var queue: [(serial: String, connectedAt: Instant)] = doc.routers.compactMap { r in
            r.connectedAt.map { (r.serial, $0) }
        }
        queue.sort { ($0.connectedAt, $0.serial) < ($1.connectedAt, $1.serial) }
        var connected = queue.firstIndex { $0.connectedAt > at } ?? queue.count
        var capacity = Capacity(timeline.licenses)
        var points: [ForecastPoint] = []
        var firstRejection: Instant?

        while true {
            let nextLicense = timeline.next().flatMap { $0.at <= horizon ? $0.at : nil }
            let nextRouter =
                connected < queue.count && queue[connected].connectedAt <= horizon
                ? queue[connected].connectedAt : nil
            guard let instant = [nextLicense, nextRouter].compactMap({ $0 }).min() else { break }

            // Every event of the instant first: license events in docs/rules.md §4.1 order (they rank
            // before admit/reject), then the routers connecting then.
            var pending: [ForecastPoint] = []
            while let l = timeline.next(), l.at == instant {
                let e = timeline.apply(l.action, to: l.index, at: l.at)
                pending.append(
                    ForecastPoint(
                        at: e.at, action: e.action, code: e.code, expiresAt: e.expiresAt, slot: e.slot,
                        capacityBefore: 0, capacityAfter: 0, mode: .disabled, online: 0, rejected: []))
            }
            let firstConnecting = connected
            while connected < queue.count, queue[connected].connectedAt == instant { connected += 1 }

            // Then admission, judged once after the instant's last event.
            let now = Capacity(timeline.licenses)
            let online = min(now.capacity, connected)
            let rejected = queue[online..<connected].map(\.serial)
            let reason: RejectionReason = now.mode == .disabled ? .noValidLicense : .capacity
            for k in firstConnecting..<connected {
                let admitted = k < online
                pending.append(
                    ForecastPoint(
                        at: instant, action: admitted ? .admit : .reject, serial: queue[k].serial,
                        reason: admitted ? nil : reason, capacityBefore: 0, capacityAfter: 0,
                        mode: .disabled, online: 0, rejected: []))
            }
            for i in pending.indices {
                pending[i].capacityBefore = capacity.capacity
                pending[i].capacityAfter = now.capacity
                pending[i].mode = now.mode
                pending[i].online = online
                pending[i].rejected = rejected
            }
            if firstRejection == nil, rejected.contains(where: { !rejectedAtStart.contains($0) }) {
                firstRejection = instant
            }
            points += pending
            capacity = now
        }
        return TenantForecast(tenant: plan.tenant, start: plan.after, events: points, firstRejectionAt: firstRejection)
    }
}
