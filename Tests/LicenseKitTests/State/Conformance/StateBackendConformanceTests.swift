import Foundation
import StateBackendConformance
import Testing

@testable import LicenseKit

/// The state backend conformance checks (`Tests/StateBackendConformance`) on the directory
/// backend. The PostgreSQL backend runs the same checks in `LicenseKitPostgresTests`.
@Suite struct StateBackendConformanceTests {
    @Test(arguments: StateBackendConformance.checks)
    func directoryBackend(check: String) throws {
        try StateBackendConformance.run(check, on: .directory)
    }
}

extension BackendFixture {
    /// A state directory in a fresh temporary repo.
    static let directory = BackendFixture(name: "directory") {
        let repo = try TempRepo()
        return BackendUnderTest(
            root: repo.root,
            backend: StateStore(root: repo.root),
            crashing: { step in
                var store = StateStore(root: repo.root, crashAfter: step)
                store.simulateCrashByThrowing = true
                return store
            },
            crashSteps: [
                "intent-temp", "intent", "tenant-temp-1", "tenant-1", "tenant-temp-3", "tenant-3", "tenants",
                "journal-torn", "journal", "done",
            ],
            corrupt: { tenant in try repo.write("state/tenants/\(tenant).json", "{\"formatVersion\": 1, ") },
            cleanup: { repo.remove() })
    }
}
