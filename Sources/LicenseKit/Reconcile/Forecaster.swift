/// One future event of a forecast (SPEC §6 `forecast`), with the tenant's capacity around it
/// and the admission right after it.
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
    /// Capacity (routers) just before this event.
    public var capacityBefore: Int
    /// Capacity (routers) just after this event.
    public var capacityAfter: Int
    /// Tenant mode just after this event.
    public var mode: TenantMode
    /// Online routers just after this event.
    public var online: Int
    /// Connected routers offline just after this event (reason `capacity` or `no-valid-license`),
    /// in admission order (connectedAt, then serial).
    public var rejected: [String]

    public init(at: Instant, action: Action, code: ActivationCode? = nil, serial: String? = nil,
                expiresAt: Instant? = nil, slot: Instant? = nil, reason: RejectionReason? = nil,
                capacityBefore: Int, capacityAfter: Int, mode: TenantMode, online: Int, rejected: [String]) {
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
    /// Future events in (`at`, `at` + days], in SPEC §4.1 order (instant, action, code or serial).
    public var events: [ForecastPoint]
    /// The first instant within the horizon at which some connected router is offline
    /// (`capacity` or `no-valid-license`); `at` itself when that is already so at the start;
    /// `nil` when never (SPEC §6 `--fail-on-rejection`).
    public var firstRejectionAt: Instant?

    public init(tenant: String, start: TenantAfter, events: [ForecastPoint], firstRejectionAt: Instant?) {
        self.tenant = tenant
        self.start = start
        self.events = events
        self.firstRejectionAt = firstRejectionAt
    }
}

/// The reconciler's engine run forward in time (SPEC §6 `forecast`).
public enum Forecaster {
    /// Forecasts every tenant (or those named) from the plan's result at `at` up to
    /// `at + days` days: scheduled activations, expiries, stock expiries, reminders (one `notify`
    /// per slot), Cloud Free renewals (`renew: true`, at max(`at`, E−30d)), invalidations (R2),
    /// and routers connecting at a future `connectedAt`. Today's connected routers are assumed
    /// to stay connected.
    ///
    /// - Parameters:
    ///   - days: the horizon in days (SPEC default 90); negative is treated as 0.
    ///   - tenants: names to include; `nil` = all. Unknown names are skipped (the CLI checks them).
    /// - Returns: one forecast per tenant, sorted by name. Retired tenants have no events.
    public static func forecast(repo: LicenseRepo, states: [String: PriorState], at: Instant, days: Int,
                                tenants: [String]? = nil) -> [TenantForecast] {
        let plan = Reconciler.plan(repo: repo, states: states, at: at)
        let wanted = tenants.map(Set.init)
        let horizon = at.addingDays(max(0, days))
        var out: [TenantForecast] = []
        for tenantPlan in plan.tenants where wanted?.contains(tenantPlan.tenant) ?? true {
            out.append(forecast(tenantPlan, at: at, horizon: horizon))
        }
        return out
    }

    /// Runs one tenant's planned state forward over (`at`, `horizon`].
    static func forecast(_ plan: TenantPlan, at: Instant, horizon: Instant) -> TenantForecast {
        let startRejected = plan.after.offline.contains { $0.reason != .notConnected }
        guard let doc = plan.newState, doc.retiredAt == nil else {
            return TenantForecast(tenant: plan.tenant, start: plan.after, events: [],
                                  firstRejectionAt: startRejected ? at : nil)
        }
        var timeline = LicenseTimeline(licenses: doc.licenses, paidSince: doc.paidSince, forecast: true, start: at)
        var queue: [(serial: String, connectedAt: Instant)] = doc.routers.compactMap { r in
            r.connectedAt.map { (r.serial, $0) }
        }
        queue.sort { ($0.connectedAt, $0.serial) < ($1.connectedAt, $1.serial) }
        var connected = queue.firstIndex { $0.connectedAt > at } ?? queue.count
        var capacity = Capacity(timeline.licenses)
        var points: [ForecastPoint] = []
        var firstRejection: Instant? = startRejected ? at : nil

        func rejected(_ capacity: Capacity) -> [String] {
            queue[min(capacity.capacity, connected)..<connected].map(\.serial)
        }
        while true {
            let license = timeline.next().flatMap { $0.at <= horizon ? $0 : nil }
            let router = connected < queue.count && queue[connected].connectedAt <= horizon ? queue[connected] : nil
            // License actions all rank before admit/reject, so at a tie the license goes first.
            let point: ForecastPoint
            if let l = license, router.map({ l.at <= $0.connectedAt }) ?? true {
                let event = timeline.apply(l.action, to: l.index, at: l.at)
                let now = Capacity(timeline.licenses)
                let off = rejected(now)
                point = ForecastPoint(at: event.at, action: event.action, code: event.code, expiresAt: event.expiresAt,
                                      slot: event.slot, capacityBefore: capacity.capacity, capacityAfter: now.capacity,
                                      mode: now.mode, online: min(now.capacity, connected), rejected: off)
                capacity = now
            } else if let r = router {
                connected += 1
                let admitted = connected <= capacity.capacity
                let reason: RejectionReason? = admitted ? nil : (capacity.mode == .disabled ? .noValidLicense : .capacity)
                point = ForecastPoint(at: r.connectedAt, action: admitted ? .admit : .reject, serial: r.serial,
                                      reason: reason, capacityBefore: capacity.capacity, capacityAfter: capacity.capacity,
                                      mode: capacity.mode, online: min(capacity.capacity, connected),
                                      rejected: rejected(capacity))
            } else {
                break
            }
            if firstRejection == nil, !point.rejected.isEmpty { firstRejection = point.at }
            points.append(point)
        }
        return TenantForecast(tenant: plan.tenant, start: plan.after, events: points, firstRejectionAt: firstRejection)
    }
}
