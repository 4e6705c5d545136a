import Testing

@testable import LicenseKit

/// The reconciler's and the JSON writer's fast paths give exactly what the plain code gives.
@Suite struct FastPathTests {
    @Test func planOrderIsTheRankOfEveryAction() {
        for action in Action.allCases {
            #expect(action.planOrder == action.rank, "\(action)")
        }
    }

    /// A deterministic mix of events: several instants (one before 1970, which the packed sort
    /// cannot take), every action, codes and serials in no particular order, ties included.
    static func events(seed: UInt64, count: Int, negative: Bool) -> [PlanEvent] {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let instants = [
            Fx.t("2026-11-29"), Fx.t("2026-11-30T12:00:00Z"), Fx.t("2027-01-01"),
            negative ? Instant(secondsSinceEpoch: -86_400) : Fx.t("2026-01-01"),
        ]
        return (0..<count).map { _ in
            let action = Action.allCases[next(Action.allCases.count)]
            let at = instants[next(instants.count)]
            return next(2) == 0
                ? PlanEvent(at: at, action: action, code: Fx.code(next(7)))
                : PlanEvent(at: at, action: action, serial: Fx.serial(next(9)))
        }
    }

    @Test(arguments: [(1, 2, false), (2, 40, false), (3, 300, false), (4, 300, true), (5, 1, false)])
    func sortInPlanOrderIsTheStableSortByPlanOrder(seed: Int, count: Int, negative: Bool) {
        let events = Self.events(seed: UInt64(seed), count: count, negative: negative)
        var fast = events
        fast.sortInPlanOrder()
        #expect(fast == events.sorted(by: PlanEvent.ordered))
    }

    @Test func sortInPlanOrderKeepsSortedEventsAsTheyAre() {
        var events = (0..<50).map { PlanEvent(at: Fx.t("2026-11-29"), action: .admit, serial: Fx.serial($0)) }
        let before = events
        events.sortInPlanOrder()
        #expect(events == before)
    }

    @Test(arguments: [(1, 20, 100), (0, 5, 10), (0, 0, 3)])
    func admissionOfSortedSerialsMatchesAdmissionBySerial(capacity: Int, connected: Int, total: Int) {
        let at = Fx.t("2026-11-29")
        let routers: [(serial: String, connectedAt: Instant?)] = (0..<total).map { n in
            (Fx.serial(n), n < connected ? at.addingDays(-(n * 7) % 5) : (n % 2 == 0 ? nil : at.addingDays(3)))
        }
        let mode: TenantMode = capacity == 0 ? .disabled : .full
        let fast = Admission(routers: routers, capacity: Capacity(mode: mode, capacity: capacity), at: at)
        // The general path, taken for routers out of serial order, then re-sorted by serial.
        let general = Admission(routers: routers.reversed(), capacity: Capacity(mode: mode, capacity: capacity), at: at)
        #expect(fast.online == general.online)
        #expect(fast.rejected == general.rejected)
        #expect(fast.connected == general.connected)
        #expect(fast.records == general.records.reversed())
        #expect(fast.offline == general.offline.reversed())
    }

    @Test(arguments: [("tenants/acme.yaml", 12), ("a", 0), ("tenants/ü.yaml", 1_234_567), ("x", -3)])
    func fileAndLineIsTheInterpolatedText(file: String, line: Int) {
        let location = SourceLocation(file: file, line: line, column: 1)
        #expect(location.bufferedFileAndLine == location.fileAndLine)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6])
    func routerEventsByMergeAreTheEventsByIdentity(seed: Int) {
        var state = UInt64(seed)
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let at = Fx.t("2026-11-29")
        let outcomes: [(RouterStatus, RejectionReason?)] = [
            (.online, nil), (.offline, .capacity),
            (.offline, .notConnected), (.offline, .noValidLicense),
        ]
        func record(_ n: Int) -> RouterRecord {
            let (status, reason) = outcomes[next(outcomes.count)]
            return RouterRecord(serial: Fx.serial(n), connectedAt: at, status: status, reason: reason)
        }
        let recorded = (0..<40).filter { _ in next(3) > 0 }.map(record)
        let present = (0..<40).filter { _ in next(3) > 0 }
        let records = present.map(record)
        let manifest = present.map { Fx.router($0, "2026-11-01") }
        var merged: [PlanEvent] = []
        let inOrder = TenantPlanner.mergeRouterEvents(
            recorded: recorded, records: records, manifest: manifest,
            at: at, into: &merged)
        var reference: [PlanEvent] = []
        TenantPlanner.routerEventsByIdentity(
            recorded: recorded, records: records, manifest: manifest,
            at: at, into: &reference)
        #expect(inOrder)
        #expect(merged == reference)
        #expect(merged.contains { $0.action == .remove } && merged.contains { $0.action != .remove })
    }

    @Test func routerEventsByMergeStepAsideForSerialsOutOfOrder() {
        let at = Fx.t("2026-11-29")
        let recorded = [3, 1, 2].map {
            RouterRecord(serial: Fx.serial($0), connectedAt: at, status: .online, reason: nil)
        }
        let manifest = [1, 2].map { Fx.router($0, "2026-11-01") }
        let records = [1, 2].map {
            RouterRecord(serial: Fx.serial($0), connectedAt: at, status: .offline, reason: .capacity)
        }
        var merged: [PlanEvent] = []
        #expect(
            !TenantPlanner.mergeRouterEvents(
                recorded: recorded, records: records, manifest: manifest, at: at, into: &merged))
        #expect(merged.isEmpty)
        var reference: [PlanEvent] = []
        TenantPlanner.routerEventsByIdentity(
            recorded: recorded, records: records, manifest: manifest, at: at, into: &reference)
        #expect(
            reference == [
                PlanEvent(at: at, action: .reject, serial: Fx.serial(1), reason: .capacity),
                PlanEvent(at: at, action: .reject, serial: Fx.serial(2), reason: .capacity),
                PlanEvent(at: at, action: .remove, serial: Fx.serial(3)),
            ])
    }

    @Test func desiredLicensesFindTheLastLicenseOfACode() {
        let licenses = [Fx.lic(3), Fx.lic(1), Fx.lic(2, .cloudFree), Fx.lic(1, .cloudFree)]
        let desired = DesiredLicenses(licenses: licenses)
        #expect(desired.position(of: Fx.code(3)) == 0)
        #expect(desired.position(of: Fx.code(2)) == 2)
        #expect(desired.position(of: Fx.code(1)) == 3)
        #expect(desired[Fx.code(1)]?.type == .cloudFree)
        #expect(!desired.contains(Fx.code(4)))
    }

    @Test func prettyJSONWriterMatchesTheSerializedValue() {
        let text = "tab\there \"quoted\" back\\slash \u{01} ü"
        var w = PrettyJSONWriter(capacity: 1)
        w.object { w in
            w.key("a")
            w.string(text)
            w.key("b")
            w.array { w in
                w.element()
                w.int(-1_234_567)
                w.element()
                w.instant(Fx.t("2026-11-29T01:02:03Z"))
                w.element()
                w.instant(Fx.t("2026-11-29"))
                w.element()
                w.instant(Fx.t("2026-11-29T01:02:03Z"))
                w.element()
                w.string("")
                w.element()
                w.object { _ in }
            }
            w.key("c")
            w.null()
        }
        let value = JSONValue.object([
            "a": .string(text),
            "b": .array([
                .int(-1_234_567), .string("2026-11-29T01:02:03Z"), .string("2026-11-29T00:00:00Z"),
                .string("2026-11-29T01:02:03Z"), .string(""), .object([:]),
            ]),
            "c": .null,
        ])
        #expect(w.finish() == value.serialized())
    }
}
