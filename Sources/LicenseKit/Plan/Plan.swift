/// The JSON `action` of a plan event, in their order at equal instants (docs/rules.md §4.1).
public enum Action: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case redeem
    /// A license already running in the platform enters state with its history (docs/rules.md §4.8).
    case adopt
    case schedule
    case reschedule
    case unschedule
    case expire
    case stockExpire = "stock-expire"
    case activate
    case invalidate
    case renew
    case notify
    case archive
    case retire
    case reject
    case admit
    case remove

    /// Position in the tie order of docs/rules.md §4.1.
    public var rank: Int { Action.allCases.firstIndex(of: self) ?? 0 }

    /// Orders actions by ``rank``.
    public static func < (lhs: Action, rhs: Action) -> Bool { lhs.rank < rhs.rank }
}

/// One event of a plan (docs/rules.md §4.1, docs/cli.md §6). Which optional fields are set depends on ``action``:
/// `schedule` → `scheduledAt`; `reschedule` → `from`, `scheduledAt`; `activate`/`renew` →
/// `expiresAt`; `notify` → `slot`, `expiresAt`; `reject`/`admit`/`remove` → `serial`, `reason`
/// (reject only); `adopt` → `activatedAt`, `expiresAt`, `status` and, when its status is
/// `invalid`, `invalidatedAt` and `invalidatedBy` (docs/rules.md §4.8, docs/README.md §8); an `invalidate` of a recorded
/// Cloud Free by an adopted paid activation → `invalidatedAt` (that activation's instant, before
/// `at`) and `invalidatedBy`. Instants are UTC.
public struct PlanEvent: Sendable, Hashable, Codable {
    /// The event's instant (UTC).
    public var at: Instant
    /// What happens (docs/plan-json.md §6 "Events").
    public var action: Action
    /// The license the event is about; `nil` for router events.
    public var code: ActivationCode?
    /// The router the event is about (`reject`, `admit`, `remove`); `nil` for license events.
    public var serial: String?
    /// `schedule`, `reschedule`: when the license is to be activated (UTC).
    public var scheduledAt: Instant?
    /// `reschedule`: the activation instant scheduled before (UTC).
    public var from: Instant?
    /// `activate`, `renew`, `notify`, `adopt`: when the license expires (UTC).
    public var expiresAt: Instant?
    /// `notify`: the reminder slot (docs/rules.md §4.3), an instant before `expiresAt`.
    public var slot: Instant?
    /// `reject`: why the router is offline (docs/rules.md §4.4).
    public var reason: RejectionReason?
    /// The adoption fields below, boxed: set on a handful of events, while a big plan has a
    /// million router events that would otherwise each carry them.
    private var adoption: AdoptionFields?

    /// `adopt`: the platform's activation instant.
    public var activatedAt: Instant? {
        get { adoption?.activatedAt }
        set { updateAdoption { $0.activatedAt = newValue } }
    }
    /// `adopt`: the license's status at `at` after R2 (docs/README.md §8).
    public var status: LicenseStatus? {
        get { adoption?.status }
        set { updateAdoption { $0.status = newValue } }
    }
    /// `adopt` of an invalid Cloud Free, or `invalidate` by an adopted paid activation: the
    /// paid activation's instant (docs/README.md §8).
    public var invalidatedAt: Instant? {
        get { adoption?.invalidatedAt }
        set { updateAdoption { $0.invalidatedAt = newValue } }
    }
    /// The paid license whose activation invalidated the Cloud Free (with ``invalidatedAt``).
    public var invalidatedBy: ActivationCode? {
        get { adoption?.invalidatedBy }
        set { updateAdoption { $0.invalidatedBy = newValue } }
    }

    /// An event with the fields its ``action`` uses (see the type's summary); the adoption fields are
    /// stored only when one of them is given.
    public init(
        at: Instant, action: Action, code: ActivationCode? = nil, serial: String? = nil,
        scheduledAt: Instant? = nil, from: Instant? = nil, expiresAt: Instant? = nil,
        slot: Instant? = nil, reason: RejectionReason? = nil, activatedAt: Instant? = nil,
        status: LicenseStatus? = nil, invalidatedAt: Instant? = nil, invalidatedBy: ActivationCode? = nil
    ) {
        self.at = at
        self.action = action
        self.code = code
        self.serial = serial
        self.scheduledAt = scheduledAt
        self.from = from
        self.expiresAt = expiresAt
        self.slot = slot
        self.reason = reason
        self.adoption = AdoptionFields.make(
            activatedAt: activatedAt, status: status, invalidatedAt: invalidatedAt,
            invalidatedBy: invalidatedBy)
    }

    private mutating func updateAdoption(_ change: (inout AdoptionFields.Values) -> Void) {
        var values = adoption?.values ?? AdoptionFields.Values()
        change(&values)
        adoption = AdoptionFields.make(
            activatedAt: values.activatedAt, status: values.status,
            invalidatedAt: values.invalidatedAt, invalidatedBy: values.invalidatedBy)
    }

    enum CodingKeys: String, CodingKey {
        case at, action, code, serial, scheduledAt, from, expiresAt, slot, reason
        case activatedAt, status, invalidatedAt, invalidatedBy
    }

    /// Decodes the plan JSON form of an event (docs/plan-json.md §6 "Events").
    ///
    /// - Throws: `DecodingError` for a missing `at`/`action` or a field of the wrong type.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            at: try c.decode(Instant.self, forKey: .at), action: try c.decode(Action.self, forKey: .action),
            code: try c.decodeIfPresent(ActivationCode.self, forKey: .code),
            serial: try c.decodeIfPresent(String.self, forKey: .serial),
            scheduledAt: try c.decodeIfPresent(Instant.self, forKey: .scheduledAt),
            from: try c.decodeIfPresent(Instant.self, forKey: .from),
            expiresAt: try c.decodeIfPresent(Instant.self, forKey: .expiresAt),
            slot: try c.decodeIfPresent(Instant.self, forKey: .slot),
            reason: try c.decodeIfPresent(RejectionReason.self, forKey: .reason),
            activatedAt: try c.decodeIfPresent(Instant.self, forKey: .activatedAt),
            status: try c.decodeIfPresent(LicenseStatus.self, forKey: .status),
            invalidatedAt: try c.decodeIfPresent(Instant.self, forKey: .invalidatedAt),
            invalidatedBy: try c.decodeIfPresent(ActivationCode.self, forKey: .invalidatedBy))
    }

    /// Encodes the plan JSON form of an event: absent fields are left out (docs/plan-json.md §6).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(at, forKey: .at)
        try c.encode(action, forKey: .action)
        try c.encodeIfPresent(code, forKey: .code)
        try c.encodeIfPresent(serial, forKey: .serial)
        try c.encodeIfPresent(scheduledAt, forKey: .scheduledAt)
        try c.encodeIfPresent(from, forKey: .from)
        try c.encodeIfPresent(expiresAt, forKey: .expiresAt)
        try c.encodeIfPresent(slot, forKey: .slot)
        try c.encodeIfPresent(reason, forKey: .reason)
        try c.encodeIfPresent(activatedAt, forKey: .activatedAt)
        try c.encodeIfPresent(status, forKey: .status)
        try c.encodeIfPresent(invalidatedAt, forKey: .invalidatedAt)
        try c.encodeIfPresent(invalidatedBy, forKey: .invalidatedBy)
    }

    /// Tie order within a tenant: instant, then action order, then code or upper-cased serial.
    public static func ordered(_ a: PlanEvent, _ b: PlanEvent) -> Bool {
        if a.at != b.at { return a.at < b.at }
        if a.action != b.action { return a.action < b.action }
        let ka = a.code?.canonical ?? a.serial.map(RouterSerial.identity) ?? ""
        let kb = b.code?.canonical ?? b.serial.map(RouterSerial.identity) ?? ""
        return ka < kb
    }
}

/// The fields only `adopt` and some `invalidate` events carry (docs/rules.md §4.8), in one immutable box
/// compared by value; `nil` on a ``PlanEvent`` when none is set.
private final class AdoptionFields: Sendable, Hashable {
    struct Values {
        var activatedAt: Instant?
        var status: LicenseStatus?
        var invalidatedAt: Instant?
        var invalidatedBy: ActivationCode?
    }

    let activatedAt: Instant?
    let status: LicenseStatus?
    let invalidatedAt: Instant?
    let invalidatedBy: ActivationCode?

    private init(_ values: Values) {
        activatedAt = values.activatedAt
        status = values.status
        invalidatedAt = values.invalidatedAt
        invalidatedBy = values.invalidatedBy
    }

    var values: Values {
        Values(activatedAt: activatedAt, status: status, invalidatedAt: invalidatedAt, invalidatedBy: invalidatedBy)
    }

    /// A box, or `nil` when every field is `nil`.
    static func make(
        activatedAt: Instant?, status: LicenseStatus?, invalidatedAt: Instant?,
        invalidatedBy: ActivationCode?
    ) -> AdoptionFields? {
        if activatedAt == nil, status == nil, invalidatedAt == nil, invalidatedBy == nil { return nil }
        return AdoptionFields(
            Values(
                activatedAt: activatedAt, status: status, invalidatedAt: invalidatedAt,
                invalidatedBy: invalidatedBy))
    }

    static func == (a: AdoptionFields, b: AdoptionFields) -> Bool {
        a === b
            || (a.activatedAt == b.activatedAt && a.status == b.status && a.invalidatedAt == b.invalidatedAt
                && a.invalidatedBy == b.invalidatedBy)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(activatedAt)
        hasher.combine(status)
        hasher.combine(invalidatedAt)
        hasher.combine(invalidatedBy)
    }
}

/// `prior` of a tenant plan: the state it was computed against.
public struct PriorRef: Sendable, Hashable, Codable {
    /// The lineage of the state document (a UUID, docs/state.md §5 `lineage`).
    public var lineage: String
    /// The serial of the state document, incremented by each apply that writes it.
    public var serial: Int

    /// A reference to the state document with `lineage` and `serial`.
    public init(lineage: String, serial: Int) {
        self.lineage = lineage
        self.serial = serial
    }
}

/// An offline router in a plan's `after`.
public struct OfflineRouter: Sendable, Hashable, Codable {
    /// The router's serial as the manifest spells it.
    public var serial: String
    /// Why it is offline (docs/rules.md §4.4).
    public var reason: RejectionReason

    /// An offline router with its reason.
    public init(serial: String, reason: RejectionReason) {
        self.serial = serial
        self.reason = reason
    }
}

/// Counts of licenses by status, archived licenses excluded.
public struct LicenseCounts: Sendable, Hashable, Codable {
    /// Licenses redeemed but not scheduled or activated.
    public var available = 0
    /// Licenses with a scheduled activation.
    public var scheduled = 0
    /// Licenses activated and not expired or invalidated.
    public var active = 0
    /// Licenses past their expiry (or stock expiry).
    public var expired = 0
    /// Licenses invalidated by a paid activation (docs/rules.md R2).
    public var invalid = 0

    /// All counts zero.
    public init() {}

    /// The count of licenses with `status`.
    public subscript(status: LicenseStatus) -> Int {
        get {
            switch status {
            case .available: available
            case .scheduled: scheduled
            case .active: active
            case .expired: expired
            case .invalid: invalid
            }
        }
        set {
            switch status {
            case .available: available = newValue
            case .scheduled: scheduled = newValue
            case .active: active = newValue
            case .expired: expired = newValue
            case .invalid: invalid = newValue
            }
        }
    }
}

/// A tenant's result at the plan's `at`, after both steps (docs/rules.md §4, docs/cli.md §6 `after`).
public struct TenantAfter: Sendable, Hashable, Codable {
    /// `full` or `limited` (docs/rules.md §1).
    public var mode: TenantMode
    /// How many routers may be online (docs/rules.md R8).
    public var capacity: Int
    /// Serials of admitted routers, ordered by `connectedAt` then serial.
    public var online: [String]
    /// Offline routers, sorted by serial.
    public var offline: [OfflineRouter]
    /// License counts by status after the plan.
    public var licenses: LicenseCounts

    /// The result with its mode, capacity, routers and license counts.
    public init(mode: TenantMode, capacity: Int, online: [String], offline: [OfflineRouter], licenses: LicenseCounts) {
        self.mode = mode
        self.capacity = capacity
        self.online = online
        self.offline = offline
        self.licenses = licenses
    }
}

/// One tenant's part of a plan.
public struct TenantPlan: Sendable, Hashable, Codable {
    /// The tenant's name (a DNS label).
    public var tenant: String
    /// The state the plan was computed against; `nil` when the tenant has no state yet.
    public var prior: PriorRef?
    /// Whether apply writes this tenant (docs/rules.md §4.6).
    public var changed: Bool
    /// Ordered by ``PlanEvent/ordered(_:_:)``.
    public var events: [PlanEvent]
    /// The tenant at the plan's `at`, after both steps.
    public var after: TenantAfter
    /// The summary recorded before this plan (`nil` without state). In the JSON as `before`
    /// (`{capacity, mode, offline, online}`) when present, so that `show PLANFILE` prints what
    /// `plan` printed (docs/README.md §8 "Output").
    public var before: TenantSummary?
    /// The document apply writes when ``changed``; not part of the JSON.
    public var newState: TenantState?
    /// The tenant's contacts, for reminder mail; not part of the JSON.
    public var contacts: [String]

    /// A tenant's part of a plan; `newState` and `contacts` stay out of the JSON.
    public init(
        tenant: String, prior: PriorRef?, changed: Bool, events: [PlanEvent], after: TenantAfter,
        before: TenantSummary? = nil, newState: TenantState? = nil, contacts: [String] = []
    ) {
        self.tenant = tenant
        self.prior = prior
        self.changed = changed
        self.events = events
        self.after = after
        self.before = before
        self.newState = newState
        self.contacts = contacts
    }

    enum CodingKeys: String, CodingKey { case tenant, prior, changed, events, after, before }

    /// `before` as JSON: `{capacity, mode, offline, online}`.
    struct BeforeJSON: Codable {
        var mode: TenantMode
        var capacity: Int
        var online: Int
        var offline: Int
    }

    /// Decodes a tenant of the plan JSON (docs/plan-json.md §6 "A tenant"); `newState` and
    /// `contacts` are not in the JSON and stay empty.
    ///
    /// - Throws: `DecodingError` for a missing key or a value of the wrong type.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tenant = try c.decode(String.self, forKey: .tenant)
        prior = try c.decodeIfPresent(PriorRef.self, forKey: .prior)
        changed = try c.decode(Bool.self, forKey: .changed)
        events = try c.decode([PlanEvent].self, forKey: .events)
        after = try c.decode(TenantAfter.self, forKey: .after)
        before = try c.decodeIfPresent(BeforeJSON.self, forKey: .before).map {
            TenantSummary(mode: $0.mode, capacity: $0.capacity, online: $0.online, offline: $0.offline)
        }
        newState = nil
        contacts = []
    }

    /// Encodes the plan JSON form of a tenant (docs/plan-json.md §6 "A tenant"): `prior` is `null`
    /// without state, `before` only when present.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tenant, forKey: .tenant)
        if let prior { try c.encode(prior, forKey: .prior) } else { try c.encodeNil(forKey: .prior) }
        try c.encode(changed, forKey: .changed)
        try c.encode(events, forKey: .events)
        try c.encode(after, forKey: .after)
        if let before {
            try c.encode(
                BeforeJSON(
                    mode: before.mode, capacity: before.capacity, online: before.online,
                    offline: before.offline), forKey: .before)
        }
    }
}

/// Totals over a plan (docs/cli.md §6 `summary`).
public struct PlanSummary: Sendable, Hashable, Codable {
    /// Tenants in the plan.
    public var tenants: Int
    /// Tenants that apply would write (docs/rules.md §4.6).
    public var changed: Int
    /// Error diagnostics.
    public var errors: Int
    /// Warning diagnostics.
    public var warnings: Int
    /// Event count per action name.
    public var actions: [String: Int]
}

/// A plan: what `apply` would record at ``at`` (docs/rules.md §4, docs/cli.md §6 "Plan JSON", `formatVersion` 1).
public struct Plan: Sendable, Hashable, Codable {
    /// The `formatVersion` this version writes and reads (docs/plan-json.md §6 "Compatibility").
    public static let currentFormatVersion = 1

    /// The plan JSON's format version; always ``currentFormatVersion`` in a plan read or made.
    public var formatVersion: Int
    /// "Now" of the plan (UTC).
    public var at: Instant
    /// `sha256:…` over the manifests and the CSV files they read.
    public var inputsDigest: String
    /// Sorted by tenant name.
    public var tenants: [TenantPlan]
    /// Every error and warning, sorted with `sortedForOutput()`.
    public var diagnostics: [Diagnostic]
    /// The `--target`/`--shard` selection the plan was made with (docs/cli.md §5.2), `nil` without one
    /// (the JSON then has no `selection` key). Positional TENANT arguments are not recorded.
    public var selection: TenantSelection?

    /// A plan at `at`: tenants are sorted by name, diagnostics with `sortedForOutput()`, and the
    /// selection kept as recorded (`--target`/`--shard` only).
    public init(
        at: Instant, inputsDigest: String, tenants: [TenantPlan], diagnostics: [Diagnostic],
        selection: TenantSelection? = nil
    ) {
        formatVersion = Plan.currentFormatVersion
        self.at = at
        self.inputsDigest = inputsDigest
        self.tenants = tenants.sorted { $0.tenant < $1.tenant }
        self.diagnostics = diagnostics.sortedForOutput()
        self.selection = selection?.recorded
    }

    /// Whether any diagnostic is an error: such a plan is refused by `apply`.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Whether any tenant would be written.
    public var hasChanges: Bool { tenants.contains { $0.changed } }

    /// The totals over the plan (docs/plan-json.md §6 `summary`).
    public var summary: PlanSummary {
        var actions: [String: Int] = [:]
        for tenant in tenants {
            for event in tenant.events { actions[event.action.rawValue, default: 0] += 1 }
        }
        return PlanSummary(
            tenants: tenants.count, changed: tenants.filter(\.changed).count,
            errors: diagnostics.errorCount, warnings: diagnostics.warningCount, actions: actions)
    }

    enum CodingKeys: String, CodingKey {
        case formatVersion, at, inputsDigest, tenants, diagnostics, summary, selection
    }

    /// `selection` as JSON: `{"targets": [...], "shard": "I/N"}`, absent keys meaning no such
    /// restriction (docs/cli.md §6 Plan JSON).
    struct SelectionJSON: Codable {
        var targets: [String]?
        var shard: String?
    }

    /// Decodes a plan file (docs/plan-json.md §6).
    ///
    /// - Throws: `DecodingError` for a `formatVersion` other than ``currentFormatVersion``, an
    ///   invalid `selection.shard`, a missing key or a value of the wrong type.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try c.decode(Int.self, forKey: .formatVersion)
        guard formatVersion == Plan.currentFormatVersion else {
            throw DecodingError.dataCorruptedError(
                forKey: .formatVersion, in: c,
                debugDescription: "plan formatVersion \(formatVersion) is not \(Plan.currentFormatVersion)")
        }
        at = try c.decode(Instant.self, forKey: .at)
        inputsDigest = try c.decode(String.self, forKey: .inputsDigest)
        tenants = try c.decode([TenantPlan].self, forKey: .tenants)
        diagnostics = try c.decode([Diagnostic].self, forKey: .diagnostics)
        if let recorded = try c.decodeIfPresent(SelectionJSON.self, forKey: .selection) {
            var shard: Shard?
            if let text = recorded.shard {
                do {
                    shard = try Shard(parsing: text)
                } catch {
                    throw DecodingError.dataCorruptedError(forKey: .selection, in: c, debugDescription: error.message)
                }
            }
            selection = TenantSelection(targets: recorded.targets ?? [], shard: shard).recorded
        } else {
            selection = nil
        }
    }

    /// Encodes the plan JSON (docs/plan-json.md §6), `summary` computed, `selection` only when the
    /// plan was made with one.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(formatVersion, forKey: .formatVersion)
        try c.encode(at, forKey: .at)
        try c.encode(inputsDigest, forKey: .inputsDigest)
        try c.encode(tenants, forKey: .tenants)
        try c.encode(diagnostics, forKey: .diagnostics)
        try c.encode(summary, forKey: .summary)
        if let selection {
            try c.encode(
                SelectionJSON(
                    targets: selection.targets.isEmpty ? nil : selection.targets,
                    shard: selection.shard?.description), forKey: .selection)
        }
    }
}
