import Foundation
import Testing

/// docs/README.md §8 "Output" masks codes, not names: a tenant named like a code stays as written
/// in its path, in "did you mean" and in the list of known tenants (newcomer report:
/// `tenants/cafe-****-0001.yaml`, `did you mean 'cafe-****-0001'?`).
@Suite struct NameMaskingCLITests {
    static let manifest = """
        apiVersion: licensectl/v1
        kind: Tenant
        metadata:
          name: cafe-2024-0001
        spec: {}

        """

    @Test func aTenantNamedLikeACodeIsPrintedAsWritten() throws {
        let repo = try TempRepo.example(label: "name-mask")
        defer { repo.remove() }
        try repo.write("tenants/cafe-2024-0001.yaml", Self.manifest)
        try repo.write("tenants/dup.yaml", Self.manifest)
        let validate = try licensectl(["validate", "-C", repo.root])
        #expect(validate.status == 1, "\(validate)")
        #expect(
            validate.stderr.contains(
                "tenants/cafe-2024-0001.yaml:4:9: error: tenant name 'cafe-2024-0001' is also used at tenants/dup.yaml:4:9"
            ),
            "\(validate)")
        #expect(
            validate.stderr.contains(
                "tenants/dup.yaml:4:9: error: tenant name 'cafe-2024-0001' is also used at tenants/cafe-2024-0001.yaml:4:9"
            ),
            "\(validate)")
        #expect(!validate.stderr.contains("****"), "\(validate)")

        try FileManager.default.removeItem(atPath: repo.path("tenants/dup.yaml"))
        let plan = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29", "--target", "cafe-2024-001"])
        #expect(plan.status == 1, "\(plan)")
        #expect(plan.stderr.contains("did you mean 'cafe-2024-0001'? known tenants: acme-water"), "\(plan)")
        #expect(plan.stderr.contains(", cafe-2024-0001,"), "\(plan)")
        #expect(!plan.stderr.contains("****"), "\(plan)")
    }
}
