/// The reconciler: manifests + prior state + `at` → ``Plan``, as a pure function (docs/rules.md §4).
///
/// No I/O and no clock: `at` is a parameter; the same inputs give the same plan, byte for byte,
/// whatever the order of `states` or the number of cores.
public enum Reconciler {
    /// Computes the plan at `at` (docs/rules.md §4): for every tenant, step 1 replays the recorded facts
    /// over (`appliedAt`, `at`], step 2 diffs the manifest at `at`, then routers are admitted at
    /// `at`.
    ///
    /// - Parameters:
    ///   - repo: the validated manifests; `repo.diagnostics` are carried into the plan.
    ///   - states: prior state documents keyed by tenant name (a tenant without state is absent).
    ///   - at: "now" (UTC).
    ///   - selection: the tenants to plan (docs/cli.md §5.2); cross-tenant checks still run over the
    ///     whole repo and state, and warnings about unselected tenants are left out.
    ///   - codesOfOtherOwners: codes redeemed into other owners' tenants (PostgreSQL state,
    ///     docs/state.md §5.1); a manifest code among them is the cross-tenant error.
    /// - Returns: a plan covering every selected manifest tenant and every selected tenant that
    ///   only has state, sorted by name. Errors of docs/rules.md §4.5 are added to `diagnostics`; a plan with errors is
    ///   still returned (the CLI refuses it).
    public static func plan(
        repo: LicenseRepo, states: [String: PriorState], at: Instant,
        selection: TenantSelection = TenantSelection(), codesOfOtherOwners: [ActivationCode: OtherOwnersCode] = [:]
    ) -> Plan {
        let manifests = Dictionary(repo.tenants.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let everyName = Set(manifests.keys).union(states.keys).sorted()
        let names = selection.isRestricting ? everyName.filter(selection.contains) : everyName
        let cross = DiagnosticsEngine()
        crossTenantDiagnostics(repo: repo, states: states, codesOfOtherOwners: codesOfOtherOwners, into: cross)

        let inputsDigest = repo.inputsDigest
        let results = names.concurrentMap { name in
            var planner = TenantPlanner(
                name: name, manifest: manifests[name], prior: states[name],
                at: at, inputsDigest: inputsDigest)
            let plan = planner.run()
            return (
                plan: plan, diagnostics: planner.diagnostics.emitted,
                appliedAtAfterAt: planner.appliedAtAfterAt.map { (appliedAt: $0, location: planner.stateLocation) }
            )
        }

        // One mistaken `--at` is one error, however many tenants were applied after it.
        let laterApplied = results.compactMap { result in
            result.appliedAtAfterAt.map { (tenant: result.plan.tenant, appliedAt: $0.appliedAt, location: $0.location) }
        }
        var diagnostics = repo.diagnostics(selecting: selection) + cross.emitted
        var tenants: [TenantPlan] = []
        tenants.reserveCapacity(names.count)
        for result in results {
            tenants.append(result.plan)
            if let first = laterApplied.first, result.plan.tenant == first.tenant {
                diagnostics.append(atBeforeAppliedAt(at: at, laterApplied))
            }
            diagnostics += result.diagnostics
        }
        return Plan(
            at: at, inputsDigest: repo.inputsDigest, tenants: tenants, diagnostics: diagnostics,
            selection: selection)
    }

    /// The error for `at` earlier than the `appliedAt` of the tenants in `laterApplied` (docs/rules.md
    /// §4.5), at the first one's state document: for one tenant its own message, for more one
    /// error naming how many and the latest `appliedAt` (a fleet of 300 tenants printed 300
    /// identical errors for one mistaken `--at`).
    private static func atBeforeAppliedAt(
        at: Instant, _ laterApplied: [(tenant: String, appliedAt: Instant, location: SourceLocation?)]
    ) -> Diagnostic {
        let first = laterApplied[0]
        guard laterApplied.count > 1, let latest = laterApplied.map(\.appliedAt).max() else {
            return .error(
                PlanError.atBeforeAppliedAt(at: at, tenant: first.tenant, appliedAt: first.appliedAt).message,
                at: first.location)
        }
        return .error(
            PlanError.atBeforeAppliedAtOfTenants(
                at: at, count: laterApplied.count, first: first.tenant, latest: latest
            ).message, at: first.location, keeping: [first.tenant])
    }

    /// Step 1 only, for `status` (docs/cli.md §6): the recorded state replayed over (`appliedAt`, `at`] —
    /// scheduled activations, expiries, stock expiries, invalidations and the due reminders
    /// (coalesced as in docs/rules.md §4.3) — with router admission evaluated at `at` from the recorded
    /// routers. The manifest is not read. `appliedAt`, `serial` and `lineage` are left as they
    /// are; a retired tenant, or `at` before `appliedAt`, returns the state unchanged.
    ///
    /// - Returns: the replayed document and its events in docs/rules.md §4.1 order.
    public static func replay(_ state: TenantState, to at: Instant) -> (state: TenantState, events: [PlanEvent]) {
        guard state.retiredAt == nil, at >= state.appliedAt else { return (state, []) }
        var timeline = LicenseTimeline(licenses: state.licenses, paidSince: state.paidSince)
        var events = timeline.run(through: at)
        events += TenantPlanner.dueReminders(&timeline.licenses, appliedAt: state.appliedAt, at: at, renewed: [])
        let capacity = Capacity(timeline.licenses)
        let admission = Admission(
            routers: state.routers.map { ($0.serial, $0.connectedAt) }, capacity: capacity, at: at)
        var out = state
        out.licenses = timeline.licenses
        out.paidSince = timeline.paidSince
        out.routers = admission.records
        out.summary = TenantSummary(
            mode: capacity.mode, capacity: capacity.capacity,
            online: admission.online.count, offline: admission.offline.count)
        events.sortInPlanOrder()
        return (out, events)
    }

    /// The cross-tenant error that needs state (docs/rules.md §4.5): a code in one tenant's manifest and
    /// another tenant's state — of this owner or, in a shared PostgreSQL database, of another
    /// owner (docs/state.md §5.1) — naming both places, reported into `diagnostics` as
    /// ``CrossTenantError``s. (Codes and router serials declared twice in the manifests are
    /// reported by ``LicenseRepoLoader``, which sees every file.)
    static func crossTenantDiagnostics(
        repo: LicenseRepo, states: [String: PriorState], codesOfOtherOwners: [ActivationCode: OtherOwnersCode] = [:],
        into diagnostics: DiagnosticsEngine
    ) {
        var stateOwner: [ActivationCode: (tenant: String, path: String)] = [:]
        for name in states.keys.sorted() {
            guard let prior = states[name] else { continue }
            for license in prior.document.licenses where stateOwner[license.code] == nil {
                stateOwner[license.code] = (name, prior.location)
            }
        }
        let manifestNames = Set(repo.tenants.map(\.name))
        var hinted: Set<String> = []
        // Codes another owner holds: a few are errors each; more are most likely a wrong or
        // second `?owner=` on the same database, one error (newcomer run 8 printed 873).
        var ofOtherOwners: [(code: ActivationCode, tenant: String, other: OtherOwnersCode, at: SourceLocation?)] = []
        for tenant in repo.tenants {
            for license in tenant.licenses {
                let error: CrossTenantError
                if let owner = stateOwner[license.code], owner.tenant != tenant.name {
                    // A tenant renamed only in metadata.name: its state file still has the old
                    // name (docs/state.md §5: git mv it and edit its tenant field). Said once per pair.
                    if states[tenant.name] == nil, !manifestNames.contains(owner.tenant),
                        hinted.insert(owner.tenant + "\n" + tenant.name).inserted
                    {
                        let folder =
                            owner.path.hasSuffix("/\(owner.tenant).json")
                            ? String(owner.path.dropLast("\(owner.tenant).json".count)) : "state/tenants/"
                        error = .codeInRenamedTenantsState(
                            code: license.code.masked, tenant: tenant.name, owner: owner.tenant, location: owner.path,
                            folder: folder)
                    } else {
                        error = .codeInOtherTenantsState(
                            code: license.code.masked, tenant: tenant.name, owner: owner.tenant, location: owner.path)
                    }
                } else if let other = codesOfOtherOwners[license.code] {
                    ofOtherOwners.append((license.code, tenant.name, other, license.source))
                    continue
                } else {
                    continue
                }
                diagnostics.error(error.message, at: license.source)
            }
        }
        if ofOtherOwners.count > maxCodesOfOtherOwnersEach, let first = ofOtherOwners.first {
            var tenants: [String] = []
            for entry in ofOtherOwners where !tenants.contains(entry.other.tenant) {
                tenants.append(entry.other.tenant)
            }
            let error = CrossTenantError.codesOfOtherOwners(
                count: ofOtherOwners.count, otherOwners: Set(ofOtherOwners.map(\.other.owner)).sorted(),
                otherTenants: tenants, firstCode: first.code.masked, firstTenant: first.tenant,
                firstOwner: first.other.tenant, firstLocation: first.other.location)
            diagnostics.error(error.message, at: first.at)
            return
        }
        for entry in ofOtherOwners {
            let error = CrossTenantError.codeOfOtherOwner(
                code: entry.code.masked, tenant: entry.tenant, owner: entry.other.tenant, otherOwner: entry.other.owner,
                location: entry.other.location)
            diagnostics.error(error.message, at: entry.at)
        }
    }

    /// How many codes held by another owner are reported one error each; more make one error
    /// (``CrossTenantError/codesOfOtherOwners(count:otherOwners:otherTenants:firstCode:firstTenant:firstOwner:firstLocation:)``).
    static let maxCodesOfOtherOwnersEach = 3
}
