import Testing

@testable import LicenseKit

/// docs/cli.md §6 `forecast` and §8 "Output": all events at one instant take effect together before
/// admission is judged; only routers not rejected at `at` count for `--fail-on-rejection`.
@Suite struct ForecastSimultaneityTests {
    /// 30 × Cloud Basic 1 activated on 2026-12-01 (expiring 2027-12-01) and 3 × Cloud Basic 25
    /// scheduled for that very instant; 30 routers connected.
    static func gaplessRenewal() -> (repo: LicenseRepo, states: [String: PriorState]) {
        let old = (1...30).map { Fx.lic($0, activate: Fx.on("2026-12-01")) }
        let new = (31...33).map { Fx.lic($0, .cloudBasic25, issued: "2027-06-01", activate: Fx.on("2027-12-01")) }
        let repo = Fx.repo(Fx.tenant("acme", old + new, routers: Fx.routers(30)))
        let first = Fx.apply(repo, at: "2026-11-01")
        let second = Fx.apply(repo, first.states, at: "2027-10-01")
        return (repo, second.states)
    }

    @Test func aLicenseExpiringAtTheInstantItsReplacementActivatesRejectsNobody() {
        let (repo, states) = Self.gaplessRenewal()
        let forecast = Forecaster.forecast(repo: repo, states: states, at: Fx.t("2027-11-15"), days: 30)
        let f = forecast.first
        #expect(f?.firstRejectionAt == nil)
        let atRenewal = (f?.events ?? []).filter { $0.at == Fx.t("2027-12-01") }
        #expect(atRenewal.count == 33)
        #expect(
            atRenewal.allSatisfy {
                $0.capacityBefore == 30 && $0.capacityAfter == 75 && $0.rejected.isEmpty && $0.online == 30
            })
        #expect(f?.instants.filter { $0.at == Fx.t("2027-12-01") }.count == 1)
        #expect(ForecastSummary(forecast, at: Fx.t("2027-11-15")).firstRejection == nil)
    }

    @Test func textShowsTheReplacementAsOneBlock() {
        let (repo, states) = Self.gaplessRenewal()
        let forecast = Forecaster.forecast(repo: repo, states: states, at: Fx.t("2027-11-15"), days: 30)
        let text = ForecastText.render(forecast, at: Fx.t("2027-11-15"), days: 30, showCodes: false)
        #expect(
            text.contains(
                """
                    2027-12-01T00:00:00Z  capacity 30 → 75, no router rejected
                        - expire    30 licenses  0000-****-0001, 0000-****-0002, 0000-****-0003 … and 27 more
                        + activate  3 licenses   0000-****-001F, 0000-****-0020, 0000-****-0021

                """))
        #expect(!text.contains("routers rejected"))
        #expect(text.hasSuffix("no router would be rejected within 30 days\n"))
    }

    @Test func remindersDueAtOneInstantAreOneLinePerTenant() {
        let (repo, states) = Self.gaplessRenewal()
        let forecast = Forecaster.forecast(repo: repo, states: states, at: Fx.t("2027-10-15"), days: 20)
        let text = ForecastText.render(forecast, at: Fx.t("2027-10-15"), days: 20, showCodes: false)
        #expect(
            text.contains(
                """
                    2027-11-01T00:00:00Z  capacity 30 → 30, no router rejected
                        * notify  30 reminders  earliest expiry 2027-12-01T00:00:00Z

                """))
        #expect(forecast.first?.events.filter { $0.action == .notify }.count == 30)
    }

    @Test func routersAlreadyRejectedAtTheStartDoNotSetTheFirstRejection() {
        // Capacity 1, two routers: R002 is rejected at `at` and stays so.
        let repo = Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: .immediately)], routers: Fx.routers(2)))
        let applied = Fx.apply(repo, at: "2026-01-01")
        let quiet = Forecaster.forecast(repo: repo, states: applied.states, at: Fx.t("2026-06-01"), days: 90)
        #expect(quiet.first?.startRejected.map(\.serial) == ["R002"])
        #expect(quiet.first?.firstRejectionAt == nil)
        // At the expiry R001, online at `at`, is rejected too: that counts.
        let expiring = Forecaster.forecast(repo: repo, states: applied.states, at: Fx.t("2026-12-01"), days: 90)
        #expect(expiring.first?.firstRejectionAt == Fx.t("2026-12-31T00:00:00Z").addingDays(1))
        #expect(expiring.first?.newlyRejected(at: Fx.t("2027-01-01")) == ["R001"])
        #expect(ForecastSummary(expiring, at: Fx.t("2026-12-01")).firstRejection?.routers == 1)
    }

    @Test func aRouterConnectingAtTheInstantCapacityArrivesIsAdmitted() {
        let repo = Fx.repo(
            Fx.tenant(
                "acme", [Fx.lic(1, activate: Fx.on("2026-03-01"))],
                routers: [Fx.router(1, "2026-03-01")]))
        let forecast = Forecaster.forecast(repo: repo, states: [:], at: Fx.t("2026-02-01"), days: 60)
        #expect(forecast.first?.events.map(\.action) == [.activate, .admit])
        #expect(forecast.first?.firstRejectionAt == nil)
    }
}
