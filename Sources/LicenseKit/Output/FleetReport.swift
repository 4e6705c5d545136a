/// The fleet report (`forecast --format html`, issue 11): one self-contained HTML page to keep
/// as a CI artifact or open from disk — inline CSS, JavaScript and SVG, no network access.
///
/// Shape: a title with `at` and the horizon and the forecast's summary line (the same first
/// rejection as text, JSON, Markdown and SVG); an aggregate chart (usable capacity and connected
/// routers summed over the tenants, over [`at`, `at` + days], see ``aggregateChart(_:at:days:)``); the fleet table, one row per tenant —
/// mode, capacity, online, rejected at `at`, next expiry and days to it, first rejection and days
/// to it, and a small chart of the tenant's capacity and connected routers — sortable by clicking
/// a column header. Days are ⌊(instant − at) / 1 day⌋; instants are UTC. Codes never appear.
/// Deterministic: the same forecast gives the same bytes.
public enum FleetReport {
    /// One tenant's row.
    public struct Row: Sendable, Hashable {
        /// The tenant's forecast (its `start` is the plan's result at `at`).
        public var forecast: TenantForecast
        /// Earliest `expiresAt` of the tenant's active licenses at `at`; `nil` when none.
        public var nextExpiry: Instant?
    }

    /// The rows of a plan's tenants, each with its forecast (tenants without a forecast are left
    /// out).
    public static func rows(plan: Plan, forecasts: [TenantForecast]) -> [Row] {
        var expiries: [String: Instant] = [:]
        for t in plan.tenants {
            let active = (t.newState?.licenses ?? []).filter { $0.status == .active && $0.archivedAt == nil }
            if let e = active.compactMap(\.expiresAt).min() { expiries[t.tenant] = e }
        }
        return forecasts.map { Row(forecast: $0, nextExpiry: expiries[$0.tenant]) }
    }

    /// The page, ending in a newline.
    public static func render(_ rows: [Row], at: Instant, days: Int) -> String {
        let forecasts = rows.map(\.forecast)
        let summary = ForecastSummary(forecasts, at: at)
        let title = "licensectl fleet report at \(at)"
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>\(css)</style>
            </head>
            <body>
            <h1>\(escape(title))</h1>
            <p class="horizon">\(counted(days, "day")), until \(at.addingDays(days)) (UTC).</p>
            <p class="verdict \(summary.firstRejection == nil ? "ok" : "bad")">\(escape(verdict(summary, days: days)))</p>

            """
        out += "<h2>Usable capacity and connected routers, all tenants</h2>\n"
        out += "<div class=\"chart\">" + aggregateSVG(forecasts, at: at, days: days) + "</div>\n"
        out += "<h2>Tenants</h2>\n"
        out += "<p class=\"hint\">Click a column header to sort.</p>\n"
        out += "<table id=\"fleet\">\n<thead><tr>"
        let headers: [(String, String)] = [
            ("tenant", "text"), ("mode", "text"), ("capacity", "number"), ("online", "number"),
            ("rejected now", "number"), ("next expiry", "text"), ("days to expiry", "number"),
            ("first rejection", "text"), ("days to rejection", "number"), ("forecast", "none"),
        ]
        for (i, h) in headers.enumerated() {
            if h.1 == "none" {
                out += "<th>\(escape(h.0))</th>"
            } else {
                out += "<th data-col=\"\(i)\" data-type=\"\(h.1)\" tabindex=\"0\" role=\"button\">\(escape(h.0))</th>"
            }
        }
        out += "</tr></thead>\n<tbody>\n"
        for row in rows {
            out += tableRow(row, at: at, days: days)
        }
        out += "</tbody>\n</table>\n"
        if rows.isEmpty { out += "<p>No tenants to show.</p>\n" }
        out += "<script>\(script)</script>\n</body>\n</html>\n"
        return out
    }

    /// `First rejection: t on 2026-12-15 (8 routers).` or `No router would be rejected within 90 days.`
    static func verdict(_ summary: ForecastSummary, days: Int) -> String {
        var text: String
        if let r = summary.firstRejection {
            text = "First rejection: \(r.tenant) on \(r.at.dateString) (\(counted(r.routers, "router")))."
        } else {
            text = "No router would be rejected within \(counted(days, "day"))."
        }
        if summary.rejectedAtStart > 0 {
            text += " \(counted(summary.rejectedAtStart, "router")) already rejected at the start."
        }
        return text
    }

    static func tableRow(_ row: Row, at: Instant, days: Int) -> String {
        let f = row.forecast
        func cell(_ text: String, sort: String? = nil, classes: String = "") -> String {
            let key = sort.map { " data-sort=\"\(escape($0))\"" } ?? ""
            let cls = classes.isEmpty ? "" : " class=\"\(classes)\""
            return "<td\(key)\(cls)>\(escape(text))</td>"
        }
        func daysCell(_ instant: Instant?) -> String {
            guard let instant else { return cell("—", sort: "999999999", classes: "num") }
            let d = (instant.secondsSinceEpoch - at.secondsSinceEpoch) / 86_400
            return cell("\(d)", sort: "\(d)", classes: "num")
        }
        var out = "<tr>"
        out += cell(f.tenant)
        out += cell(f.start.mode.rawValue)
        out += cell("\(f.start.capacity)", sort: "\(f.start.capacity)", classes: "num")
        out += cell("\(f.start.online.count)", sort: "\(f.start.online.count)", classes: "num")
        out += cell(
            "\(f.startRejected.count)", sort: "\(f.startRejected.count)",
            classes: f.startRejected.isEmpty ? "num" : "num warn")
        out += cell(row.nextExpiry?.dateString ?? "—", sort: row.nextExpiry?.description ?? "9999")
        out += daysCell(row.nextExpiry)
        out += cell(
            f.firstRejectionAt?.dateString ?? "none", sort: f.firstRejectionAt?.description ?? "9999",
            classes: f.firstRejectionAt == nil ? "" : "bad")
        out += daysCell(f.firstRejectionAt)
        out += "<td class=\"spark\">" + sparkline(f, at: at, days: days) + "</td>"
        return out + "</tr>\n"
    }

    // MARK: - Charts

    /// Usable capacity and connected routers summed over the tenants after each instant with
    /// events. A tenant's usable capacity is its capacity up to its connected routers (spare
    /// licenses of one tenant admit no router of another), so the shaded gap is the number of
    /// routers rejected over the fleet.
    public static func aggregateChart(_ forecasts: [TenantForecast], at: Instant, days: Int) -> CapacityChart {
        var instants = Set<Instant>()
        for f in forecasts { for e in f.events { instants.insert(e.at) } }
        let charts = forecasts.map { ForecastChart.chart($0, at: at, days: days, showCodes: false) }
        var steps: [CapacityStep] = []
        for t in [at] + instants.sorted() {
            var capacity = 0
            var connected = 0
            for c in charts {
                guard let s = c.steps.last(where: { $0.at <= t }) else { continue }
                capacity += min(s.capacity, s.connected)
                connected += s.connected
            }
            if let last = steps.last, last.capacity == capacity, last.connected == connected { continue }
            steps.append(CapacityStep(at: t, capacity: capacity, connected: connected))
        }
        return CapacityChart(tenant: "all tenants", start: at, end: at.addingDays(days), steps: steps, markers: [])
    }

    static func aggregateSVG(_ forecasts: [TenantForecast], at: Instant, days: Int) -> String {
        let svg = ForecastSVG.render(
            [aggregateChart(forecasts, at: at, days: days)],
            title: "All \(counted(forecasts.count, "tenant")), \(counted(days, "day"))")
        // Inline: drop the XML declaration.
        return svg.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n")
    }

    /// A 160 × 36 chart: capacity (blue) and connected routers (orange) as steps, rejections red.
    static func sparkline(_ f: TenantForecast, at: Instant, days: Int) -> String {
        let chart = ForecastChart.chart(f, at: at, days: days, showCodes: false)
        let (w, h) = (160.0, 36.0)
        let start = chart.start.secondsSinceEpoch
        let span = Double(max(chart.end.secondsSinceEpoch - start, 1))
        let top = Double(max(chart.steps.map(\.connected).max() ?? 0, 1)) * 1.25
        func x(_ t: Instant) -> Double { min(max(Double(t.secondsSinceEpoch - start) / span, 0), 1) * w }
        func y(_ v: Int) -> Double { h - 2 - min(Double(v), top) / top * (h - 4) }
        func path(_ value: (CapacityStep) -> Int) -> String {
            var d = ""
            for (i, s) in chart.steps.enumerated() {
                let x0 = x(s.at)
                let x1 = i + 1 < chart.steps.count ? x(chart.steps[i + 1].at) : w
                d += (i == 0 ? "M" : "L") + "\(ForecastSVG.fmt(x0)) \(ForecastSVG.fmt(y(value(s))))"
                d += "L\(ForecastSVG.fmt(x1)) \(ForecastSVG.fmt(y(value(s))))"
            }
            return d
        }
        var out =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(h))\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\" aria-label=\"\(escape(f.tenant)) capacity and connected routers\">"
        for (i, s) in chart.steps.enumerated() where s.connected > s.capacity {
            let x0 = x(s.at)
            let x1 = i + 1 < chart.steps.count ? x(chart.steps[i + 1].at) : w
            let y0 = y(s.connected)
            let y1 = y(s.capacity)
            out +=
                "<rect x=\"\(ForecastSVG.fmt(x0))\" y=\"\(ForecastSVG.fmt(y0))\" width=\"\(ForecastSVG.fmt(max(x1 - x0, 1)))\" height=\"\(ForecastSVG.fmt(max(y1 - y0, 1)))\" fill=\"\(ForecastSVG.rejectedColor)\" fill-opacity=\"0.35\"/>"
        }
        out +=
            "<path d=\"\(path(\.capacity))\" fill=\"none\" stroke=\"\(ForecastSVG.capacityColor)\" stroke-width=\"2\"/>"
        out +=
            "<path d=\"\(path(\.connected))\" fill=\"none\" stroke=\"\(ForecastSVG.connectedColor)\" stroke-width=\"1.5\"/>"
        return out + "</svg>"
    }

    // MARK: - Page assets

    static let css = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#222;background:#fff}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px}
        .horizon,.hint{color:#555;margin:2px 0}.verdict{font-weight:bold}.verdict.ok{color:#2e7d32}.verdict.bad,.bad{color:#d62728}
        .chart svg{max-width:100%;height:auto;border:1px solid #ddd}
        table{border-collapse:collapse;font-size:13px}th,td{padding:4px 8px;border-bottom:1px solid #e3e3e3;text-align:left;vertical-align:middle}
        th[data-col]{cursor:pointer;user-select:none;background:#f4f6f8}th[data-col]:hover{background:#e4ebf2}
        th.asc::after{content:" \\25B2"}th.desc::after{content:" \\25BC"}
        td.num{text-align:right;font-variant-numeric:tabular-nums}td.warn{color:#b35c00;font-weight:bold}td.spark{padding:2px 8px}
        """

    /// Sorts the table by the clicked column (again: the other way), numbers as numbers.
    static let script = """
        (function(){
          var table=document.getElementById("fleet");
          if(!table){return;}
          var body=table.tBodies[0];
          function key(row,col,type){
            var cell=row.cells[col];
            var v=cell.hasAttribute("data-sort")?cell.getAttribute("data-sort"):cell.textContent;
            return type==="number"?parseFloat(v):v;
          }
          function sortBy(th){
            var col=parseInt(th.getAttribute("data-col"),10);
            var type=th.getAttribute("data-type");
            var asc=!th.classList.contains("asc");
            var heads=table.tHead.rows[0].cells;
            for(var i=0;i<heads.length;i++){heads[i].classList.remove("asc","desc");}
            th.classList.add(asc?"asc":"desc");
            var rows=Array.prototype.slice.call(body.rows);
            rows.sort(function(a,b){
              var x=key(a,col,type),y=key(b,col,type);
              var c=x<y?-1:(x>y?1:0);
              if(c===0){c=a.cells[0].textContent<b.cells[0].textContent?-1:1;}
              return asc?c:-c;
            });
            rows.forEach(function(r){body.appendChild(r);});
          }
          Array.prototype.forEach.call(table.querySelectorAll("th[data-col]"),function(th){
            th.addEventListener("click",function(){sortBy(th);});
            th.addEventListener("keydown",function(e){if(e.key==="Enter"||e.key===" "){e.preventDefault();sortBy(th);}});
          });
        })();
        """

    /// Text made safe for HTML text and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
