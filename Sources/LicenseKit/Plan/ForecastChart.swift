/// The forecast as a picture (`forecast --format svg`, docs/cli.md §6, issue 5): each tenant's
/// ``TenantForecast`` becomes a ``CapacityChart`` drawn by ``ForecastSVG``.
public enum ForecastChart {
    /// Actions marked on the chart with a dashed line: the ones that change what a tenant holds.
    static let markedActions: [Action] = [.activate, .renew, .invalidate, .expire, .stockExpire]

    /// The chart of one tenant over [`at`, `at` + `days` days].
    ///
    /// Steps: capacity and connected routers (online plus rejected, i.e. routers with
    /// `connectedAt` ≤ t) at `at`, then after each instant with events (the state after the last
    /// event of that instant; unchanged steps are left out). Markers: activations, renewals,
    /// invalidations, expiries and stock expiries, one per instant and action — `expire
    /// 96D9-****-59E5`, or `expire 8 licenses` when several happen at once. Codes are masked
    /// unless `showCodes` (docs/formats.md §3.4).
    public static func chart(_ f: TenantForecast, at: Instant, days: Int, showCodes: Bool) -> CapacityChart {
        var steps = [CapacityStep(at: at, capacity: f.start.capacity, connected: f.startConnected)]
        for e in f.events {
            let step = CapacityStep(at: e.at, capacity: e.capacityAfter, connected: e.connected)
            if let last = steps.last, last.at == step.at {
                steps[steps.count - 1] = step
            } else {
                steps.append(step)
            }
        }
        // Drop steps that change nothing (keep the first).
        var compact: [CapacityStep] = []
        for step in steps {
            if let last = compact.last, last.capacity == step.capacity, last.connected == step.connected { continue }
            compact.append(step)
        }

        var markers: [ChartMarker] = []
        var groups: [(at: Instant, action: Action, subjects: [String])] = []
        for e in f.events where markedActions.contains(e.action) {
            if let i = groups.firstIndex(where: { $0.at == e.at && $0.action == e.action }) {
                groups[i].subjects.append(e.subject(showCodes: showCodes))
            } else {
                groups.append((e.at, e.action, [e.subject(showCodes: showCodes)]))
            }
        }
        for g in groups {
            let what = g.subjects.count == 1 ? g.subjects[0] : counted(g.subjects.count, "license")
            markers.append(ChartMarker(at: g.at, label: "\(g.action.rawValue) \(what)"))
        }
        return CapacityChart(tenant: f.tenant, start: at, end: at.addingDays(days), steps: compact, markers: markers)
    }

    /// Up to this many tenants the SVG has one panel per tenant; beyond, a fleet overview.
    public static let panelLimit = 12

    /// The SVG document, titled with `at` and the horizon: one panel per tenant for at most
    /// ``panelLimit`` tenants; for more, the fleet overview (``ForecastSVG/renderFleet``): the
    /// aggregate chart, then small charts of the tenants that reject a router first (earliest
    /// first), then the others by name, at most 48, so that 300 tenants stay one screenful and
    /// not 90,000 px. The verdict in the corner is the first rejection of
    /// ``ForecastSummary`` (the same as in text, JSON, Markdown and HTML).
    public static func render(_ forecasts: [TenantForecast], at: Instant, days: Int, showCodes: Bool) -> String {
        let title = "licensectl forecast at \(at.dateString), \(counted(days, "day"))"
        let summary = ForecastSummary(forecasts, at: at)
        let verdict = ForecastSVG.Verdict(
            text: summary.firstRejection.map {
                "First rejection: \($0.tenant) on \($0.at.dateString) (\(counted($0.routers, "router")))"
            } ?? "No router would be rejected within \(counted(days, "day"))", bad: summary.firstRejection != nil)
        guard forecasts.count > panelLimit else {
            return ForecastSVG.render(
                forecasts.map { chart($0, at: at, days: days, showCodes: showCodes) }, title: title,
                verdict: verdict)
        }
        let ordered = forecasts.sorted { a, b in
            switch (a.firstRejectionAt, b.firstRejectionAt) {
            case (let x?, let y?): return (x, a.tenant) < (y, b.tenant)
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a.tenant < b.tenant
            }
        }
        let tiles = ordered.prefix(ForecastSVG.maxTiles).map { f in
            FleetTile(
                chart: chart(f, at: at, days: days, showCodes: showCodes),
                note: f.firstRejectionAt.map { "first rejection \($0.dateString)" } ?? "no rejection",
                rejects: f.firstRejectionAt != nil)
        }
        return ForecastSVG.renderFleet(
            aggregate: FleetReport.aggregateChart(forecasts, at: at, days: days), tiles: Array(tiles),
            omitted: forecasts.count - tiles.count,
            omittedRejecting: ordered.dropFirst(tiles.count).filter { $0.firstRejectionAt != nil }.count,
            title: title + ", \(counted(forecasts.count, "tenant"))",
            verdict: verdict)
    }
}
