/// A code that a tenant's manifest declares and another tenant's state already holds
/// (docs/rules.md §4.5, docs/state.md §5.1), as ``Reconciler`` reports it. Each case renders its
/// message; `code` is passed masked, `location` is the other document's backend location.
package enum CrossTenantError: Error, Sendable, Equatable {
    /// The code is recorded in the state of `owner`, another tenant of this state.
    case codeInOtherTenantsState(code: String, tenant: String, owner: String, location: String)
    /// The same, where `owner` has no manifest and `tenant` no state: most likely a tenant renamed
    /// only in `metadata.name`; the message says how to rename its state file into `folder`.
    case codeInRenamedTenantsState(code: String, tenant: String, owner: String, location: String, folder: String)
    /// The code is recorded in tenant `owner` of another owner `otherOwner` of a shared database.
    case codeOfOtherOwner(code: String, tenant: String, owner: String, otherOwner: String, location: String)
    /// More than ``Reconciler/maxCodesOfOtherOwnersEach`` codes of the manifests are recorded in
    /// tenants `otherTenants` (in manifest order) of the other owners `otherOwners` of a shared
    /// database: most likely a wrong or second `?owner=` in the state URL (docs/state.md §5.1).
    /// The first such code (masked) is named with its manifest tenant and holder.
    case codesOfOtherOwners(
        count: Int, otherOwners: [String], otherTenants: [String], firstCode: String, firstTenant: String,
        firstOwner: String, firstLocation: String)

    /// The diagnostic's message: what was found and how to fix it.
    package var message: String {
        switch self {
        case .codeInOtherTenantsState(let code, let tenant, let owner, let location):
            Self.redeemed(code, tenant, "tenant '\(owner)' (\(location))")
        case .codeInRenamedTenantsState(let code, let tenant, let owner, let location, let folder):
            Self.redeemed(code, tenant, "tenant '\(owner)' (\(location))")
                + ". If tenant '\(owner)' was renamed to '\(tenant)' in metadata.name, rename its state file too: "
                + "git mv \(location) \(folder)\(tenant).json, and set its \"tenant\" field to '\(tenant)'"
        case .codeOfOtherOwner(let code, let tenant, let owner, let otherOwner, let location):
            Self.redeemed(code, tenant, "tenant '\(owner)' of owner '\(otherOwner)' (\(location))")
        case .codesOfOtherOwners(
            let count, let otherOwners, let otherTenants, let firstCode, let firstTenant, let firstOwner,
            let firstLocation):
            "\(count) codes of the manifests are already redeemed into tenants of "
                + Self.owners(otherOwners) + " of this database ("
                + otherTenants.prefix(3).map { "'\($0)'" }.joined(separator: ", ")
                + (otherTenants.count > 3 ? " and \(otherTenants.count - 3) more" : "")
                + "), the first: code \(firstCode) of tenant '\(firstTenant)' in tenant '\(firstOwner)' (\(firstLocation)); "
                + "a code is redeemed into exactly one tenant: check ?owner= in the state URL — this database's "
                + "tenants holding them belong to " + Self.owners(otherOwners)
        }
    }

    private static func owners(_ owners: [String]) -> String {
        (owners.count == 1 ? "owner " : "owners ") + owners.map { "'\($0)'" }.joined(separator: ", ")
    }

    private static func redeemed(_ code: String, _ tenant: String, _ holder: String) -> String {
        "code \(code) of tenant '\(tenant)' is already redeemed into \(holder); a code is redeemed into exactly one tenant"
    }
}
