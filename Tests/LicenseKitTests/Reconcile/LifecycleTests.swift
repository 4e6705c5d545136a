import Testing

@testable import LicenseKit

/// docs/rules.md §4.1 actions not covered by a rule test, §4.4 router events, §4.6 change detection.
@Suite struct ReconcilerLifecycleTests {
    @Test func rescheduleMovesARecordedScheduleStillInTheFuture() {
        let first = Fx.apply(Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: Fx.on("2026-05-01"))])), at: "2026-03-01")
        let plan = Fx.apply(
            Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: Fx.on("2026-06-01"))])), first.states, at: "2026-04-01"
        ).plan
        #expect(
            Fx.tenantPlan(plan)?.events == [
                PlanEvent(
                    at: Fx.t("2026-04-01"), action: .reschedule, code: Fx.code(1), scheduledAt: Fx.t("2026-06-01"),
                    from: Fx.t("2026-05-01"))
            ])
        #expect(Fx.license(plan, 1)?.scheduledAt == Fx.t("2026-06-01"))
        #expect(Fx.license(plan, 1)?.activation == Fx.on("2026-06-01"))
    }

    @Test func unscheduleReturnsTheLicenseToAvailable() {
        let first = Fx.apply(Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: Fx.on("2026-05-01"))])), at: "2026-03-01")
        let plan = Fx.apply(Fx.repo(Fx.tenant("acme", [Fx.lic(1)])), first.states, at: "2026-04-01").plan
        #expect(Fx.events(plan) == ["2026-04-01T00:00:00Z unschedule 0000-0000-0001"])
        #expect(Fx.license(plan, 1)?.status == .available)
        #expect(Fx.license(plan, 1)?.scheduledAt == nil)
        #expect(Fx.license(plan, 1)?.activation == nil)
    }

    @Test func activateImmediatelyOverridesAFutureSchedule() {
        let first = Fx.apply(Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: Fx.on("2026-05-01"))])), at: "2026-03-01")
        let plan = Fx.apply(
            Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: .immediately)])), first.states, at: "2026-04-01"
        ).plan
        #expect(Fx.events(plan) == ["2026-04-01T00:00:00Z activate 0000-0000-0001"])
        #expect(Fx.license(plan, 1)?.scheduledAt == nil)
    }

    @Test func archiveKeepsATerminalLicenseOutOfEveryCount() {
        let first = Fx.apply(Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: .immediately)])), at: "2026-01-01")
        let plan = Fx.apply(Fx.repo(Fx.tenant("acme")), first.states, at: "2027-02-01")
        #expect(
            Fx.events(plan.plan) == [
                "2027-01-01T00:00:00Z expire 0000-0000-0001", "2027-02-01T00:00:00Z archive 0000-0000-0001",
            ])
        #expect(Fx.license(plan.plan, 1)?.archivedAt == Fx.t("2027-02-01"))
        #expect(Fx.tenantPlan(plan.plan)?.after.licenses == LicenseCounts())
        // Archived stays archived and quiet.
        let again = Fx.apply(Fx.repo(Fx.tenant("acme")), plan.states, at: "2027-03-01").plan
        #expect(Fx.events(again).isEmpty)
        #expect(Fx.tenantPlan(again)?.changed == false)
    }

    @Test func retireATenantWhoseLicensesAreAllTerminal() {
        let first = Fx.apply(
            Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: .immediately)], routers: Fx.routers(1))), at: "2026-01-01")
        let retired = Fx.apply(Fx.repo(), first.states, at: "2027-02-01")
        #expect(
            Fx.events(retired.plan) == [
                "2027-01-01T00:00:00Z expire 0000-0000-0001",
                "2027-02-01T00:00:00Z retire ",
                "2027-02-01T00:00:00Z remove R001",
            ])
        let doc = Fx.tenantPlan(retired.plan)?.newState
        #expect(doc?.retiredAt == Fx.t("2027-02-01"))
        #expect(doc?.serial == 2)
        #expect(Fx.errors(retired.plan).isEmpty)
        // A retired tenant stays retired and unchanged.
        let later = Fx.apply(Fx.repo(), retired.states, at: "2028-01-01").plan
        #expect(Fx.tenantPlan(later)?.changed == false)
        #expect(Fx.tenantPlan(later)?.events == [])
    }

    @Test func cloudFreeRenewInsideTheWindowMovesExpiryOneTerm() {
        let repo = Fx.repo(Fx.tenant("acme", [Fx.lic(1, .cloudFree, activate: .immediately, renew: true)]))
        let first = Fx.apply(repo, at: "2026-01-01")
        let outside = Fx.apply(repo, first.states, at: "2026-12-01T23:59:59Z").plan
        #expect(Fx.events(outside).isEmpty)
        let inside = Fx.apply(repo, first.states, at: "2026-12-20").plan
        // Renewed by this plan: no reminders for it (docs/rules.md §4.3), no near-expiry warning.
        #expect(
            Fx.tenantPlan(inside)?.events == [
                PlanEvent(at: Fx.t("2026-12-20"), action: .renew, code: Fx.code(1), expiresAt: Fx.t("2028-01-01"))
            ])
        #expect(Fx.license(inside, 1)?.remindersSent == [])
        #expect(Fx.warnings(inside).isEmpty)
    }

    @Test func cloudFreeRenewAfterALapseRestartsAtAt() {
        let first = Fx.apply(
            Fx.repo(Fx.tenant("acme", [Fx.lic(1, .cloudFree, activate: .immediately)])), at: "2026-01-01")
        let repo = Fx.repo(Fx.tenant("acme", [Fx.lic(1, .cloudFree, activate: .immediately, renew: true)]))
        let plan = Fx.apply(repo, first.states, at: "2027-02-01").plan
        #expect(
            Fx.events(plan) == [
                "2027-01-01T00:00:00Z expire 0000-0000-0001", "2027-02-01T00:00:00Z renew 0000-0000-0001",
            ])
        let l = Fx.license(plan, 1)
        #expect(l?.status == .active)
        #expect(l?.activatedAt == Fx.t("2027-02-01"))
        #expect(l?.expiresAt == Fx.t("2028-02-01"))
        #expect(Fx.tenantPlan(plan)?.after.mode == .limited)
    }

    @Test func routerEvents_firstAppearanceAdmitOrReject_changeAndRemove() {
        let repo = Fx.repo(
            Fx.tenant("acme", [Fx.lic(1, activate: .immediately)], routers: Fx.routers(2) + [Fx.router(3, nil)]))
        let first = Fx.apply(repo, at: "2026-02-01")
        #expect(
            Fx.events(first.plan).filter { $0.hasPrefix("2026-02-01T00:00:00Z admit") || $0.contains("reject") } == [
                "2026-02-01T00:00:00Z reject R002 capacity",
                "2026-02-01T00:00:00Z reject R003 not-connected",
                "2026-02-01T00:00:00Z admit R001",
            ])
        // Unchanged admissions are not events; a router leaving the manifest is removed.
        let second = Fx.apply(
            Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: .immediately)], routers: Fx.routers(1))), first.states,
            at: "2026-03-01")
        #expect(Fx.events(second.plan) == ["2026-03-01T00:00:00Z remove R002", "2026-03-01T00:00:00Z remove R003"])
    }

    @Test func firstWriteHasSerial1AndADeterministicLineage_unchangedPlanWritesNothing() {
        let repo = Fx.repo(Fx.tenant("acme", [Fx.lic(1)]))
        let first = Fx.apply(repo, at: "2026-01-01")
        let tenant = Fx.tenantPlan(first.plan)
        #expect(tenant?.changed == true)
        #expect(tenant?.prior == nil)
        #expect(tenant?.newState?.serial == 1)
        #expect(tenant?.newState?.appliedAt == Fx.t("2026-01-01"))
        let lineage = Lineage.make(tenant: "acme", firstAppliedAt: Fx.t("2026-01-01"), inputsDigest: Fx.digest)
        #expect(tenant?.newState?.lineage == lineage)
        #expect(lineage.count == 36)
        #expect(Array(lineage)[14] == "5")
        #expect("89ab".contains(Array(lineage)[19]))
        let second = Fx.apply(repo, first.states, at: "2026-01-02").plan
        #expect(Fx.tenantPlan(second)?.changed == false)
        #expect(Fx.tenantPlan(second)?.newState == first.states["acme"]?.document)
        #expect(Fx.tenantPlan(second)?.prior == PriorRef(lineage: lineage, serial: 1))
        // A change bumps the serial and keeps the lineage.
        let third = Fx.apply(
            Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: .immediately)])), first.states, at: "2026-01-03"
        ).plan
        #expect(Fx.tenantPlan(third)?.newState?.serial == 2)
        #expect(Fx.tenantPlan(third)?.newState?.lineage == lineage)
        #expect(Fx.tenantPlan(third)?.before == TenantSummary(mode: .disabled, capacity: 0, online: 0, offline: 0))
    }

    @Test func uuidV5MatchesRFC4122Vector() {
        // Python: uuid.uuid5(uuid.NAMESPACE_DNS, "python.org") == 886313e1-3b8a-5372-9b90-0c9aee199e5d
        let dns: [UInt8] = [
            0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
        ]
        #expect(Lineage.uuidV5(namespace: dns, name: "python.org") == "886313e1-3b8a-5372-9b90-0c9aee199e5d")
    }

    @Test func statusReplayIsStepOneOnly() {
        let repo = Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: Fx.on("2026-02-01"))], routers: Fx.routers(1)))
        let first = Fx.apply(repo, at: "2026-01-01")
        guard let doc = first.states["acme"]?.document else {
            Issue.record("no state")
            return
        }
        let (state, events) = Reconciler.replay(doc, to: Fx.t("2026-03-01"))
        #expect(events.map(\.action) == [.activate])
        #expect(state.summary == TenantSummary(mode: .full, capacity: 1, online: 1, offline: 0))
        #expect(state.routers.first?.status == .online)
        #expect(state.appliedAt == doc.appliedAt)
    }
}

/// docs/cli.md §6 `forecast`: the engine run forward.
@Suite struct ForecasterTests {
    @Test func forecastListsRemindersThenTheExpiryThatRejectsRouters() {
        let repo = Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: .immediately)], routers: Fx.routers(1)))
        let first = Fx.apply(repo, at: "2026-01-01")
        let forecast = Forecaster.forecast(repo: repo, states: first.states, at: Fx.t("2026-11-22"), days: 90)
        let points = forecast.first?.events ?? []
        #expect(points.map(\.action) == [.notify, .notify, .notify, .notify, .notify, .expire])
        #expect(points.map(\.at).first == Fx.t("2026-12-02"))
        #expect(
            points.last
                == ForecastPoint(
                    at: Fx.t("2027-01-01"), action: .expire, code: Fx.code(1), capacityBefore: 1,
                    capacityAfter: 0, mode: .disabled, online: 0, rejected: ["R001"]))
        #expect(forecast.first?.firstRejectionAt == Fx.t("2027-01-01"))
    }

    @Test func forecastConnectsFutureRoutersAndRenewsCloudFreeAtWindowStart() {
        let repo = Fx.repo(
            Fx.tenant(
                "acme", [Fx.lic(1, .cloudBasic1, activate: .immediately)],
                routers: [Fx.router(1, "2026-01-01"), Fx.router(2, "2026-02-15T12:00:00Z")]))
        let forecast = Forecaster.forecast(repo: repo, states: [:], at: Fx.t("2026-02-01"), days: 30)
        #expect(
            forecast.first?.events == [
                ForecastPoint(
                    at: Fx.t("2026-02-15T12:00:00Z"), action: .reject, serial: "R002", reason: .capacity,
                    capacityBefore: 1, capacityAfter: 1, mode: .full, online: 1, rejected: ["R002"])
            ])
        #expect(forecast.first?.firstRejectionAt == Fx.t("2026-02-15T12:00:00Z"))

        let free = Fx.repo(Fx.tenant("acme", [Fx.lic(1, .cloudFree, activate: .immediately, renew: true)]))
        let applied = Fx.apply(free, at: "2026-01-01")
        let renewals = Forecaster.forecast(repo: free, states: applied.states, at: Fx.t("2026-11-01"), days: 60)
        #expect(renewals.first?.events.map(\.action) == [.renew])
        #expect(renewals.first?.events.first?.at == Fx.t("2026-12-02"))
        #expect(renewals.first?.events.first?.expiresAt == Fx.t("2028-01-01"))
        #expect(renewals.first?.firstRejectionAt == nil)
    }
}
