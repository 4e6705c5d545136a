/// A license repo on disk with its state directory: the one place that strings the pipeline
/// together (Input → Reconcile → Plan), so that the CLI and the benchmark run the same code.
public struct Workspace: Sendable {
    /// The repo root (`-C DIR`).
    public var root: String
    /// The manifests' folder relative to ``root`` (`--tenants`, default `tenants`).
    public var tenantsDirectory: String
    /// The state store over `--state` (default `state`).
    public var store: StateStore

    /// - Parameters:
    ///   - root: the repo root (`-C`), absolute or relative to the working directory.
    ///   - tenantsDirectory: the manifests' folder relative to `root`.
    ///   - stateDirectory: the state directory relative to `root`.
    public init(root: String, tenantsDirectory: String = "tenants", stateDirectory: String = "state") {
        self.root = root
        self.tenantsDirectory = tenantsDirectory
        self.store = StateStore(root: root, directory: stateDirectory)
    }

    /// Everything a plan is computed from.
    public struct Inputs: Sendable {
        /// The validated manifests, the inputs digest and the loader's diagnostics.
        public var repo: LicenseRepo
        /// Every state document, by tenant name.
        public var states: [String: PriorState]
        /// Problems reading state files (SPEC §4.5): each refuses the plan.
        public var stateDiagnostics: [Diagnostic]
    }

    /// Reads the manifests, the CSV files they import and every state document.
    public func loadInputs() -> Inputs {
        var repo = LicenseRepoLoader.load(root: root, tenantsDirectory: tenantsDirectory)
        if let pending = store.pendingApply {
            // The plan reads the interrupted apply's documents as state (what apply will find
            // after completing it); say so, or "no changes" would hide half-written state files.
            repo.diagnostics.append(.warning(
                "an apply was interrupted; its intent is pending and the next apply completes it first (this plan already counts it as state): run apply before committing state/",
                at: SourceLocation(file: pending, line: 1)))
        }
        do {
            return Inputs(repo: repo, states: try store.loadAll(), stateDiagnostics: [])
        } catch {
            return Inputs(repo: repo, states: [:], stateDiagnostics: error.diagnostics)
        }
    }

    /// The plan at `at` (SPEC §4). When a state file cannot be read the plan carries its errors
    /// and no tenants: it is refused, and nothing is planned against a partial state.
    public func plan(at: Instant) -> Plan {
        plan(inputs: loadInputs(), at: at)
    }

    /// The plan at `at` over inputs already read.
    ///
    /// Like `terraform plan` on an invalid configuration, a repo or state with errors is not
    /// reconciled: the plan carries those errors (and the repo's warnings) and no tenants, so a
    /// typo in one license entry is reported once, not also as "license missing from the manifest".
    public func plan(inputs: Inputs, at: Instant) -> Plan {
        guard inputs.stateDiagnostics.isEmpty, !inputs.repo.diagnostics.contains(where: { $0.severity == .error }) else {
            return Plan(at: at, inputsDigest: inputs.repo.inputsDigest, tenants: [],
                        diagnostics: inputs.repo.diagnostics + inputs.stateDiagnostics)
        }
        return Reconciler.plan(repo: inputs.repo, states: inputs.states, at: at)
    }
}
