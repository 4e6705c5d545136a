/// What is wrong when a tenant's manifest is merged with its CSV files (docs/formats.md §3.1,
/// docs/rules.md §4.2 and §4.8, the rules that need no state), as ``TenantAssembler`` reports
/// it. Each case renders its message; codes are passed masked, places as `path:line:column`.
enum AssemblyError: Error, Sendable, Equatable {
    /// A code imported twice with other type, issue date or term (`here`, `there` summarised).
    case importedWithOtherValues(code: String, here: String, there: String, at: String)
    /// A code imported twice with another `activate`.
    case importedWithOtherActivation(code: String, here: String, there: String, at: String)
    /// A code of a sales CSV row (no `activated_at`) that another import of the tenant lists as
    /// running in the platform (`row`, activated `activatedAt`; docs/rules.md §4.8).
    case alreadyRunning(code: String, row: String, activatedAt: Instant)
    /// A code imported twice with the same values (a warning).
    case importedTwice(code: String, at: String)
    /// A code listed twice in `licenses`.
    case listedTwice(code: String, line: Int, column: Int)
    /// `activated` and `activate` on one entry.
    case activatedAndActivate(code: String)
    /// A `licenses` entry's value that differs from its import's row (`type`, `issued`,
    /// `term`), quoted as written.
    case differsFromImport(key: String, here: String, there: String, row: String)
    /// `activate` for a code whose row has `activated_at`.
    case activateForRunningLicense(activation: String, code: String, row: String, activatedAt: Instant)
    /// `activated` that differs from the row's `activated_at`.
    case activatedDiffersFromRow(activated: Instant, activatedAt: Instant, row: String)
    /// `expires` that differs from the row's `expires_at` (`(empty)` when it has none).
    case expiresDiffersFromRow(expires: Instant, expiresAt: String, row: String)
    /// `expires` without `activated`.
    case expiresWithoutActivated(code: String)
    /// A `licenses` entry of a code no import brings, lacking `'type'`/`'issued'`.
    case needsKeys(code: String, missing: [String])
    /// A Cloud Free term other than P1Y.
    case cloudFreeTerm(found: String)
    /// `renew` on a paid license.
    case renewOnPaid(type: String)
    /// A router serial listed twice in `routers`.
    case serialListedTwice(serial: String, line: Int, column: Int)
    /// A router serial also listed at another place with the same `connectedAt` (a warning).
    case serialAlsoListed(serial: String, at: String)
    /// A router serial also listed at another place with another `connectedAt`.
    case serialListedWithOtherConnection(serial: String, at: String, there: String, here: String)
    /// `activated` before the code's issue date; `key` is `activated`, or `activated_at` for a
    /// CSV cell.
    case activatedBeforeIssue(activated: Instant, code: String, issued: String, key: String = "activated")
    /// `activated` at or after the code's stock expiry; `key` as in ``activatedBeforeIssue``.
    case activatedAfterStockExpiry(
        activated: Instant, code: String, stockExpiresAt: Instant, issued: String, key: String = "activated")
    /// `expires` not after `activated`.
    case expiresNotAfterActivation(expires: Instant, code: String, activated: Instant)

    /// The diagnostic's message: what was found, what was expected, how to fix it.
    var message: String {
        switch self {
        case .importedWithOtherValues(let code, let here, let there, let at):
            "code \(code) is imported again with different values: \(here) here, \(there) at \(at)"
        case .importedWithOtherActivation(let code, let here, let there, let at):
            "code \(code) is imported twice with different 'activate': \(here) here, \(there) at \(at)"
        case .alreadyRunning(let code, let row, let activatedAt):
            "code \(code) already runs in the platform (adopted from \(row), activated \(activatedAt)); this row would redeem it again as unactivated stock: remove this row"
        case .importedTwice(let code, let at):
            "code \(code) is imported twice (also at \(at)); merged"
        case .listedTwice(let code, let line, let column):
            "code \(code) is listed twice in licenses; first at line \(line), column \(column)"
        case .activatedAndActivate(let code):
            "activated and activate are both given for \(code); 'activated' records a license already running in the platform, 'activate' requests an activation — keep one"
        case .differsFromImport(let key, let here, let there, let row):
            "\(key): '\(here)' differs from '\(there)' given for this code by \(row); remove '\(key)' here or correct it"
        case .activateForRunningLicense(let activation, let code, let row, let activatedAt):
            "activate: '\(activation)' for \(code), whose row \(row) has activated_at \(activatedAt): the license already runs in the platform; remove 'activate'"
        case .activatedDiffersFromRow(let activated, let activatedAt, let row):
            "activated: \(activated) differs from activated_at \(activatedAt) given for this code by \(row); remove 'activated' here or correct it"
        case .expiresDiffersFromRow(let expires, let expiresAt, let row):
            "expires: \(expires) differs from expires_at \(expiresAt) given for this code by \(row); remove 'expires' here or correct it"
        case .expiresWithoutActivated(let code):
            "expires is given for \(code) without activated; an expiry is recorded only for a license already running in the platform — add 'activated', or remove 'expires'"
        case .needsKeys(let code, let missing):
            "licenses entry for code \(code) needs \(missing.joined(separator: " and ")) (required unless the code comes from an import)"
        case .cloudFreeTerm(let found):
            "term: Cloud Free licenses always run P1Y, found '\(found)'"
        case .renewOnPaid(let type):
            "renew: only Cloud Free licenses renew; '\(type)' is paid, remove 'renew'"
        case .serialListedTwice(let serial, let line, let column):
            "router serial '\(serial)' is listed twice in routers; first at line \(line), column \(column)"
        case .serialAlsoListed(let serial, let at):
            "router serial '\(serial)' is also listed at \(at); merged"
        case .serialListedWithOtherConnection(let serial, let at, let there, let here):
            "router serial '\(serial)' is also listed at \(at) with connectedAt \(there); here \(here)"
        case .activatedBeforeIssue(let activated, let code, let issued, let key):
            "\(key): \(activated) of \(code) is before its issue date \(issued); a code cannot run before it was issued — check the activation or the issue date"
        case .activatedAfterStockExpiry(let activated, let code, let stockExpiresAt, let issued, let key):
            "\(key): \(activated) of \(code) is at or after its stock expiry \(stockExpiresAt) (issued \(issued) + P2Y); the platform cannot have activated it then — check the activation or the issue date"
        case .expiresNotAfterActivation(let expires, let code, let activated):
            "expires: \(expires) of \(code) is not after its activation \(activated); expected the platform's expiry, later than 'activated'"
        }
    }
}
