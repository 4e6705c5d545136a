/// Router admission at one instant (SPEC §1 R8, §4.4): connected routers ordered by
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
        var queue: [(serial: String, connectedAt: Instant)] = []
        queue.reserveCapacity(routers.count)
        for r in routers {
            if let c = r.connectedAt, c <= at { queue.append((r.serial, c)) }
        }
        queue.sort { ($0.connectedAt, $0.serial) < ($1.connectedAt, $1.serial) }
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
            records.append(RouterRecord(serial: r.serial, connectedAt: r.connectedAt,
                                        status: reason == nil ? .online : .offline, reason: reason))
        }
    }
}
