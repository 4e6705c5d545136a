@testable import LicenseKit

/// Hand-built plans for the renderer tests (the reconciler is not involved).
enum PlanFixtures {
    static func instant(_ text: String) -> Instant {
        try! Instant.parse(text)
    }

    static func code(_ text: String) -> ActivationCode {
        try! ActivationCode(parsing: text)
    }

    static let at = instant("2026-11-29T00:00:00Z")
    static let digest = "sha256:5d41402abc4b2a76b9719d911017c592ae2b0e3f6f2d7d2c1d3c8a9b0e1f2a3b"

    /// Every full code used below: none of them may appear in masked output.
    static let allCodes = [
        "96D9-3718-59E5", "1A2B-3C4D-5E6F", "0F0F-1234-ABCD", "7777-8888-9999", "ABCD-EF01-2345",
        "C0DE-F00D-BEEF", "FEED-FACE-CAFE", "2222-3333-4444",
    ]

    static func event(
        _ at: String, _ action: Action, code c: String? = nil, serial: String? = nil,
        scheduledAt: String? = nil, from: String? = nil, expiresAt: String? = nil,
        slot: String? = nil, reason: RejectionReason? = nil
    ) -> PlanEvent {
        PlanEvent(
            at: instant(at), action: action, code: c.map(code), serial: serial,
            scheduledAt: scheduledAt.map(instant), from: from.map(instant), expiresAt: expiresAt.map(instant),
            slot: slot.map(instant), reason: reason)
    }

    static func counts(available: Int = 0, scheduled: Int = 0, active: Int = 0, expired: Int = 0, invalid: Int = 0)
        -> LicenseCounts
    {
        var c = LicenseCounts()
        c.available = available
        c.scheduled = scheduled
        c.active = active
        c.expired = expired
        c.invalid = invalid
        return c
    }

    static func serials(_ range: ClosedRange<Int>) -> [String] {
        range.map { "00A0BA" + String(repeating: "0", count: 6 - String($0).count) + String($0) }
    }

    /// A first plan: one tenant without state, redeeming, activating, scheduling and admitting.
    static var newTenant: Plan {
        let t = "2026-11-29T00:00:00Z"
        let events = [
            event(t, .redeem, code: "96D9-3718-59E5"),
            event(t, .redeem, code: "1A2B-3C4D-5E6F"),
            event(t, .redeem, code: "0F0F-1234-ABCD"),
            event(t, .schedule, code: "1A2B-3C4D-5E6F", scheduledAt: "2026-12-01T00:00:00Z"),
            event(t, .activate, code: "96D9-3718-59E5", expiresAt: "2027-11-29T00:00:00Z"),
            event(t, .activate, code: "0F0F-1234-ABCD", expiresAt: "2027-11-29T00:00:00Z"),
            event(t, .reject, serial: "00A0BA000003", reason: .capacity),
            event(t, .reject, serial: "00A0BA000009", reason: .notConnected),
            event(t, .admit, serial: "00A0BA000001"),
            event(t, .admit, serial: "00A0BA000002"),
        ].sorted(by: PlanEvent.ordered)
        let acme = TenantPlan(
            tenant: "acme-water", prior: nil, changed: true, events: events,
            after: TenantAfter(
                mode: .full, capacity: 2, online: ["00A0BA000001", "00A0BA000002"],
                offline: [
                    OfflineRouter(serial: "00A0BA000003", reason: .capacity),
                    OfflineRouter(serial: "00A0BA000009", reason: .notConnected),
                ],
                licenses: counts(scheduled: 1, active: 2)),
            contacts: ["ops@acme.example"])
        return Plan(
            at: at, inputsDigest: digest, tenants: [acme],
            diagnostics: [
                .warning(
                    "1 router rejected in tenant acme-water: capacity 2, 3 connected",
                    at: SourceLocation(file: "tenants/acme-water.yaml", line: 4, column: 3))
            ])
    }

    /// A later plan over four tenants: expiries, a reminder, a reschedule, a paid activation that
    /// invalidates Cloud Free and rejects 12 routers, a removed router; two tenants unchanged.
    static var changes: Plan {
        let t = "2026-11-29T00:00:00Z"
        let acmeEvents = [
            event("2026-11-20T00:00:00Z", .expire, code: "7777-8888-9999"),
            event("2026-11-20T00:00:00Z", .expire, code: "ABCD-EF01-2345"),
            event(
                "2026-11-27T00:00:00Z", .notify, code: "96D9-3718-59E5", expiresAt: "2026-12-06T00:00:00Z",
                slot: "2026-11-27T00:00:00Z"),
            event(t, .redeem, code: "FEED-FACE-CAFE"),
            event(t, .schedule, code: "FEED-FACE-CAFE", scheduledAt: "2026-12-15T00:00:00Z"),
            event(
                t, .reschedule, code: "1A2B-3C4D-5E6F", scheduledAt: "2027-01-10T00:00:00Z",
                from: "2026-12-01T00:00:00Z"),
            event(t, .reject, serial: "00A0BA000009", reason: .capacity),
            event(t, .reject, serial: "00A0BA000010", reason: .capacity),
            event(t, .remove, serial: "00A0BA000011"),
        ].sorted(by: PlanEvent.ordered)
        let acme = TenantPlan(
            tenant: "acme-water", prior: PriorRef(lineage: "6f1c0d1e-8a9b-5c2d-9e3f-0a1b2c3d4e5f", serial: 3),
            changed: true, events: acmeEvents,
            after: TenantAfter(
                mode: .full, capacity: 8, online: serials(1...8),
                offline: serials(9...10).map { OfflineRouter(serial: $0, reason: .capacity) },
                licenses: counts(scheduled: 2, active: 8, expired: 2)),
            before: TenantSummary(mode: .full, capacity: 10, online: 10, offline: 0))
        let beta = TenantPlan(
            tenant: "beta-gas", prior: PriorRef(lineage: "0b7e2f5a-1c3d-5e4f-8a9b-1c2d3e4f5a6b", serial: 7),
            changed: false, events: [],
            after: TenantAfter(
                mode: .limited, capacity: 1000, online: ["BG-1", "BG-2", "BG-3"], offline: [],
                licenses: counts(active: 1)),
            before: TenantSummary(mode: .limited, capacity: 1000, online: 3, offline: 0))
        let cityRejected = serials(26...37)
        let cityEvents =
            ([
                event(t, .activate, code: "C0DE-F00D-BEEF", expiresAt: "2027-11-29T00:00:00Z"),
                event(t, .invalidate, code: "2222-3333-4444"),
            ] + cityRejected.map { event(t, .reject, serial: $0, reason: .capacity) }).sorted(by: PlanEvent.ordered)
        let city = TenantPlan(
            tenant: "city-power", prior: PriorRef(lineage: "9a8b7c6d-5e4f-5a3b-8c2d-1e0f9a8b7c6d", serial: 1),
            changed: true, events: cityEvents,
            after: TenantAfter(
                mode: .full, capacity: 25, online: serials(1...25),
                offline: cityRejected.map { OfflineRouter(serial: $0, reason: .capacity) },
                licenses: counts(active: 1, invalid: 1)),
            before: TenantSummary(mode: .limited, capacity: 1000, online: 37, offline: 0))
        let delta = TenantPlan(
            tenant: "delta-heat", prior: PriorRef(lineage: "1d2e3f4a-5b6c-5d7e-8f9a-0b1c2d3e4f5a", serial: 2),
            changed: false, events: [],
            after: TenantAfter(mode: .disabled, capacity: 0, online: [], offline: [], licenses: counts(expired: 1)),
            before: TenantSummary(mode: .disabled, capacity: 0, online: 0, offline: 0))
        return Plan(
            at: at, inputsDigest: digest, tenants: [delta, city, beta, acme],
            diagnostics: [
                .warning(
                    "activating a paid license invalidates Cloud Free: capacity 1000 → 25, rejects 12 routers",
                    at: SourceLocation(file: "tenants/city-power.yaml", line: 9, column: 11)),
                .warning(
                    "2 routers rejected in tenant acme-water (capacity 8, 10 connected)",
                    at: SourceLocation(file: "tenants/acme-water.yaml", line: 1, column: 1)),
                .warning("reminders due in tenant acme-water, which has no contacts; add spec.contacts"),
            ])
    }

    /// A plan at a later instant where nothing is due.
    static var noChanges: Plan {
        let acme = TenantPlan(
            tenant: "acme-water", prior: PriorRef(lineage: "6f1c0d1e-8a9b-5c2d-9e3f-0a1b2c3d4e5f", serial: 4),
            changed: false, events: [],
            after: TenantAfter(
                mode: .full, capacity: 8, online: serials(1...8), offline: [],
                licenses: counts(active: 8)),
            before: TenantSummary(mode: .full, capacity: 8, online: 8, offline: 0))
        let beta = TenantPlan(
            tenant: "beta-gas", prior: PriorRef(lineage: "0b7e2f5a-1c3d-5e4f-8a9b-1c2d3e4f5a6b", serial: 7),
            changed: false, events: [],
            after: TenantAfter(
                mode: .limited, capacity: 1000, online: ["BG-1"], offline: [],
                licenses: counts(active: 1)),
            before: TenantSummary(mode: .limited, capacity: 1000, online: 1, offline: 0))
        return Plan(at: instant("2026-11-30T06:00:00Z"), inputsDigest: digest, tenants: [acme, beta], diagnostics: [])
    }

    /// `tenants` changed tenants with `eventsPerTenant` events each (for the Markdown cap).
    static func large(tenants: Int, eventsPerTenant: Int) -> Plan {
        let t = "2026-11-29T00:00:00Z"
        let plans = (0..<tenants).map { i -> TenantPlan in
            let events = (0..<eventsPerTenant).map { j -> PlanEvent in
                switch j % 3 {
                case 0: event(t, .redeem, code: "96D9-3718-59E5")
                case 1: event(t, .activate, code: "96D9-3718-59E5", expiresAt: "2027-11-29T00:00:00Z")
                default: event(t, .reject, serial: "00A0BA\(j)", reason: .capacity)
                }
            }.sorted(by: PlanEvent.ordered)
            return TenantPlan(
                tenant: "tenant-\(i)", prior: PriorRef(lineage: "l-\(i)", serial: i), changed: true, events: events,
                after: TenantAfter(mode: .full, capacity: 1, online: [], offline: [], licenses: counts(active: 1)),
                before: TenantSummary(mode: .full, capacity: 1, online: 0, offline: 0))
        }
        return Plan(at: at, inputsDigest: digest, tenants: plans, diagnostics: [])
    }
}
