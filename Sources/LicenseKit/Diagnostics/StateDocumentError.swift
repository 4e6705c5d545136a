/// Why the bytes of a state document are not a tenant document this licensectl reads
/// (docs/state.md §5), as ``TenantState/decode(stateFile:path:)`` reports them. Each case renders
/// its message; `path` is the dotted path inside the document (`licenses[2]`, `summary`, or
/// empty for the top level), `field` a path with its key (`licenses[2].capacity`). The decoder
/// reports ``reported`` (the message and how to proceed) at the location.
package enum StateDocumentError: Error, Sendable, Equatable {
    // The file as a whole.
    /// Nothing but white space.
    case empty
    /// Not JSON; `reason` is the parser's.
    case notJSON(reason: String)
    /// A file name other than `<tenant>.json`.
    case fileNameMismatch(name: String, tenant: String)
    /// The top level is not an object (`found`: the JSON kind).
    case notADocument(found: String)
    /// A `formatVersion` newer than this build reads (`reads`): valid, just not for this build.
    case newerFormatVersion(Int, reads: Int)

    // The shape of an object.
    /// The object at `path` is a `found` (a JSON kind).
    case notAnObject(path: String, found: String)
    /// A key `field` the object does not have (`expected`: its keys, sorted).
    case unknownKey(field: String, expected: [String])
    /// The object at `path` lacks `key`.
    case missingKey(path: String, key: String)
    /// A value of the wrong type or form: `found` is a JSON kind, a quoted string or a number.
    case wrongValue(field: String, expected: String, found: String)

    // The values.
    /// `licenses[index].code` appears twice.
    case codeTwice(index: Int, code: ActivationCode)
    /// `routers[index].serial` appears twice (case-insensitively).
    case serialTwice(index: Int, serial: String)
    /// A license's `capacity` that is not its type's.
    case capacityMismatch(path: String, capacity: Int, type: LicenseType)
    /// A `stockExpiresAt` that is not `issued` + P2Y.
    case stockExpiresAt(path: String, expected: Instant, found: Instant)
    /// `remindersSent[index]` that is not an instant (`found`: the JSON kind).
    case reminderNotAnInstant(path: String, index: Int, found: String)
    /// `adoptedAt` on a license that was never activated.
    case adoptedNotActivated(path: String)
    /// A license whose `status` needs `key`, which is null.
    case statusNeeds(path: String, key: String, status: LicenseStatus)
    /// A broken invariant of the license at `path` (docs/rules.md §4.5), blaming its `field`.
    case license(path: String, field: String, LicenseInvariantViolation)
    /// A top-level instant (`paidSince`, `retiredAt`) after `appliedAt`.
    case afterApply(field: String, instant: Instant, appliedAt: Instant)
    /// An online router not connected by `appliedAt`.
    case onlineNotConnected(index: Int, appliedAt: Instant, connectedAt: Instant?)
    /// `summary.online` / `offline` that do not count the routers.
    case summaryCounts(online: Int, offline: Int, countedOnline: Int, countedOffline: Int)
    /// More routers online than the capacity.
    case overCapacity(online: Int, capacity: Int)

    /// Whether the document is valid, just of a newer `formatVersion`: not to be fixed.
    package var isNewerVersion: Bool {
        if case .newerFormatVersion = self { return true }
        return false
    }

    /// The message and what to do, as the reader reports it: a newer document is valid, just
    /// not for this build, so it is not to be fixed.
    package var reported: String {
        message
            + (isNewerVersion
                ? "; the file was not changed" : "; the file was not changed: fix it or restore it from git")
    }

    /// ``reported`` for a document stored in PostgreSQL: there is no file and no git to restore
    /// it from (newcomer run 6), so the advice names the stored document.
    package var reportedStored: String {
        message
            + (isNewerVersion
                ? "; nothing was changed"
                : "; nothing was changed: fix the stored document (licensectl.tenants.document) or restore it from a backup of the database")
    }

    /// The message, e.g. `licenses[0].capacity: 5 does not match Cloud Basic 1 (1)`.
    package var message: String {
        switch self {
        case .empty: "state file is empty"
        case .notJSON(let reason): "state file is truncated or not JSON (\(reason))"
        case .fileNameMismatch(let name, let tenant):
            "file name '\(name)' does not match tenant '\(tenant)': rename the file to '\(tenant).json' (git mv) or fix the tenant field"
        case .notADocument(let found): "expected a tenant document (a JSON object), found \(found)"
        case .newerFormatVersion(let found, let reads):
            "state file has formatVersion \(found), newer than this licensectl reads (\(reads)); upgrade licensectl"
        case .notAnObject(let path, let found):
            "\(path.isEmpty ? "document" : path): expected an object, found \(found)"
        case .unknownKey(let field, let expected):
            "\(field): unknown key (expected one of \(expected.joined(separator: ", ")))"
        case .missingKey(let path, let key): "\(path.isEmpty ? "document" : path): missing key '\(key)'"
        case .wrongValue(let field, let expected, let found): "\(field): expected \(expected), found \(found)"
        case .codeTwice(let index, let code): "licenses[\(index)].code: \(code) appears twice"
        case .serialTwice(let index, let serial):
            "routers[\(index)].serial: '\(serial)' appears twice (serials are compared case-insensitively)"
        case .capacityMismatch(let path, let capacity, let type):
            "\(path).capacity: \(capacity) does not match \(type) (\(type.capacity))"
        case .stockExpiresAt(let path, let expected, let found):
            "\(path).stockExpiresAt: expected \(expected) (issued + P2Y), found \(found)"
        case .reminderNotAnInstant(let path, let index, let found):
            "\(path).remindersSent[\(index)]: expected an instant YYYY-MM-DDTHH:MM:SSZ, found \(found)"
        case .adoptedNotActivated(let path):
            "\(path).adoptedAt: only an activated license is adopted, but activatedAt is null"
        case .statusNeeds(let path, let key, let status):
            "\(path).\(key): a license with status '\(status.rawValue)' needs \(key), found null"
        case .license(let path, let field, let violation): "\(path).\(field): \(violation.message)"
        case .afterApply(let field, let instant, let appliedAt):
            "\(field): \(LicenseInvariantViolation.afterApply(instant: instant, appliedAt: appliedAt).message)"
        case .onlineNotConnected(let index, let appliedAt, let connectedAt):
            "routers[\(index)].status: 'online', but the router is not connected by appliedAt \(appliedAt) (connectedAt \(connectedAt.map { "\($0)" } ?? "null"))"
        case .summaryCounts(let online, let offline, let countedOnline, let countedOffline):
            "summary: online \(online) and offline \(offline) do not count the routers (\(countedOnline) online, \(countedOffline) offline)"
        case .overCapacity(let online, let capacity):
            "summary: \(online) routers online, more than the capacity \(capacity)"
        }
    }
}

/// A broken invariant of a recorded license (docs/README.md §8 "State", docs/rules.md §4.1), as
/// ``LicenseRecord/invariantViolation(appliedAt:)`` finds it; rendered after the field it blames
/// inside ``StateDocumentError/license(path:field:_:)``.
package enum LicenseInvariantViolation: Error, Sendable, Equatable {
    /// `archivedAt`, `invalidatedAt` or `activatedAt` set on a license whose status does not have it.
    case setOnStatus(field: String, status: LicenseStatus)
    /// `renew: true` on a paid license.
    case renewOnPaid(LicenseType)
    /// `expired` while its end (`field`: `expiresAt` or `stockExpiresAt`, `nil` if null) has not passed.
    case expiredTooEarly(field: String, end: Instant?, appliedAt: Instant)
    /// `active` although its `expiresAt` has passed.
    case activeAfterExpiry(expiresAt: Instant, appliedAt: Instant)
    /// `scheduled` although its `scheduledAt` has passed.
    case scheduledAfterStart(scheduledAt: Instant, appliedAt: Instant)
    /// `available` although its `stockExpiresAt` has passed.
    case availableAfterStockExpiry(stockExpiresAt: Instant, appliedAt: Instant)
    /// An instant after the document's `appliedAt`.
    case afterApply(instant: Instant, appliedAt: Instant)
    /// `expiresAt` not after `activatedAt`.
    case expiresNotAfterActivation(expiresAt: Instant, activatedAt: Instant)
    /// `invalidatedAt` before `activatedAt`.
    case invalidatedBeforeActivation(invalidatedAt: Instant, activatedAt: Instant)
    /// `archivedAt` before `redeemedAt`.
    case archivedBeforeRedeemed(archivedAt: Instant, redeemedAt: Instant)

    /// What is wrong with the field, e.g. `true on a cloud-standard license; …`.
    package var message: String {
        switch self {
        case .setOnStatus(let field, let status):
            switch field {
            case "archivedAt":
                "set on a license with status '\(status.rawValue)'; only expired or invalid licenses are archived: set it to null"
            case "invalidatedAt":
                "set on a license with status '\(status.rawValue)'; only invalid licenses have it: set it to null"
            default:
                "set on a license with status '\(status.rawValue)'; only activated (active, expired or invalid) licenses have it: set it to null"
            }
        case .renewOnPaid(let type): "true on a \(type) license; renew applies to Cloud Free only: set it to false"
        case .expiredTooEarly(let field, let end, let appliedAt):
            "'expired', but its \(field) \(end.map { "\($0)" } ?? "is null and it") is not at or before appliedAt \(appliedAt); a license expires only when that instant has passed"
        case .activeAfterExpiry(let expiresAt, let appliedAt):
            "'active', but its expiresAt \(expiresAt) is not after appliedAt \(appliedAt); the apply at \(appliedAt) recorded it as expired"
        case .scheduledAfterStart(let scheduledAt, let appliedAt):
            "'scheduled', but its scheduledAt \(scheduledAt) is not after appliedAt \(appliedAt); the apply at \(appliedAt) activated it (or expired it from stock)"
        case .availableAfterStockExpiry(let stockExpiresAt, let appliedAt):
            "'available', but its stockExpiresAt \(stockExpiresAt) is not after appliedAt \(appliedAt); the apply at \(appliedAt) recorded it as expired from stock"
        case .afterApply(let instant, let appliedAt):
            "\(instant) is after appliedAt \(appliedAt); an apply records only what happened by its at"
        case .expiresNotAfterActivation(let expiresAt, let activatedAt):
            "\(expiresAt) is not after activatedAt \(activatedAt)"
        case .invalidatedBeforeActivation(let invalidatedAt, let activatedAt):
            "\(invalidatedAt) is before activatedAt \(activatedAt); a license is invalidated only once active"
        case .archivedBeforeRedeemed(let archivedAt, let redeemedAt):
            "\(archivedAt) is before redeemedAt \(redeemedAt)"
        }
    }
}
