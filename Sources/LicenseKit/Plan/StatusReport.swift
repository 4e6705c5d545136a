/// What `licensectl status` shows per tenant, as of an instant, from recorded state only
/// (docs/cli.md §6 `status`: step 1 of §4, no manifest).
public struct TenantStatusReport: Sendable, Hashable {
    /// The tenant's name.
    public var tenant: String
    /// When the state was last applied (UTC), and its serial.
    public var appliedAt: Instant
    /// The state document's serial.
    public var serial: Int
    /// When the tenant was retired (UTC); `nil` for a tenant with a manifest.
    public var retiredAt: Instant?
    /// `full` or `limited` (docs/rules.md §1).
    public var mode: TenantMode
    /// How many routers may be online (docs/rules.md R8).
    public var capacity: Int
    /// License counts by status.
    public var licenses: LicenseCounts
    /// The earliest `expiresAt` of an active license, if any (docs/README.md §8 "Output").
    public var nextExpiry: Instant?
    /// Whole days from the instant to ``nextExpiry``: ⌊(expiresAt − at) / 1 day⌋ (docs/README.md §8).
    public var daysLeft: Int64?
    /// Routers sorted by serial, with status and reason at the instant.
    public var routers: [RouterRecord]

    /// Routers online.
    public var online: Int { routers.filter { $0.status == .online }.count }
    /// Routers offline.
    public var offline: Int { routers.count - online }

    /// Replays `state` to `at` (recorded facts only) and summarizes it.
    public init(state: TenantState, at: Instant) {
        let replayed = Reconciler.replay(state, to: at).state
        tenant = replayed.tenant
        appliedAt = state.appliedAt
        serial = state.serial
        retiredAt = replayed.retiredAt
        mode = replayed.summary.mode
        capacity = replayed.summary.capacity
        var counts = LicenseCounts()
        for license in replayed.licenses where license.archivedAt == nil { counts[license.status] += 1 }
        licenses = counts
        nextExpiry = replayed.licenses
            .filter { $0.archivedAt == nil && $0.status == .active }
            .compactMap(\.expiresAt).min()
        daysLeft = nextExpiry.map { expiry in
            let seconds = expiry.secondsSinceEpoch - at.secondsSinceEpoch
            return seconds >= 0 ? seconds / 86_400 : -((-seconds + 86_399) / 86_400)
        }
        routers = replayed.routers
    }
}

/// Renders `status` as text or JSON.
public enum StatusRender {
    /// The fleet table (docs/cli.md §6 `status`): a header line, then one aligned line per tenant with
    /// mode, capacity, online and offline routers, licenses by status, next expiry and days left
    /// (`-` without an active license); a retired tenant's mode reads `retired`.
    public static func table(_ reports: [TenantStatusReport], at: Instant) -> String {
        var out = "licensectl status at \(at)\n"
        if reports.isEmpty { return out + "\nNo tenant has state yet. Run `licensectl apply` first.\n" }
        var rows = [
            [
                "TENANT", "MODE", "CAPACITY", "ONLINE", "OFFLINE", "ACTIVE", "SCHEDULED", "AVAILABLE",
                "EXPIRED", "INVALID", "NEXT EXPIRY", "DAYS LEFT",
            ]
        ]
        for r in reports {
            let l = r.licenses
            rows.append([
                r.tenant, r.retiredAt == nil ? r.mode.rawValue : "retired", "\(r.capacity)", "\(r.online)",
                "\(r.offline)", "\(l.active)", "\(l.scheduled)", "\(l.available)", "\(l.expired)",
                "\(l.invalid)", r.nextExpiry?.description ?? "-", r.daysLeft.map { "\($0)" } ?? "-",
            ])
        }
        out += "\n" + TextColumns.align(rows).map { $0 + "\n" }.joined()
        let routers = reports.reduce(0) { $0 + $1.routers.count }
        let offline = reports.reduce(0) { $0 + $1.offline }
        out +=
            "\n\(reports.count) tenant(s), \(routers) router(s), \(offline) offline. "
            + "Details: licensectl status TENANT …\n"
        return out
    }

    /// Human text: one block per tenant with its routers (offline ones with their reason).
    public static func text(_ reports: [TenantStatusReport], at: Instant) -> String {
        var out = "licensectl status at \(at)\n"
        if reports.isEmpty { return out + "\nNo tenant has state yet. Run `licensectl apply` first.\n" }
        for r in reports {
            out += "\n\(r.tenant)  (serial \(r.serial), applied \(r.appliedAt)"
            if let retiredAt = r.retiredAt { out += ", retired \(retiredAt)" }
            out += ")\n"
            out += "  mode \(r.mode.rawValue), capacity \(r.capacity), \(r.online) online, \(r.offline) offline\n"
            let l = r.licenses
            out +=
                "  licenses: \(l.active) active, \(l.scheduled) scheduled, \(l.available) available, "
                + "\(l.expired) expired, \(l.invalid) invalid\n"
            out += "  next expiry: " + (r.nextExpiry.map { "\($0) (\(r.daysLeft ?? 0) days left)" } ?? "none") + "\n"
            if !r.routers.isEmpty {
                let rows = r.routers.map { router in
                    [
                        "    " + router.serial, router.status.rawValue, router.reason?.rawValue ?? "",
                        router.connectedAt.map { "connected \($0)" } ?? "not connected",
                    ]
                }
                out += "  routers:\n"
                out += TextColumns.align(rows).map { $0 + "\n" }.joined()
            }
        }
        return out
    }

    /// JSON: `{"at", "tenants": [{"tenant", "serial", "appliedAt", "retiredAt", "mode",
    /// "capacity", "online", "offline", "licenses": {by status}, "nextExpiry", "daysLeft",
    /// "routers": [{"serial", "connectedAt", "status", "reason"}]}]}`; instants UTC, absent ones null.
    public static func json(_ reports: [TenantStatusReport], at: Instant) -> String {
        func instant(_ i: Instant?) -> JSONValue { i.map { .string($0.description) } ?? .null }
        let tenants: [JSONValue] = reports.map { r in
            .object([
                "tenant": .string(r.tenant), "serial": .int(r.serial), "appliedAt": instant(r.appliedAt),
                "retiredAt": instant(r.retiredAt), "mode": .string(r.mode.rawValue), "capacity": .int(r.capacity),
                "online": .int(r.online), "offline": .int(r.offline),
                "licenses": .object(
                    Dictionary(
                        uniqueKeysWithValues: LicenseStatus.allCases.map {
                            ($0.rawValue, JSONValue.int(r.licenses[$0]))
                        })),
                "nextExpiry": instant(r.nextExpiry),
                "daysLeft": r.daysLeft.map { .int(Int($0)) } ?? .null,
                "routers": .array(
                    r.routers.map { router in
                        .object([
                            "serial": .string(router.serial), "connectedAt": instant(router.connectedAt),
                            "status": .string(router.status.rawValue),
                            "reason": router.reason.map { .string($0.rawValue) } ?? .null,
                        ])
                    }),
            ])
        }
        return JSONValue.object(["at": .string(at.description), "tenants": .array(tenants)]).serialized()
    }
}
