/// The diagnostics of a plan as human output shows them (docs/cli.md §6, docs/README.md §8 "Output"): warnings that
/// only repeat a standing condition of an unchanged tenant — rejected routers, stock expiring,
/// Cloud Free near expiry without renew, reminders without contacts — are consolidated into one
/// warning per kind, `N tenants: <kind> (t1, t2, t3 and N−3 more)`; every other diagnostic is
/// kept in full. JSON and `--format github` use ``Plan/diagnostics`` instead.
public struct HumanDiagnostics: Sendable, Hashable {
    /// Errors, then warnings of changed tenants and of the repo, each in the plan's order, then
    /// one consolidated warning per kind (docs/README.md §8 order of kinds), without a place.
    public var diagnostics: [Diagnostic]
    /// The standing warnings of unchanged tenants that the consolidated lines stand for, in the
    /// plan's order (Markdown lists them in a collapsed section).
    public var consolidated: [Diagnostic]
    /// Every diagnostic of the plan, none folded, in the order a pull request's reader needs:
    /// errors, then the warnings of changed tenants and of the repo, then the standing warnings
    /// of unchanged tenants (``consolidated``). `plan --format github` prints this order, so
    /// that GitHub's cap on annotations per step (10 warnings) is spent on what the change
    /// touched first (README "Choices where the contract is silent").
    public var inFull: [Diagnostic]

    /// How many tenants a consolidated line names before `and N more`.
    public static let tenantListLimit = 3

    /// Splits `plan`'s diagnostics (see the type's documentation).
    public init(_ plan: Plan) {
        let unchanged = Set(plan.tenants.lazy.filter { !$0.changed }.map(\.tenant))
        var kept: [Diagnostic] = []
        var folded: [Diagnostic] = []
        var tenants: [StandingCondition.Kind: Set<String>] = [:]
        for d in plan.diagnostics {
            if d.severity == .warning, let s = d.standing, unchanged.contains(s.tenant) {
                folded.append(d)
                tenants[s.kind, default: []].insert(s.tenant)
            } else {
                kept.append(d)
            }
        }
        let ordered = kept.filter { $0.severity == .error } + kept.filter { $0.severity == .warning }
        let lines = StandingCondition.Kind.allCases.compactMap { kind in
            tenants[kind].map {
                // The tenant names listed are names, not codes, whatever their shape.
                Diagnostic.warning(Self.line(kind, tenants: $0.sorted()), keeping: Array($0))
            }
        }
        diagnostics = ordered + lines
        consolidated = folded
        inFull = ordered + folded
    }

    /// `297 tenants: rejected routers (a, b, c and 294 more)`; `1 tenant: stock expiring (a)`.
    static func line(_ kind: StandingCondition.Kind, tenants: [String]) -> String {
        let shown = tenants.prefix(tenantListLimit).joined(separator: ", ")
        let more = tenants.count > tenantListLimit ? " and \(tenants.count - tenantListLimit) more" : ""
        return "\(counted(tenants.count, "tenant")): \(kind.rawValue) (\(shown)\(more))"
    }
}
