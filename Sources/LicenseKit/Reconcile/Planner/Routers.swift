/// Router events (docs/rules.md §4.4).
extension TenantPlanner {
    mutating func routerEvents(_ manifest: TenantManifest, _ doc: TenantState?, _ admission: Admission) {
        let recorded = doc?.routers ?? []
        events.reserveCapacity(events.count + admission.records.count + recorded.count)
        if recorded.isEmpty {
            // Nothing recorded: every router is admitted or rejected now.
            for r in admission.records {
                events.append(
                    PlanEvent(
                        at: at, action: r.status == .online ? .admit : .reject,
                        serial: r.serial, reason: r.reason))
            }
            return
        }
        if !Self.mergeRouterEvents(
            recorded: recorded, records: admission.records, manifest: manifest.routers,
            at: at, into: &events)
        {
            Self.routerEventsByIdentity(
                recorded: recorded, records: admission.records, manifest: manifest.routers,
                at: at, into: &events)
        }
    }

    /// The router events of a tenant with recorded routers, by serial identity (the reference
    /// that ``mergeRouterEvents(recorded:records:manifest:at:into:)`` must equal): an `admit` or
    /// `reject` for each router of `records` whose status or reason differs from its recorded
    /// one, in the order of `records`, then a `remove` for each recorded router that left the
    /// manifest, in the order of `recorded`. Routers are identified by their upper-cased serial
    /// (docs/README.md §8 "Inputs"): a spelling change alone is no event (the new document records the new
    /// spelling).
    static func routerEventsByIdentity(
        recorded: [RouterRecord], records: [RouterRecord], manifest: [DesiredRouter],
        at: Instant, into events: inout [PlanEvent]
    ) {
        var byserial: [String: RouterRecord] = [:]
        for r in recorded { byserial[RouterSerial.identity(r.serial)] = r }
        for r in records {
            let old = byserial[RouterSerial.identity(r.serial)]
            if old?.status != r.status || old?.reason != r.reason {
                events.append(
                    PlanEvent(
                        at: at, action: r.status == .online ? .admit : .reject,
                        serial: r.serial, reason: r.reason))
            }
        }
        let present = Set(manifest.map { RouterSerial.identity($0.serial) })
        for r in recorded where !present.contains(RouterSerial.identity(r.serial)) {
            events.append(PlanEvent(at: at, action: .remove, serial: r.serial))
        }
    }

    /// ``routerEventsByIdentity(recorded:records:manifest:at:into:)`` by a linear merge, when the recorded routers, the admitted ones and the
    /// manifest's are each in strictly increasing serial order (as state and manifests keep
    /// them): admit/reject events in the order of `records`, then remove events in the order of
    /// `recorded`. Returns `false`, having added nothing, when an input is out of order.
    static func mergeRouterEvents(
        recorded: [RouterRecord], records: [RouterRecord], manifest: [DesiredRouter],
        at: Instant, into events: inout [PlanEvent]
    ) -> Bool {
        func increasing(_ count: Int, _ serial: (Int) -> String) -> Bool {
            var i = 1
            while i < count {
                guard RouterSerial.precedes(serial(i - 1), serial(i)) else { return false }
                i += 1
            }
            return true
        }
        guard increasing(recorded.count, { recorded[$0].serial }), increasing(records.count, { records[$0].serial }),
            increasing(manifest.count, { manifest[$0].serial })
        else { return false }
        var j = 0
        for r in records {
            while j < recorded.count, RouterSerial.precedes(recorded[j].serial, r.serial) { j += 1 }
            let old = j < recorded.count && RouterSerial.same(recorded[j].serial, r.serial) ? recorded[j] : nil
            if old?.status != r.status || old?.reason != r.reason {
                events.append(
                    PlanEvent(
                        at: at, action: r.status == .online ? .admit : .reject,
                        serial: r.serial, reason: r.reason))
            }
        }
        var m = 0
        for r in recorded {
            while m < manifest.count, RouterSerial.precedes(manifest[m].serial, r.serial) { m += 1 }
            if !(m < manifest.count && RouterSerial.same(manifest[m].serial, r.serial)) {
                events.append(PlanEvent(at: at, action: .remove, serial: r.serial))
            }
        }
        return true
    }
}
