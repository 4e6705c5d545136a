/// The forecast as a picture (`forecast --format svg`, SPEC §6, issue 5): each tenant's
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
    /// unless `showCodes` (SPEC §3.4).
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

    /// The SVG document: one panel per tenant, titled with `at` and the horizon.
    public static func render(_ forecasts: [TenantForecast], at: Instant, days: Int, showCodes: Bool) -> String {
        ForecastSVG.render(forecasts.map { chart($0, at: at, days: days, showCodes: showCodes) },
                           title: "licensectl forecast at \(at.dateString), \(counted(days, "day"))")
    }
}
