import Foundation
import LicenseKit

/// The shape of a first plan (no state yet) reduced to counts: what the benchmark asserts so that
/// a fast wrong answer cannot pass (issue 6). The generator predicts it from what it wrote; the
/// plan's JSON (whole process) or ``Plan`` value (in process) must match it exactly.
public struct PlanCounts: Sendable, Equatable, CustomStringConvertible {
    /// Tenants in the plan.
    public var tenants = 0
    /// Error diagnostics (`summary.errors`).
    public var errors = 0
    /// Events per JSON `action` (`redeem`, `activate`, `schedule`, `admit`, `reject`, …).
    public var actions: [String: Int] = [:]
    /// Routers in `after.online`, summed over tenants.
    public var online = 0
    /// Routers in `after.offline`, by `reason`.
    public var offline: [String: Int] = [:]
    /// `after.capacity`, summed over tenants.
    public var capacity = 0
    /// Tenants by `after.mode`.
    public var modes: [String: Int] = [:]

    /// Events over all actions.
    public var events: Int { actions.values.reduce(0, +) }
    /// Routers online or offline.
    public var routers: Int { online + offline.values.reduce(0, +) }

    /// Adds another plan's counts (one more tenant's) to these.
    public mutating func add(_ other: PlanCounts) {
        tenants += other.tenants
        errors += other.errors
        actions.merge(other.actions, uniquingKeysWith: +)
        online += other.online
        offline.merge(other.offline, uniquingKeysWith: +)
        capacity += other.capacity
        modes.merge(other.modes, uniquingKeysWith: +)
    }

    /// One line naming every count, for failure messages.
    public var description: String {
        func list(_ d: [String: Int]) -> String {
            d.filter { $0.value != 0 }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(
                separator: ", ")
        }
        return "tenants \(tenants), errors \(errors), events \(events) (\(list(actions))), "
            + "online \(online), offline \(routers - online) (\(list(offline))), capacity \(capacity), "
            + "modes (\(list(modes)))"
    }

    /// Reads the counts from plan JSON as docs/cli.md §6 defines it (only contract keys are used).
    public init(planJSON data: Data) throws {
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let tenantList = root["tenants"] as? [[String: Any]],
            let summary = root["summary"] as? [String: Any]
        else { throw BenchError("plan output is not plan JSON (docs/cli.md §6): no `tenants` or `summary`") }
        tenants = tenantList.count
        errors = summary["errors"] as? Int ?? -1
        for tenant in tenantList {
            for event in tenant["events"] as? [[String: Any]] ?? [] {
                actions[event["action"] as? String ?? "?", default: 0] += 1
            }
            guard let after = tenant["after"] as? [String: Any] else {
                throw BenchError("plan JSON: tenant \(tenant["tenant"] ?? "?") has no `after`")
            }
            online += (after["online"] as? [Any])?.count ?? 0
            for router in after["offline"] as? [[String: Any]] ?? [] {
                offline[router["reason"] as? String ?? "?", default: 0] += 1
            }
            capacity += after["capacity"] as? Int ?? 0
            modes[after["mode"] as? String ?? "?", default: 0] += 1
        }
    }

    /// Reads the counts from an in-process ``Plan``.
    public init(plan: Plan) {
        tenants = plan.tenants.count
        errors = plan.diagnostics.filter { $0.severity == .error }.count
        for tenant in plan.tenants {
            for event in tenant.events { actions[event.action.rawValue, default: 0] += 1 }
            online += tenant.after.online.count
            for router in tenant.after.offline { offline[router.reason.rawValue, default: 0] += 1 }
            capacity += tenant.after.capacity
            modes[tenant.after.mode.rawValue, default: 0] += 1
        }
    }

    /// All counts zero.
    public init() {}

    /// Throws unless `actual` equals `self`, naming every difference.
    public func expectMatch(_ actual: PlanCounts, what: String) throws {
        guard actual != self else { return }
        throw BenchError(
            """
            \(what) does not have the expected counts — a fast wrong answer cannot pass.
              expected: \(self)
              actual:   \(actual)
            """)
    }
}

/// A benchmark failure with a message for the user.
public struct BenchError: Error, CustomStringConvertible {
    /// The message shown to the user.
    public var description: String

    /// A failure saying `description`.
    public init(_ description: String) {
        self.description = description
    }
}
