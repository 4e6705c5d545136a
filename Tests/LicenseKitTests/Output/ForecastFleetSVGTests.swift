import Foundation
import Testing

@testable import LicenseKit

/// The forecast SVG stays readable for many tenants (issue 11): a fleet overview instead of one
/// 300 px panel per tenant, agreeing with the other formats on the first rejection.
@Suite struct ForecastFleetSVGTests {
    typealias F = ForecastFixtures

    static func fleet(_ count: Int) -> [TenantForecast] {
        (0..<count).map { i -> TenantForecast in
            var f = i % 7 == 3 ? F.shrinking : F.calm
            f.tenant = String(format: "tenant-%03d", i)
            if i == 200 { f.firstRejectionAt = F.t("2026-12-10") }
            return f
        }
    }

    static func height(_ svg: String) -> Double? {
        guard let r = svg.range(of: #"height=""#) else { return nil }
        return Double(svg[r.upperBound...].prefix { $0 != "\"" })
    }

    @Test func threeHundredTenantsGiveOneBoundedOverview() throws {
        let forecasts = Self.fleet(300)
        let svg = ForecastChart.render(forecasts, at: F.at, days: 90, showCodes: false)
        let height = try #require(Self.height(svg))
        #expect(height < 2_000, "was one panel per tenant: 300 × 300 px")
        #expect(svg.components(separatedBy: "<g id=\"tile-").count - 1 == 48)
        #expect(svg.contains("252 more tenants not drawn, none with a rejection within the horizon;"))
        let summary = try #require(ForecastSummary(forecasts, at: F.at).firstRejection)
        #expect(summary.tenant == "tenant-200")
        #expect(svg.contains(">First rejection: tenant-200 on 2026-12-10 (\(summary.routers) routers)<"))
        // The tenants that reject come first, earliest first.
        let first = try #require(svg.range(of: "<g id=\"tile-tenant-200\">"))
        let second = try #require(svg.range(of: "<g id=\"tile-tenant-003\">"))
        #expect(first.lowerBound < second.lowerBound)
        #expect(ForecastChart.render(forecasts, at: F.at, days: 90, showCodes: false) == svg)
    }

    /// More rejecting tenants than tiles: the line under the grid says how many of the tenants
    /// not drawn reject a router (newcomer run 5: it claimed none did).
    @Test func theLineUnderTheGridCountsRejectingTenantsNotDrawn() throws {
        let forecasts = Self.fleet(400)
        let rejecting = forecasts.filter { $0.firstRejectionAt != nil }.count
        #expect(rejecting > ForecastSVG.maxTiles)
        let svg = ForecastChart.render(forecasts, at: F.at, days: 90, showCodes: false)
        #expect(
            svg.contains(
                "352 more tenants not drawn, \(rejecting - ForecastSVG.maxTiles) of them with a rejection within the horizon (the earliest are drawn);"
            ), "\(svg.suffix(400))")
    }

    @Test func aFewTenantsKeepOnePanelEach() throws {
        let svg = ForecastChart.render(Self.fleet(ForecastChart.panelLimit), at: F.at, days: 90, showCodes: false)
        #expect(svg.components(separatedBy: "<g id=\"tenant-").count - 1 == ForecastChart.panelLimit)
        #expect(!svg.contains("<g id=\"tile-"))
    }

    @Test func theAggregateCountsUsableCapacitySoRejectionsShow() {
        // calm: capacity 25, 1 router; shrinking: capacity 3 → 1 with 3 → 4 routers.
        let chart = FleetReport.aggregateChart([F.calm, F.shrinking], at: F.at, days: 90)
        #expect(
            chart.steps == [
                CapacityStep(at: F.at, capacity: 1 + 3, connected: 1 + 3),
                CapacityStep(at: F.t("2026-12-15"), capacity: 1 + 1, connected: 1 + 3),
                CapacityStep(at: F.t("2027-01-10"), capacity: 1 + 1, connected: 1 + 4),
            ])
    }
}
