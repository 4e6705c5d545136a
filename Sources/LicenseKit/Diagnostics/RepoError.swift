/// What is wrong with the license repo as a whole (docs/formats.md §3): its folders, a file that
/// cannot be read, and what is declared by more than one manifest (docs/rules.md §4.5), as the
/// loader's stages (`Input/Loader/`) report it. Each case renders its message; codes are passed
/// masked, places as `path:line:column`.
enum RepoError: Error, Sendable, Equatable {
    /// The repo root (`-C`) does not exist.
    case rootNotFound(root: String)
    /// The tenants folder does not exist.
    case tenantsDirectoryNotFound(directory: String, root: String)
    /// The tenants folder lies outside the repo root.
    case tenantsDirectoryOutsideRoot(directory: String, root: String)
    /// A folder under the tenants folder cannot be listed (`reason`: the system's text).
    case unreadableFolder(reason: String)
    /// A tenants folder without any manifest (a warning).
    case noManifests(directory: String)
    /// A FIFO, device or socket under the tenants folder.
    case notARegularFile
    /// A symlink under the tenants folder that resolves to nothing (a dangling link, or links
    /// that point at each other); `reason` is the system's text.
    case brokenLink(reason: String)
    /// A manifest that is a symlink to a place outside the repo root.
    case manifestOutsideRoot
    /// A symlinked folder under the tenants folder that resolves outside the repo root.
    case folderOutsideRoot
    /// A symlinked folder that resolves into the tenants folder or one of the folders it is
    /// inside of (a loop); `target` is the repo-relative folder it resolves to.
    case folderLinkLoop(target: String)
    /// A manifest or CSV file that cannot be read; `reason` is empty or starts with `: `.
    case unreadableFile(path: String, reason: String)
    /// A manifest without a Tenant document (a warning).
    case noTenantDocument
    /// A tenant name used by more than one manifest; `others` names the other places.
    case tenantNameTaken(name: String, others: String)
    /// A code declared by more than one tenant; `row` is ` of tenant 't' (imported by
    /// path:line:column)` when the error stands at a CSV row, else empty.
    case codeInTwoTenants(code: String, row: String, others: String)
    /// A CSV file imported by more than one tenant (docs/formats.md §3.2); `others` names the
    /// other tenants and their `imports` entries, `codes` counts the codes they share.
    case csvImportedByTwoTenants(file: String, others: String, codes: Int)
    /// A router serial declared by more than one tenant.
    case serialInTwoTenants(serial: String, others: String)

    /// The diagnostic's message: what was found and how to fix it.
    var message: String {
        switch self {
        case .rootNotFound(let root):
            "repository root '\(root)' not found"
        case .tenantsDirectoryNotFound(let directory, let root):
            "tenants directory '\(directory)' not found in '\(root)'"
        case .tenantsDirectoryOutsideRoot(let directory, let root):
            "tenants directory '\(directory)' lies outside the repository root '\(root)'"
        case .unreadableFolder(let reason):
            "cannot read this folder (\(reason)); its manifests would be missing: make it readable (chmod) or remove it"
        case .noManifests(let directory):
            "no tenant manifest (*.yaml, *.yml) under '\(directory)'; --tenants names the folder of the tenant manifests (default: tenants)"
        case .brokenLink(let reason):
            "a symlink whose target cannot be reached (\(reason)); a linked folder or manifest would be left out: point the link at a folder or manifest inside the repo, or remove it"
        case .notARegularFile:
            "not a regular file (a FIFO, device or socket); the tenants folder holds only manifests and folders: remove it"
        case .manifestOutsideRoot:
            "manifest resolves through a symlink to a place outside the repository root; files must be inside the license repo"
        case .folderOutsideRoot:
            "folder resolves through a symlink to a place outside the repository root; symlinked folders are followed only inside the license repo: copy the manifests in, or link to a folder inside the repo"
        case .folderLinkLoop(let target):
            "symlinked folder resolves to '\(target)', which is already searched for manifests (a symlink loop, or the same manifests read twice): remove the link"
        case .unreadableFile(let path, let reason):
            "cannot read '\(path)'\(reason)"
        case .noTenantDocument:
            "no Tenant document in this file (it is empty or holds only comments)"
        case .tenantNameTaken(let name, let others):
            "tenant name '\(name)' is also used at \(others); tenant names must be unique"
        case .codeInTwoTenants(let code, let row, let others):
            "code \(code)\(row) is also declared by \(others); a code belongs to exactly one tenant"
        case .csvImportedByTwoTenants(let file, let others, let codes):
            "\(file) is also imported by \(others), so its \(codes) code\(codes == 1 ? "" : "s") would belong to both; a code belongs to exactly one tenant: remove this imports entry, or split the file into one file per tenant"
        case .serialInTwoTenants(let serial, let others):
            "router serial '\(serial)' is also declared by \(others); a router belongs to exactly one tenant"
        }
    }
}
