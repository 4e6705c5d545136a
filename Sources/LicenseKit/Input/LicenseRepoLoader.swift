import Foundation

/// Reads a license repo (docs/formats.md §3): every Tenant manifest under the tenants folder and the CSV
/// files they import, into validated ``TenantManifest`` values and diagnostics.
public enum LicenseRepoLoader {
    /// Loads the license repo at `root`.
    ///
    /// Finds `*.yaml`/`*.yml` recursively under `tenantsDirectory` (relative to `root` unless
    /// absolute), in sorted order; parses them in parallel on all cores; reads every CSV file
    /// once even when several manifests name it; merges imports, `licenses` entries, routers and
    /// device lists (docs/rules.md §4.2); then checks across files (docs/rules.md §4.5): tenant names unique, a code
    /// in one tenant only, router serials unique across all tenants.
    ///
    /// - Parameters:
    ///   - root: the repo root (`-C`); paths in manifests must resolve inside it.
    ///   - tenantsDirectory: the manifests' folder, default `tenants`.
    /// - Returns: the tenants sorted by name (a tenant whose name is invalid or taken is left out),
    ///   `inputsDigest` = `sha256:` + hex SHA-256 over each manifest and CSV read, in sorted
    ///   repo-relative path order (for each: the path's UTF-8, a NUL byte, the byte count as a
    ///   64-bit big-endian integer, the bytes), and every diagnostic sorted with
    ///   `sortedForOutput()`. Never throws: problems are diagnostics (file paths relative to the
    ///   repo root).
    public static func load(root: String, tenantsDirectory: String = "tenants") -> LicenseRepo {
        let diagnostics = DiagnosticsEngine()
        // 1. Discover the manifests.
        guard let found = discover(root: root, tenantsDirectory: tenantsDirectory, diagnostics: diagnostics) else {
            return LicenseRepo(tenants: [], inputsDigest: digest([]), diagnostics: diagnostics.emitted)
        }
        if found.manifests.isEmpty, diagnostics.emitted.isEmpty {
            // An empty folder, or `--tenants` naming the wrong one: say so (a repo without
            // tenants plans nothing, and retires every tenant whose licenses have all ended).
            diagnostics.warning(RepoError.noManifests(directory: tenantsDirectory).message)
        }
        // 2, 3. Read and parse them, in parallel.
        let paths = found.paths
        var manifests = found.manifests.concurrentMap { file in
            parseManifest(absolute: file.absolute, relative: file.relative, paths: paths)
        }
        for manifest in manifests { diagnostics.emit(contentsOf: manifest.diagnostics) }
        // 4. The CSV files they name, each read once per column mapping, in parallel.
        let csv = readCSVFiles(of: manifests, diagnostics: diagnostics)
        let digestInputs = manifests.compactMap { m in m.bytes.map { (m.relative, $0) } } + csv.digestInputs
        // 5. The tenants, assembled in parallel; 7. the inputs digest alongside, on one core.
        let (named, drafts) = takeNamedDrafts(&manifests)
        let assembly = assemble(drafts, named: named, csv: csv, digestInputs: digestInputs)
        for result in assembly.results { diagnostics.emit(contentsOf: result.diagnostics) }
        // 6. The checks across files, in manifest order: tenant names (a tenant whose name is
        // taken is left out), then codes and router serials.
        let kept = uniqueTenantNames(named, diagnostics: diagnostics)
        let assembled = assembly.results.map(\.tenant)
        let tenants = kept.map { assembled[$0].manifest }
        diagnostics.emit(contentsOf: crossFileErrors(of: kept, in: assembled, names: named.map(\.name)))
        let repo = LicenseRepo(
            tenants: tenants, inputsDigest: assembly.inputsDigest,
            diagnostics: diagnostics.diagnostics, inputFiles: digestInputs.map(\.0).sorted())
        freeInBackground(
            Leftovers(
                assembled: consume assembled, assembly: consume assembly,
                manifests: consume manifests, csv: consume csv,
                digestInputs: consume digestInputs, drafts: consume drafts))
        return repo
    }

    /// The named drafts of every manifest, in manifest order, with their names' places; the
    /// manifests are left without drafts (a draft without a name was reported by its decoder).
    private static func takeNamedDrafts(_ manifests: inout [ParsedManifest])
        -> (named: [(name: String, place: SourceLocation)], drafts: [ManifestDraft])
    {
        var named: [(name: String, place: SourceLocation)] = []
        var drafts: [ManifestDraft] = []
        for index in manifests.indices {
            for draft in manifests[index].drafts {
                guard let name = draft.name else { continue }
                named.append((name, draft.nameLocation))
                drafts.append(draft)
            }
            manifests[index].drafts = []
        }
        return (named, drafts)
    }

    /// Each tenant assembled from its draft and the CSV records, in parallel, in draft order;
    /// the inputs digest is one more work item, on one core while the others assemble.
    private static func assemble(
        _ drafts: [ManifestDraft], named: [(name: String, place: SourceLocation)],
        csv: CSVRecords, digestInputs: [(String, [UInt8])]
    ) -> AssemblyResult {
        // Work -1 is the digest; work i assembles tenant i.
        let work = Array(-1..<drafts.count).concurrentMap { index -> Assembly in
            guard index >= 0 else { return .digest(digest(digestInputs)) }
            let found = DiagnosticsEngine()
            let tenant = TenantAssembler.assemble(
                drafts[index], name: named[index].name, sales: csv.sales,
                devices: csv.devices, rejected: csv.rejectedCodes, diagnostics: found)
            return .tenant(tenant, found.emitted)
        }
        var result = AssemblyResult()
        result.results.reserveCapacity(drafts.count)
        for item in work {
            switch item {
            case .digest(let text): result.inputsDigest = text
            case .tenant(let tenant, let found): result.results.append((tenant, found))
            }
        }
        return result
    }

    /// One work item's output of ``assemble(_:named:csv:digestInputs:)``.
    private enum Assembly: Sendable {
        case digest(String)
        case tenant(AssembledTenant, [Diagnostic])
    }

    /// The assembled tenants with their diagnostics, in draft order, and the inputs digest.
    private struct AssemblyResult: Sendable {
        var results: [(tenant: AssembledTenant, diagnostics: [Diagnostic])] = []
        var inputsDigest = ""
    }

    /// What ``load(root:tenantsDirectory:)`` built on the way and no longer needs: assembled
    /// tenants, parsed manifests, CSV records, drafts, file bytes.
    private struct Leftovers: Sendable {
        var assembled: [AssembledTenant]
        var assembly: AssemblyResult
        var manifests: [ParsedManifest]
        var csv: CSVRecords
        var digestInputs: [(String, [UInt8])]
        var drafts: [ManifestDraft]
    }

    /// Frees `leftovers` on another thread while the caller goes on: its objects were built on
    /// the worker cores, and releasing them one by one from this thread (each cold in its cache)
    /// would hold up the plan.
    private static func freeInBackground(_ leftovers: consuming Leftovers) {
        let box = leftovers
        DispatchQueue.global(qos: .utility).async { withExtendedLifetime(box) {} }
    }
}
