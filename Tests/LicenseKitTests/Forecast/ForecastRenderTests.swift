import Foundation
import Testing

@testable import LicenseKit

/// Hand-made forecasts for the renderers.
enum ForecastFixtures {
    static func t(_ text: String) -> Instant { (try? Instant.parse(text)) ?? Instant(secondsSinceEpoch: 0) }
    static func code(_ text: String) -> ActivationCode? { try? ActivationCode(parsing: text) }

    static let at = t("2026-11-29")

    /// 3 × Cloud Basic 1, 3 routers connected; two licenses expire at the same instant (both
    /// events carry the capacity before and the admission after the instant, docs/README.md §8), a router
    /// connects later, a reminder before.
    static var shrinking: TenantForecast {
        TenantForecast(
            tenant: "shrinking",
            start: TenantAfter(
                mode: .full, capacity: 3, online: ["R1", "R2", "R3"],
                offline: [OfflineRouter(serial: "R9", reason: .notConnected)], licenses: LicenseCounts()),
            events: [
                ForecastPoint(
                    at: t("2026-12-06"), action: .notify, code: code("AAAA-1111-0001"),
                    expiresAt: t("2026-12-15"), slot: t("2026-12-06"),
                    capacityBefore: 3, capacityAfter: 3, mode: .full, online: 3, rejected: []),
                ForecastPoint(
                    at: t("2026-12-15"), action: .expire, code: code("AAAA-1111-0001"),
                    capacityBefore: 3, capacityAfter: 1, mode: .full, online: 1, rejected: ["R2", "R3"]),
                ForecastPoint(
                    at: t("2026-12-15"), action: .expire, code: code("AAAA-1111-0002"),
                    capacityBefore: 2, capacityAfter: 1, mode: .full, online: 1, rejected: ["R2", "R3"]),
                ForecastPoint(
                    at: t("2027-01-10"), action: .reject, serial: "R9", reason: .capacity,
                    capacityBefore: 1, capacityAfter: 1, mode: .full, online: 1, rejected: ["R2", "R3", "R9"]),
            ],
            firstRejectionAt: t("2026-12-15"))
    }

    /// Plenty of capacity and nothing happening.
    static var calm: TenantForecast {
        TenantForecast(
            tenant: "calm",
            start: TenantAfter(
                mode: .full, capacity: 25, online: ["C1"], offline: [],
                licenses: LicenseCounts()),
            events: [], firstRejectionAt: nil)
    }
}

@Suite struct ForecastRenderTests {
    typealias F = ForecastFixtures

    @Test func chartStepsTakeTheStateAfterTheLastEventOfAnInstantAndCountConnectedRouters() {
        let chart = ForecastChart.chart(F.shrinking, at: F.at, days: 90, showCodes: false)
        #expect(chart.start == F.at)
        #expect(chart.end == F.t("2027-02-27"))
        #expect(
            chart.steps == [
                CapacityStep(at: F.at, capacity: 3, connected: 3),
                CapacityStep(at: F.t("2026-12-15"), capacity: 1, connected: 3),
                CapacityStep(at: F.t("2027-01-10"), capacity: 1, connected: 4),
            ])
    }

    @Test func chartMarksLicenseChangesPerInstantAndActionButNotReminders() {
        let masked = ForecastChart.chart(F.shrinking, at: F.at, days: 90, showCodes: false)
        #expect(masked.markers == [ChartMarker(at: F.t("2026-12-15"), label: "expire 2 licenses")])
        var one = F.shrinking
        one.events.remove(at: 2)
        #expect(
            ForecastChart.chart(one, at: F.at, days: 90, showCodes: false).markers
                == [ChartMarker(at: F.t("2026-12-15"), label: "expire AAAA-****-0001")])
        #expect(
            ForecastChart.chart(one, at: F.at, days: 90, showCodes: true).markers
                == [ChartMarker(at: F.t("2026-12-15"), label: "expire AAAA-1111-0001")])
    }

    @Test func textShowsOneBlockPerInstantWithCapacityBeforeAndAfterIt() {
        let text = ForecastText.render([F.calm, F.shrinking], at: F.at, days: 90, showCodes: false)
        #expect(
            text == """
                licensectl forecast at 2026-11-29T00:00:00Z, 90 days (until 2027-02-27T00:00:00Z)

                calm: full, capacity 25, 1 online, 0 rejected
                    no events within 90 days

                shrinking: full, capacity 3, 3 online, 0 rejected, 1 not connected
                    2026-12-06T00:00:00Z  capacity 3 → 3, no router rejected
                        * notify  1 reminder  expiry 2026-12-15T00:00:00Z
                    2026-12-15T00:00:00Z  capacity 3 → 1, 2 routers rejected: R2, R3
                        - expire  2 licenses  AAAA-****-0001, AAAA-****-0002
                    2027-01-10T00:00:00Z  capacity 1 → 1, 3 routers rejected: R2, R3, R9
                        ! reject  1 router: capacity  R9

                2 tenants, 4 events; first rejection: shrinking on 2026-12-15 (2 routers)

                """)
    }

    @Test func summarySaysWhenNoRouterWouldBeRejected() {
        #expect(
            ForecastSummary([F.calm], at: F.at).line(days: 30)
                == "1 tenant, 0 events; no router would be rejected within 30 days")
    }

    @Test func summaryTakesTheEarliestRejectionAndBreaksTiesByTenantName() {
        // zeta: Z1 already rejected at the start, Z2 rejected when a license expires on 12-01.
        var early = F.calm
        early.tenant = "zeta"
        early.start.online = ["Z2"]
        early.start.offline = [OfflineRouter(serial: "Z1", reason: .capacity)]
        early.events = [
            ForecastPoint(
                at: F.t("2026-12-01"), action: .expire, code: F.code("AAAA-1111-0009"),
                capacityBefore: 1, capacityAfter: 0, mode: .disabled, online: 0, rejected: ["Z2", "Z1"])
        ]
        early.firstRejectionAt = F.t("2026-12-01")
        var tie = early
        tie.tenant = "alpha"
        let summary = ForecastSummary([early, F.shrinking, tie], at: F.at)
        #expect(summary.firstRejection == ForecastSummary.Rejection(tenant: "alpha", at: F.t("2026-12-01"), routers: 1))
        #expect(summary.rejectingTenants == 3)
    }

    @Test func jsonCarriesFullCodesAndAnExplicitNullForNoRejection() throws {
        let text = ForecastJSON.render([F.calm, F.shrinking], at: F.at, days: 90)
        #expect(text.hasSuffix("}\n"))
        #expect(text.contains("\"code\": \"AAAA-1111-0001\""))
        let value = try JSONValue.parse(Array(text.utf8))
        guard case .array(let tenants)? = value["tenants"] else {
            Issue.record("no tenants")
            return
        }
        #expect(tenants.first?["firstRejectionAt"] == .null)
        #expect(tenants.last?["firstRejectionAt"] == .string("2026-12-15T00:00:00Z"))
        #expect(value["summary"]?["firstRejection"]?["routers"] == .int(2))
        #expect(value["until"] == .string("2027-02-27T00:00:00Z"))
        #expect(ForecastJSON.render([F.calm, F.shrinking], at: F.at, days: 90) == text)
    }

    @Test func markdownPutsTenantsWithRejectionsFirstAndMasksCodes() {
        var later = F.shrinking
        later.tenant = "aardvark"
        later.firstRejectionAt = F.t("2027-01-10")
        let md = ForecastMarkdown.render([later, F.calm, F.shrinking], at: F.at, days: 90, showCodes: false)
        #expect(
            md.hasPrefix(
                "## licensectl forecast at 2026-11-29T00:00:00Z\n\n90 days, until 2027-02-27T00:00:00Z. **First rejection: shrinking on 2026-12-15 (2 routers).**\n"
            ))
        let first = md.range(of: "<code>! shrinking</code>")
        let second = md.range(of: "<code>! aardvark</code>")
        #expect(first != nil && second != nil && first?.lowerBound ?? md.endIndex < second?.lowerBound ?? md.startIndex)
        #expect(!md.contains("AAAA-1111"))
        #expect(
            md.contains(
                "| 2026-12-15T00:00:00Z | `- expire 2 licenses AAAA-****-0001, AAAA-****-0002` | 3 → 1 | 2 routers rejected: R2, R3 |"
            ))
        #expect(md.hasSuffix("\n_1 tenant without events or rejections._\n"))
    }

    @Test(arguments: [60_000, 8_000])
    func markdownStaysBelowTheLimitWithManyTenantsAndSaysWhatWasLeftOut(limit: Int) {
        let many = (0..<3_000).map { i -> TenantForecast in
            var f = F.shrinking
            f.tenant = String(format: "tenant-%04d", i)
            return f
        }
        let md = ForecastMarkdown.render(many, at: F.at, days: 90, showCodes: false, limit: limit)
        #expect(md.utf8.count < limit)
        let shown = md.components(separatedBy: "<details>").count - 1
        #expect(shown > 0)
        #expect(
            md.contains(
                "> **\(3_000 - shown) tenants (\((3_000 - shown) * 4) events) not shown:** this comment is kept below \(limit) characters. Run `licensectl forecast --format json` for the full forecast.\n"
            ))
    }
}
