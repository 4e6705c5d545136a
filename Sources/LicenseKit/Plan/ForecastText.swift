/// The human forecast (`forecast --format text`, docs/cli.md §6).
///
/// Shape: a header with `at`, the horizon in days and its end; per tenant a start line (mode,
/// capacity, online, rejected and not-connected routers at `at`) and one block per instant with
/// events (docs/README.md §8 "Output"): the instant, capacity before → after the instant and the connected
/// routers offline after its last event (count and the first few serials), then one aligned line
/// per kind of event (`- expire  30 licenses  A, B, C … and 27 more`; reminders as one line
/// `* notify  3 reminders  earliest expiry …`); then one summary line
/// (``ForecastSummary/line(days:)``). Codes are masked unless `showCodes` (docs/formats.md §3.4). No colour.
public enum ForecastText {
    /// How many rejected serials an event line lists before `… and N more`.
    static let serialLimit = 3

    /// The forecast as text, lines ended by `\n`.
    ///
    /// - Parameters:
    ///   - forecasts: one per tenant, as ``Forecaster/forecast(repo:states:at:days:tenants:)`` returns them.
    ///   - at: the forecast's start (UTC); `days`: the horizon in days.
    public static func render(_ forecasts: [TenantForecast], at: Instant, days: Int, showCodes: Bool) -> String {
        var lines = ["licensectl forecast at \(at), \(counted(days, "day")) (until \(at.addingDays(days)))"]
        for f in forecasts {
            lines.append("")
            lines.append("\(f.tenant): \(startText(f))")
            if f.events.isEmpty {
                lines.append("    no events within \(counted(days, "day"))")
                continue
            }
            for instant in f.instants {
                lines.append("    \(instant.at)  \(instant.outcome(limit: serialLimit))")
                lines += TextColumns.align(instant.groups(showCodes: showCodes, limit: serialLimit)).map {
                    "        " + $0
                }
            }
        }
        lines.append("")
        lines.append(ForecastSummary(forecasts, at: at).line(days: days))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `full, capacity 8, 8 online, 2 rejected` (with `, 1 not connected` when some router is not
    /// connected at the start).
    static func startText(_ f: TenantForecast) -> String {
        var parts = [
            f.start.mode.rawValue, "capacity \(f.start.capacity)", "\(f.start.online.count) online",
            "\(f.startRejected.count) rejected",
        ]
        if f.startNotConnected > 0 { parts.append("\(f.startNotConnected) not connected") }
        return parts.joined(separator: ", ")
    }
}
