/// From ``at`` on, until the next step, a tenant has ``capacity`` and ``connected`` routers.
public struct CapacityStep: Sendable, Hashable {
    /// Start of the step (UTC).
    public var at: Instant
    /// Routers the tenant's valid licenses admit (docs/rules.md §1).
    public var capacity: Int
    /// Routers connected (wanting admission), online or rejected.
    public var connected: Int

    /// A step at `at` (UTC) to `capacity` with `connected` routers.
    public init(at: Instant, capacity: Int, connected: Int) {
        self.at = at
        self.capacity = capacity
        self.connected = connected
    }
}

/// An instant to mark on a chart, e.g. an expiry or a scheduled activation.
public struct ChartMarker: Sendable, Hashable {
    /// The instant (UTC).
    public var at: Instant
    /// A short text drawn next to the mark, e.g. `expire 96D9-****-59E5`.
    public var label: String

    /// A marker at `at` (UTC) labelled `label`.
    public init(at: Instant, label: String) {
        self.at = at
        self.label = label
    }
}

/// One tenant's capacity over a time range, the input of ``ForecastSVG`` (docs/cli.md §6 `forecast
/// --format svg`). Independent of how the forecast was computed.
public struct CapacityChart: Sendable, Hashable {
    /// The tenant the chart is about.
    public var tenant: String
    /// Left end of the time axis (UTC), usually the forecast's `at`.
    public var start: Instant
    /// Right end of the time axis (UTC), usually `at` + `--days`.
    public var end: Instant
    /// Step points, ascending by `at`; the first should be at or before ``start``.
    public var steps: [CapacityStep]
    /// Events to mark with dashed vertical lines; those outside `start...end` are not drawn.
    public var markers: [ChartMarker]

    /// A chart of `tenant` from `start` to `end` (UTC).
    public init(tenant: String, start: Instant, end: Instant, steps: [CapacityStep], markers: [ChartMarker]) {
        self.tenant = tenant
        self.start = start
        self.end = end
        self.steps = steps
        self.markers = markers
    }
}

/// Draws capacity charts as one standalone SVG 1.1 document (docs/cli.md §6 `forecast --format svg`).
///
/// Per tenant a panel: dates on the x axis, routers on the y axis, capacity and connected
/// routers as step lines, the area where connected routers exceed capacity (rejections) shaded
/// red, markers as dashed vertical lines with rotated labels. A capacity far above the connected
/// routers (Cloud Free's 1000) is drawn at the top edge and labelled, so that the routers stay
/// readable. Output is deterministic: coordinates have at most one decimal.
public enum ForecastSVG {
    static let width = 960.0
    static let plotLeft = 64.0
    static let plotRight = 936.0
    static let headerHeight = 76.0
    static let panelHeight = 300.0
    static let panelTitleOffset = 22.0
    static let plotTopOffset = 56.0
    static let plotHeight = 180.0

    static let capacityColor = "#1f6fb4"
    static let connectedColor = "#e67e22"
    static let rejectedColor = "#d62728"

    /// The SVG document: a title (with `verdict` at the top right when given, red when `bad`),
    /// a legend, then one panel per chart in the given order.
    public static func render(_ charts: [CapacityChart], title: String, verdict: Verdict? = nil) -> String {
        let height = headerHeight + panelHeight * Double(max(charts.count, 1)) + 8
        var out: [String] = []
        out.append(##"<?xml version="1.0" encoding="UTF-8"?>"##)
        out.append(
            ##"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\##(fmt(width))" height="\##(fmt(height))" viewBox="0 0 \##(fmt(width)) \##(fmt(height))" font-family="sans-serif">"##
        )
        out.append("<title>\(escape(title))</title>")
        out.append(##"<rect x="0" y="0" width="\##(fmt(width))" height="\##(fmt(height))" fill="#ffffff"/>"##)
        out.append(
            ##"<text x="\##(fmt(plotLeft))" y="28" font-size="18" font-weight="bold" fill="#222222">\##(escape(title))</text>"##
        )
        if let verdict { out.append(verdict.svg) }
        out += legend(y: 54)
        if charts.isEmpty {
            out.append(
                ##"<text x="\##(fmt(plotLeft))" y="\##(fmt(headerHeight + 40))" font-size="13" fill="#555555">No tenants to show.</text>"##
            )
        }
        for (index, chart) in charts.enumerated() {
            out += panel(chart, top: headerHeight + panelHeight * Double(index))
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// The forecast's verdict drawn at the top right: its first rejection or none (docs/README.md §8: every
    /// format names the same first rejection).
    public struct Verdict: Sendable, Hashable {
        /// The verdict's text.
        public var text: String
        /// A rejection (red) rather than none (green).
        public var bad: Bool

        /// A verdict with its text, red when `bad`.
        public init(text: String, bad: Bool) {
            self.text = text
            self.bad = bad
        }

        var svg: String {
            ##"<text x="\##(fmt(plotRight))" y="28" font-size="12" font-weight="bold" text-anchor="end" fill="\##(bad ? rejectedColor : "#2e7d32")">\##(escape(text))</text>"##
        }
    }

    // MARK: - Legend

    static func legend(y: Double) -> [String] {
        var out: [String] = [##"<g font-size="12" fill="#333333">"##]
        var x = plotLeft
        func item(_ symbol: String, _ label: String, _ labelWidth: Double) {
            out.append(symbol)
            out.append(##"<text x="\##(fmt(x + 26))" y="\##(fmt(y + 4))">\##(escape(label))</text>"##)
            x += 26 + labelWidth + 22
        }
        item(
            ##"<line x1="\##(fmt(x))" y1="\##(fmt(y))" x2="\##(fmt(x + 20))" y2="\##(fmt(y))" stroke="\##(capacityColor)" stroke-width="2.5"/>"##,
            "capacity", 52)
        item(
            ##"<line x1="\##(fmt(x))" y1="\##(fmt(y))" x2="\##(fmt(x + 20))" y2="\##(fmt(y))" stroke="\##(connectedColor)" stroke-width="1.75"/>"##,
            "connected routers", 108)
        item(
            ##"<rect x="\##(fmt(x))" y="\##(fmt(y - 6))" width="20" height="12" fill="\##(rejectedColor)" fill-opacity="0.3"/>"##,
            "rejected (connected above capacity)", 215)
        item(
            ##"<line x1="\##(fmt(x + 10))" y1="\##(fmt(y - 7))" x2="\##(fmt(x + 10))" y2="\##(fmt(y + 7))" stroke="#666666" stroke-width="1" stroke-dasharray="3 2"/>"##,
            "event", 40)
        out.append("</g>")
        return out
    }

    // MARK: - Panel

    static func panel(_ chart: CapacityChart, top: Double) -> [String] {
        let plotTop = top + plotTopOffset
        let plotBottom = plotTop + plotHeight
        let start = chart.start.secondsSinceEpoch
        let end = max(chart.end.secondsSinceEpoch, start + 1)
        func x(_ t: Instant) -> Double {
            let c = min(max(t.secondsSinceEpoch, start), end)
            return plotLeft + Double(c - start) / Double(end - start) * (plotRight - plotLeft)
        }

        // Visible segments: each step clipped to start…end.
        let steps = chart.steps.sorted { $0.at < $1.at }
        var segments: [(from: Instant, to: Instant, step: CapacityStep)] = []
        for (i, step) in steps.enumerated() {
            let from = max(step.at, chart.start)
            let to = min(i + 1 < steps.count ? steps[i + 1].at : chart.end, chart.end)
            if from < to { segments.append((from, to, step)) }
        }

        // The y scale: connected routers always fit; a capacity far above them is clipped.
        let maxConnected = segments.map(\.step.connected).max() ?? 0
        let threshold = 4 * max(maxConnected, 5)
        let inScale = segments.map(\.step.capacity).filter { $0 <= threshold }
        let domainMax = max(maxConnected, inScale.max() ?? 0, 1)
        let (tickStep, yTop) = niceScale(Int((Double(domainMax) * 1.12).rounded(.up)))
        func y(_ value: Int) -> Double {
            let v = min(value, yTop)
            return plotBottom - Double(v) / Double(yTop) * plotHeight
        }

        var out: [String] = []
        out.append(##"<g id="tenant-\##(escape(chart.tenant))">"##)
        out.append(
            ##"<text x="\##(fmt(plotLeft))" y="\##(fmt(top + panelTitleOffset))" font-size="15" font-weight="bold" fill="#222222">\##(escape(chart.tenant))</text>"##
        )
        var subtitle = "\(chart.start.dateString) to \(chart.end.dateString) (UTC)"
        if let above = segments.map(\.step.capacity).filter({ $0 > yTop }).max() {
            subtitle += "; a capacity of \(above) is above the scale and drawn dashed at the top edge"
        }
        out.append(
            ##"<text x="\##(fmt(plotLeft))" y="\##(fmt(top + panelTitleOffset + 17))" font-size="11" fill="#555555">\##(escape(subtitle))</text>"##
        )

        // Worst rejection, at the panel's top right.
        var worst: (count: Int, at: Instant)?
        for seg in segments where seg.step.connected > seg.step.capacity {
            let n = seg.step.connected - seg.step.capacity
            if n > (worst?.count ?? 0) { worst = (n, seg.from) }
        }
        if let worst {
            let text = "up to \(worst.count) router\(worst.count == 1 ? "" : "s") rejected, from \(worst.at.dateString)"
            out.append(
                ##"<text x="\##(fmt(plotRight))" y="\##(fmt(top + panelTitleOffset))" font-size="12" font-weight="bold" text-anchor="end" fill="\##(rejectedColor)">\##(escape(text))</text>"##
            )
        } else if !segments.isEmpty {
            out.append(
                ##"<text x="\##(fmt(plotRight))" y="\##(fmt(top + panelTitleOffset))" font-size="12" text-anchor="end" fill="#2e7d32">no rejections</text>"##
            )
        }

        // Grid and y ticks.
        out.append(##"<g font-size="11" fill="#444444" text-anchor="end">"##)
        var value = 0
        while value <= yTop {
            let yy = y(value)
            out.append(
                ##"<line x1="\##(fmt(plotLeft))" y1="\##(fmt(yy))" x2="\##(fmt(plotRight))" y2="\##(fmt(yy))" stroke="#e6e6e6" stroke-width="1"/>"##
            )
            out.append(##"<text x="\##(fmt(plotLeft - 6))" y="\##(fmt(yy + 4))">\##(value)</text>"##)
            value += tickStep
        }
        out.append("</g>")
        let midY = plotTop + plotHeight / 2
        out.append(
            ##"<text x="18" y="\##(fmt(midY))" font-size="11" fill="#444444" text-anchor="middle" transform="rotate(-90 18 \##(fmt(midY)))">routers</text>"##
        )

        // x ticks.
        out.append(##"<g font-size="11" fill="#444444" text-anchor="middle">"##)
        var lastYear: Int?
        for tick in dateTicks(from: chart.start, to: chart.end, pixels: plotRight - plotLeft) {
            let xx = x(tick)
            let d = tick.date
            out.append(
                ##"<line x1="\##(fmt(xx))" y1="\##(fmt(plotTop))" x2="\##(fmt(xx))" y2="\##(fmt(plotBottom))" stroke="#f0f0f0" stroke-width="1"/>"##
            )
            out.append(
                ##"<line x1="\##(fmt(xx))" y1="\##(fmt(plotBottom))" x2="\##(fmt(xx))" y2="\##(fmt(plotBottom + 4))" stroke="#444444" stroke-width="1"/>"##
            )
            out.append(
                ##"<text x="\##(fmt(xx))" y="\##(fmt(plotBottom + 16))">\##(RFC5322.monthName(d.month)) \##(d.day)</text>"##
            )
            if lastYear != d.year {
                out.append(##"<text x="\##(fmt(xx))" y="\##(fmt(plotBottom + 30))" fill="#777777">\##(d.year)</text>"##)
                lastYear = d.year
            }
        }
        out.append("</g>")

        // Rejected area.
        for seg in segments where seg.step.connected > seg.step.capacity {
            let x0 = x(seg.from)
            let x1 = x(seg.to)
            let y0 = y(seg.step.connected)
            let y1 = y(seg.step.capacity)
            out.append(
                ##"<rect x="\##(fmt(x0))" y="\##(fmt(y0))" width="\##(fmt(x1 - x0))" height="\##(fmt(y1 - y0))" fill="\##(rejectedColor)" fill-opacity="0.3"/>"##
            )
        }

        // Markers: merged per instant, labels spread so that they do not overlap.
        var merged: [(at: Instant, labels: [String])] = []
        for marker in chart.markers.sorted(by: { ($0.at, $0.label) < ($1.at, $1.label) })
        where marker.at >= chart.start && marker.at <= chart.end {
            if let last = merged.last, last.at == marker.at {
                merged[merged.count - 1].labels.append(marker.label)
            } else {
                merged.append((marker.at, [marker.label]))
            }
        }
        var lastLabelX = -Double.infinity
        let maxChars = Int((plotHeight - 8) / 5.6)
        for marker in merged {
            let xx = x(marker.at)
            out.append(
                ##"<line x1="\##(fmt(xx))" y1="\##(fmt(plotTop))" x2="\##(fmt(xx))" y2="\##(fmt(plotBottom))" stroke="#666666" stroke-width="1" stroke-dasharray="4 3"/>"##
            )
            let labelX = max(xx - 3, lastLabelX + 11)
            lastLabelX = labelX
            let label = truncate(marker.labels.joined(separator: ", "), to: maxChars)
            let ly = plotTop + 4
            out.append(
                ##"<text x="\##(fmt(labelX))" y="\##(fmt(ly))" font-size="10" fill="#333333" text-anchor="end" stroke="#ffffff" stroke-width="3" paint-order="stroke" transform="rotate(-90 \##(fmt(labelX)) \##(fmt(ly)))">\##(escape(label))</text>"##
            )
        }

        // Step lines: capacity under connected, both visible where equal.
        if !segments.isEmpty {
            out.append(
                ##"<path d="\##(stepPath(segments.map { (x($0.from), x($0.to), y($0.step.capacity)) }))" fill="none" stroke="\##(capacityColor)" stroke-width="3"/>"##
            )
            out.append(
                ##"<path d="\##(stepPath(segments.map { (x($0.from), x($0.to), y($0.step.connected)) }))" fill="none" stroke="\##(connectedColor)" stroke-width="1.75"/>"##
            )
            for seg in segments where seg.step.capacity > yTop {
                out.append(
                    ##"<line x1="\##(fmt(x(seg.from)))" y1="\##(fmt(plotTop))" x2="\##(fmt(x(seg.to)))" y2="\##(fmt(plotTop))" stroke="#ffffff" stroke-width="2" stroke-dasharray="4 4"/>"##
                )
            }
        } else {
            out.append(
                ##"<text x="\##(fmt((plotLeft + plotRight) / 2))" y="\##(fmt(midY))" font-size="12" fill="#777777" text-anchor="middle">no data</text>"##
            )
        }

        // Axes last, on top.
        out.append(
            ##"<line x1="\##(fmt(plotLeft))" y1="\##(fmt(plotBottom))" x2="\##(fmt(plotRight))" y2="\##(fmt(plotBottom))" stroke="#444444" stroke-width="1"/>"##
        )
        out.append(
            ##"<line x1="\##(fmt(plotLeft))" y1="\##(fmt(plotTop))" x2="\##(fmt(plotLeft))" y2="\##(fmt(plotBottom))" stroke="#444444" stroke-width="1"/>"##
        )
        out.append("</g>")
        return out
    }

    /// `M x0 y0 H x1 V y1 H x2 …` through consecutive horizontal segments.
    static func stepPath(_ parts: [(x0: Double, x1: Double, y: Double)]) -> String {
        var d: [String] = []
        for (i, part) in parts.enumerated() {
            if i == 0 {
                d.append("M\(fmt(part.x0)) \(fmt(part.y))")
            } else if parts[i - 1].x1 != part.x0 {
                d.append("M\(fmt(part.x0)) \(fmt(part.y))")
            } else {
                d.append("V\(fmt(part.y))")
            }
            d.append("H\(fmt(part.x1))")
        }
        return d.joined(separator: " ")
    }

    /// A tick step of 1, 2 or 5 × 10ⁿ giving at most 5 intervals, and the axis top (a multiple
    /// of the step, at least `max`).
    static func niceScale(_ max: Int) -> (step: Int, top: Int) {
        let target = Swift.max(max, 1)
        var magnitude = 1
        while true {
            for factor in [1, 2, 5] {
                let step = factor * magnitude
                if step * 5 >= target {
                    let top = ((target + step - 1) / step) * step
                    return (step, top)
                }
            }
            magnitude *= 10
        }
    }

    /// Tick instants (midnight UTC) for a date axis: weekly up to 45 days, the 1st and 15th of
    /// each month up to 200 days, monthly up to 2 years, quarterly beyond; thinned so that
    /// labels are at least 48 px apart.
    static func dateTicks(from start: Instant, to end: Instant, pixels: Double) -> [Instant] {
        let spanDays = Double(end.secondsSinceEpoch - start.secondsSinceEpoch) / 86_400
        var ticks: [Instant] = []
        let first = start.date
        if spanDays <= 45 {
            var day = first.daysSinceEpoch + (start.secondOfDay == 0 ? 0 : 1)
            while Instant(secondsSinceEpoch: Int64(day) * 86_400) <= end {
                ticks.append(Instant(secondsSinceEpoch: Int64(day) * 86_400))
                day += 7
            }
        } else {
            let days: [Int] = spanDays <= 200 ? [1, 15] : [1]
            let monthStep = spanDays <= 750 ? 1 : 3
            var year = first.year
            var month = first.month
            if monthStep == 3 { month = ((month - 1) / 3) * 3 + 1 }
            outer: while true {
                for day in days {
                    guard let t = Instant(year: year, month: month, day: day) else { continue }
                    if t > end { break outer }
                    if t >= start { ticks.append(t) }
                }
                month += monthStep
                if month > 12 {
                    month -= 12
                    year += 1
                }
            }
        }
        guard ticks.count > 1, spanDays > 0 else { return ticks }
        let spacing = pixels / (spanDays / (Double(ticks[1].secondsSinceEpoch - ticks[0].secondsSinceEpoch) / 86_400))
        let every = spacing >= 48 ? 1 : Int((48 / spacing).rounded(.up))
        return ticks.enumerated().filter { $0.offset % every == 0 }.map(\.element)
    }

    static func truncate(_ text: String, to count: Int) -> String {
        text.count <= count ? text : String(text.prefix(max(1, count - 1))) + "…"
    }

    /// A coordinate with at most one decimal, `.` as separator, no exponent: `12`, `12.5`, `-3.2`.
    static func fmt(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let a = abs(tenths)
        return a % 10 == 0 ? "\(sign)\(a / 10)" : "\(sign)\(a / 10).\(a % 10)"
    }

    /// XML text and attribute escaping.
    static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // Characters not allowed in XML 1.0 are dropped.
                if let scalar = ch.unicodeScalars.first, ch.unicodeScalars.count == 1,
                    scalar.value < 0x20, scalar.value != 0x9, scalar.value != 0xA, scalar.value != 0xD
                {
                    continue
                }
                out.append(ch)
            }
        }
        return out
    }
}
