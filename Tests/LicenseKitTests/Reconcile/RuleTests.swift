import Testing

@testable import LicenseKit

/// docs/rules.md §1 R1–R8 and the vendor's worked example.
@Suite struct ReconcilerRuleTests {
    @Test func r1_paidLicensesCombineIntoOneCapacity() {
        let repo = Fx.repo(
            Fx.tenant(
                "acme",
                [
                    Fx.lic(1, .cloudBasic1, activate: .immediately),
                    Fx.lic(2, .cloudBasic1, activate: .immediately),
                    Fx.lic(3, .cloudBasic25, activate: .immediately),
                ]))
        let plan = Fx.apply(repo, at: "2026-03-01").plan
        let after = Fx.tenantPlan(plan)?.after
        #expect(after?.mode == .full)
        #expect(after?.capacity == 27)
        #expect(Fx.errors(plan).isEmpty)
    }

    @Test func r1_cloudFreeCannotBeCombined_secondNonTerminalCloudFreeIsAnError() {
        let repo = Fx.repo(
            Fx.tenant(
                "acme",
                [
                    Fx.lic(1, .cloudFree, activate: .immediately),
                    Fx.lic(2, .cloudFree),
                ]))
        let plan = Fx.apply(repo, at: "2026-03-01").plan
        #expect(
            Fx.errors(plan) == [
                .error(
                    "0000-****-0002 would be a second non-terminal Cloud Free license in tenant 'acme' (0000-****-0001 is active); Cloud Free cannot be combined",
                    at: Fx.loc(12))
            ])
    }

    @Test func r2_firstPaidActivationInvalidatesCloudFreeAtThatInstant() {
        // Free active since January; a paid license scheduled for April 1st, 08:00.
        let first = Fx.apply(
            Fx.repo(
                Fx.tenant(
                    "acme",
                    [
                        Fx.lic(1, .cloudFree, activate: .immediately),
                        Fx.lic(2, .cloudBasic25, activate: Fx.on("2026-04-01T08:00:00Z")),
                    ])), at: "2026-01-10")
        #expect(Fx.errors(first.plan).isEmpty)
        let repo = Fx.repo(
            Fx.tenant(
                "acme",
                [
                    Fx.lic(1, .cloudFree, activate: .immediately),
                    Fx.lic(2, .cloudBasic25, activate: Fx.on("2026-04-01T08:00:00Z")),
                ]))
        let second = Fx.apply(repo, first.states, at: "2026-05-01")
        #expect(
            Fx.events(second.plan) == [
                "2026-04-01T08:00:00Z activate 0000-0000-0002",
                "2026-04-01T08:00:00Z invalidate 0000-0000-0001",
            ])
        let free = Fx.license(second.plan, 1)
        #expect(free?.status == .invalid)
        #expect(free?.invalidatedAt == Fx.t("2026-04-01T08:00:00Z"))
        #expect(Fx.tenantPlan(second.plan)?.newState?.paidSince == Fx.t("2026-04-01T08:00:00Z"))
    }

    @Test func r2_cloudFreeActivationAfterPaidIsAnError() {
        let first = Fx.apply(
            Fx.repo(Fx.tenant("acme", [Fx.lic(1, .cloudBasic1, activate: .immediately)])), at: "2026-01-01")
        let repo = Fx.repo(
            Fx.tenant(
                "acme",
                [
                    Fx.lic(1, .cloudBasic1, activate: .immediately),
                    Fx.lic(2, .cloudFree, activate: .immediately),
                ]))
        let plan = Fx.apply(repo, first.states, at: "2027-06-01").plan
        #expect(
            Fx.errors(plan) == [
                .error(
                    "cannot activate Cloud Free 0000-****-0002 at 2027-06-01T00:00:00Z: tenant 'acme' has its first paid activation at 2026-01-01T00:00:00Z; Cloud Free never follows a paid license",
                    at: Fx.loc(12, column: 17))
            ])
    }

    @Test func r2_scheduledCloudFreeAfterPlannedPaidIsAnError() {
        let repo = Fx.repo(
            Fx.tenant(
                "acme",
                [
                    Fx.lic(1, .cloudBasic1, activate: Fx.on("2026-04-01")),
                    Fx.lic(2, .cloudFree, activate: Fx.on("2026-05-01")),
                ]))
        let plan = Fx.apply(repo, at: "2026-03-01").plan
        #expect(
            Fx.errors(plan) == [
                .error(
                    "cannot activate Cloud Free 0000-****-0002 at 2026-05-01T00:00:00Z: tenant 'acme' has its first paid activation at 2026-04-01T00:00:00Z; Cloud Free never follows a paid license",
                    at: Fx.loc(12, column: 17))
            ])
    }

    @Test func r3_redeemedCodesStartAvailable() {
        let plan = Fx.apply(Fx.repo(Fx.tenant("acme", [Fx.lic(1)])), at: "2026-03-01T10:00:00Z").plan
        #expect(Fx.events(plan) == ["2026-03-01T10:00:00Z redeem 0000-0000-0001"])
        let l = Fx.license(plan, 1)
        #expect(l?.status == .available)
        #expect(l?.redeemedAt == Fx.t("2026-03-01T10:00:00Z"))
        #expect(l?.activatedAt == nil)
        #expect(Fx.tenantPlan(plan)?.after.mode == .disabled)
    }

    @Test func r4_activationImmediatelyExpiresOneTermLater() {
        let plan = Fx.apply(Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: .immediately)])), at: "2026-03-01T10:00:00Z")
            .plan
        #expect(
            Fx.events(plan) == [
                "2026-03-01T10:00:00Z redeem 0000-0000-0001", "2026-03-01T10:00:00Z activate 0000-0000-0001",
            ])
        #expect(Fx.tenantPlan(plan)?.events[1].expiresAt == Fx.t("2027-03-01T10:00:00Z"))
        #expect(Fx.license(plan, 1)?.expiresAt == Fx.t("2027-03-01T10:00:00Z"))
    }

    @Test func r4_scheduledActivationHappensAtItsInstant() {
        let repo = Fx.repo(
            Fx.tenant("acme", [Fx.lic(1, term: Term(months: 6), activate: Fx.on("2026-04-15T06:00:00Z"))]))
        let first = Fx.apply(repo, at: "2026-03-01")
        #expect(
            Fx.events(first.plan) == [
                "2026-03-01T00:00:00Z redeem 0000-0000-0001", "2026-03-01T00:00:00Z schedule 0000-0000-0001",
            ])
        #expect(Fx.tenantPlan(first.plan)?.events[1].scheduledAt == Fx.t("2026-04-15T06:00:00Z"))
        let second = Fx.apply(repo, first.states, at: "2026-12-01")
        #expect(
            Fx.events(second.plan) == [
                "2026-04-15T06:00:00Z activate 0000-0000-0001",
                "2026-10-15T06:00:00Z expire 0000-0000-0001",
            ])
    }

    @Test func r5_stockExpiryIsHalfOpen() {
        let repo = Fx.repo(Fx.tenant("acme", [Fx.lic(1, issued: "2026-01-01")]))
        let first = Fx.apply(repo, at: "2026-01-01")
        let before = Fx.apply(repo, first.states, at: "2027-12-31T23:59:59Z")
        #expect(Fx.license(before.plan, 1)?.status == .available)
        #expect(Fx.events(before.plan).isEmpty)
        let at = Fx.apply(repo, first.states, at: "2028-01-01")
        #expect(Fx.events(at.plan) == ["2028-01-01T00:00:00Z stock-expire 0000-0000-0001"])
        #expect(Fx.license(at.plan, 1)?.status == .expired)
        #expect(Fx.license(at.plan, 1)?.activatedAt == nil)
    }

    @Test func r6_remindersAtEachSlot() {
        // Active from 2026-01-01, expires 2027-01-01.
        let repo = Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: .immediately)]))
        let first = Fx.apply(repo, at: "2026-01-01")
        for days in [30, 23, 16, 9, 2] {
            let slot = Fx.t("2027-01-01").addingDays(-days)
            let prior = Fx.apply(repo, first.states, at: slot.addingDays(-1).description)
            let plan = Fx.apply(repo, prior.states, at: slot.description).plan
            let notify = Fx.tenantPlan(plan)?.events.filter { $0.action == .notify }
            #expect(
                notify == [
                    PlanEvent(at: slot, action: .notify, code: Fx.code(1), expiresAt: Fx.t("2027-01-01"), slot: slot)
                ])
            #expect(Fx.license(plan, 1)?.remindersSent.last == slot)
        }
    }

    @Test func r6_missedRemindersCoalesceToTheLatestSlotAndAreRecordedOnce() {
        let repo = Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: .immediately)]))
        let first = Fx.apply(repo, at: "2026-01-01")
        let second = Fx.apply(repo, first.states, at: "2026-12-17")
        #expect(Fx.events(second.plan) == ["2026-12-16T00:00:00Z notify 0000-0000-0001"])
        #expect(Fx.tenantPlan(second.plan)?.events.first?.slot == Fx.t("2026-12-16"))
        #expect(
            Fx.license(second.plan, 1)?.remindersSent == [Fx.t("2026-12-02"), Fx.t("2026-12-09"), Fx.t("2026-12-16")])
        #expect(Fx.tenantPlan(second.plan)?.changed == true)
        // Same `at` again: nothing due, nothing changed.
        let again = Fx.apply(repo, second.states, at: "2026-12-17")
        #expect(Fx.events(again.plan).isEmpty)
        #expect(Fx.tenantPlan(again.plan)?.changed == false)
        let third = Fx.apply(repo, second.states, at: "2026-12-31")
        #expect(Fx.events(third.plan) == ["2026-12-30T00:00:00Z notify 0000-0000-0001"])
        #expect(Fx.license(third.plan, 1)?.remindersSent.count == 5)
    }

    @Test func r7_expiredLicenseAddsNoCapacityAndNoValidLicenseDisablesTheTenant() {
        let repo = Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: .immediately)], routers: Fx.routers(2)))
        let first = Fx.apply(repo, at: "2026-01-02")
        let plan = Fx.apply(repo, first.states, at: "2027-01-02").plan
        let after = Fx.tenantPlan(plan)?.after
        #expect(after?.mode == .disabled)
        #expect(after?.capacity == 0)
        #expect(after?.online == [])
        #expect(
            after?.offline == [
                OfflineRouter(serial: "R001", reason: .noValidLicense),
                OfflineRouter(serial: "R002", reason: .noValidLicense),
            ])
        #expect(
            Fx.events(plan) == [
                "2027-01-02T00:00:00Z expire 0000-0000-0001",
                "2027-01-02T00:00:00Z reject R001 no-valid-license",
                "2027-01-02T00:00:00Z reject R002 no-valid-license",
            ])
    }

    @Test func r8_vendorWorkedExample_tenBasic1TwoExpiredTenConnected() {
        let licenses = (1...10).map { n in
            Fx.lic(n, issued: "2025-01-01", activate: n <= 2 ? .immediately : Fx.on("2026-03-01"))
        }
        let first = Fx.apply(Fx.repo(Fx.tenant("acme", licenses)), at: "2025-02-01")
        let repo = Fx.repo(Fx.tenant("acme", licenses, routers: Fx.routers(10, from: "2026-01-01T00:00:00Z")))
        let plan = Fx.apply(repo, first.states, at: "2026-06-01").plan
        let after = Fx.tenantPlan(plan)?.after
        #expect(after?.capacity == 8)
        #expect(after?.licenses.expired == 2)
        #expect(after?.licenses.active == 8)
        #expect(after?.online == (1...8).map(Fx.serial))
        #expect(
            after?.offline == [
                OfflineRouter(serial: "R009", reason: .capacity), OfflineRouter(serial: "R010", reason: .capacity),
            ])
    }

    @Test func r8_admissionOrdersByConnectedAtThenSerial() {
        let routers = [
            Fx.router(1, "2026-01-03T00:00:00Z"), Fx.router(2, "2026-01-02T00:00:00Z"),
            Fx.router(3, "2026-01-02T00:00:00Z"), Fx.router(4, nil),
        ]
        let repo = Fx.repo(
            Fx.tenant("acme", [Fx.lic(1, activate: .immediately), Fx.lic(2, activate: .immediately)], routers: routers))
        let plan = Fx.apply(repo, at: "2026-02-01").plan
        #expect(Fx.tenantPlan(plan)?.after.online == ["R002", "R003"])
        #expect(
            Fx.tenantPlan(plan)?.after.offline == [
                OfflineRouter(serial: "R001", reason: .capacity),
                OfflineRouter(serial: "R004", reason: .notConnected),
            ])
    }
}

/// docs/rules.md §2 time arithmetic as it reaches license terms.
@Suite struct ReconcilerTimeTests {
    @Test func leapDayActivationExpiresOnFebruary28() {
        let plan = Fx.apply(
            Fx.repo(Fx.tenant("acme", [Fx.lic(1, issued: "2024-01-01", activate: .immediately)])), at: "2024-02-29"
        ).plan
        #expect(Fx.license(plan, 1)?.expiresAt == Fx.t("2025-02-28"))
    }

    @Test func monthEndTermClampsAndExpiryIsHalfOpen() {
        let repo = Fx.repo(
            Fx.tenant("acme", [Fx.lic(1, term: Term(months: 1), activate: .immediately)], routers: Fx.routers(1)))
        let first = Fx.apply(repo, at: "2026-01-31")
        #expect(Fx.license(first.plan, 1)?.expiresAt == Fx.t("2026-02-28"))
        let justBefore = Fx.apply(repo, first.states, at: "2026-02-27T23:59:59Z").plan
        #expect(Fx.license(justBefore, 1)?.status == .active)
        #expect(Fx.tenantPlan(justBefore)?.after.online == ["R001"])
        let atExpiry = Fx.apply(repo, first.states, at: "2026-02-28").plan
        #expect(
            Fx.events(atExpiry) == [
                "2026-02-28T00:00:00Z expire 0000-0000-0001", "2026-02-28T00:00:00Z reject R001 no-valid-license",
            ])
    }

    @Test func expiryAndActivationInterleaveInReplay() {
        // License 1 expires 2026-06-01, license 2 activates 2026-07-01: replayed in time order.
        let repo = Fx.repo(
            Fx.tenant(
                "acme",
                [
                    Fx.lic(1, issued: "2025-01-01", activate: .immediately),
                    Fx.lic(2, issued: "2025-01-01", activate: Fx.on("2026-07-01")),
                ]))
        let first = Fx.apply(repo, at: "2025-06-01")
        let plan = Fx.apply(repo, first.states, at: "2026-08-01").plan
        #expect(
            Fx.events(plan).filter { !$0.contains("notify") } == [
                "2026-06-01T00:00:00Z expire 0000-0000-0001",
                "2026-07-01T00:00:00Z activate 0000-0000-0002",
            ])
    }
}
