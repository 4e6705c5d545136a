/// What planning one tenant finds (docs/rules.md §4, §4.2, §4.5, §4.8, R1, R2, R8), as the
/// planner (`Reconcile/Planner/`) reports it: errors that refuse the plan and warnings. Each case
/// renders its message; codes are passed masked, instants UTC.
enum PlanError: Error, Sendable, Equatable {
    /// `--at` before the tenant's `appliedAt`.
    case atBeforeAppliedAt(at: Instant, tenant: String, appliedAt: Instant)
    /// `--at` earlier than the `appliedAt` of `count` (2 or more) tenants, the first by name
    /// `first`; `latest` is the latest of their `appliedAt`s.
    case atBeforeAppliedAtOfTenants(at: Instant, count: Int, first: String, latest: Instant)
    /// A tenant with state and no manifest whose licenses are not all terminal.
    case retireWithLiveLicenses(tenant: String, licenses: String)
    /// A code whose stock expired before it was redeemed.
    case redeemAfterStockExpiry(code: String, stockExpiresAt: Instant, issued: String)
    /// A code redeemed before its issue date (a warning).
    case redeemBeforeIssue(code: String, at: Instant, issued: String)
    /// Licenses recorded in state but missing from the manifest, each `code (status)`.
    case missingFromManifest(tenant: String, licenses: [String])
    /// A manifest that now gives other values for a redeemed code (a warning).
    /// `file` is the sales CSV that gives the new values, `nil` when the manifest does.
    case redeemedWithOtherValues(code: String, differences: [String], file: String?)
    /// An adopted license's `expires` edited after it expired or became invalid in state
    /// (docs/rules.md §4.8, docs/README.md §8: such a license is never rewritten); `file` gives
    /// the edited value, `restore` says what to write back.
    case adoptedExpiryOfTerminalLicense(
        code: String, status: LicenseStatus, recorded: Instant, found: Instant, file: String, restore: String)
    /// A request that contradicts the recorded activation; `restore` says what to write.
    case activationChanged(code: String, activatedAt: Instant, restore: String)
    /// An activation of a code whose stock expired.
    case activateAfterStockExpired(code: String, stockExpiresAt: Instant, issued: String)
    /// An activation at `at` (requested or now) at or after the code's stock expiry.
    case activateAtOrAfterStockExpiry(code: String, at: Instant, stockExpiresAt: Instant, issued: String)
    /// A past activation never recorded as scheduled (a warning).
    case pastActivationNeverScheduled(activation: Instant, code: String, at: Instant)
    /// `activated` in the future.
    case activatedInTheFuture(activated: Instant, code: String, at: Instant)
    /// A paid activation adopted before a Cloud Free recorded as activated later.
    case paidBeforeRecordedCloudFree(paid: String, paidAt: Instant, free: String, freeAt: Instant)
    /// A Cloud Free adopted at or after the tenant's first paid activation.
    case cloudFreeAdoptedAfterPaid(code: String, activation: Instant, tenant: String, paid: Instant)
    /// A Cloud Free activation requested at or after the tenant's first paid activation;
    /// `renewing` when it would renew an expired Cloud Free.
    case cloudFreeAfterPaid(code: String, activation: Instant, tenant: String, paid: Instant, renewing: Bool)
    /// A second non-terminal Cloud Free.
    case secondCloudFree(code: String, tenant: String, first: String, status: String)
    /// A Cloud Free adopted as activated while another Cloud Free of the tenant was still valid
    /// (R1 over the platform's history).
    case cloudFreeAdoptedWhileAnotherRan(
        code: String, activation: Instant, other: String, otherActivation: Instant, until: Instant)
    /// A paid activation now that invalidates Cloud Free (a warning).
    case paidInvalidatesCloudFree(paid: String, free: String, before: Int, after: Int, rejected: Int)
    /// A scheduled paid activation that will invalidate Cloud Free (a warning).
    case scheduledPaidInvalidatesCloudFree(
        paid: String, at: Instant, free: String, before: Int, after: Int, rejected: Int)
    /// A scheduled paid activation recorded in state that this plan carries out at `at` (its
    /// instant) and that invalidates Cloud Free (a warning); `after` and `rejected` are as of
    /// the plan's `at`.
    case recordedScheduledPaidInvalidatedCloudFree(
        paid: String, at: Instant, free: String, before: Int, after: Int, rejected: Int)
    /// Connected routers rejected (a standing warning).
    case routersRejected(tenant: String, rejected: Int, connected: Int, why: String)
    /// A router whose `connectedAt` lies after `at` (a standing warning).
    case routerConnectingLater(serial: String, connectedAt: Instant, at: Instant)
    /// A Cloud Free in its last 30 days without `renew` (a standing warning).
    case cloudFreeNearExpiry(code: String, expiresAt: Instant, days: Int64)
    /// An available code near its stock expiry (a standing warning).
    case stockExpiring(code: String, stockExpiresAt: Instant, days: Int64)
    /// Reminders due in a tenant without contacts (a standing warning).
    case remindersWithoutContacts(tenant: String, reminders: Int)
    /// A paid license adopted in its last 30 days: the reminders before adoption were the
    /// platform's, `remindersLeft` slots lie ahead.
    case adoptedNearExpiry(code: String, expiresAt: Instant, days: Int64, remindersLeft: Int)
    /// A future `activated_at` in a CSV row (``activatedInTheFuture(activated:code:at:)`` for a
    /// cell): the request belongs in `manifest`, which has `activate`.
    case activatedAtInTheFuture(activated: Instant, code: String, at: Instant, manifest: String)
    /// ``cloudFreeNearExpiry(code:expiresAt:days:)`` of a code only a CSV lists: `renew` goes
    /// on a `licenses` entry in `manifest` (a standing warning).
    case importedCloudFreeNearExpiry(code: String, expiresAt: Instant, days: Int64, manifest: String)
    /// A paid license adopted with an expiry other than activation + term (`byTerm`, R4; a
    /// warning): `active` says whether it is adopted as active, `inCSV` where the value is.
    case adoptedExpiryOffTerm(
        code: String, expires: Instant, activated: Instant, term: String, byTerm: Instant, active: Bool, inCSV: Bool)
    /// An active adopted license's expiry corrected to an instant at or before the tenant's
    /// last apply (`appliedAt`), when state recorded it as active (docs/rules.md §4.8): the
    /// correction rewrites what that apply admitted; `inCSV` names the `expires_at` cell.
    case correctedExpiryBeforeAppliedAt(
        code: String, recorded: Instant, found: Instant, appliedAt: Instant, inCSV: Bool)

    /// The diagnostic's message: what was found, what was expected, how to fix it.
    var message: String {
        switch self {
        case .atBeforeAppliedAt(let at, let tenant, let appliedAt):
            "--at \(at) is earlier than the appliedAt of tenant '\(tenant)', \(appliedAt); plan at \(appliedAt) or later"
        case .atBeforeAppliedAtOfTenants(let at, let count, let first, let latest):
            "--at \(at) is earlier than the appliedAt of \(count) tenants ('\(first)' and \(count - 1) more; the latest is \(latest)); plan at \(latest) or later"
        case .retireWithLiveLicenses(let tenant, let licenses):
            "tenant '\(tenant)' has state but no manifest, and its licenses \(licenses) are not expired or invalid; restore its manifest (a tenant retires only when all its licenses are terminal)"
        case .redeemAfterStockExpiry(let code, let stockExpiresAt, let issued):
            "cannot redeem \(code): its stock expired at \(stockExpiresAt) (issued \(issued) + P2Y)"
        case .redeemBeforeIssue(let code, let at, let issued):
            "\(code) is redeemed at \(at), before its issue date \(issued); check the issue date or plan later"
        case .missingFromManifest(let tenant, let licenses):
            "tenant '\(tenant)': \(licenses.joined(separator: ", ")) \(licenses.count == 1 ? "is" : "are") in state but missing from the manifest; only expired or invalid licenses may leave it (restore \(licenses.count == 1 ? "it" : "them"))"
        case .adoptedExpiryOfTerminalLicense(let code, let status, let recorded, let found, let file, let restore):
            "\(code) is recorded as \(status.rawValue) (expiry \(recorded)), but \(file) now gives expiry \(found); the history of an expired or invalid license is never rewritten: \(restore). An adopted expiry can be corrected only while the license is active; when the vendor confirms another date now, keep the recorded one and note the vendor's date in the pull request"
        case .redeemedWithOtherValues(let code, let differences, let file):
            "\(code) was redeemed with other values; \(file ?? "the manifest") now gives \(differences.joined(separator: ", ")); state keeps the recorded ones — restore them, or redeem a new code"
        case .activationChanged(let code, let activatedAt, let restore):
            "license \(code) was activated on \(activatedAt); \(restore)"
        case .activateAfterStockExpired(let code, let stockExpiresAt, let issued):
            "cannot activate \(code): its stock expired at \(stockExpiresAt) (issued \(issued) + P2Y)"
        case .activateAtOrAfterStockExpiry(let code, let at, let stockExpiresAt, let issued):
            "cannot activate \(code) at \(at): its stock expires at \(stockExpiresAt) (issued \(issued) + P2Y)"
        case .pastActivationNeverScheduled(let activation, let code, let at):
            "activate: \(activation) of \(code) is in the past and was never recorded as scheduled; activating it now, at \(at)"
        case .activatedInTheFuture(let activated, let code, let at):
            "activated: \(activated) of \(code) is in the future (after \(at)); 'activated' records an activation the platform already made — to request one, write `activate: \(activated)`"
        case .paidBeforeRecordedCloudFree(let paid, let paidAt, let free, let freeAt):
            "\(paid) was activated at \(paidAt), before Cloud Free \(free) recorded as activated at \(freeAt); the platform refuses Cloud Free after a paid activation — check activated of \(paid)"
        case .cloudFreeAdoptedAfterPaid(let code, let activation, let tenant, let paid):
            "Cloud Free \(code) is activated at \(activation), at or after the first paid activation of tenant '\(tenant)' at \(paid); the platform refuses Cloud Free after a paid license — check 'activated'"
        case .cloudFreeAfterPaid(let code, let activation, let tenant, let paid, let renewing):
            "cannot activate Cloud Free \(code) at \(activation): tenant '\(tenant)' has its first paid activation at \(paid); Cloud Free never follows a paid license"
                + (renewing ? " (this would renew the expired Cloud Free: remove 'renew: true')" : "")
        case .cloudFreeAdoptedWhileAnotherRan(let code, let activation, let other, let otherActivation, let until):
            "Cloud Free \(code) is adopted as activated at \(activation), while Cloud Free \(other) (activated \(otherActivation)) was valid until \(until); the platform runs one Cloud Free at a time (R1) and would have refused it: check both activated dates"
        case .secondCloudFree(let code, let tenant, let first, let status):
            "\(code) would be a second non-terminal Cloud Free license in tenant '\(tenant)' (\(first) is \(status)); Cloud Free cannot be combined"
        case .paidInvalidatesCloudFree(let paid, let free, let before, let after, let rejected):
            "activating \(paid) invalidates Cloud Free \(free): capacity \(before) → \(after), \(rejected) routers rejected"
        case .scheduledPaidInvalidatesCloudFree(let paid, let at, let free, let before, let after, let rejected):
            "activating \(paid) at \(at) will invalidate Cloud Free \(free): capacity \(before) → \(after), \(rejected) routers rejected"
        case .recordedScheduledPaidInvalidatedCloudFree(let paid, let at, let free, let before, let after, let rejected):
            "the scheduled activation of \(paid) at \(at) invalidates Cloud Free \(free): capacity \(before) → \(after), \(rejected) routers rejected"
        case .routersRejected(let tenant, let rejected, let connected, let why):
            "tenant '\(tenant)': \(rejected) of \(connected) connected routers rejected (\(why))"
        case .routerConnectingLater(let serial, let connectedAt, let at):
            "router \(serial) has connectedAt \(connectedAt), after \(at); it counts as not connected"
        case .cloudFreeNearExpiry(let code, let expiresAt, let days):
            "Cloud Free \(code) expires at \(expiresAt) (in \(days) days) and has renew: false; set renew: true to keep limited mode"
        case .stockExpiring(let code, let stockExpiresAt, let days):
            "\(code) is still available and its stock expires at \(stockExpiresAt) (in \(days) days); activate it before then"
        case .remindersWithoutContacts(let tenant, let reminders):
            "tenant '\(tenant)' has \(reminders) reminder\(reminders == 1 ? "" : "s") due but no contacts; add spec.contacts"
        case .adoptedNearExpiry(let code, let expiresAt, let days, let remindersLeft):
            "\(code) is adopted \(days == 0 ? "less than a day" : "\(days) day\(days == 1 ? "" : "s")") before it expires at \(expiresAt): the platform sent its reminders until now and \(remindersLeft == 0 ? "no reminder is left" : "\(remindersLeft) reminder\(remindersLeft == 1 ? " is" : "s are") left"); redeem and activate its replacement before then"
        case .activatedAtInTheFuture(let activated, let code, let at, let manifest):
            "activated_at: \(activated) of \(code) is in the future (after \(at)); activated_at records an activation the platform already made — correct the cell to the platform's activation date, or, if the platform has not activated the code yet, empty the cell and request the activation in \(manifest): a `licenses` entry for this code with `activate: \(activated)`"
        case .importedCloudFreeNearExpiry(let code, let expiresAt, let days, let manifest):
            "Cloud Free \(code) expires at \(expiresAt) (in \(days) days) and has renew: false; to keep limited mode, set `renew: true` on a `licenses` entry for this code in \(manifest) (an entry with the code and `renew: true` is enough: its other values stay in the CSV, which has no renew column)"
        case .correctedExpiryBeforeAppliedAt(let code, let recorded, let found, let appliedAt, let inCSV):
            "\(inCSV ? "expires_at" : "expires"): \(found) of \(code) corrects the recorded expiry \(recorded) to an instant before the last apply (\(appliedAt)), at which state recorded the license as active and counted its capacity; this plan adopts it again as already expired, and the routers it admitted may be rejected. Check the license's expiry in the platform: if it shows \(found), the license ran out before that apply and this plan is right; if it shows \(recorded), \(inCSV ? "write \(recorded) back into this cell" : "restore `expires: \(recorded)`") before applying"
        case .adoptedExpiryOffTerm(let code, let expires, let activated, let term, let byTerm, let active, let inCSV):
            "\(inCSV ? "expires_at" : "expires"): \(expires) of \(code) is not its activation + term (\(activated) + \(term) = \(byTerm)); it is adopted as given, \(active ? "active until then" : "already expired"). Check the license's expiry in the platform: if it shows \(byTerm), correct \(inCSV ? "this cell (or empty it)" : "`expires` (or remove it)") before applying; keep \(expires) only if the vendor changed the license's expiry"
        }
    }
}
