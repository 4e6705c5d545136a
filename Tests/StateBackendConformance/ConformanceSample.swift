import LicenseKit

/// The documents and plans the conformance checks commit: `first` records tenant `acme`;
/// `second` records `acme` again (serial 2) and the new `beta` and `gamma`.
public enum ConformanceSample {
    /// The start time recorded by the checks' lock holders.
    public static let start = instant("2026-11-29T10:00:00Z")

    static func instant(_ text: String) -> Instant {
        (try? Instant.parse(text)) ?? Instant(secondsSinceEpoch: 0)
    }

    static func code(_ text: String) -> ActivationCode {
        do { return try ActivationCode(parsing: text) } catch { preconditionFailure("bad sample code: \(error)") }
    }

    static let codes = ["acme": "96D9-3718-59E5", "beta": "96D9-3718-59E6", "gamma": "96D9-3718-59E7"]

    /// A small document: one active paid license, one online and one offline router.
    public static func document(tenant: String = "acme", serial: Int = 1, appliedAt: String = "2026-11-29T00:00:00Z")
        -> TenantState
    {
        // A code of its own per tenant: a code is redeemed into exactly one tenant (PostgreSQL
        // enforces it over the whole database).
        let license = LicenseRecord(
            code: code(codes[tenant] ?? "96D9-3718-59E5"), type: .cloudBasic1, status: .active,
            issued: instant("2026-01-15"),
            term: .oneYear, activation: .immediately, redeemedAt: instant("2026-11-29"),
            activatedAt: instant("2026-11-29"), expiresAt: instant("2027-11-29"),
            source: "tenants/acme.yaml:12")
        return TenantState(
            tenant: tenant, lineage: "5b7e6c1e-2f1a-5d4b-9c3e-1a2b3c4d5e6f", serial: serial,
            appliedAt: instant(appliedAt), paidSince: instant("2026-11-29"), licenses: [license],
            routers: [
                RouterRecord(serial: "00A0BA999999", connectedAt: nil, status: .offline, reason: .notConnected),
                RouterRecord(
                    serial: "00A0BA123456", connectedAt: instant("2026-11-02T08:15:00Z"), status: .online, reason: nil),
            ],
            summary: TenantSummary(mode: .full, capacity: 1, online: 1, offline: 1))
    }

    /// A plan that records `documents`, each tenant with a redeem and an activate event.
    public static func plan(at: String = "2026-11-29T00:00:00Z", _ documents: [TenantState], changed: Bool = true)
        -> Plan
    {
        let tenants = documents.map { doc in
            TenantPlan(
                tenant: doc.tenant,
                prior: doc.serial > 1 ? PriorRef(lineage: doc.lineage, serial: doc.serial - 1) : nil,
                changed: changed,
                events: [
                    PlanEvent(at: instant(at), action: .redeem, code: doc.licenses[0].code),
                    PlanEvent(
                        at: instant(at), action: .activate, code: doc.licenses[0].code, expiresAt: instant("2027-11-29")
                    ),
                ],
                after: TenantAfter(
                    mode: .full, capacity: 1, online: ["00A0BA123456"], offline: [], licenses: LicenseCounts()),
                newState: doc)
        }
        return Plan(at: instant(at), inputsDigest: "sha256:00", tenants: tenants, diagnostics: [])
    }
}

let first = ConformanceSample.plan(at: "2026-11-29T00:00:00Z", [ConformanceSample.document()])
let second = ConformanceSample.plan(
    at: "2026-12-01T00:00:00Z",
    [
        ConformanceSample.document(tenant: "acme", serial: 2, appliedAt: "2026-12-01T00:00:00Z"),
        ConformanceSample.document(tenant: "beta", appliedAt: "2026-12-01T00:00:00Z"),
        ConformanceSample.document(tenant: "gamma", appliedAt: "2026-12-01T00:00:00Z"),
    ])
let start = ConformanceSample.start
/// Every tenant the sample plans write: what the checks lock.
let sampleTenants = ["acme", "beta", "gamma"]
