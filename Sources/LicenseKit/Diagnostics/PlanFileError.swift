/// Plan file bytes that are not a plan this licensectl can apply (docs/plan-json.md §6), as
/// ``PlanJSON/decode(_:)`` throws them. Each case renders its message.
public enum PlanDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not JSON; `reason` is the parser's (`invalid JSON at byte 0: unexpected end of file`).
    case notJSON(String)
    /// JSON whose top level is not an object.
    case notAnObject
    /// No integer `formatVersion` at the top level.
    case noFormatVersion
    /// A plan of another `formatVersion` (`found`); this licensectl reads `reads`.
    case otherFormatVersion(Int, reads: Int)
    /// A plan of the right version that does not decode; `reason` names where and why
    /// (`missing key 'inputsDigest' in top level`).
    case notAPlan(String)

    /// The whole message, e.g. `stale plan: formatVersion 2, this licensectl reads 1`.
    public var message: String {
        switch self {
        case .notJSON(let reason), .notAPlan(let reason):
            "not a licensectl plan: \(reason)"
        case .notAnObject:
            "not a licensectl plan: expected a JSON object at the top"
        case .noFormatVersion:
            "not a licensectl plan: no integer 'formatVersion'"
        case .otherFormatVersion(let found, let reads):
            "stale plan: formatVersion \(found), this licensectl reads \(reads)"
        }
    }

    /// The same as ``message``.
    public var description: String { message }
}

/// Why `apply PLANFILE` refuses a plan file (docs/cli.md §6 `apply PLANFILE`), as
/// ``ApplySession`` reports it: the file cannot be read or decoded, or the plan is stale. Each
/// case renders its message; `file` is the plan file as the user named it, codes are masked.
enum PlanFileError: Error, Sendable, Equatable {
    /// The plan file is missing, unreadable or not a regular file.
    case unreadable(file: String)
    /// The bytes are not a plan this licensectl applies.
    case undecodable(file: String, PlanDecodeError)
    /// The manifests or CSV files changed since the plan (inputs digests, shortened).
    case inputsChanged(from: String, to: String)
    /// A tenant without state when planned has state now, of `serial`.
    case stateAppeared(tenant: String, serial: Int)
    /// A tenant with state of `serial` when planned has none now.
    case stateVanished(tenant: String, serial: Int)
    /// A tenant's state has another lineage than when planned.
    case otherLineage(tenant: String, from: String, to: String)
    /// A tenant was applied since the plan (its serial moved on).
    case appliedSince(tenant: String, from: Int, to: Int)
    /// A tenant's state document that the plan, within its selection, did not cover.
    case stateNotCovered(tenant: String)
    /// A time-driven instant of a tenant lies between the plan's `at` and now.
    case instantPassed(tenant: String, what: TimeDrivenInstant, when: Instant, planAt: Instant)
    /// Planning again gives a tenant other events than the plan shows.
    case otherEvents(tenant: String)
    /// Planning again covers another set of tenants.
    case tenantsChanged
    /// State changed between the confirmation and taking the lock.
    case changedBeforeLock

    /// A time-driven instant of one license (docs/cli.md §6 `apply PLANFILE`); `code` masked.
    enum TimeDrivenInstant: Sendable, Equatable {
        /// The stock expiry of an available or scheduled license.
        case stockExpiry(code: String)
        /// The scheduled activation.
        case scheduledActivation(code: String)
        /// The expiry of an active license.
        case expiry(code: String)
        /// A reminder slot before the expiry.
        case reminderSlot(code: String)
        /// The start of the renewal window of a renewing license.
        case renewalWindow(code: String)

        /// `the expiry of 96D9-****-59E5`.
        var text: String {
            switch self {
            case .stockExpiry(let code): "the stock expiry of \(code)"
            case .scheduledActivation(let code): "the scheduled activation of \(code)"
            case .expiry(let code): "the expiry of \(code)"
            case .reminderSlot(let code): "a reminder slot of \(code)"
            case .renewalWindow(let code): "the renewal window of \(code)"
            }
        }
    }

    /// The diagnostic's message: what changed and what to do.
    var message: String {
        switch self {
        case .unreadable(let file):
            "cannot read plan file '\(file)'"
        case .undecodable(let file, let error):
            "\(file): \(error.message)"
        case .inputsChanged(let from, let to):
            "stale plan: the manifests or CSV files changed since the plan was made (inputs digest \(from) → \(to))"
        case .stateAppeared(let tenant, let serial):
            "stale plan: tenant '\(tenant)' had no state when planned, now it has serial \(serial)"
        case .stateVanished(let tenant, let serial):
            "stale plan: tenant '\(tenant)' had state serial \(serial) when planned, now it has none"
        case .otherLineage(let tenant, let from, let to):
            "stale plan: tenant '\(tenant)' has another lineage (\(from) → \(to))"
        case .appliedSince(let tenant, let from, let to):
            "stale plan: tenant '\(tenant)' was applied since (serial \(from) → \(to))"
        case .stateNotCovered(let tenant):
            "stale plan: tenant '\(tenant)' has a state file the plan did not cover"
        case .instantPassed(let tenant, let what, let when, let planAt):
            "stale plan: tenant '\(tenant)' has \(what.text) at \(when), after the plan's at \(planAt); the world moved on, plan again"
        case .otherEvents(let tenant):
            "stale plan: tenant '\(tenant)' would now get other events than the plan shows; plan again"
        case .tenantsChanged:
            "stale plan: the set of tenants changed; plan again"
        case .changedBeforeLock:
            "stale plan: state changed between your confirmation and taking the lock; what you confirmed would not be written. Run apply again."
        }
    }
}
