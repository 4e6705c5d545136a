/// The human plan (`plan --format text`), read like a careful Terraform plan (docs/cli.md §6, issue 4).
///
/// Shape: a header with the plan's `at`; one block per changed tenant (`+ tenant x (new)` or
/// `~ tenant x (serial 3 → 4)`) with its license events in time order as aligned lines — instant,
/// signed action, code, details — then capacity, mode, online and offline before → after, then
/// the routers whose admission changes, one aligned line per kind (`! reject  12 routers
/// capacity: A, B, … and 2 more`; router events all happen at the plan's `at`, docs/rules.md §4); one line for the unchanged tenants; the diagnostics
/// compiler-style, standing warnings of unchanged tenants consolidated (``HumanDiagnostics``,
/// docs/README.md §8 "Output"); and a summary line. No colour codes. Codes are masked unless `showCodes`
/// (docs/formats.md §3.4), in diagnostic messages too.
public enum PlanText {
    /// How many serials an admission line lists before `… and N more`.
    static let routerListLimit = 10

    /// The plan as text, lines separated and ended by `\n`.
    ///
    /// - Parameter includeDiagnostics: list the diagnostics before the summary line; the CLI
    ///   passes `false` because it prints them on stderr (docs/cli.md §6).
    public static func render(_ plan: Plan, showCodes: Bool, includeDiagnostics: Bool = true) -> String {
        var lines = ["licensectl plan at \(plan.at)"]
        for tenant in plan.tenants where tenant.changed {
            lines.append("")
            lines += block(tenant, showCodes: showCodes)
        }
        let unchanged = plan.tenants.count - plan.summary.changed
        if unchanged > 0 {
            lines.append("")
            lines.append("\(counted(unchanged, "tenant")) unchanged")
        }
        let diagnostics = includeDiagnostics ? HumanDiagnostics(plan).diagnostics : []
        if !diagnostics.isEmpty {
            lines.append("")
            lines += diagnostics.map { $0.description(showCodes: showCodes) }
        }
        lines.append("")
        lines.append(summaryLine(plan))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `Plan: 4 tenants, 2 changed — redeem 10, activate 8, reject 2 · 0 errors, 3 warnings`, or
    /// `No changes. State is up to date.` (with the diagnostic counts when there are warnings),
    /// or, for a plan with errors, which is refused, `Plan refused: 2 errors, 0 warnings; nothing
    /// can be applied: fix the errors and plan again` (not "0 tenants", which reads as an empty
    /// repo).
    public static func summaryLine(_ plan: Plan) -> String {
        let s = plan.summary
        let diagnostics = "\(counted(s.errors, "error")), \(counted(s.warnings, "warning"))"
        if s.errors > 0 {
            return "Plan refused: \(diagnostics); nothing can be applied: fix the errors and plan again"
        }
        if s.changed == 0 {
            return "No changes. State is up to date." + (s.warnings > 0 ? " · \(diagnostics)" : "")
        }
        let actions = actionCounts(s).map { "\($0.action.rawValue) \($0.count)" }.joined(separator: ", ")
        return "Plan: \(counted(s.tenants, "tenant")), \(s.changed) changed"
            + (actions.isEmpty ? "" : " — \(actions)") + " · \(diagnostics)"
    }

    /// The block of one changed tenant: header, license events, counts, router changes.
    static func block(_ tenant: TenantPlan, showCodes: Bool) -> [String] {
        var lines = [header(tenant)]
        let indent = "    "
        let rows = tenant.events.filter { !RouterChangeGroup.isRouterEvent($0) }.map { e in
            [e.at.description, e.action.signed, e.subject(showCodes: showCodes), e.details(showCodes: showCodes)]
        }
        lines += TextColumns.align(rows).map { indent + $0 }
        let b = tenant.before
        let a = tenant.after
        lines.append(
            indent
                + [
                    "capacity \(transition(b?.capacity, a.capacity))",
                    "mode \(transition(b?.mode.rawValue, a.mode.rawValue))",
                    "online \(transition(b?.online, a.online.count))",
                    "offline \(transition(b?.offline, a.offline.count))",
                ].joined(separator: ", "))
        let groups = RouterChangeGroup.groups(of: tenant.events).map { g in
            [g.action.signed, g.countText, g.listText(limit: routerListLimit)]
        }
        lines += TextColumns.align(groups).map { indent + $0 }
        return lines
    }

    /// `+ tenant x (new)`, `~ tenant x (serial 3 → 4)`, `- tenant x (retired, serial 3 → 4)`.
    static func header(_ tenant: TenantPlan) -> String {
        guard let prior = tenant.prior else { return "+ tenant \(tenant.tenant) (new)" }
        let serial = "serial \(prior.serial) → \(prior.serial + 1)"
        if tenant.events.contains(where: { $0.action == .retire }) {
            return "- tenant \(tenant.tenant) (retired, \(serial))"
        }
        return "~ tenant \(tenant.tenant) (\(serial))"
    }

    /// The plan's action counts in the tie order of docs/rules.md §4.1, kinds with no event left out.
    static func actionCounts(_ summary: PlanSummary) -> [(action: Action, count: Int)] {
        Action.allCases.compactMap { a in summary.actions[a.rawValue].map { (a, $0) } }.filter { $0.count > 0 }
    }
}
