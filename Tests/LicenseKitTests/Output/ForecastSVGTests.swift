import Foundation
import Testing

@testable import LicenseKit

#if canImport(FoundationXML)
import FoundationXML
#endif

enum ChartFixtures {
    static func instant(_ text: String) -> Instant { MailFixtures.instant(text) }

    /// acme-water over 90 days: 10 licenses, 8 expire on 2026-12-15, two routers connect later.
    static var acmeWater: CapacityChart {
        CapacityChart(
            tenant: "acme-water", start: instant("2026-11-29"), end: instant("2027-02-27"),
            steps: [
                CapacityStep(at: instant("2026-11-29"), capacity: 10, connected: 10),
                CapacityStep(at: instant("2026-12-15"), capacity: 2, connected: 10),
                CapacityStep(at: instant("2027-01-10"), capacity: 27, connected: 10),
                CapacityStep(at: instant("2027-02-01"), capacity: 27, connected: 12),
            ],
            markers: [
                ChartMarker(at: instant("2026-12-15"), label: "expire 8 × Cloud Basic 1"),
                ChartMarker(at: instant("2027-01-10"), label: "activate 4C1A-****-9B09"),
                ChartMarker(at: instant("2027-01-10"), label: "activate 4C1A-****-9B08"),
                ChartMarker(at: instant("2027-02-01"), label: "2 routers connect"),
            ])
    }

    /// harbor-lab on Cloud Free (capacity 1000, above the scale) that lapses on 2027-01-05.
    static var harborLab: CapacityChart {
        CapacityChart(
            tenant: "harbor-lab", start: instant("2026-11-29"), end: instant("2027-02-27"),
            steps: [
                CapacityStep(at: instant("2026-11-29"), capacity: 1000, connected: 3),
                CapacityStep(at: instant("2027-01-05"), capacity: 0, connected: 3),
            ],
            markers: [
                ChartMarker(at: instant("2026-12-06"), label: "notify F3EE-****-2026"),
                ChartMarker(at: instant("2027-01-05"), label: "expire F3EE-****-2026 (Free)"),
                ChartMarker(at: instant("2027-01-06"), label: "reminder"),
            ])
    }

    /// river-ops: plenty of capacity, a reminder and an expiry that changes nothing.
    static var riverOps: CapacityChart {
        CapacityChart(
            tenant: "river-ops", start: instant("2026-11-29"), end: instant("2027-02-27"),
            steps: [
                CapacityStep(at: instant("2026-11-29"), capacity: 75, connected: 41),
                CapacityStep(at: instant("2027-01-20"), capacity: 50, connected: 41),
            ],
            markers: [
                ChartMarker(at: instant("2026-12-21"), label: "notify 9A00-****-0001"),
                ChartMarker(at: instant("2027-01-20"), label: "expire 9A00-****-0001"),
            ])
    }

    /// A small chart for the golden file: 3 weeks, one lapse.
    static var small: CapacityChart {
        CapacityChart(
            tenant: "tiny & <co>", start: instant("2026-11-29"), end: instant("2026-12-20"),
            steps: [
                CapacityStep(at: instant("2026-11-29"), capacity: 3, connected: 2),
                CapacityStep(at: instant("2026-12-05T12:00:00Z"), capacity: 1, connected: 2),
                CapacityStep(at: instant("2026-12-12"), capacity: 3, connected: 3),
            ],
            markers: [ChartMarker(at: instant("2026-12-05T12:00:00Z"), label: "expire 96D9-****-59E5")])
    }
}

/// Collects well-formedness errors of an XML document.
final class XMLCheck: NSObject, XMLParserDelegate, @unchecked Sendable {
    var error: String?
    var root: String?
    var attributes: [String: String] = [:]

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        error = "line \(parser.lineNumber), column \(parser.columnNumber): \(parseError)"
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
    ) {
        if root == nil {
            root = elementName
            attributes = attributeDict
        }
    }

    static func check(_ text: String) -> XMLCheck {
        let check = XMLCheck()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = check
        if !parser.parse(), check.error == nil { check.error = "parse failed" }
        return check
    }
}

@Suite struct ForecastSVGTests {
    @Test func smallChartMatchesGoldenFile() throws {
        try OutputGolden.check(
            ForecastSVG.render([ChartFixtures.small], title: "Forecast at 2026-11-29"), named: "forecast-small.svg")
    }

    @Test func threeTenantExampleMatchesGoldenFile() throws {
        let svg = ForecastSVG.render(
            [ChartFixtures.acmeWater, ChartFixtures.harborLab, ChartFixtures.riverOps],
            title: "licensectl forecast, 90 days from 2026-11-29")
        try OutputGolden.check(svg, named: "forecast-example.svg")
    }

    @Test(arguments: [0, 1, 3])
    func outputIsWellFormedStandaloneSVG(tenants: Int) {
        let charts = Array([ChartFixtures.small, ChartFixtures.acmeWater, ChartFixtures.harborLab].prefix(tenants))
        let svg = ForecastSVG.render(charts, title: "A & B <forecast> \"quoted\"")
        let check = XMLCheck.check(svg)
        #expect(check.error == nil)
        #expect(check.root == "svg")
        #expect(check.attributes["version"] == "1.1")
        #expect(check.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(check.attributes["viewBox"] == "0 0 960 \(check.attributes["height"] ?? "")")
        #expect(check.attributes["font-family"] == "sans-serif")
    }

    @Test func renderingIsDeterministic() {
        let charts = [ChartFixtures.acmeWater, ChartFixtures.harborLab]
        #expect(ForecastSVG.render(charts, title: "t") == ForecastSVG.render(charts, title: "t"))
    }

    @Test func textIsEscaped() {
        let svg = ForecastSVG.render([ChartFixtures.small], title: "A & B")
        #expect(svg.contains(">tiny &amp; &lt;co&gt;</text>"))
        #expect(svg.contains("<title>A &amp; B</title>"))
        #expect(!svg.contains("tiny & <co>"))
    }

    @Test func rejectedAreaIsShadedBetweenCapacityAndConnected() {
        let svg = ForecastSVG.render([ChartFixtures.small], title: "t")
        let rects = svg.split(separator: "\n").filter {
            $0.contains("fill-opacity=\"0.3\"") && $0.hasPrefix("<rect") && !$0.contains("width=\"20\"")
        }
        // One rejected step: 2026-12-05T12:00Z to 2026-12-12, connected 2 over capacity 1.
        #expect(rects.count == 1)
        #expect(svg.contains("up to 1 router rejected, from 2026-12-05"))
    }

    @Test func capacityFarAboveRoutersIsClippedAndLabelled() {
        let svg = ForecastSVG.render([ChartFixtures.harborLab], title: "t")
        #expect(svg.contains("a capacity of 1000 is above the scale and drawn dashed at the top edge"))
    }

    @Test(arguments: [(0, 1, 1), (4, 1, 4), (10, 2, 10), (11, 5, 15), (48, 10, 50), (1000, 200, 1000)])
    func yAxisUsesRoundSteps(max: Int, step: Int, top: Int) {
        #expect(ForecastSVG.niceScale(max) == (step, top))
    }

    @Test(arguments: [(12.34, "12.3"), (12.0, "12"), (-3.25, "-3.3"), (0.04, "0"), (959.96, "960")])
    func coordinatesHaveAtMostOneDecimal(value: Double, text: String) {
        #expect(ForecastSVG.fmt(value) == text)
    }

    @Test func ninetyDayAxisTicksOnTheFirstAndFifteenth() {
        let ticks = ForecastSVG.dateTicks(
            from: ChartFixtures.instant("2026-11-29"), to: ChartFixtures.instant("2027-02-27"), pixels: 872)
        #expect(
            ticks.map(\.dateString) == [
                "2026-12-01", "2026-12-15", "2027-01-01", "2027-01-15", "2027-02-01", "2027-02-15",
            ])
    }
}
