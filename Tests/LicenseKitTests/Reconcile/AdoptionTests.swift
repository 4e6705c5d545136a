import Testing

@testable import LicenseKit

extension Fx {
    /// A license already running in the platform (docs/rules.md §4.8): source line 10 + n, `activated` at
    /// column 18 of that line.
    static func adopted(
        _ n: Int, _ type: LicenseType = .cloudBasic1, issued: String = "2025-01-01",
        activated: String, expires: String? = nil, renew: Bool = false
    ) -> DesiredLicense {
        let place = loc(10 + n, column: 18)
        return DesiredLicense(
            code: code(n), type: type, issued: t(issued), renew: renew, source: loc(10 + n), activationSource: place,
            adopted: AdoptedHistory(activatedAt: t(activated), expiresAt: expires.map(t), source: place))
    }

    static func event(_ plan: Plan, _ action: Action, _ n: Int, tenant: String = "acme") -> PlanEvent? {
        tenantPlan(plan, tenant)?.events.first { $0.action == action && $0.code == code(n) }
    }
}

/// docs/rules.md §4.8 and docs/README.md §8 "Adoption": licenses already running in the platform enter state with their
/// recorded history. One test (or more) per bullet.
@Suite struct AdoptionRuleTests {
    // MARK: Bullet 2 — redeem then adopt, with the given history

    @Test func adopt_aNewCodeIsRedeemedThenAdoptedAtAtWithItsHistory() throws {
        let repo = Fx.repo(
            Fx.tenant(
                "acme",
                [
                    Fx.adopted(1, .cloudBasic25, issued: "2024-05-02", activated: "2025-06-01T09:30:00Z")
                ]))
        let plan = Fx.apply(repo, at: "2026-02-01").plan
        #expect(Fx.errors(plan).isEmpty)
        #expect(
            Fx.events(plan) == [
                "2026-02-01T00:00:00Z redeem 0000-0000-0001",
                "2026-02-01T00:00:00Z adopt 0000-0000-0001",
            ])
        let event = try #require(Fx.event(plan, .adopt, 1))
        #expect(event.activatedAt == Fx.t("2025-06-01T09:30:00Z"))
        #expect(event.expiresAt == Fx.t("2026-06-01T09:30:00Z"))
        #expect(event.status == .active)
        let record = try #require(Fx.license(plan, 1))
        #expect(record.status == .active)
        #expect(record.activation == .at(Fx.t("2025-06-01T09:30:00Z")))
        #expect(record.activatedAt == Fx.t("2025-06-01T09:30:00Z"))
        #expect(record.expiresAt == Fx.t("2026-06-01T09:30:00Z"))
        #expect(record.adoptedAt == Fx.t("2026-02-01"))
        #expect(record.redeemedAt == Fx.t("2026-02-01"))
        #expect(record.remindersSent.isEmpty)
        #expect(Fx.tenantPlan(plan)?.after.capacity == 25)
    }

    @Test func adopt_expiresGivenWinsOverActivatedPlusTerm() {
        let repo = Fx.repo(
            Fx.tenant(
                "acme",
                [
                    Fx.adopted(1, .cloudFree, activated: "2025-03-01", expires: "2027-03-01")
                ]))
        let plan = Fx.apply(repo, at: "2026-05-01").plan
        #expect(Fx.license(plan, 1)?.expiresAt == Fx.t("2027-03-01"))
        #expect(Fx.license(plan, 1)?.status == .active)
        #expect(Fx.event(plan, .adopt, 1)?.expiresAt == Fx.t("2027-03-01"))
    }

    @Test func adopt_aLicenseWhoseExpiryPassedIsAdoptedAsExpiredWithoutAnExpireEvent() {
        let repo = Fx.repo(
            Fx.tenant(
                "acme",
                [
                    Fx.adopted(1, activated: "2025-01-10"),
                    Fx.adopted(2, activated: "2025-06-01"),
                ]))
        let plan = Fx.apply(repo, at: "2026-02-01").plan
        #expect(Fx.license(plan, 1)?.status == .expired)
        #expect(Fx.event(plan, .adopt, 1)?.status == .expired)
        #expect(Fx.license(plan, 2)?.status == .active)
        #expect(!Fx.events(plan).contains { $0.contains(" expire ") })
        #expect(Fx.tenantPlan(plan)?.after.licenses.expired == 1)
    }

    @Test func adopt_noReminderSlotAtOrBeforeAdoptionIsDueOrRecorded_theLaterOnesAre() throws {
        // Expires 2026-11-20: slots 10-21, 10-28 (the platform's), 11-04, 11-11, 11-18.
        let repo = Fx.repo(Fx.tenant("acme", [Fx.adopted(1, activated: "2025-11-20")]))
        let first = Fx.apply(repo, at: "2026-11-01")
        #expect(!Fx.events(first.plan).contains { $0.contains("notify") })
        #expect(Fx.license(first.plan, 1)?.remindersSent == [])
        let second = Fx.apply(repo, first.states, at: "2026-11-12")
        #expect(Fx.events(second.plan) == ["2026-11-11T00:00:00Z notify 0000-0000-0001"])
        #expect(Fx.license(second.plan, 1)?.remindersSent == [Fx.t("2026-11-04"), Fx.t("2026-11-11")])
    }

    // MARK: Bullet 1 — the history's own rules that need `at`

    @Test func adopt_aFutureActivatedIsAnErrorThatSaysToUseActivate() {
        let repo = Fx.repo(Fx.tenant("acme", [Fx.adopted(1, activated: "2026-03-01")]))
        let plan = Fx.apply(repo, at: "2026-02-01").plan
        #expect(
            Fx.errors(plan) == [
                .error(
                    "activated: 2026-03-01T00:00:00Z of 0000-****-0001 is in the future (after 2026-02-01T00:00:00Z); 'activated' records an activation the platform already made — to request one, write `activate: 2026-03-01T00:00:00Z`",
                    at: Fx.loc(11, column: 18))
            ])
        #expect(Fx.events(plan).isEmpty)
    }

    @Test func adopt_theStockExpiryErrorOfRedeemingDoesNotApplyToAnAdoptedCode() {
        // Issued 2024-01-01: its stock expired 2026-01-01, but it was activated in time.
        let repo = Fx.repo(Fx.tenant("acme", [Fx.adopted(1, issued: "2024-01-01", activated: "2025-06-01")]))
        let plan = Fx.apply(repo, at: "2026-03-01").plan
        #expect(Fx.errors(plan).isEmpty)
        #expect(Fx.license(plan, 1)?.status == .active)
    }

    // MARK: Bullet 3 — R2 over adopted activations

    @Test func adopt_paidSinceIsTheEarliestPaidActivatedAt() {
        let repo = Fx.repo(
            Fx.tenant(
                "acme",
                [
                    Fx.adopted(1, activated: "2025-08-01"),
                    Fx.adopted(2, .cloudBasic25, activated: "2025-05-01"),
                ]))
        let plan = Fx.apply(repo, at: "2026-02-01").plan
        #expect(Fx.tenantPlan(plan)?.newState?.paidSince == Fx.t("2025-05-01"))
    }

    @Test func adopt_aCloudFreeWhoseValidityHoldsAnEarlierPaidActivationIsInvalid() throws {
        let repo = Fx.repo(
            Fx.tenant(
                "acme",
                [
                    Fx.adopted(1, .cloudFree, activated: "2025-03-01"),
                    Fx.adopted(2, .cloudBasic25, activated: "2025-05-01T10:00:00Z"),
                ]))
        let plan = Fx.apply(repo, at: "2025-12-01").plan
        #expect(Fx.errors(plan).isEmpty)
        let free = try #require(Fx.license(plan, 1))
        #expect(free.status == .invalid)
        #expect(free.invalidatedAt == Fx.t("2025-05-01T10:00:00Z"))
        let event = try #require(Fx.event(plan, .adopt, 1))
        #expect(event.status == .invalid)
        #expect(event.invalidatedAt == Fx.t("2025-05-01T10:00:00Z"))
        #expect(event.invalidatedBy == Fx.code(2))
        #expect(Fx.event(plan, .invalidate, 1) == nil)
        #expect(Fx.tenantPlan(plan)?.after.mode == .full)
    }

    @Test func adopt_aPaidActivationInsideARecordedCloudFreeInvalidatesItByAnEventAtAt() throws {
        let free = Fx.lic(1, .cloudFree, activate: .immediately)
        let first = Fx.apply(Fx.repo(Fx.tenant("acme", [free])), at: "2025-09-01")
        let repo = Fx.repo(Fx.tenant("acme", [free, Fx.adopted(2, activated: "2025-10-01")]))
        let second = Fx.apply(repo, first.states, at: "2025-12-01")
        #expect(Fx.errors(second.plan).isEmpty)
        #expect(
            Fx.events(second.plan) == [
                "2025-12-01T00:00:00Z redeem 0000-0000-0002",
                "2025-12-01T00:00:00Z adopt 0000-0000-0002",
                "2025-12-01T00:00:00Z invalidate 0000-0000-0001",
            ])
        let event = try #require(Fx.event(second.plan, .invalidate, 1))
        #expect(event.invalidatedAt == Fx.t("2025-10-01"))
        #expect(event.invalidatedBy == Fx.code(2))
        #expect(Fx.license(second.plan, 1)?.status == .invalid)
        #expect(Fx.license(second.plan, 1)?.invalidatedAt == Fx.t("2025-10-01"))
        #expect(Fx.tenantPlan(second.plan)?.newState?.paidSince == Fx.t("2025-10-01"))
    }

    @Test func adopt_aPaidActivationBeforeARecordedCloudFreeIsAnError() {
        let free = Fx.lic(1, .cloudFree, activate: .immediately)
        let first = Fx.apply(Fx.repo(Fx.tenant("acme", [free])), at: "2025-09-01")
        let repo = Fx.repo(Fx.tenant("acme", [free, Fx.adopted(2, activated: "2025-08-01")]))
        let plan = Fx.apply(repo, first.states, at: "2025-12-01").plan
        #expect(
            Fx.errors(plan) == [
                .error(
                    "0000-****-0002 was activated at 2025-08-01T00:00:00Z, before Cloud Free 0000-****-0001 recorded as activated at 2025-09-01T00:00:00Z; the platform refuses Cloud Free after a paid activation — check activated of 0000-****-0002",
                    at: Fx.loc(12, column: 18))
            ])
    }

    @Test func adopt_aCloudFreeActivatedNowAfterAnAdoptedPaidActivationIsOneError() {
        let repo = Fx.repo(
            Fx.tenant(
                "acme",
                [
                    Fx.lic(1, .cloudFree, issued: "2025-01-01", activate: .immediately),
                    Fx.adopted(2, activated: "2025-05-01"),
                ]))
        let plan = Fx.apply(repo, at: "2025-12-01").plan
        #expect(
            Fx.errors(plan) == [
                .error(
                    "cannot activate Cloud Free 0000-****-0001 at 2025-12-01T00:00:00Z: tenant 'acme' has its first paid activation at 2025-05-01T00:00:00Z; Cloud Free never follows a paid license",
                    at: Fx.loc(11, column: 17))
            ])
    }

    @Test(arguments: ["2025-05-01", "2025-06-01"])
    func adopt_anAdoptedCloudFreeActivatedAtOrAfterPaidSinceIsAnError(freeActivated: String) {
        let repo = Fx.repo(
            Fx.tenant(
                "acme",
                [
                    Fx.adopted(1, .cloudFree, activated: freeActivated),
                    Fx.adopted(2, activated: "2025-05-01"),
                ]))
        let plan = Fx.apply(repo, at: "2025-12-01").plan
        #expect(
            Fx.errors(plan) == [
                .error(
                    "Cloud Free 0000-****-0001 is activated at \(Fx.t(freeActivated)), at or after the first paid activation of tenant 'acme' at 2025-05-01T00:00:00Z; the platform refuses Cloud Free after a paid license — check 'activated'",
                    at: Fx.loc(11, column: 18))
            ])
    }

    @Test func adopt_aPaidActivationScheduledAfterAtInvalidatesTheAdoptedCloudFreeLater() {
        let repo = Fx.repo(
            Fx.tenant(
                "acme",
                [
                    Fx.adopted(1, .cloudFree, activated: "2025-10-01"),
                    Fx.lic(2, .cloudBasic25, activate: Fx.on("2026-04-01")),
                ]))
        let first = Fx.apply(repo, at: "2026-02-01")
        #expect(Fx.errors(first.plan).isEmpty)
        #expect(Fx.license(first.plan, 1)?.status == .active)
        let second = Fx.apply(repo, first.states, at: "2026-05-01")
        #expect(
            Fx.events(second.plan) == [
                "2026-04-01T00:00:00Z activate 0000-0000-0002",
                "2026-04-01T00:00:00Z invalidate 0000-0000-0001",
            ])
        #expect(Fx.license(second.plan, 1)?.invalidatedAt == Fx.t("2026-04-01"))
    }

    @Test func adopt_aPaidActivationOfTheSamePlanInvalidatesTheAdoptedCloudFreeAtAt() throws {
        let repo = Fx.repo(
            Fx.tenant(
                "acme",
                [
                    Fx.adopted(1, .cloudFree, activated: "2025-10-01"),
                    Fx.lic(2, .cloudBasic25, activate: .immediately),
                ]))
        let plan = Fx.apply(repo, at: "2026-02-01").plan
        #expect(Fx.errors(plan).isEmpty)
        #expect(
            Fx.events(plan) == [
                "2026-02-01T00:00:00Z redeem 0000-0000-0001",
                "2026-02-01T00:00:00Z redeem 0000-0000-0002",
                "2026-02-01T00:00:00Z adopt 0000-0000-0001",
                "2026-02-01T00:00:00Z activate 0000-0000-0002",
                "2026-02-01T00:00:00Z invalidate 0000-0000-0001",
            ])
        #expect(Fx.event(plan, .adopt, 1)?.status == .active)
        #expect(Fx.license(plan, 1)?.invalidatedAt == Fx.t("2026-02-01"))
    }

    @Test func adopt_licensesRecordedAsExpiredOrInvalidAreNeverRewritten() {
        // A Free that ran out before the paid license below was adopted stays expired.
        let free = Fx.lic(1, .cloudFree, activate: .immediately)
        let first = Fx.apply(Fx.repo(Fx.tenant("acme", [free])), at: "2024-06-01")
        let later = Fx.apply(Fx.repo(Fx.tenant("acme", [free])), first.states, at: "2025-07-01")
        #expect(Fx.license(later.plan, 1)?.status == .expired)
        let repo = Fx.repo(Fx.tenant("acme", [free, Fx.adopted(2, activated: "2025-03-01")]))
        let plan = Fx.apply(repo, later.states, at: "2025-08-01").plan
        #expect(Fx.license(plan, 1)?.status == .expired)
        #expect(Fx.license(plan, 1)?.invalidatedAt == nil)
        #expect(Fx.event(plan, .invalidate, 1) == nil)
    }

    // MARK: Bullet 4 — held as available or scheduled

    @Test(arguments: [nil, "2026-06-01"])
    func adopt_aLicenseHeldAsAvailableOrScheduledIsAdoptedWithoutUnschedule(scheduled: String?) {
        let first = Fx.apply(Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: scheduled.map(Fx.on))])), at: "2026-01-01")
        #expect(Fx.license(first.plan, 1)?.status == (scheduled == nil ? .available : .scheduled))
        let repo = Fx.repo(Fx.tenant("acme", [Fx.adopted(1, issued: "2026-01-01", activated: "2026-01-20")]))
        let plan = Fx.apply(repo, first.states, at: "2026-02-01").plan
        #expect(Fx.errors(plan).isEmpty)
        #expect(Fx.events(plan) == ["2026-02-01T00:00:00Z adopt 0000-0000-0001"])
        #expect(Fx.license(plan, 1)?.status == .active)
        #expect(Fx.license(plan, 1)?.scheduledAt == nil)
        #expect(Fx.license(plan, 1)?.activatedAt == Fx.t("2026-01-20"))
    }

    @Test func adopt_aRecordedScheduleThatHappenedCannotBeOverridden() {
        let first = Fx.apply(Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: Fx.on("2026-01-15"))])), at: "2026-01-01")
        let repo = Fx.repo(Fx.tenant("acme", [Fx.adopted(1, issued: "2026-01-01", activated: "2026-01-20")]))
        let plan = Fx.apply(repo, first.states, at: "2026-02-01").plan
        #expect(
            Fx.errors(plan) == [
                .error(
                    "license 0000-****-0001 was activated on 2026-01-15T00:00:00Z; restore `activate: 2026-01-15T00:00:00Z`",
                    at: Fx.loc(11, column: 18))
            ])
    }

    @Test func adopt_aHeldCodeThatStepOneStockExpiresIsAdoptedWhenActivatedInTime() {
        let first = Fx.apply(Fx.repo(Fx.tenant("acme", [Fx.lic(1, issued: "2024-01-01")])), at: "2025-01-10")
        let repo = Fx.repo(Fx.tenant("acme", [Fx.adopted(1, issued: "2024-01-01", activated: "2025-06-01")]))
        let plan = Fx.apply(repo, first.states, at: "2026-02-01").plan
        #expect(Fx.errors(plan).isEmpty)
        #expect(Fx.events(plan) == ["2026-02-01T00:00:00Z adopt 0000-0000-0001"])
        #expect(Fx.license(plan, 1)?.status == .active)
    }

    @Test func adopt_aCodeRecordedAsStockExpiredIsNotRewritten() {
        let held = Fx.lic(1, issued: "2024-01-01")
        let first = Fx.apply(Fx.repo(Fx.tenant("acme", [held])), at: "2025-01-10")
        let expired = Fx.apply(Fx.repo(Fx.tenant("acme", [held])), first.states, at: "2026-01-10")
        #expect(Fx.license(expired.plan, 1)?.status == .expired)
        let repo = Fx.repo(Fx.tenant("acme", [Fx.adopted(1, issued: "2024-01-01", activated: "2025-06-01")]))
        let plan = Fx.apply(repo, expired.states, at: "2026-02-01").plan
        #expect(Fx.errors(plan).count == 1)
        #expect(Fx.license(plan, 1)?.status == .expired)
    }

    // MARK: Bullet 5 — adopted instants are kept (docs/rules.md §4.2)

    @Test func adopt_theSameActivatedOrActivateWithThatInstantChangesNothing() {
        let first = Fx.apply(Fx.repo(Fx.tenant("acme", [Fx.adopted(1, activated: "2025-06-01")])), at: "2026-02-01")
        let again = Fx.apply(
            Fx.repo(Fx.tenant("acme", [Fx.adopted(1, activated: "2025-06-01")])), first.states, at: "2026-02-02")
        #expect(Fx.errors(again.plan).isEmpty)
        #expect(Fx.tenantPlan(again.plan)?.changed == false)
        let asRequest = Fx.lic(1, issued: "2025-01-01", activate: Fx.on("2025-06-01"))
        let plan = Fx.apply(Fx.repo(Fx.tenant("acme", [asRequest])), first.states, at: "2026-02-02").plan
        #expect(Fx.errors(plan).isEmpty)
        #expect(Fx.tenantPlan(plan)?.changed == false)
    }

    @Test func adopt_anEditedExpiryOfAnActiveLicenseIsAdoptedAgainWithTheRecordedOneAsFrom() throws {
        let first = Fx.apply(Fx.repo(Fx.tenant("acme", [Fx.adopted(1, activated: "2025-06-01")])), at: "2026-02-01")
        let edited = Fx.repo(Fx.tenant("acme", [Fx.adopted(1, activated: "2025-06-01", expires: "2026-07-01")]))
        let corrected = Fx.apply(edited, first.states, at: "2026-02-02")
        #expect(Fx.errors(corrected.plan).isEmpty)
        #expect(Fx.warnings(corrected.plan).isEmpty)
        let event = try #require(Fx.event(corrected.plan, .adopt, 1))
        #expect(event.from == Fx.t("2026-06-01"))
        #expect(event.expiresAt == Fx.t("2026-07-01"))
        #expect(event.status == .active)
        #expect(
            event.details
                == "activated 2025-06-01T00:00:00Z, expires 2026-07-01T00:00:00Z (corrected from 2026-06-01T00:00:00Z), active"
        )
        #expect(Fx.events(corrected.plan) == ["2026-02-02T00:00:00Z adopt 0000-0000-0001"])
        #expect(Fx.license(corrected.plan, 1)?.expiresAt == Fx.t("2026-07-01"))
        // Applied, the corrected expiry is the recorded one: the same manifest changes nothing.
        let again = Fx.apply(edited, corrected.states, at: "2026-02-03")
        #expect(Fx.tenantPlan(again.plan)?.changed == false)
        #expect(Fx.errors(again.plan).isEmpty && Fx.warnings(again.plan).isEmpty)
    }

    @Test func adopt_anExpiryCorrectedToBeforeAtAdoptsTheLicenseAsExpired() throws {
        let first = Fx.apply(Fx.repo(Fx.tenant("acme", [Fx.adopted(1, activated: "2025-06-01")])), at: "2026-02-01")
        let edited = Fx.repo(Fx.tenant("acme", [Fx.adopted(1, activated: "2025-06-01", expires: "2026-01-15")]))
        let plan = Fx.apply(edited, first.states, at: "2026-02-02").plan
        #expect(Fx.errors(plan).isEmpty)
        let event = try #require(Fx.event(plan, .adopt, 1))
        #expect(event.status == .expired)
        #expect(event.from == Fx.t("2026-06-01"))
        #expect(Fx.license(plan, 1)?.status == .expired)
        #expect(Fx.tenantPlan(plan)?.after.capacity == 0)
        // Newcomer run 8: before the last apply (2026-02-01), which recorded the license as
        // active: a warning at the value, naming both expiries and appliedAt.
        #expect(
            Fx.warnings(plan).map(\.message) == [
                "expires: 2026-01-15T00:00:00Z of 0000-****-0001 corrects the recorded expiry 2026-06-01T00:00:00Z to an instant before the last apply (2026-02-01T00:00:00Z), at which state recorded the license as active and counted its capacity; this plan adopts it again as already expired, and the routers it admitted may be rejected. Check the license's expiry in the platform: if it shows 2026-01-15T00:00:00Z, the license ran out before that apply and this plan is right; if it shows 2026-06-01T00:00:00Z, restore `expires: 2026-06-01T00:00:00Z` before applying"
            ])
    }

    /// Corrected to after the last apply but before `at`: the license did run at that apply, so
    /// the plan's `already expired` says everything; no warning.
    @Test func adopt_anExpiryCorrectedToBetweenTheLastApplyAndAtIsNotWarnedAbout() throws {
        let first = Fx.apply(Fx.repo(Fx.tenant("acme", [Fx.adopted(1, activated: "2025-06-01")])), at: "2026-02-01")
        let edited = Fx.repo(Fx.tenant("acme", [Fx.adopted(1, activated: "2025-06-01", expires: "2026-02-10")]))
        let plan = Fx.apply(edited, first.states, at: "2026-03-01").plan
        #expect(Fx.errors(plan).isEmpty)
        #expect(Fx.warnings(plan).isEmpty)
        #expect(Fx.license(plan, 1)?.status == .expired)
    }

    @Test func adopt_aCloudFreeExpiryCorrectedWhileActiveIsAdoptedAgainWithoutAnR1Error() throws {
        let first = Fx.apply(
            Fx.repo(Fx.tenant("acme", [Fx.adopted(1, .cloudFree, activated: "2025-06-01", expires: "2026-05-01")])),
            at: "2026-02-01")
        #expect(Fx.errors(first.plan).isEmpty)
        let edited = Fx.repo(
            Fx.tenant("acme", [Fx.adopted(1, .cloudFree, activated: "2025-06-01", expires: "2026-06-01")]))
        let plan = Fx.apply(edited, first.states, at: "2026-02-02").plan
        #expect(Fx.errors(plan).isEmpty)
        let event = try #require(Fx.event(plan, .adopt, 1))
        #expect(event.from == Fx.t("2026-05-01"))
        #expect(event.expiresAt == Fx.t("2026-06-01"))
        #expect(Fx.license(plan, 1)?.status == .active)
    }

    @Test func adopt_anEditedExpiryOfAnExpiredLicenseIsAnErrorThatSaysWhatToDo() {
        let first = Fx.apply(
            Fx.repo(Fx.tenant("acme", [Fx.adopted(1, activated: "2025-06-01", expires: "2026-01-15")])),
            at: "2026-02-01")
        #expect(Fx.license(first.plan, 1)?.status == .expired)
        let edited = Fx.repo(Fx.tenant("acme", [Fx.adopted(1, activated: "2025-06-01", expires: "2026-03-01")]))
        let plan = Fx.apply(edited, first.states, at: "2026-02-02").plan
        #expect(
            Fx.errors(plan) == [
                .error(
                    "0000-****-0001 is recorded as expired (expiry 2026-01-15T00:00:00Z), but tenants/acme.yaml now gives expiry 2026-03-01T00:00:00Z; the history of an expired or invalid license is never rewritten: restore `expires: 2026-01-15T00:00:00Z`. An adopted expiry can be corrected only while the license is active; when the vendor confirms another date now, keep the recorded one and note the vendor's date in the pull request",
                    at: Fx.loc(11, column: 18))
            ])
        #expect(Fx.license(plan, 1)?.expiresAt == Fx.t("2026-01-15"))
        // Removing `expires` (back to activated + term) is the same error, saying to restore it.
        let removed = Fx.apply(
            Fx.repo(Fx.tenant("acme", [Fx.adopted(1, activated: "2025-06-01")])), first.states, at: "2026-02-02"
        ).plan
        #expect(Fx.errors(removed).count == 1)
        #expect(Fx.errors(removed).first?.message.contains("restore `expires: 2026-01-15T00:00:00Z`") == true)
    }

    @Test func adopt_aRequestActivatedByLicensectlIsTheSameAsActivatedAtItsInstant() {
        let first = Fx.apply(Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: .immediately)])), at: "2026-02-01")
        let plan = Fx.apply(
            Fx.repo(Fx.tenant("acme", [Fx.adopted(1, issued: "2026-01-01", activated: "2026-02-01")])),
            first.states, at: "2026-02-02"
        ).plan
        #expect(Fx.errors(plan).isEmpty)
    }

    @Test func adopt_aChangedOrRemovedActivatedAfterAdoptionIsAnError() {
        let first = Fx.apply(Fx.repo(Fx.tenant("acme", [Fx.adopted(1, activated: "2025-06-01")])), at: "2026-02-01")
        let changed = Fx.apply(
            Fx.repo(Fx.tenant("acme", [Fx.adopted(1, activated: "2025-06-02")])), first.states, at: "2026-02-02")
        #expect(
            Fx.errors(changed.plan) == [
                .error(
                    "license 0000-****-0001 was activated on 2025-06-01T00:00:00Z; restore `activated: 2025-06-01T00:00:00Z`",
                    at: Fx.loc(11, column: 18))
            ])
        let removed = Fx.apply(
            Fx.repo(Fx.tenant("acme", [Fx.lic(1, issued: "2025-01-01")])), first.states, at: "2026-02-02")
        #expect(
            Fx.errors(removed.plan) == [
                .error(
                    "license 0000-****-0001 was activated on 2025-06-01T00:00:00Z; restore `activated: 2025-06-01T00:00:00Z`",
                    at: Fx.loc(11))
            ])
    }

    // MARK: Bullet 6 — admission at `at`

    @Test func adopt_routersAreAdmittedAtAtByTheAdoptedCapacityFirstComeFirstServed() {
        let repo = Fx.repo(
            Fx.tenant(
                "acme",
                [
                    Fx.adopted(1, activated: "2025-06-01"),
                    Fx.adopted(2, activated: "2024-06-01", expires: "2025-06-01"),
                ], routers: [Fx.router(1, "2025-07-01"), Fx.router(2, "2025-03-01")]))
        let plan = Fx.apply(repo, at: "2026-02-01").plan
        #expect(Fx.tenantPlan(plan)?.after.online == ["R002"])
        #expect(Fx.tenantPlan(plan)?.after.offline == [OfflineRouter(serial: "R001", reason: .capacity)])
    }

    // MARK: §4.5 — an adopted code another tenant holds

    @Test func adopt_aCodeAnotherTenantHoldsIsAnError() {
        let first = Fx.apply(
            Fx.repo(Fx.tenant("other", [Fx.lic(1, activate: .immediately)], file: "tenants/other.yaml")),
            at: "2026-01-01")
        let repo = Fx.repo(
            Fx.tenant("other", [Fx.lic(1, activate: .immediately)], file: "tenants/other.yaml"),
            Fx.tenant(
                "acme",
                [Fx.adopted(2, activated: "2025-06-01"), Fx.adopted(1, issued: "2026-01-01", activated: "2026-01-01")]))
        let plan = Fx.apply(repo, first.states, at: "2026-02-01").plan
        #expect(
            Fx.errors(plan).map(\.message).contains(
                "code 0000-****-0001 of tenant 'acme' is already redeemed into tenant 'other' (state/tenants/other.json); a code is redeemed into exactly one tenant"
            ))
    }

    // MARK: §8 — state documents

    @Test func adopt_adoptedAtIsWrittenOnlyOnAdoptedLicensesAndReadBack() throws {
        let repo = Fx.repo(
            Fx.tenant("acme", [Fx.adopted(1, activated: "2025-06-01"), Fx.lic(2, activate: .immediately)]))
        let doc = try #require(Fx.tenantPlan(Fx.apply(repo, at: "2026-02-01").plan)?.newState)
        let json = doc.canonicalJSON()
        #expect(json.components(separatedBy: "\"adoptedAt\"").count == 2)
        #expect(json.contains("\"adoptedAt\": \"2026-02-01T00:00:00Z\""))
        #expect(doc.formatVersion == 1)
        let back = try TenantState.decode(stateFile: Array(json.utf8), path: "state/tenants/acme.json")
        #expect(back == doc)
    }

    @Test func adopt_aStateWithAdoptedAtOnALicenseNeverActivatedIsInvalid() throws {
        let repo = Fx.repo(Fx.tenant("acme", [Fx.lic(2)]))
        let doc = try #require(Fx.tenantPlan(Fx.apply(repo, at: "2026-02-01").plan)?.newState)
        let json = doc.canonicalJSON().replacingOccurrences(
            of: "\"archivedAt\": null", with: "\"adoptedAt\": \"2026-02-01T00:00:00Z\",\n      \"archivedAt\": null")
        #expect(throws: Diagnostic.self) {
            _ = try TenantState.decode(stateFile: Array(json.utf8), path: "state/tenants/acme.json")
        }
    }

    // MARK: §6 — stale plans treat adopted instants like recorded ones

    @Test func adopt_aSavedPlanIsStaleOnceAnAdoptedExpiryOrReminderSlotHasPassed() {
        // Expires 2026-02-10: its slot 2026-02-08 lies between the plan and a late apply.
        let repo = Fx.repo(Fx.tenant("acme", [Fx.adopted(1, activated: "2025-02-10")]))
        let at = Fx.t("2026-02-01")
        let saved = Reconciler.plan(repo: repo, states: [:], at: at)
        let fresh = Reconciler.plan(repo: repo, states: [:], at: at)
        #expect(
            StalePlanCheck.reasons(saved: saved, fresh: fresh, states: [:], now: Fx.t("2026-02-01T12:00:00Z")) == [])
        #expect(
            StalePlanCheck.reasons(saved: saved, fresh: fresh, states: [:], now: Fx.t("2026-02-09")).map(\.message) == [
                "stale plan: tenant 'acme' has a reminder slot of 0000-****-0001 at 2026-02-08T00:00:00Z, after the plan's at 2026-02-01T00:00:00Z; the world moved on, plan again"
            ])
    }
}
