/// A license repo on disk with its state backend: the one place that strings the pipeline
/// together (Input → Reconcile → Plan), so that the CLI and the benchmark run the same code.
public struct Workspace: Sendable {
    /// The repo root (`-C DIR`).
    public var root: String
    /// The manifests' folder relative to ``root`` (`--tenants`, default `tenants`).
    public var tenantsDirectory: String
    /// Where state is recorded (`--state`, default the directory `state`).
    public var backend: any StateBackend

    /// - Parameters:
    ///   - root: the repo root (`-C`), absolute or relative to the working directory.
    ///   - tenantsDirectory: the manifests' folder relative to `root`.
    ///   - backend: the state backend.
    public init(root: String, tenantsDirectory: String = "tenants", backend: any StateBackend) {
        self.root = root
        self.tenantsDirectory = tenantsDirectory
        self.backend = backend
    }

    /// A workspace whose state is the directory `stateDirectory` (relative to `root`).
    public init(root: String, tenantsDirectory: String = "tenants", stateDirectory: String = "state") {
        self.init(
            root: root, tenantsDirectory: tenantsDirectory,
            backend: StateBackends.directory(root: root, directory: stateDirectory))
    }

    /// Everything a plan is computed from.
    public struct Inputs: Sendable {
        /// The validated manifests, the inputs digest and the loader's diagnostics.
        public var repo: LicenseRepo
        /// Every state document, by tenant name.
        public var states: [String: PriorState]
        /// Problems reading state files (docs/rules.md §4.5): each refuses the plan.
        public var stateDiagnostics: [Diagnostic]
        /// Codes redeemed by other owners sharing the state (docs/state.md §5.1).
        public var codesOfOtherOwners: [ActivationCode: OtherOwnersCode] = [:]
    }

    /// Reads the manifests, the CSV files they import and every state document.
    public func loadInputs() -> Inputs {
        let repo = loadRepo()
        let codes = Self.manifestCodes(repo)
        return inputs(repo: repo) { () throws(StateStoreError) in try backend.load(checkingCodes: codes) }
    }

    /// The codes the manifests and their CSV files name: the only ones a plan checks against
    /// other owners' (``StateBackend/load(checkingCodes:)``).
    public static func manifestCodes(_ repo: LicenseRepo) -> [ActivationCode] {
        repo.tenants.flatMap { $0.licenses.map(\.code) }
    }

    /// Reads the manifests and the CSV files they import, and state through `readState` (an
    /// apply reads it through its lease, under the lock).
    public func loadInputs(readingState readState: () throws(StateStoreError) -> LoadedState) -> Inputs {
        inputs(repo: loadRepo(), readingState: readState)
    }

    /// Reads the manifests and the CSV files they import.
    public func loadRepo() -> LicenseRepo {
        LicenseRepoLoader.load(root: root, tenantsDirectory: tenantsDirectory)
    }

    /// The inputs of a plan from manifests already read (``loadRepo()``) and state read through
    /// `readState`: an apply reads the manifests once and state again under the lock.
    public func inputs(repo: LicenseRepo, readingState readState: () throws(StateStoreError) -> LoadedState) -> Inputs {
        var repo = repo
        let state: LoadedState
        do {
            state = try readState()
        } catch {
            return Inputs(repo: repo, states: [:], stateDiagnostics: error.diagnostics)
        }
        if let pending = state.pendingApply {
            // The plan reads the interrupted apply's documents as state (what apply will find
            // after completing it); say so, or "no changes" would hide half-written state files.
            repo.diagnostics.append(
                .warning(ApplyError.interruptedApplyPending.message, at: SourceLocation(file: pending, line: 1)))
        }
        repo.diagnostics.append(contentsOf: state.warnings)
        return Inputs(
            repo: repo, states: state.states, stateDiagnostics: state.problems,
            codesOfOtherOwners: state.codesOfOtherOwners)
    }

    /// The plan at `at` (docs/rules.md §4). When a state file cannot be read the plan carries its errors
    /// and no tenants: it is refused, and nothing is planned against a partial state.
    public func plan(at: Instant, selection: TenantSelection = TenantSelection()) -> Plan {
        plan(inputs: loadInputs(), at: at, selection: selection)
    }

    /// The plan at `at` over inputs already read, for the selected tenants (docs/cli.md §5.2, docs/README.md §8
    /// "Selections").
    ///
    /// Like `terraform plan` on an invalid configuration, a repo or state with errors is not
    /// reconciled: the plan carries those errors (and the repo's warnings) and no tenants, so a
    /// typo in one license entry is reported once, not also as "license missing from the manifest".
    /// Errors reading any manifest or CSV file, and cross-tenant errors, refuse every plan; a state
    /// document that cannot be read refuses only plans whose selection includes its tenant;
    /// warnings about unselected tenants are left out.
    public func plan(inputs: Inputs, at: Instant, selection: TenantSelection = TenantSelection()) -> Plan {
        let stateErrors = inputs.stateDiagnostics.filter { d in
            guard selection.isRestricting, let tenant = stateTenant(of: d) else { return true }
            return selection.contains(tenant)
        }
        guard stateErrors.isEmpty, !inputs.repo.diagnostics.contains(where: { $0.severity == .error }) else {
            return Plan(
                at: at, inputsDigest: inputs.repo.inputsDigest, tenants: [],
                diagnostics: inputs.repo.diagnostics(selecting: selection) + stateErrors, selection: selection)
        }
        var plan = Reconciler.plan(
            repo: inputs.repo, states: inputs.states, at: at, selection: selection,
            codesOfOtherOwners: inputs.codesOfOtherOwners)
        if let notice = emptyShardNotice(plan, inputs: inputs, selection: selection) {
            plan.diagnostics = (plan.diagnostics + [notice]).sortedForOutput()
        }
        return plan
    }

    /// The warning of a `--shard` that selects no tenant (fewer tenants than shards), so that an
    /// empty plan is not printed as if all was well; `nil` otherwise (docs/cli.md §5.2). Part of
    /// every plan made with ``plan(inputs:at:selection:)``.
    public func emptyShardNotice(_ plan: Plan, inputs: Inputs, selection: TenantSelection) -> Diagnostic? {
        guard let shard = selection.shard, plan.tenants.isEmpty, !plan.hasErrors else { return nil }
        let known = knownTenants(inputs).count
        let among =
            selection.targets.isEmpty
            ? "the \(known) tenant\(known == 1 ? "" : "s") of the manifests and state" : "the tenants named by --target"
        return .warning("--shard \(shard) selects none of \(among); there is nothing to plan in this shard")
    }

    /// Every tenant name of the manifests and of state (readable or not): what `--target` may name.
    public func knownTenants(_ inputs: Inputs) -> Set<String> {
        var known = Set(inputs.repo.tenants.map(\.name)).union(inputs.states.keys)
        for d in inputs.stateDiagnostics { if let tenant = stateTenant(of: d) { known.insert(tenant) } }
        return known
    }

    /// The tenant a state diagnostic is about (at ``StateBackend/location(ofTenant:)``), `nil`
    /// for problems of the store itself.
    public func stateTenant(of diagnostic: Diagnostic) -> String? {
        diagnostic.location.flatMap { backend.tenant(atLocation: $0.file) }
    }
}

extension LicenseRepo {
    /// The loader's diagnostics for a selected run (docs/README.md §8 "Selections"): every error, and the
    /// warnings except those whose file belongs only to unselected tenants (their manifest, or a
    /// CSV file only they import). Without a selection: all of them.
    public func diagnostics(selecting selection: TenantSelection) -> [Diagnostic] {
        guard selection.isRestricting else { return diagnostics }
        var owners: [String: Set<String>] = [:]
        for tenant in tenants {
            owners[tenant.source.file, default: []].insert(tenant.name)
            for license in tenant.licenses { owners[license.source.file, default: []].insert(tenant.name) }
            for router in tenant.routers { owners[router.source.file, default: []].insert(tenant.name) }
        }
        return diagnostics.filter { d in
            guard d.severity == .warning, let file = d.location?.file, let names = owners[file] else { return true }
            return names.contains(where: selection.contains)
        }
    }
}
