/// The JSON forecast (`forecast --format json`, docs/cli.md §6).
///
/// Shape: `{"at", "days", "until", "tenants": [TenantForecast…], "summary": {"tenants",
/// "events", "actions": {name: count}, "rejectingTenants", "firstRejection": {"tenant", "at",
/// "routers"} | null}}`. A tenant is `{"tenant", "start" (the plan's `after`), "events",
/// "firstRejectionAt" (null when never)}`; an event carries `at`, `action`, `capacityBefore`,
/// `capacityAfter`, `mode`, `online` (a count), `rejected` (serials) — capacity before the
/// event's instant, the rest after the instant's last event (docs/README.md §8 "Output") — and only the optional fields
/// that are set (`code`, `serial`, `expiresAt`, `slot`, `reason`). Instants are UTC
/// `YYYY-MM-DDTHH:MM:SSZ`. Codes are full, never masked (docs/formats.md §3.4). Deterministic: keys sorted,
/// 2-space indent, trailing newline.
public enum ForecastJSON {
    /// The forecast as JSON text, ending in a newline.
    public static func render(_ forecasts: [TenantForecast], at: Instant, days: Int) -> String {
        value(forecasts, at: at, days: days).serialized()
    }

    /// The forecast as a ``JSONValue``.
    public static func value(_ forecasts: [TenantForecast], at: Instant, days: Int) -> JSONValue {
        let summary = ForecastSummary(forecasts, at: at)
        var actions: [String: JSONValue] = [:]
        for (action, count) in summary.actions { actions[action.rawValue] = .int(count) }
        let first: JSONValue =
            summary.firstRejection.map { r in
                .object(["tenant": .string(r.tenant), "at": .string(r.at.description), "routers": .int(r.routers)])
            } ?? .null
        return .object([
            "at": .string(at.description),
            "days": .int(days),
            "until": .string(at.addingDays(days).description),
            "tenants": .array(forecasts.map(tenant)),
            "summary": .object([
                "tenants": .int(summary.tenants),
                "events": .int(summary.events),
                "actions": .object(actions),
                "rejectingTenants": .int(summary.rejectingTenants),
                "firstRejection": first,
            ]),
        ])
    }

    /// One tenant, with `firstRejectionAt` always present (null when never).
    static func tenant(_ f: TenantForecast) -> JSONValue {
        do {
            guard case .object(var members) = try JSONValue(encoding: f) else { return .null }
            members["firstRejectionAt"] = f.firstRejectionAt.map { .string($0.description) } ?? .null
            return .object(members)
        } catch {
            // TenantForecast encodes strings, integers and arrays only; it cannot fail. Should it
            // ever, say so in the output rather than crash.
            return .object(["tenant": .string(f.tenant), "error": .string("cannot encode the forecast: \(error)")])
        }
    }
}
