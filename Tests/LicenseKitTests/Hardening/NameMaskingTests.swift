import Testing

@testable import LicenseKit

/// docs/README.md §8 "Output" masks codes, not names: a tenant named like a code
/// (`cafe-2024-0001`) and a path holding code-like digits (`outbox/site-003-20261229T051700Z.eml`)
/// stay as written, so that a user can paste them (newcomer report: `tenants/cafe-****-0001.yaml`,
/// `did you mean 'cafe-****-0001'?`, `ob/site-003-****1229T051700Z.eml`).
@Suite struct NameMaskingTests {
    @Test(arguments: [
        (
            "tenant name 'cafe-2024-0001' is also used at tenants/dup.yaml:4:9; tenant names must be unique",
            "tenant name 'cafe-2024-0001' is also used at tenants/dup.yaml:4:9; tenant names must be unique"
        ),
        (
            "tenant name 'x' is also used at tenants/cafe-2024-0001.yaml:6:9; tenant names must be unique",
            "tenant name 'x' is also used at tenants/cafe-2024-0001.yaml:6:9; tenant names must be unique"
        ),
        (
            "ob/site-003-20261229T051700Z.eml: sendmail exited with status 1",
            "ob/site-003-20261229T051700Z.eml: sendmail exited with status 1"
        ),
        (
            "outbox/site-003-20261229T051700Z.eml: sendmail exited with status 1",
            "outbox/site-003-20261229T051700Z.eml: sendmail exited with status 1"
        ),
        (
            "unknown tenant 'cafe-2024-001'; did you mean 'cafe-2024-0001'?",
            "unknown tenant 'cafe-2024-001'; did you mean 'cafe-2024-0001'?"
        ),
        ("rename the file to 'cafe-2024-0001.json' (git mv)", "rename the file to 'cafe-2024-0001.json' (git mv)"),
        ("tenant 'cafe-2024-0001' has no state", "tenant 'cafe-2024-0001' has no state"),
        // Inside a longer word: no code.
        ("message site-003-20261229T051700Z failed", "message site-003-20261229T051700Z failed"),
        // Codes next to names and paths are still masked.
        (
            "code 96D9-3718-59E5 of tenant 'cafe-2024-0001' (tenants/cafe-2024-0001.yaml:7)",
            "code 96D9-****-59E5 of tenant 'cafe-2024-0001' (tenants/cafe-2024-0001.yaml:7)"
        ),
        ("found 'cafe-2024-0001'", "found 'cafe-****-0001'"),
        // A code pasted as a tenant name is no DNS label: masked.
        ("tenant name '96D9-3718-59E5' is not a DNS label", "tenant name '96D9-****-59E5' is not a DNS label"),
        ("tenant '96d9 3718 59e5' has no state", "tenant '96d9 **** 59e5' has no state"),
        ("found 'AAAA/BBBB/0031'", "found 'AAAA/****/0031'"),
    ])
    func namesAndPathsStayCodesAreMasked(_ message: String, _ expected: String) {
        #expect(Diagnostic.error(message).message == expected)
        #expect(Diagnostic.error(message).description(showCodes: false).hasSuffix(expected))
    }

    @Test func listsOfTenantNamesStayAsWritten() {
        let show = "tenant 'x' has no state in state/tenants; tenants with state: abcd-1234-5678, cafe-2024-0001"
        #expect(Diagnostic.error(show).message == show)
        let unknown = "unknown tenant 'x': no manifest and no state file names it; known tenants: cafe-2024-0001"
        #expect(Diagnostic.error(unknown).message == unknown)
    }

    /// The consolidated line of standing warnings names unchanged tenants as written.
    @Test func consolidatedStandingWarningsNameTenantsAsWritten() throws {
        let after = TenantAfter(mode: .full, capacity: 1, online: [], offline: [], licenses: LicenseCounts())
        let names = ["cafe-2024-0001", "site-008"]
        let plan = Plan(
            at: try Instant.parse("2026-12-01T00:00:00Z"), inputsDigest: "sha256:0",
            tenants: names.map { TenantPlan(tenant: $0, prior: nil, changed: false, events: [], after: after) },
            diagnostics: names.map {
                .warning(
                    "tenant '\($0)': 2 of 3 connected routers rejected (capacity 1)",
                    at: SourceLocation(file: "tenants/\($0).yaml", line: 4, column: 9), standing: .rejectedRouters,
                    tenant: $0)
            })
        #expect(
            HumanDiagnostics(plan).diagnostics.map(\.message) == [
                "2 tenants: rejected routers (cafe-2024-0001, site-008)"
            ])
    }

    @Test func aLocationShapedLikeACodeStaysInTheDescription() {
        let d = Diagnostic.error("bad", at: SourceLocation(file: "tenants/CAFE-2024-0001.yaml", line: 3, column: 1))
        #expect(d.description(showCodes: false) == "tenants/CAFE-2024-0001.yaml:3:1: error: bad")
        #expect(
            maskingActivationCodes(in: "code CAFE-2024-0001 in tenants/CAFE-2024-0001.yaml")
                == "code CAFE-****-0001 in tenants/CAFE-2024-0001.yaml")
    }
}
