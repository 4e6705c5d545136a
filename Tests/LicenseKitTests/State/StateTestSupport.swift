import Foundation
import StateBackendConformance

@testable import LicenseKit

/// A fresh temporary repo root for one test; removed by ``remove()``.
struct TempRepo {
    let root: String

    init() throws {
        root =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("licensectl-state-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    func path(_ relative: String) -> String { root + "/" + relative }

    func write(_ relative: String, _ text: String) throws {
        let full = path(relative)
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
    }

    func read(_ relative: String) -> String? {
        FileManager.default.contents(atPath: path(relative)).map { String(decoding: $0, as: UTF8.self) }
    }

    func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path(relative)) }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    var store: StateStore { StateStore(root: root, crashAfter: nil) }
}

enum Sample {
    static func instant(_ text: String) -> Instant {
        (try? Instant.parse(text)) ?? Instant(secondsSinceEpoch: 0)
    }

    static func code(_ text: String) -> ActivationCode {
        do { return try ActivationCode(parsing: text) } catch { fatalError("bad test code: \(error)") }
    }

    /// A small document: one active paid license, one online and one offline router — the
    /// conformance suite's sample (``ConformanceSample/document(tenant:serial:appliedAt:)``).
    static func document(tenant: String = "acme", serial: Int = 1, appliedAt: String = "2026-11-29T00:00:00Z")
        -> TenantState
    {
        ConformanceSample.document(tenant: tenant, serial: serial, appliedAt: appliedAt)
    }

    static func plan(at: String = "2026-11-29T00:00:00Z", _ documents: [TenantState], changed: Bool = true) -> Plan {
        let tenants = documents.map { doc in
            TenantPlan(
                tenant: doc.tenant, prior: nil, changed: changed,
                events: [
                    PlanEvent(at: instant(at), action: .redeem, code: code("96D9-3718-59E5")),
                    PlanEvent(
                        at: instant(at), action: .activate, code: code("96D9-3718-59E5"),
                        expiresAt: instant("2027-11-29")),
                ],
                after: TenantAfter(
                    mode: .full, capacity: 1, online: ["00A0BA123456"], offline: [], licenses: LicenseCounts()),
                newState: doc)
        }
        return Plan(at: instant(at), inputsDigest: "sha256:00", tenants: tenants, diagnostics: [])
    }
}

/// The start time recorded in lock files by tests.
let start = Sample.instant("2026-11-29T10:00:00Z")
