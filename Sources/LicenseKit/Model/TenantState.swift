/// A license's status (docs/rules.md §4.1). `expired` and `invalid` are terminal.
public enum LicenseStatus: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case available, scheduled, active, expired, invalid

    /// Whether the status can never change again (`expired`, `invalid`).
    public var isTerminal: Bool { self == .expired || self == .invalid }

    /// Orders by the order of the cases.
    public static func < (lhs: LicenseStatus, rhs: LicenseStatus) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}

/// A tenant's mode at an instant (docs/rules.md §1): `full` with paid capacity, `limited` on a valid Cloud
/// Free license, else `disabled`.
public enum TenantMode: String, Sendable, Hashable, Codable {
    case full, limited, disabled
}

/// Whether a router is admitted.
public enum RouterStatus: String, Sendable, Hashable, Codable {
    case online, offline
}

/// Why a router is offline (docs/rules.md §4.4), in order of precedence.
public enum RejectionReason: String, Sendable, Hashable, Codable, Comparable {
    case notConnected = "not-connected"
    case noValidLicense = "no-valid-license"
    case capacity

    /// Orders by the order of the cases.
    public static func < (lhs: RejectionReason, rhs: RejectionReason) -> Bool {
        let order: [RejectionReason] = [.notConnected, .noValidLicense, .capacity]
        return order.firstIndex(of: lhs) ?? 0 < order.firstIndex(of: rhs) ?? 0
    }
}

/// One license as recorded in a tenant's state document (docs/state.md §5). Instants are UTC.
public struct LicenseRecord: Sendable, Hashable {
    /// The code, canonical `XXXX-XXXX-XXXX`.
    public var code: ActivationCode
    /// The license type (capacity, paid or free).
    public var type: LicenseType
    /// Routers this license admits while valid (from ``type``).
    public var capacity: Int
    /// The status after the last apply (docs/rules.md §4.1).
    public var status: LicenseStatus
    /// Issue date, 00:00:00Z (UTC).
    public var issued: Instant
    /// ISO 8601 duration of an activation (`P1Y` by default).
    public var term: Term
    /// The normalized activation request last applied (docs/rules.md §4.2); `nil` = none.
    public var activation: ActivationRequest?
    /// `issued + P2Y` (R5), UTC.
    public var stockExpiresAt: Instant
    /// When the code entered the tenant (the `at` of that apply), UTC.
    public var redeemedAt: Instant
    /// The recorded future activation instant while `scheduled` (kept afterwards), UTC.
    public var scheduledAt: Instant?
    /// When the license became active (or restarted by a renewal), UTC.
    public var activatedAt: Instant?
    /// `activatedAt + term`, moved on by renewals; validity is `[activatedAt, expiresAt)`.
    public var expiresAt: Instant?
    /// When a Cloud Free license was invalidated by the first paid activation (R2), UTC.
    public var invalidatedAt: Instant?
    /// When a terminal license left the manifest; archived licenses count nowhere.
    public var archivedAt: Instant?
    /// Cloud Free only: renew automatically (docs/rules.md §4.1 `renew`).
    public var renew: Bool
    /// Every reminder slot recorded as sent, ascending (docs/rules.md §4.3).
    public var remindersSent: [Instant]
    /// `file:line` of the code's definition.
    public var source: String
    /// When the license was adopted with its platform history (docs/rules.md §4.8): the `at` of that
    /// apply, UTC; `nil` for a license licensectl redeemed and activated itself. Written to state
    /// only when set (docs/README.md §8), so documents of other licenses keep their bytes.
    public var adoptedAt: Instant?

    /// A recorded license.
    public init(
        code: ActivationCode, type: LicenseType, status: LicenseStatus, issued: Instant, term: Term,
        activation: ActivationRequest?, redeemedAt: Instant, scheduledAt: Instant? = nil,
        activatedAt: Instant? = nil, expiresAt: Instant? = nil, invalidatedAt: Instant? = nil,
        archivedAt: Instant? = nil, renew: Bool = false, remindersSent: [Instant] = [], source: String,
        adoptedAt: Instant? = nil
    ) {
        self.code = code
        self.type = type
        self.capacity = type.capacity
        self.status = status
        self.issued = issued
        self.term = term
        self.activation = activation
        self.stockExpiresAt = issued.adding(.twoYears)
        self.redeemedAt = redeemedAt
        self.scheduledAt = scheduledAt
        self.activatedAt = activatedAt
        self.expiresAt = expiresAt
        self.invalidatedAt = invalidatedAt
        self.archivedAt = archivedAt
        self.renew = renew
        self.remindersSent = remindersSent
        self.source = source
        self.adoptedAt = adoptedAt
    }
}

/// One router as recorded in state: its admission at the last apply.
public struct RouterRecord: Sendable, Hashable {
    /// The router serial (1–64 of `[A-Za-z0-9._:-]`).
    public var serial: String
    /// When it connected (UTC); `nil` = not connected.
    public var connectedAt: Instant?
    /// Admitted (`online`) or rejected (`offline`) at the last apply.
    public var status: RouterStatus
    /// `nil` when online.
    public var reason: RejectionReason?

    /// A recorded router with its status and, when offline, the reason.
    public init(serial: String, connectedAt: Instant?, status: RouterStatus, reason: RejectionReason?) {
        self.serial = serial
        self.connectedAt = connectedAt
        self.status = status
        self.reason = reason
    }
}

/// A tenant's summary at the last apply.
public struct TenantSummary: Sendable, Hashable {
    /// `full`, `limited` or `disabled` (docs/rules.md §1).
    public var mode: TenantMode
    /// Routers the valid licenses admit.
    public var capacity: Int
    /// Routers admitted.
    public var online: Int
    /// Routers rejected, `not-connected` ones included.
    public var offline: Int

    /// A summary with mode, capacity and router counts.
    public init(mode: TenantMode, capacity: Int, online: Int, offline: Int) {
        self.mode = mode
        self.capacity = capacity
        self.online = online
        self.offline = offline
    }
}

/// One tenant's state document, `state/tenants/<tenant>.json` (docs/state.md §5).
///
/// JSON: sorted keys, 2-space indent, trailing newline, licenses sorted by code and routers by
/// serial; absent instants are `null`.
public struct TenantState: Sendable, Hashable {
    /// The document format this build writes; newer ones are refused.
    public static let currentFormatVersion = 1

    /// The document format (1).
    public var formatVersion: Int
    /// The tenant name; the file is `state/tenants/<tenant>.json`.
    public var tenant: String
    /// UUIDv5 of the tenant name, the `at` of its first apply and the inputs digest.
    public var lineage: String
    /// 1 after the first write, +1 on each write.
    public var serial: Int
    /// The `at` of the last apply that changed this tenant, UTC.
    public var appliedAt: Instant
    /// The first paid activation ever recorded in the tenant (R2 "ever").
    public var paidSince: Instant?
    /// When the tenant left the manifests (`retire`), UTC.
    public var retiredAt: Instant?
    /// Licenses sorted by code, archived ones included.
    public var licenses: [LicenseRecord]
    /// Routers sorted by serial.
    public var routers: [RouterRecord]
    /// Mode, capacity and admission counts at the last apply.
    public var summary: TenantSummary

    /// A tenant document (docs/state.md §5); `formatVersion` is the current one.
    public init(
        formatVersion: Int = TenantState.currentFormatVersion, tenant: String, lineage: String, serial: Int,
        appliedAt: Instant, paidSince: Instant? = nil, retiredAt: Instant? = nil,
        licenses: [LicenseRecord], routers: [RouterRecord], summary: TenantSummary
    ) {
        self.formatVersion = formatVersion
        self.tenant = tenant
        self.lineage = lineage
        self.serial = serial
        self.appliedAt = appliedAt
        self.paidSince = paidSince
        self.retiredAt = retiredAt
        self.licenses = licenses.sorted { $0.code < $1.code }
        self.routers = routers.sorted { RouterSerial.precedes($0.serial, $1.serial) }
        self.summary = summary
    }
}

/// A tenant's recorded state as a ``StateBackend`` loaded it, with where it came from for
/// diagnostics.
public struct PriorState: Sendable, Hashable {
    /// The document as read.
    public var document: TenantState
    /// The backend's name for the stored document (``StateBackend/location(ofTenant:)``):
    /// `state/tenants/<t>.json` (relative to the repo root) or `postgres:<owner>/<t>`.
    public var location: String

    /// A document read from `location`.
    public init(document: TenantState, location: String) {
        self.document = document
        self.location = location
    }
}
