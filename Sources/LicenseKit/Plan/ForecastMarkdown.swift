/// The forecast as a pull-request or issue comment (`forecast --format markdown`, issue 5),
/// GitHub-flavoured Markdown.
///
/// Shape: a title and a one-line verdict (the first rejection, or none within the horizon); a
/// summary table (tenants, events, events by action, tenants with rejections); then one
/// collapsible `<details>` per tenant with events or rejections — tenants with rejections first,
/// earliest first, then by name — with its start and an events table, one row per instant
/// (its events by kind, capacity before → after, routers rejected after the instant's last
/// event, at most 10 serials); a line
/// for the tenants with nothing to show. Codes are masked unless `showCodes` (docs/formats.md §3.4).
///
/// Like ``PlanMarkdown`` the text stays below `limit` UTF-8 bytes: tenant sections are dropped
/// from the end and a closing line says how many tenants and events were left out and points to
/// `forecast --format json`.
public enum ForecastMarkdown {
    /// How many serials a rejected-routers cell lists before `… and N more`.
    static let serialLimit = 10

    /// The comment text, lines ended by `\n`.
    public static func render(
        _ forecasts: [TenantForecast], at: Instant, days: Int, showCodes: Bool,
        limit: Int = 60_000
    ) -> String {
        let summary = ForecastSummary(forecasts, at: at)
        let head = title(summary, at: at, days: days) + "\n" + summaryTable(summary)
        let shown = forecasts.filter { !$0.events.isEmpty || $0.firstRejectionAt != nil }
            .sorted { a, b in
                switch (a.firstRejectionAt, b.firstRejectionAt) {
                case (let x?, let y?): return (x, a.tenant) < (y, b.tenant)
                case (.some, nil): return true
                case (nil, .some): return false
                case (nil, nil): return a.tenant < b.tenant
                }
            }
        let quiet = forecasts.count - shown.count
        let tail = quiet > 0 ? "\n_\(counted(quiet, "tenant")) without events or rejections._\n" : ""
        let fixed = head.utf8.count + tail.utf8.count

        let body = PlanMarkdown.cappedSections(
            shown, fixed: fixed, limit: limit, render: { section($0, days: days, showCodes: showCodes) },
            events: { $0.events.count }, note: { omissionNote(tenants: $0, events: $1, limit: limit) })
        let text = head + body.text + tail
        return body.complete ? text : PlanMarkdown.truncated(text, limit: limit)
    }

    /// `## licensectl forecast at …` and the verdict.
    static func title(_ summary: ForecastSummary, at: Instant, days: Int) -> String {
        var out = "## licensectl forecast at \(at)\n\n"
        out += "\(counted(days, "day")), until \(at.addingDays(days)). "
        if let r = summary.firstRejection {
            out +=
                "**First rejection: \(MarkdownTable.escape(r.tenant)) on \(r.at.dateString) (\(counted(r.routers, "router"))).**\n"
        } else {
            out += "**No router would be rejected within \(counted(days, "day")).**\n"
        }
        return out
    }

    /// Tenants, events, the count of each action (docs/rules.md §4.1 order), tenants with rejections.
    static func summaryTable(_ summary: ForecastSummary) -> String {
        var table = MarkdownTable(headers: ["", "count"], alignments: [.left, .right])
        table.append(["tenants", .text("\(summary.tenants)")])
        table.append(["events", .text("\(summary.events)")])
        for (action, count) in summary.actions {
            table.append([.code(action.signed), .text("\(count)")])
        }
        table.append(["tenants with rejections", .text("\(summary.rejectingTenants)")])
        return table.render()
    }

    /// One tenant as a collapsible block.
    static func section(_ f: TenantForecast, days: Int, showCodes: Bool) -> String {
        var summary = "<code>\(f.firstRejectionAt == nil ? "~" : "!") \(MarkdownTable.escape(f.tenant))</code>"
        summary += " · \(counted(f.events.count, "event")) · capacity \(f.start.capacity)"
        if let first = f.firstRejectionAt { summary += " · first rejection \(first.dateString)" }

        var out = "\n<details><summary>\(summary)</summary>\n\n"
        out += "At the start: \(MarkdownTable.escape(ForecastText.startText(f))).\n\n"
        if !f.startRejected.isEmpty {
            out +=
                "Rejected at the start: \(MarkdownTable.escape(serialList(f.startRejected.map(\.serial), limit: serialLimit))).\n\n"
        }
        if f.events.isEmpty {
            out += "_No events within \(counted(days, "day"))._\n"
        } else {
            var table = MarkdownTable(headers: ["instant", "events", "capacity", "rejected after"])
            for instant in f.instants {
                let events = instant.groups(showCodes: showCodes, limit: 3).map { g in
                    MarkdownTable.Cell.code(g.filter { !$0.isEmpty }.joined(separator: " ")).markdown
                }.joined(separator: "<br>")
                table.append([
                    .text(instant.at.description), .raw(events),
                    .text("\(instant.capacityBefore) → \(instant.capacityAfter)"),
                    .text(rejectionText(instant.rejected, limit: serialLimit)),
                ])
            }
            out += table.render()
        }
        out += "\n</details>\n"
        return out
    }

    /// The closing line when sections were left out.
    static func omissionNote(tenants: Int, events: Int, limit: Int) -> String {
        "\n> **\(counted(tenants, "tenant")) (\(counted(events, "event"))) not shown:** "
            + "this comment is kept below \(limit) characters. "
            + "Run `licensectl forecast --format json` for the full forecast.\n"
    }
}
