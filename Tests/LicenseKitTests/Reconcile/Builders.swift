@testable import LicenseKit

/// Small builders for reconciler tests: manifests and states as values, no files.
enum Fx {
    static let file = "tenants/acme.yaml"
    static let digest = "sha256:0000000000000000000000000000000000000000000000000000000000000000"

    /// An instant from `YYYY-MM-DD` or an RFC 3339 date-time.
    static func t(_ text: String) -> Instant {
        // Test inputs are literals known to be valid.
        try! Instant.parse(text)
    }

    /// A distinct activation code per number, e.g. 1 → `0000-0000-0001`.
    static func code(_ n: Int) -> ActivationCode {
        let hex = String(n, radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: max(0, 12 - hex.count)) + hex
        return try! ActivationCode(parsing: padded)
    }

    static func loc(_ line: Int, column: Int = 7, file: String = Fx.file) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }

    /// A manifest license; its source line is 10 + n, its `activate` at column 17 of that line.
    static func lic(
        _ n: Int, _ type: LicenseType = .cloudBasic1, issued: String = "2026-01-01", term: Term = .oneYear,
        activate: ActivationRequest? = nil, renew: Bool = false, file: String = Fx.file
    ) -> DesiredLicense {
        DesiredLicense(
            code: code(n), type: type, issued: t(issued), term: term, activation: activate, renew: renew,
            source: loc(10 + n, file: file),
            activationSource: activate == nil ? nil : loc(10 + n, column: 17, file: file))
    }

    static func on(_ text: String) -> ActivationRequest { .at(t(text)) }

    /// A router `R<n>` (zero-padded to 3 digits), source line 200 + n.
    static func router(_ n: Int, _ connectedAt: String?, file: String = Fx.file) -> DesiredRouter {
        DesiredRouter(serial: serial(n), connectedAt: connectedAt.map(t), source: loc(200 + n, file: file))
    }

    static func serial(_ n: Int) -> String {
        let s = String(n)
        return "R" + String(repeating: "0", count: max(0, 3 - s.count)) + s
    }

    /// `count` routers connected one minute apart from `from`.
    static func routers(_ count: Int, from: String = "2026-01-01T00:00:00Z") -> [DesiredRouter] {
        let start = t(from)
        return (1...max(1, count)).prefix(count).map { n in
            DesiredRouter(
                serial: serial(n), connectedAt: Instant(secondsSinceEpoch: start.secondsSinceEpoch + Int64(n) * 60),
                source: loc(200 + n))
        }
    }

    static func tenant(
        _ name: String = "acme", _ licenses: [DesiredLicense] = [], routers: [DesiredRouter] = [],
        contacts: [String] = ["ops@acme.example"], file: String = Fx.file
    ) -> TenantManifest {
        TenantManifest(
            name: name, contacts: contacts, licenses: licenses, routers: routers, source: loc(4, column: 9, file: file))
    }

    static func repo(_ tenants: TenantManifest...) -> LicenseRepo {
        LicenseRepo(tenants: tenants, inputsDigest: digest, diagnostics: [])
    }

    static func statePath(_ tenant: String) -> String { "state/tenants/\(tenant).json" }

    /// Plans at `at` and applies: returns the plan and the states with every changed tenant written.
    static func apply(_ repo: LicenseRepo, _ states: [String: PriorState] = [:], at: String) -> (
        plan: Plan, states: [String: PriorState]
    ) {
        let plan = Reconciler.plan(repo: repo, states: states, at: t(at))
        var out = states
        for tenant in plan.tenants where tenant.changed {
            if let doc = tenant.newState {
                out[tenant.tenant] = PriorState(document: doc, location: statePath(tenant.tenant))
            }
        }
        return (plan, out)
    }

    static func license(_ plan: Plan, _ n: Int, tenant: String = "acme") -> LicenseRecord? {
        plan.tenants.first { $0.tenant == tenant }?.newState?.licenses.first { $0.code == code(n) }
    }

    static func tenantPlan(_ plan: Plan, _ tenant: String = "acme") -> TenantPlan? {
        plan.tenants.first { $0.tenant == tenant }
    }

    /// `action code-or-serial @instant` lines of a tenant's events, for compact assertions.
    static func events(_ plan: Plan, _ tenant: String = "acme") -> [String] {
        (tenantPlan(plan, tenant)?.events ?? []).map { e in
            var s = "\(e.at) \(e.action.rawValue) \(e.code?.canonical ?? e.serial ?? "")"
            if let r = e.reason { s += " \(r.rawValue)" }
            return s
        }
    }

    static func errors(_ plan: Plan) -> [Diagnostic] { plan.diagnostics.filter { $0.severity == .error } }
    static func warnings(_ plan: Plan) -> [Diagnostic] { plan.diagnostics.filter { $0.severity == .warning } }
}
