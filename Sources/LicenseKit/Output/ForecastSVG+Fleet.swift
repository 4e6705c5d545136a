/// One small chart of the fleet overview: a tenant's chart and what to say under its name.
public struct FleetTile: Sendable, Hashable {
    /// The tenant's chart over the forecast's horizon.
    public var chart: CapacityChart
    /// `first rejection 2026-12-15` or `no rejection`.
    public var note: String
    /// Whether the note reports a rejection (drawn red).
    public var rejects: Bool

    /// A fleet tile of `chart` with its `note`, red when `rejects`.
    public init(chart: CapacityChart, note: String, rejects: Bool) {
        self.chart = chart
        self.note = note
        self.rejects = rejects
    }
}

extension ForecastSVG {
    /// Columns of the fleet overview's grid and its largest number of tiles.
    static let tileColumns = 4
    static let maxTiles = 48
    static let tileWidth = 218.0
    static let tileHeight = 92.0

    /// The fleet overview (`forecast --format svg` for many tenants, issue 11): a title and the
    /// verdict (the forecast's first rejection, as in every other format), the aggregate chart
    /// as one full panel, then a grid of at most ``maxTiles`` small charts in the given order and
    /// a line saying how many tenants were not drawn and how many of those reject a router
    /// within the horizon. Its height is bounded whatever the number of tenants (about
    /// 1,600 px), unlike one 300 px panel per tenant.
    ///
    /// - Parameters:
    ///   - omitted: tenants that have no tile; `omittedRejecting` of them reject a router.
    public static func renderFleet(
        aggregate: CapacityChart, tiles: [FleetTile], omitted: Int, omittedRejecting: Int = 0, title: String,
        verdict: Verdict
    ) -> String {
        let shown = Array(tiles.prefix(maxTiles))
        let notDrawn = omitted + (tiles.count - shown.count)
        let rejectingNotDrawn = omittedRejecting + tiles.dropFirst(maxTiles).filter(\.rejects).count
        let rows = (shown.count + tileColumns - 1) / tileColumns
        let gridTop = headerHeight + panelHeight + 12
        let height = gridTop + Double(rows) * tileHeight + (notDrawn > 0 ? 36 : 8)
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
        out.append(verdict.svg)
        out += legend(y: 54)
        out += panel(aggregate, top: headerHeight)
        for (i, tile) in shown.enumerated() {
            let left = plotLeft - 40 + Double(i % tileColumns) * tileWidth
            let top = gridTop + Double(i / tileColumns) * tileHeight
            out += self.tile(tile, left: left, top: top)
        }
        if notDrawn > 0 {
            let text =
                "\(counted(notDrawn, "more tenant")) not drawn, "
                + (rejectingNotDrawn == 0
                    ? "none with a rejection within the horizon"
                    : "\(rejectingNotDrawn) of them with a rejection within the horizon (the earliest are drawn)")
                + "; licensectl forecast --format html shows every tenant."
            out.append(
                ##"<text x="\##(fmt(plotLeft - 40))" y="\##(fmt(height - 14))" font-size="12" fill="#555555">\##(escape(text))</text>"##
            )
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// A 200 × 80 tile: name, note, capacity and connected steps, rejections shaded.
    static func tile(_ tile: FleetTile, left: Double, top: Double) -> [String] {
        let chart = tile.chart
        let (w, plotH) = (200.0, 44.0)
        let plotTop = top + 30
        let start = chart.start.secondsSinceEpoch
        let span = Double(max(chart.end.secondsSinceEpoch - start, 1))
        let steps = chart.steps.sorted { $0.at < $1.at }
        let topValue = Double(max(steps.map(\.connected).max() ?? 0, 1)) * 1.25
        func x(_ t: Instant) -> Double { left + min(max(Double(t.secondsSinceEpoch - start) / span, 0), 1) * w }
        func y(_ v: Int) -> Double { plotTop + plotH - min(Double(v), topValue) / topValue * plotH }
        var segments: [(x0: Double, x1: Double, step: CapacityStep)] = []
        for (i, s) in steps.enumerated() {
            let x0 = x(max(s.at, chart.start))
            let x1 = i + 1 < steps.count ? x(steps[i + 1].at) : left + w
            if x1 > x0 { segments.append((x0, x1, s)) }
        }
        var out = [##"<g id="tile-\##(escape(chart.tenant))">"##]
        out.append(
            ##"<text x="\##(fmt(left))" y="\##(fmt(top + 12))" font-size="12" font-weight="bold" fill="#222222">\##(escape(truncate(chart.tenant, to: 30)))</text>"##
        )
        out.append(
            ##"<text x="\##(fmt(left))" y="\##(fmt(top + 25))" font-size="10" fill="\##(tile.rejects ? rejectedColor : "#2e7d32")">\##(escape(tile.note))</text>"##
        )
        out.append(
            ##"<rect x="\##(fmt(left))" y="\##(fmt(plotTop))" width="\##(fmt(w))" height="\##(fmt(plotH))" fill="#fafafa" stroke="#dddddd" stroke-width="1"/>"##
        )
        for seg in segments where seg.step.connected > seg.step.capacity {
            let y0 = y(seg.step.connected)
            let y1 = y(seg.step.capacity)
            out.append(
                ##"<rect x="\##(fmt(seg.x0))" y="\##(fmt(y0))" width="\##(fmt(seg.x1 - seg.x0))" height="\##(fmt(y1 - y0))" fill="\##(rejectedColor)" fill-opacity="0.3"/>"##
            )
        }
        if !segments.isEmpty {
            out.append(
                ##"<path d="\##(stepPath(segments.map { ($0.x0, $0.x1, y($0.step.capacity)) }))" fill="none" stroke="\##(capacityColor)" stroke-width="2"/>"##
            )
            out.append(
                ##"<path d="\##(stepPath(segments.map { ($0.x0, $0.x1, y($0.step.connected)) }))" fill="none" stroke="\##(connectedColor)" stroke-width="1.5"/>"##
            )
        }
        out.append("</g>")
        return out
    }
}
