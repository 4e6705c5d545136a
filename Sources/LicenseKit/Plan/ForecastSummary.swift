/// Totals over a forecast, shared by its renderers (docs/cli.md §6 `forecast`).
public struct ForecastSummary: Sendable {
    /// The earliest rejection over all tenants: where, when, and how many routers (docs/README.md §8: of
    /// the routers not already rejected at `at`).
    public struct Rejection: Sendable, Hashable {
        /// The tenant whose router is rejected.
        public var tenant: String
        /// The tenant's ``TenantForecast/firstRejectionAt`` (UTC).
        public var at: Instant
        /// Routers that were online or not connected at the forecast's `at` and are offline
        /// (`capacity` or `no-valid-license`) after the last event of that instant.
        public var routers: Int
    }

    /// Number of tenants forecast.
    public var tenants: Int
    /// Number of events over all tenants.
    public var events: Int
    /// Event count per action, in docs/rules.md §4.1 order; actions that do not occur are left out.
    public var actions: [(action: Action, count: Int)]
    /// Tenants in which some router not rejected at `at` is rejected within the horizon.
    public var rejectingTenants: Int
    /// The earliest rejection (ties: tenant name); `nil` when no router would be rejected.
    public var firstRejection: Rejection?
    /// Routers already rejected at `at` (reason `capacity` or `no-valid-license`) over all
    /// tenants: `plan`'s warnings, not the forecast's failures (docs/cli.md §6).
    public var rejectedAtStart: Int

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
        rejectedAtStart = forecasts.reduce(0) { $0 + $1.startRejected.count }
        firstRejection =
            forecasts
            .compactMap { f in
                f.firstRejectionAt.map { Rejection(tenant: f.tenant, at: $0, routers: f.newlyRejected(at: $0).count) }
            }
            .min { ($0.at, $0.tenant) < ($1.at, $1.tenant) }
    }

    /// `3 tenants, 12 events; first rejection: acme-water on 2026-12-15 (8 routers)`, or
    /// `3 tenants, 12 events; no router would be rejected within 90 days`, each followed by
    /// `; 2 routers already rejected at the start` when some are.
    public func line(days: Int) -> String {
        let head = "\(counted(tenants, "tenant")), \(counted(events, "event")); "
        let already = rejectedAtStart > 0 ? "; \(counted(rejectedAtStart, "router")) already rejected at the start" : ""
        guard let r = firstRejection else {
            return head + "no router would be rejected within \(counted(days, "day"))" + already
        }
        return head + "first rejection: \(r.tenant) on \(r.at.dateString) (\(counted(r.routers, "router")))" + already
    }
}

extension TenantForecast {
    /// Connected routers offline at the start (reason `capacity` or `no-valid-license`; not
    /// `not-connected`, docs/rules.md §4.4).
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

    /// Routers offline after the last event at `instant` that were not rejected at the start
    /// (in admission order); empty when no event happens then.
    public func newlyRejected(at instant: Instant) -> [String] {
        guard let last = events.last(where: { $0.at == instant }) else { return [] }
        let before = Set(startRejected.map(\.serial))
        return last.rejected.filter { !before.contains($0) }
    }

    /// The events grouped by instant, in time order (docs/README.md §8 "Output": one block per tenant
    /// and instant).
    public var instants: [ForecastInstant] {
        var out: [ForecastInstant] = []
        var i = events.startIndex
        while i < events.endIndex {
            var j = i
            while j < events.endIndex, events[j].at == events[i].at { j += 1 }
            out.append(ForecastInstant(events: Array(events[i..<j])))
            i = j
        }
        return out
    }
}

/// The events of one tenant at one instant, which take effect together (docs/cli.md §6 `forecast`):
/// the capacity before and after the instant and the routers rejected after its last event.
public struct ForecastInstant: Sendable, Hashable {
    /// The instant's events in docs/rules.md §4.1 order; never empty.
    public var events: [ForecastPoint]

    /// The instant (UTC).
    public var at: Instant { events[0].at }
    /// Capacity just before the instant.
    public var capacityBefore: Int { events[0].capacityBefore }
    /// Capacity after the instant's last event.
    public var capacityAfter: Int { events[events.count - 1].capacityAfter }
    /// Connected routers offline after the instant, in admission order.
    public var rejected: [String] { events[events.count - 1].rejected }
    /// Mode after the instant.
    public var mode: TenantMode { events[events.count - 1].mode }

    /// One line per kind of event: `- expire` / `30 licenses` / `96D9-****-59E5, … and 27 more`;
    /// reminders as `* notify` / `3 reminders` / `earliest expiry …` (one line per tenant and
    /// instant); routers connecting as `+ admit`/`! reject` with their serials.
    public func groups(showCodes: Bool, limit: Int) -> [[String]] {
        var order: [String] = []
        var members: [String: [ForecastPoint]] = [:]
        for e in events {
            let key = e.action.rawValue + (e.reason.map { "/" + $0.rawValue } ?? "")
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(e)
        }
        return order.compactMap { key -> [String]? in
            guard let group = members[key], let first = group.first else { return nil }
            let action = first.action.signed
            switch first.action {
            case .notify:
                let earliest =
                    group.compactMap(\.expiresAt).min().map {
                        "\(group.count == 1 ? "expiry" : "earliest expiry") \($0)"
                    } ?? ""
                return [action, counted(group.count, "reminder"), earliest]
            case .admit, .reject:
                let serials = group.compactMap(\.serial)
                let what = first.reason.map { ": \($0.words)" } ?? ""
                return [action, counted(serials.count, "router") + what, serialList(serials, limit: limit)]
            default:
                if group.count == 1 {
                    let detail = first.expiresAt.map { "expires \($0)" } ?? ""
                    return [action, first.subject(showCodes: showCodes), detail]
                }
                let subjects = group.map { $0.subject(showCodes: showCodes) }
                return [action, counted(group.count, "license"), serialList(subjects, limit: limit)]
            }
        }
    }

    /// `capacity 30 → 75, no router rejected` / `…, 2 routers rejected: A, B`.
    public func outcome(limit: Int) -> String {
        "capacity \(capacityBefore) → \(capacityAfter), " + rejectionText(rejected, limit: limit)
    }
}

extension ForecastPoint {
    /// What the event is about: the code (masked unless `showCodes`, docs/formats.md §3.4) or the serial.
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
    serials.isEmpty
        ? "no router rejected" : "\(counted(serials.count, "router")) rejected: \(serialList(serials, limit: limit))"
}

/// `A, B, C … and 9 more`: at most `limit` serials.
func serialList(_ serials: [String], limit: Int) -> String {
    serials.count > limit
        ? serials.prefix(limit).joined(separator: ", ") + " … and \(serials.count - limit) more"
        : serials.joined(separator: ", ")
}
