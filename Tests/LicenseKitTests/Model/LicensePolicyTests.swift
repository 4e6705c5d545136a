import Testing

@testable import LicenseKit

/// Each type's policy is the table of docs/architecture.md "Add a license type" (docs/rules.md §1),
/// and capacity and mode are added up from the policies (R1, R7).
@Suite struct LicensePolicyTests {
    @Test(arguments: [
        (
            LicenseType.cloudBasic1,
            LicensePolicy(
                capacity: 1, isPaid: true, exclusive: false, invalidatedByPaid: false,
                fixedTerm: nil, renewable: false, mode: .full)
        ),
        (
            .cloudBasic25,
            LicensePolicy(
                capacity: 25, isPaid: true, exclusive: false, invalidatedByPaid: false,
                fixedTerm: nil, renewable: false, mode: .full)
        ),
        (
            .cloudFree,
            LicensePolicy(
                capacity: 1000, isPaid: false, exclusive: true, invalidatedByPaid: true,
                fixedTerm: .oneYear, renewable: true, mode: .limited)
        ),
    ])
    func policyOfEachType(type: LicenseType, expected: LicensePolicy) {
        #expect(type.policy == expected)
        #expect(type.capacity == expected.capacity)
        #expect(type.isPaid == expected.isPaid)
        #expect(type.invalidatedByPaid == expected.invalidatedByPaid)
    }

    private static func active(_ n: Int, _ type: LicenseType) -> LicenseRecord {
        let code = Fx.code(n)
        return LicenseRecord(
            code: code, type: type, status: .active, issued: Fx.t("2026-01-01"), term: .oneYear,
            activation: .immediately, redeemedAt: Fx.t("2026-01-01"),
            activatedAt: Fx.t("2026-01-01"), expiresAt: Fx.t("2027-01-01"), source: "t.yaml")
    }

    @Test(arguments: [
        ([LicenseType](), Capacity(mode: .disabled, capacity: 0)),
        ([.cloudFree], Capacity(mode: .limited, capacity: 1000)),
        ([.cloudBasic1, .cloudBasic25], Capacity(mode: .full, capacity: 26)),
        ([.cloudFree, .cloudBasic1], Capacity(mode: .full, capacity: 1)),
        ([.cloudBasic25, .cloudFree, .cloudBasic25], Capacity(mode: .full, capacity: 50)),
    ])
    func r1_r7_capacityAndModeAddUpFromThePolicies(types: [LicenseType], expected: Capacity) {
        let licenses = types.enumerated().map { Self.active($0.offset + 1, $0.element) }
        #expect(Capacity(licenses) == expected)
    }

    @Test func licensesNotActiveOrArchivedDoNotCount() {
        var archived = Self.active(1, .cloudBasic25)
        archived.archivedAt = Fx.t("2026-02-01")
        var expired = Self.active(2, .cloudBasic1)
        expired.status = .expired
        #expect(Capacity([archived, expired, Self.active(3, .cloudFree)]) == Capacity(mode: .limited, capacity: 1000))
    }
}
