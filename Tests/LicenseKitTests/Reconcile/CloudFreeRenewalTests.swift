import Testing

@testable import LicenseKit

/// docs/rules.md §4.1 `renew` with §4.8 adoption and R2: an invalidated Cloud Free is never renewed, and
/// an adopted one renews in the plan that adopts it, as it would in the next one.
@Suite struct CloudFreeRenewalTests {
    /// Cloud Free 1 (renew: true) activated 2025-12-05, recorded by applies at 2025-12-05 and
    /// 2026-06-01; with `scheduledPaid`, Cloud Basic 25 2 is recorded as scheduled for 2026-12-01.
    static func recordedFree(scheduledPaid: Bool = false) -> [String: PriorState] {
        let paid = Fx.lic(2, .cloudBasic25, issued: "2024-12-28", activate: Fx.on("2026-12-01"))
        let repo = Fx.repo(Fx.tenant("acme", [free] + (scheduledPaid ? [paid] : [])))
        return Fx.apply(repo, Fx.apply(repo, at: "2025-12-05").states, at: "2026-06-01").states
    }

    static let free = Fx.lic(1, .cloudFree, issued: "2024-12-12", activate: Fx.on("2025-12-05"), renew: true)

    /// The harbor-lights repro: the scheduled paid code is given `activated` inside the Free's
    /// validity, in the Free's renewal window.
    @Test func aFreeInvalidatedByAnAdoptedPaidActivationIsNotRenewed() throws {
        let states = Self.recordedFree(scheduledPaid: true)
        let repo = Fx.repo(
            Fx.tenant(
                "acme",
                [
                    Self.free, Fx.adopted(2, .cloudBasic25, issued: "2024-12-28", activated: "2026-11-20T08:00:00Z"),
                ]))
        let plan = Fx.apply(repo, states, at: "2026-11-29").plan
        #expect(Fx.errors(plan).isEmpty, "\(plan.diagnostics)")
        #expect(
            Fx.events(plan).filter { $0.contains("0000-0000-0001") } == [
                "2026-11-29T00:00:00Z invalidate 0000-0000-0001"
            ])
        let record = try #require(Fx.license(plan, 1))
        #expect(record.status == .invalid)
        #expect(record.expiresAt == Fx.t("2026-12-05"))
        #expect(record.invalidatedAt == Fx.t("2026-11-20T08:00:00Z"))
    }

    @Test func aFreeInvalidatedByANewlyAdoptedPaidCodeIsNotRenewed() throws {
        let states = Self.recordedFree()
        let repo = Fx.repo(
            Fx.tenant(
                "acme",
                [
                    Self.free, Fx.adopted(3, .cloudBasic1, issued: "2026-01-01", activated: "2026-11-20"),
                ]))
        let plan = Fx.apply(repo, states, at: "2026-11-29").plan
        #expect(Fx.errors(plan).isEmpty, "\(plan.diagnostics)")
        #expect(Fx.event(plan, .renew, 1) == nil)
        #expect(Fx.event(plan, .notify, 1) == nil)
        #expect(Fx.event(plan, .invalidate, 1) != nil)
        #expect(Fx.license(plan, 1)?.expiresAt == Fx.t("2026-12-05"))
        #expect(Fx.license(plan, 1)?.remindersSent.isEmpty == true)
    }

    @Test func aFreeInvalidatedByAPaidActivationNowIsNotRenewed() throws {
        let states = Self.recordedFree()
        let repo = Fx.repo(Fx.tenant("acme", [Self.free, Fx.lic(3, .cloudBasic1, activate: .immediately)]))
        let plan = Fx.apply(repo, states, at: "2026-11-29").plan
        #expect(Fx.errors(plan).isEmpty, "\(plan.diagnostics)")
        #expect(Fx.event(plan, .renew, 1) == nil)
        #expect(Fx.license(plan, 1)?.status == .invalid)
        #expect(Fx.license(plan, 1)?.expiresAt == Fx.t("2026-12-05"))
    }

    /// The recorded Free without anything that invalidates it still renews (unchanged rule).
    @Test func aRecordedFreeInItsWindowStillRenews() {
        let plan = Fx.apply(Fx.repo(Fx.tenant("acme", [Self.free])), Self.recordedFree(), at: "2026-11-29").plan
        #expect(Fx.event(plan, .renew, 1)?.expiresAt == Fx.t("2027-12-05"))
        #expect(Fx.license(plan, 1)?.expiresAt == Fx.t("2027-12-05"))
    }

    // MARK: Adopted inside the renewal window (docs/rules.md §4.1 renew, §4.8)

    static let adoptedFree = Fx.adopted(
        1, .cloudFree, issued: "2025-01-01", activated: "2025-12-10T00:00:00Z", renew: true)

    @Test func anAdoptedFreeInsideItsWindowIsRenewedByThePlanThatAdoptsIt() throws {
        let plan = Fx.apply(Fx.repo(Fx.tenant("acme", [Self.adoptedFree])), at: "2026-11-29").plan
        #expect(Fx.errors(plan).isEmpty, "\(plan.diagnostics)")
        #expect(
            Fx.events(plan) == [
                "2026-11-29T00:00:00Z redeem 0000-0000-0001",
                "2026-11-29T00:00:00Z adopt 0000-0000-0001",
                "2026-11-29T00:00:00Z renew 0000-0000-0001",
            ])
        #expect(Fx.event(plan, .adopt, 1)?.expiresAt == Fx.t("2026-12-10"))
        #expect(Fx.event(plan, .renew, 1)?.expiresAt == Fx.t("2027-12-10"))
        #expect(Fx.license(plan, 1)?.expiresAt == Fx.t("2027-12-10"))
        // No Cloud-Free-near-expiry warning and no reminder for the renewed license.
        #expect(Fx.warnings(plan).isEmpty, "\(plan.diagnostics)")
    }

    @Test func theResultDoesNotDependOnHowOftenItIsApplied() {
        let repo = Fx.repo(Fx.tenant("acme", [Self.adoptedFree]))
        let daily = Fx.apply(repo, at: "2026-11-29").states
        let nextDay = Fx.apply(repo, daily, at: "2026-11-30").plan
        #expect(Fx.event(nextDay, .renew, 1) == nil)
        let once = Fx.apply(repo, at: "2026-11-30").plan
        #expect(Fx.license(nextDay, 1)?.expiresAt == Fx.t("2027-12-10"))
        #expect(Fx.license(once, 1)?.expiresAt == Fx.t("2027-12-10"))
        #expect(Fx.license(nextDay, 1)?.status == Fx.license(once, 1)?.status)
    }

    /// Item 4: the warning's "from" capacity counts the Free adopted by the same plan.
    @Test func thePaidActivationWarningCountsTheAdoptedFreesCapacity() throws {
        let repo = Fx.repo(Fx.tenant("acme", [Self.adoptedFree, Fx.lic(3, .cloudBasic1, activate: .immediately)]))
        let plan = Fx.apply(repo, at: "2026-11-29").plan
        #expect(Fx.errors(plan).isEmpty, "\(plan.diagnostics)")
        let warning = try #require(Fx.warnings(plan).first { $0.message.contains("invalidates Cloud Free") })
        #expect(warning.message.contains("capacity 1000 → 1,"), "\(warning.message)")
        #expect(Fx.event(plan, .renew, 1) == nil)
        #expect(Fx.license(plan, 1)?.status == .invalid)
    }
}
