import Testing

@testable import LicenseKit

/// docs/rules.md §4.5 errors: each refuses the plan; each is placed where the user can fix it.
/// (The same code in two manifests and duplicate router serials are the loader's errors: see
/// RepoRulesTests and ImportMergeTests.)
@Suite struct ReconcilerErrorTests {
    @Test func error_codeInOneManifestAndAnotherTenantsState() {
        let first = Fx.apply(Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: .immediately)])), at: "2026-01-01")
        let archived = Fx.apply(Fx.repo(Fx.tenant("acme")), first.states, at: "2027-02-01")
        #expect(
            Fx.events(archived.plan) == [
                "2027-01-01T00:00:00Z expire 0000-0000-0001", "2027-02-01T00:00:00Z archive 0000-0000-0001",
            ])
        let repo = Fx.repo(
            Fx.tenant("acme"), Fx.tenant("beta", [Fx.lic(1, file: "tenants/beta.yaml")], file: "tenants/beta.yaml"))
        let plan = Fx.apply(repo, archived.states, at: "2027-03-01").plan
        #expect(
            Fx.errors(plan) == [
                .error(
                    "code 0000-****-0001 of tenant 'beta' is already redeemed into tenant 'acme' (state/tenants/acme.json); a code is redeemed into exactly one tenant",
                    at: Fx.loc(11, file: "tenants/beta.yaml"))
            ])
    }

    /// docs/state.md §5.1: in a shared PostgreSQL database the codes of every owner count; a
    /// plan refuses a manifest code another owner's tenant holds, at the manifest's place,
    /// naming that owner and tenant — under every selection.
    @Test(arguments: [TenantSelection(), TenantSelection(targets: ["zeta"])])
    func error_codeInOneManifestAndAnotherOwnersState(_ selection: TenantSelection) {
        let repo = Fx.repo(
            Fx.tenant("beta", [Fx.lic(1, file: "tenants/beta.yaml")], file: "tenants/beta.yaml"), Fx.tenant("zeta"))
        let others = [
            Fx.code(1): OtherOwnersCode(owner: "team-a", tenant: "acme", location: "postgres:team-a/acme"),
            Fx.code(9): OtherOwnersCode(owner: "team-a", tenant: "acme", location: "postgres:team-a/acme"),
        ]
        let plan = Reconciler.plan(
            repo: repo, states: [:], at: Fx.t("2026-01-01"), selection: selection, codesOfOtherOwners: others)
        #expect(
            Fx.errors(plan) == [
                .error(
                    "code 0000-****-0001 of tenant 'beta' is already redeemed into tenant 'acme' of owner 'team-a' (postgres:team-a/acme); a code is redeemed into exactly one tenant",
                    at: Fx.loc(11, file: "tenants/beta.yaml"))
            ])
        // Without the other owner's codes (a directory) the same repo plans cleanly.
        #expect(Fx.errors(Reconciler.plan(repo: repo, states: [:], at: Fx.t("2026-01-01"))).isEmpty)
    }

    /// A wrong or second `?owner=` on the same database (newcomer run 8: 873 errors, one per
    /// code): more than three codes held by other owners make one error, at the first code,
    /// saying how many, which owner, the first tenants and to check `?owner=`; three stay one
    /// error each.
    @Test func error_manyCodesOfAnotherOwnerAreOneError() {
        let file = "tenants/beta.yaml"
        let others = Dictionary(
            uniqueKeysWithValues: (1...5).map {
                (
                    Fx.code($0),
                    OtherOwnersCode(owner: "sh", tenant: "site-00\($0)", location: "postgres:sh/site-00\($0)")
                )
            })
        let many = Fx.repo(Fx.tenant("beta", (1...5).map { Fx.lic($0, file: file) }, file: file))
        #expect(
            Fx.errors(Reconciler.plan(repo: many, states: [:], at: Fx.t("2026-01-01"), codesOfOtherOwners: others)) == [
                .error(
                    "5 codes of the manifests are already redeemed into tenants of owner 'sh' of this database ('site-001', 'site-002', 'site-003' and 2 more), the first: code 0000-****-0001 of tenant 'beta' in tenant 'site-001' (postgres:sh/site-001); a code is redeemed into exactly one tenant: check ?owner= in the state URL — this database's tenants holding them belong to owner 'sh'",
                    at: Fx.loc(11, file: file))
            ])
        let few = Fx.repo(Fx.tenant("beta", (1...3).map { Fx.lic($0, file: file) }, file: file))
        let errors = Fx.errors(
            Reconciler.plan(repo: few, states: [:], at: Fx.t("2026-01-01"), codesOfOtherOwners: others))
        #expect(
            errors.map(\.message)
                == (1...3).map {
                    "code 0000-****-000\($0) of tenant 'beta' is already redeemed into tenant 'site-00\($0)' of owner 'sh' (postgres:sh/site-00\($0)); a code is redeemed into exactly one tenant"
                })
    }

    @Test func error_redeemingACodeWhoseStockExpired() {
        let plan = Fx.apply(Fx.repo(Fx.tenant("acme", [Fx.lic(1, issued: "2024-01-01")])), at: "2026-01-01").plan
        #expect(
            Fx.errors(plan) == [
                .error(
                    "cannot redeem 0000-****-0001: its stock expired at 2026-01-01T00:00:00Z (issued 2024-01-01 + P2Y)",
                    at: Fx.loc(11))
            ])
        #expect(Fx.events(plan).isEmpty)
    }

    @Test(arguments: [("2028-01-01T00:00:00Z", true), ("2028-06-01T00:00:00Z", true), ("2027-12-31T23:59:59Z", false)])
    func error_activationAtOrAfterStockExpiry(activate: String, isError: Bool) {
        let plan = Fx.apply(
            Fx.repo(Fx.tenant("acme", [Fx.lic(1, issued: "2026-01-01", activate: Fx.on(activate))])), at: "2026-06-01"
        ).plan
        let expected: [Diagnostic] =
            isError
            ? [
                .error(
                    "cannot activate 0000-****-0001 at \(activate): its stock expires at 2028-01-01T00:00:00Z (issued 2026-01-01 + P2Y)",
                    at: Fx.loc(11, column: 17))
            ] : []
        #expect(Fx.errors(plan) == expected)
    }

    @Test func error_secondNonTerminalCloudFree() {
        let first = Fx.apply(
            Fx.repo(Fx.tenant("acme", [Fx.lic(1, .cloudFree, activate: .immediately)])), at: "2026-01-01")
        let repo = Fx.repo(Fx.tenant("acme", [Fx.lic(1, .cloudFree, activate: .immediately), Fx.lic(2, .cloudFree)]))
        let plan = Fx.apply(repo, first.states, at: "2026-02-01").plan
        #expect(
            Fx.errors(plan) == [
                .error(
                    "0000-****-0002 would be a second non-terminal Cloud Free license in tenant 'acme' (0000-****-0001 is active); Cloud Free cannot be combined",
                    at: Fx.loc(12))
            ])
    }

    @Test func error_cloudFreeActivationAtOrAfterPaidSince() {
        // Paid and Free activated by the same plan: the Free activation is at paidSince.
        let repo = Fx.repo(
            Fx.tenant(
                "acme",
                [Fx.lic(1, .cloudBasic1, activate: .immediately), Fx.lic(2, .cloudFree, activate: .immediately)]))
        let plan = Fx.apply(repo, at: "2026-02-01").plan
        #expect(
            Fx.errors(plan) == [
                .error(
                    "cannot activate Cloud Free 0000-****-0002 at 2026-02-01T00:00:00Z: tenant 'acme' has its first paid activation at 2026-02-01T00:00:00Z; Cloud Free never follows a paid license",
                    at: Fx.loc(12, column: 17))
            ])
    }

    @Test(arguments: [
        (ActivationRequest?.some(.at(Fx.t("2026-02-01"))), "restore `activate: immediately`"),
        (ActivationRequest?.none, "restore `activate: immediately`"),
    ])
    func error_changedActivationOfAnActiveLicense(request: ActivationRequest?, restore: String) {
        let first = Fx.apply(Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: .immediately)])), at: "2026-01-01")
        let changed = Fx.lic(1, activate: request)
        let plan = Fx.apply(Fx.repo(Fx.tenant("acme", [changed])), first.states, at: "2026-03-01").plan
        #expect(
            Fx.errors(plan) == [
                .error(
                    "license 0000-****-0001 was activated on 2026-01-01T00:00:00Z; \(restore)",
                    at: changed.activationSource ?? changed.source)
            ])
    }

    @Test func error_editingARecordedScheduleThatHasPassed() {
        let first = Fx.apply(Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: Fx.on("2026-02-01"))])), at: "2026-01-01")
        let plan = Fx.apply(
            Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: Fx.on("2026-04-01"))])), first.states, at: "2026-03-01"
        ).plan
        #expect(
            Fx.errors(plan) == [
                .error(
                    "license 0000-****-0001 was activated on 2026-02-01T00:00:00Z; restore `activate: 2026-02-01T00:00:00Z`",
                    at: Fx.loc(11, column: 17))
            ])
    }

    @Test func error_changedActivationOfAnExpiredLicense() {
        let first = Fx.apply(Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: .immediately)])), at: "2026-01-01")
        let plan = Fx.apply(
            Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: Fx.on("2027-03-01"))])), first.states, at: "2027-02-01"
        ).plan
        #expect(
            Fx.errors(plan) == [
                .error(
                    "license 0000-****-0001 was activated on 2026-01-01T00:00:00Z; restore `activate: immediately`",
                    at: Fx.loc(11, column: 17))
            ])
    }

    @Test func error_nonTerminalLicenseMissingFromTheManifest() {
        let first = Fx.apply(
            Fx.repo(Fx.tenant("acme", [Fx.lic(1), Fx.lic(2, activate: .immediately)])), at: "2026-01-01")
        let plan = Fx.apply(Fx.repo(Fx.tenant("acme")), first.states, at: "2026-02-01").plan
        #expect(
            Fx.errors(plan) == [
                .error(
                    "tenant 'acme': 0000-****-0001 (available), 0000-****-0002 (active) are in state but missing from the manifest; only expired or invalid licenses may leave it (restore them)",
                    at: SourceLocation(file: "state/tenants/acme.json", line: 1))
            ])
    }

    @Test func error_tenantWithNonTerminalStateMissingFromTheManifests() {
        let first = Fx.apply(Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: .immediately)])), at: "2026-01-01")
        let plan = Fx.apply(Fx.repo(), first.states, at: "2026-02-01").plan
        #expect(
            Fx.errors(plan) == [
                .error(
                    "tenant 'acme' has state but no manifest, and its licenses 0000-****-0001 (active) are not expired or invalid; restore its manifest (a tenant retires only when all its licenses are terminal)",
                    at: SourceLocation(file: "state/tenants/acme.json", line: 1))
            ])
        #expect(Fx.tenantPlan(plan)?.events.contains { $0.action == .retire } == false)
    }

    @Test func error_atEarlierThanAppliedAt() {
        let repo = Fx.repo(Fx.tenant("acme", [Fx.lic(1)]))
        let first = Fx.apply(repo, at: "2026-02-01")
        let plan = Fx.apply(repo, first.states, at: "2026-01-01").plan
        #expect(
            Fx.errors(plan) == [
                .error(
                    "--at 2026-01-01T00:00:00Z is earlier than the appliedAt of tenant 'acme', 2026-02-01T00:00:00Z; plan at 2026-02-01T00:00:00Z or later",
                    at: SourceLocation(file: "state/tenants/acme.json", line: 1))
            ])
        #expect(Fx.tenantPlan(plan)?.changed == false)
    }

    /// One mistaken `--at` over many tenants is one error naming how many, the first tenant's
    /// state document as its place and the latest appliedAt.
    @Test func error_atEarlierThanAppliedAtOfManyTenantsIsOneError() {
        let repo = Fx.repo(Fx.tenant("acme", [Fx.lic(1)]), Fx.tenant("zeta", [Fx.lic(2)]))
        var states = Fx.apply(Fx.repo(Fx.tenant("acme", [Fx.lic(1)])), at: "2026-02-01").states
        states["zeta"] = Fx.apply(Fx.repo(Fx.tenant("zeta", [Fx.lic(2)])), at: "2026-03-01").states["zeta"]
        #expect(states.count == 2)
        let plan = Fx.apply(repo, states, at: "2026-01-01").plan
        #expect(
            Fx.errors(plan) == [
                .error(
                    "--at 2026-01-01T00:00:00Z is earlier than the appliedAt of 2 tenants ('acme' and 1 more; the latest is 2026-03-01T00:00:00Z); plan at 2026-03-01T00:00:00Z or later",
                    at: SourceLocation(file: "state/tenants/acme.json", line: 1))
            ])
        #expect(plan.tenants.allSatisfy { !$0.changed })
    }

    @Test func repoDiagnosticsAreCarriedIntoThePlan() {
        let loaderError = Diagnostic.error("unknown key 'activte' (did you mean 'activate'?)", at: Fx.loc(3))
        let repo = LicenseRepo(tenants: [Fx.tenant("acme")], inputsDigest: Fx.digest, diagnostics: [loaderError])
        #expect(Reconciler.plan(repo: repo, states: [:], at: Fx.t("2026-01-01")).diagnostics == [loaderError])
    }
}

/// docs/rules.md §4.5 warnings: the plan goes on; the message says the numbers.
@Suite struct ReconcilerWarningTests {
    @Test func warning_pastActivationInstantActivatedNow() {
        let plan = Fx.apply(Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: Fx.on("2026-02-01"))])), at: "2026-03-01")
            .plan
        #expect(
            Fx.warnings(plan) == [
                .warning(
                    "activate: 2026-02-01T00:00:00Z of 0000-****-0001 is in the past and was never recorded as scheduled; activating it now, at 2026-03-01T00:00:00Z",
                    at: Fx.loc(11, column: 17))
            ])
        #expect(
            Fx.events(plan) == [
                "2026-03-01T00:00:00Z redeem 0000-0000-0001", "2026-03-01T00:00:00Z activate 0000-0000-0001",
            ])
        #expect(Fx.license(plan, 1)?.activatedAt == Fx.t("2026-03-01"))
    }

    @Test func warning_activationInvalidatingCloudFree_300RoutersOnBasic25() {
        let free = Fx.lic(1, .cloudFree, activate: .immediately)
        let routers = Fx.routers(300)
        let first = Fx.apply(Fx.repo(Fx.tenant("acme", [free], routers: routers)), at: "2026-01-10")
        #expect(Fx.tenantPlan(first.plan)?.after.online.count == 300)
        let repo = Fx.repo(
            Fx.tenant("acme", [free, Fx.lic(2, .cloudBasic25, activate: .immediately)], routers: routers))
        let plan = Fx.apply(repo, first.states, at: "2026-03-01").plan
        let tenant = Fx.tenantPlan(plan)
        #expect(Fx.license(plan, 1)?.status == .invalid)
        #expect(Fx.license(plan, 1)?.invalidatedAt == Fx.t("2026-03-01"))
        #expect(tenant?.after.capacity == 25)
        #expect(tenant?.after.mode == .full)
        #expect(tenant?.after.online == (1...25).map(Fx.serial))
        #expect(tenant?.after.offline.count == 275)
        #expect(tenant?.after.offline.allSatisfy { $0.reason == .capacity } == true)
        #expect(
            Array(Fx.events(plan).prefix(3)) == [
                "2026-03-01T00:00:00Z redeem 0000-0000-0002",
                "2026-03-01T00:00:00Z activate 0000-0000-0002",
                "2026-03-01T00:00:00Z invalidate 0000-0000-0001",
            ])
        #expect(tenant?.events.filter { $0.action == .reject }.count == 275)
        #expect(
            Fx.warnings(plan) == [
                .warning(
                    "tenant 'acme': 275 of 300 connected routers rejected (capacity 25)", at: Fx.loc(4, column: 9),
                    standing: .rejectedRouters, tenant: "acme"),
                .warning(
                    "activating 0000-****-0002 invalidates Cloud Free 0000-****-0001: capacity 1000 → 25, 275 routers rejected",
                    at: Fx.loc(12, column: 17)),
            ])
    }

    /// Tenant acme: Cloud Free active now, a Cloud Basic 25 scheduled for 2026-04-01, 30 routers.
    static let cloudFreeThenBasic25On20260401 = Fx.repo(
        Fx.tenant(
            "acme",
            [
                Fx.lic(1, .cloudFree, activate: .immediately),
                Fx.lic(2, .cloudBasic25, activate: Fx.on("2026-04-01")),
            ], routers: Fx.routers(30)))

    @Test func warning_scheduledActivationThatWillInvalidateCloudFree() {
        let repo = Self.cloudFreeThenBasic25On20260401
        let plan = Fx.apply(repo, at: "2026-03-01").plan
        #expect(
            Fx.warnings(plan) == [
                .warning(
                    "activating 0000-****-0002 at 2026-04-01T00:00:00Z will invalidate Cloud Free 0000-****-0001: capacity 1000 → 25, 5 routers rejected",
                    at: Fx.loc(12, column: 17))
            ])
    }

    /// Newcomer report: once an apply had recorded the scheduled Cloud Basic 25, the plan that
    /// carries it out (step 1, at its instant) showed only the generic rejected-routers warning.
    @Test func warning_recordedScheduledActivationThatInvalidatesCloudFree() {
        let repo = Self.cloudFreeThenBasic25On20260401
        let first = Fx.apply(repo, at: "2026-03-01")
        let plan = Fx.apply(repo, first.states, at: "2026-04-10").plan
        #expect(
            Fx.warnings(plan) == [
                .warning(
                    "tenant 'acme': 5 of 30 connected routers rejected (capacity 25)", at: Fx.loc(4, column: 9),
                    standing: .rejectedRouters, tenant: "acme"),
                .warning(
                    "the scheduled activation of 0000-****-0002 at 2026-04-01T00:00:00Z invalidates Cloud Free 0000-****-0001: capacity 1000 → 25, 5 routers rejected",
                    at: Fx.loc(12, column: 17)),
            ])
        // Once recorded, the invalidation is not repeated.
        let later = Fx.apply(repo, Fx.apply(repo, first.states, at: "2026-04-10").states, at: "2026-04-20").plan
        #expect(Fx.warnings(later).allSatisfy { !$0.message.contains("invalidates Cloud Free") })
    }

    @Test func warning_rejectedRoutersCountPerTenant() {
        let plan = Fx.apply(
            Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: .immediately)], routers: Fx.routers(3))), at: "2026-03-01"
        ).plan
        #expect(
            Fx.warnings(plan) == [
                .warning(
                    "tenant 'acme': 2 of 3 connected routers rejected (capacity 1)", at: Fx.loc(4, column: 9),
                    standing: .rejectedRouters, tenant: "acme")
            ])
    }

    @Test(arguments: [("2026-12-02", true), ("2026-12-01T23:59:59Z", false)])
    func warning_cloudFreeWithin30DaysOfExpiryWithoutRenew(at: String, warns: Bool) {
        let repo = Fx.repo(Fx.tenant("acme", [Fx.lic(1, .cloudFree, activate: .immediately)]))
        let first = Fx.apply(repo, at: "2026-01-01")
        let plan = Fx.apply(repo, first.states, at: at).plan
        let expected: [Diagnostic] =
            warns
            ? [
                .warning(
                    "Cloud Free 0000-****-0001 expires at 2027-01-01T00:00:00Z (in 30 days) and has renew: false; set renew: true to keep limited mode",
                    at: Fx.loc(11), standing: .cloudFreeNearExpiry, tenant: "acme")
            ] : []
        #expect(Fx.warnings(plan) == expected)
    }

    @Test(arguments: [("2027-10-03", true), ("2027-10-02T23:59:59Z", false)])
    func warning_codeStillAvailableWithin90DaysOfStockExpiry(at: String, warns: Bool) {
        let plan = Fx.apply(Fx.repo(Fx.tenant("acme", [Fx.lic(1, issued: "2026-01-01")])), at: at).plan
        let expected: [Diagnostic] =
            warns
            ? [
                .warning(
                    "0000-****-0001 is still available and its stock expires at 2028-01-01T00:00:00Z (in 90 days); activate it before then",
                    at: Fx.loc(11), standing: .stockExpiring, tenant: "acme")
            ] : []
        #expect(Fx.warnings(plan) == expected)
    }

    @Test func warning_routerConnectedAfterAt() {
        let plan = Fx.apply(
            Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: .immediately)], routers: [Fx.router(1, "2026-05-01")])),
            at: "2026-03-01"
        ).plan
        #expect(
            Fx.warnings(plan) == [
                .warning(
                    "router R001 has connectedAt 2026-05-01T00:00:00Z, after 2026-03-01T00:00:00Z; it counts as not connected",
                    at: Fx.loc(201),
                    standing: .routersConnectingLater, tenant: "acme")
            ])
        #expect(Fx.tenantPlan(plan)?.after.offline == [OfflineRouter(serial: "R001", reason: .notConnected)])
    }

    @Test func warning_redeemedBeforeItsIssueDate() {
        let plan = Fx.apply(Fx.repo(Fx.tenant("acme", [Fx.lic(1, issued: "2026-04-01")])), at: "2026-03-01").plan
        #expect(
            Fx.warnings(plan) == [
                .warning(
                    "0000-****-0001 is redeemed at 2026-03-01T00:00:00Z, before its issue date 2026-04-01; check the issue date or plan later",
                    at: Fx.loc(11))
            ])
    }

    @Test func warning_remindersDueInATenantWithoutContacts() {
        let repo = Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: .immediately)], contacts: []))
        let first = Fx.apply(repo, at: "2026-01-01")
        let plan = Fx.apply(repo, first.states, at: "2026-12-10").plan
        #expect(
            Fx.warnings(plan) == [
                .warning(
                    "tenant 'acme' has 1 reminder due but no contacts; add spec.contacts", at: Fx.loc(4, column: 9),
                    standing: .remindersWithoutContacts, tenant: "acme")
            ])
        #expect(Fx.license(plan, 1)?.remindersSent == [Fx.t("2026-12-02"), Fx.t("2026-12-09")])
    }
}

/// README choice: state keeps what a code was redeemed as; a manifest that later disagrees gets a
/// warning, not silence.
@Suite struct RedeemedValuesTests {
    @Test func changedTypeIssuedOrTermOfARedeemedCodeIsAWarningAndStateWins() throws {
        let first = Fx.apply(Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: .immediately)])), at: "2026-02-01")
        let edited = Fx.repo(
            Fx.tenant(
                "acme", [Fx.lic(1, .cloudBasic25, issued: "2025-12-01", term: Term(years: 2), activate: .immediately)]))
        let plan = Fx.apply(edited, first.states, at: "2026-03-01").plan
        #expect(
            Fx.warnings(plan) == [
                .warning(
                    "0000-****-0001 was redeemed with other values; the manifest now gives type 'Cloud Basic 25' (recorded 'Cloud Basic 1'), issued 2025-12-01 (recorded 2026-01-01), term P2Y (recorded P1Y); state keeps the recorded ones — restore them, or redeem a new code",
                    at: Fx.loc(11))
            ])
        let record = try #require(Fx.license(plan, 1))
        #expect(record.type == .cloudBasic1)
        #expect(record.term == .oneYear)
        #expect(Fx.events(plan).isEmpty)
    }

    @Test func unchangedValuesGiveNoWarning() {
        let first = Fx.apply(Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: .immediately)])), at: "2026-02-01")
        let plan = Fx.apply(
            Fx.repo(Fx.tenant("acme", [Fx.lic(1, activate: .immediately)])), first.states, at: "2026-03-01"
        ).plan
        #expect(Fx.warnings(plan) == [])
    }
}
