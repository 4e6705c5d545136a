/// Totals over a forecast, shared by its renderers (SPEC §6 `forecast`).
public struct ForecastSummary: Sendable {
    /// The earliest rejection over all tenants: where, when, and how many routers.
    public struct Rejection: Sendable, Hashable {
        public var tenant: String
        /// The tenant's ``TenantForecast/firstRejectionAt`` (UTC).
        public var at: Instant
        /// Connected routers offline (`capacity` or `no-valid-license`) after every event at
        /// that instant (at the start when the instant is the forecast's `at`).
        public var routers: Int
    }

    /// Number of tenants forecast.
    public var tenants: Int
    /// Number of events over all tenants.
    public var events: Int
    /// Event count per action, in SPEC §4.1 order; actions that do not occur are left out.
    public var actions: [(action: Action, count: Int)]
    /// Tenants in which some connected router is offline at some point within the horizon.
    public var rejectingTenants: Int
    /// The earliest rejection (ties: tenant name); `nil` when no router would be rejected.
    public var firstRejection: Rejection?

    /// Totals of `forecasts` (one per tenant) that start at `at`.
    public init(_ forecasts: [TenantForecast], at: Instant) {
        tenants = forecasts.count
        events = forecasts.reduce(0) { $0 + $1.events.count }
        var counts: [Action: Int] = [:]
        for f in forecasts {
            for e in f.events { counts[e.action, default: 0] += 1 }
        }
        actions = Action.allCases.compactMap { a in counts[a].map { (a, $0) } }
        rejectingTenants = forecasts.filter { $0.firstRejectionAt != nil }.count
        firstRejection = forecasts
            .compactMap { f in f.firstRejectionAt.map { Rejection(tenant: f.tenant, at: $0, routers: f.rejectedCount(at: $0, start: at)) } }
            .min { ($0.at, $0.tenant) < ($1.at, $1.tenant) }
    }

    /// `3 tenants, 12 events; first rejection: acme-water on 2026-12-15 (8 routers)`, or
    /// `3 tenants, 12 events; no router would be rejected within 90 days`.
    public func line(days: Int) -> String {
        let head = "\(counted(tenants, "tenant")), \(counted(events, "event")); "
        guard let r = firstRejection else { return head + "no router would be rejected within \(counted(days, "day"))" }
        return head + "first rejection: \(r.tenant) on \(r.at.dateString) (\(counted(r.routers, "router")))"
    }
}

extension TenantForecast {
    /// Connected routers offline at the start (reason `capacity` or `no-valid-license`; not
    /// `not-connected`, SPEC §4.4).
    public var startRejected: [OfflineRouter] {
        start.offline.filter { $0.reason != .notConnected }
    }

    /// Routers that are not connected at the start (none yet, or a future `connectedAt`).
    public var startNotConnected: Int {
        start.offline.count - startRejected.count
    }

    /// Connected routers at the start: online plus rejected.
    public var startConnected: Int {
        start.online.count + startRejected.count
    }

    /// Routers offline after the last event at `instant`; the start's count when no event
    /// happens then and `instant` is `start` (the forecast's `at`).
    func rejectedCount(at instant: Instant, start at: Instant) -> Int {
        if let last = events.last(where: { $0.at == instant }) { return last.rejected.count }
        return instant == at ? startRejected.count : 0
    }
}

extension ForecastPoint {
    /// What the event is about: the code (masked unless `showCodes`, SPEC §3.4) or the serial.
    public func subject(showCodes: Bool) -> String {
        code?.display(showCodes: showCodes) ?? serial ?? ""
    }

    /// Connected routers just after the event: online plus rejected.
    public var connected: Int { online + rejected.count }

    /// `no router rejected`, or `2 routers rejected: A, B` with at most `limit` serials
    /// (`… and N more`).
    public func rejectedText(limit: Int) -> String {
        rejectionText(rejected, limit: limit)
    }
}

/// `no router rejected`, `1 router rejected: A`, `12 routers rejected: A, B, C … and 9 more`.
func rejectionText(_ serials: [String], limit: Int) -> String {
    serials.isEmpty ? "no router rejected" : "\(counted(serials.count, "router")) rejected: \(serialList(serials, limit: limit))"
}

/// `A, B, C … and 9 more`: at most `limit` serials.
func serialList(_ serials: [String], limit: Int) -> String {
    serials.count > limit
        ? serials.prefix(limit).joined(separator: ", ") + " … and \(serials.count - limit) more"
        : serials.joined(separator: ", ")
}
