/// Router admission at one instant (docs/rules.md §1 R8, §4.4): connected routers ordered by
/// `connectedAt`, then serial, are admitted up to capacity; the rest are offline with reason
/// `capacity` (or `no-valid-license` when the tenant is `disabled`); routers without
/// `connectedAt`, or connecting after the instant, are offline with reason `not-connected`.
struct Admission {
    /// Admitted serials in admission order.
    var online: [String]
    /// Offline routers sorted by serial.
    var offline: [OfflineRouter]
    /// The routers with their status and reason, sorted by serial.
    var records: [RouterRecord]
    /// Connected routers that are offline (reason `capacity` or `no-valid-license`), in admission order.
    var rejected: [String]
    /// Connected routers (connectedAt ≤ the instant).
    var connected: Int

    /// - Parameters:
    ///   - routers: (serial, connectedAt) pairs sorted by serial.
    ///   - capacity: mode and capacity at `at`.
    init(routers: [(serial: String, connectedAt: Instant?)], capacity: Capacity, at: Instant) {
        guard Self.strictlyIncreasing(routers) else {
            self = Admission(unsortedRouters: routers, capacity: capacity, at: at)
            return
        }
        // Serials are unique: a router's admission is kept by its index, not looked up by serial.
        var queue: [(connectedAt: Int64, index: Int)] = []
        queue.reserveCapacity(routers.count)
        for (i, r) in routers.enumerated() {
            if let c = r.connectedAt, c <= at { queue.append((c.secondsSinceEpoch, i)) }
        }
        // Serials increase with the index: admission order is (connectedAt, index).
        if let packed = PackedOrder(queue.lazy.map { ($0.connectedAt, 0, $0.index) }, count: queue.count) {
            queue = packed.sortedIndices.map { (routers[$0].connectedAt?.secondsSinceEpoch ?? 0, $0) }
        } else {
            queue.sort { a, b in
                if a.connectedAt != b.connectedAt { return a.connectedAt < b.connectedAt }
                return a.index < b.index
            }
        }
        let admitted = min(capacity.capacity, queue.count)
        let rejectReason: RejectionReason = capacity.mode == .disabled ? .noValidLicense : .capacity
        var reasons = [RejectionReason?](repeating: .notConnected, count: routers.count)
        var online: [String] = []
        online.reserveCapacity(admitted)
        var rejected: [String] = []
        rejected.reserveCapacity(queue.count - admitted)
        for (k, q) in queue.enumerated() {
            if k < admitted {
                reasons[q.index] = nil
                online.append(routers[q.index].serial)
            } else {
                reasons[q.index] = rejectReason
                rejected.append(routers[q.index].serial)
            }
        }
        var offline: [OfflineRouter] = []
        offline.reserveCapacity(routers.count - admitted)
        var records: [RouterRecord] = []
        records.reserveCapacity(routers.count)
        for (i, r) in routers.enumerated() {
            let reason = reasons[i]
            if let reason { offline.append(OfflineRouter(serial: r.serial, reason: reason)) }
            records.append(
                RouterRecord(
                    serial: r.serial, connectedAt: r.connectedAt,
                    status: reason == nil ? .online : .offline, reason: reason))
        }
        self.online = online
        self.offline = offline
        self.records = records
        self.rejected = rejected
        self.connected = queue.count
    }

    /// Whether the serials are strictly increasing, upper-cased (so unique case-insensitively).
    private static func strictlyIncreasing(_ routers: [(serial: String, connectedAt: Instant?)]) -> Bool {
        var i = 1
        while i < routers.count {
            guard RouterSerial.precedes(routers[i - 1].serial, routers[i].serial) else { return false }
            i += 1
        }
        return true
    }

    /// The general case (routers not in serial order, or a serial twice): admission by serial.
    private init(unsortedRouters routers: [(serial: String, connectedAt: Instant?)], capacity: Capacity, at: Instant) {
        var queue: [(serial: String, connectedAt: Instant)] = []
        queue.reserveCapacity(routers.count)
        for r in routers {
            if let c = r.connectedAt, c <= at { queue.append((r.serial, c)) }
        }
        // docs/README.md §8 "Inputs": serials order by their upper-cased bytes.
        queue.sort {
            $0.connectedAt != $1.connectedAt
                ? $0.connectedAt < $1.connectedAt : RouterSerial.precedes($0.serial, $1.serial)
        }
        let admitted = min(capacity.capacity, queue.count)
        let rejectReason: RejectionReason = capacity.mode == .disabled ? .noValidLicense : .capacity
        var status: [String: RejectionReason?] = Dictionary(minimumCapacity: routers.count)
        for (i, r) in queue.enumerated() { status[r.serial] = i < admitted ? .some(nil) : rejectReason }
        online = queue.prefix(admitted).map(\.serial)
        rejected = queue.dropFirst(admitted).map(\.serial)
        connected = queue.count
        offline = []
        records = []
        records.reserveCapacity(routers.count)
        for r in routers {
            let reason: RejectionReason? = status[r.serial] ?? .notConnected
            if let reason { offline.append(OfflineRouter(serial: r.serial, reason: reason)) }
            records.append(
                RouterRecord(
                    serial: r.serial, connectedAt: r.connectedAt,
                    status: reason == nil ? .online : .offline, reason: reason))
        }
    }
}
