import Crypto
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
        var diagnostics: [Diagnostic] = []
        guard let paths = RepoPaths(root: root) else {
            diagnostics.append(.error("repository root '\(root)' not found"))
            return LicenseRepo(tenants: [], inputsDigest: digest([]), diagnostics: diagnostics)
        }
        let tenantsPath = tenantsDirectory.hasPrefix("/")
            ? RepoPaths.normalize(tenantsDirectory) : RepoPaths.normalize(paths.root + "/" + tenantsDirectory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: tenantsPath, isDirectory: &isDirectory), isDirectory.boolValue,
              let tenantsReal = RepoPaths.realPath(tenantsPath)
        else {
            diagnostics.append(.error("tenants directory '\(tenantsDirectory)' not found in '\(root)'"))
            return LicenseRepo(tenants: [], inputsDigest: digest([]), diagnostics: diagnostics)
        }

        guard paths.relative(tenantsReal) != nil else {
            diagnostics.append(.error("tenants directory '\(tenantsDirectory)' lies outside the repository root '\(root)'"))
            return LicenseRepo(tenants: [], inputsDigest: digest([]), diagnostics: diagnostics)
        }

        // 1. Manifests, parsed and decoded in parallel. A manifest that is a symlink must still
        // resolve inside the repo root (docs/formats.md §3).
        let scan = scanManifests(in: tenantsReal)
        for problem in scan.problems {
            let absolute = problem.path.isEmpty ? tenantsReal : tenantsReal + "/" + problem.path
            diagnostics.append(.error(problem.reason, at: SourceLocation(file: paths.relative(absolute) ?? absolute, line: 1)))
        }
        var found = scan.entries
        found.removeAll { entry in
            let absolute = tenantsReal + "/" + entry.path
            guard entry.isSymlink, case .outside = paths.resolve(absolute, from: tenantsReal) else { return false }
            diagnostics.append(.error(
                "manifest resolves through a symlink to a place outside the repository root; files must be inside the license repo",
                at: SourceLocation(file: paths.relative(absolute) ?? absolute, line: 1)))
            return true
        }
        let manifestPaths = found.map(\.path)
        var manifests = manifestPaths.concurrentMap { path in
            let absolute = tenantsReal + "/" + path
            return parseManifest(absolute: absolute, relative: paths.relative(absolute) ?? absolute, paths: paths)
        }

        // 2. CSV files, each read once per column mapping, in parallel.
        var csvFiles: [String: CSVJob] = [:]
        for manifest in manifests {
            diagnostics += manifest.diagnostics
            for draft in manifest.drafts {
                for entry in draft.imports {
                    guard let file = entry.file else { continue }
                    csvFiles[csvReadingKey(file, entry.columns),
                             default: CSVJob(file: file, firstUse: entry.location, mapping: entry.columns)].sales = true
                }
                if let file = draft.devices {
                    csvFiles[csvReadingKey(file, draft.devicesColumns),
                             default: CSVJob(file: file, firstUse: draft.devicesLocation ?? draft.nameLocation,
                                             mapping: draft.devicesColumns)].devices = true
                }
            }
        }
        let jobs = csvFiles.sorted { $0.key < $1.key }
        let csvEngine = DiagnosticsEngine()
        let csvResults = jobs.concurrentMap { readCSV($0.value, diagnostics: csvEngine) }
        var sales: [String: [SalesCodeRecord]] = [:]
        var rejectedCodes: [String: Set<ActivationCode>] = [:]
        var devices: [String: [DeviceRecord]] = [:]
        var digestInputs: [(String, [UInt8])] = manifests.compactMap { m in m.bytes.map { (m.relative, $0) } }
        var digested = Set<String>()
        for ((key, job), result) in zip(jobs, csvResults) {
            // A file read under two column mappings is one input of the digest (docs/README.md §8).
            if let bytes = result.bytes, digested.insert(job.file.relative).inserted {
                digestInputs.append((job.file.relative, bytes))
            }
            if let problem = result.problem, digested.insert("\u{0}unreadable:" + job.file.relative).inserted {
                diagnostics.append(problem)
            }
            if job.sales { sales[key] = result.sales }
            if !result.rejectedCodes.isEmpty { rejectedCodes[key] = result.rejectedCodes }
            if job.devices { devices[key] = result.devices }
        }
        diagnostics += csvEngine.diagnostics

        // 3. Tenants, assembled in parallel (each from its own draft and the CSV records), then
        // the checks across files in manifest order. The inputs digest, one SHA-256 over every
        // file, is the first iteration: it runs on one core while the other assembles.
        var names: [(name: String, place: SourceLocation)] = []
        var namedDrafts: [ManifestDraft] = []
        for index in manifests.indices {
            for draft in manifests[index].drafts {
                guard let name = draft.name else { continue }
                names.append((name, draft.nameLocation))
                namedDrafts.append(draft)
            }
            manifests[index].drafts = []
        }
        let (named, drafts) = (names, namedDrafts)
        let (salesByFile, devicesByFile, rejectedByFile, hashed) = (sales, devices, rejectedCodes, digestInputs)
        // Work -1 is the digest; work i assembles tenant i.
        let assemblies = Array(-1..<named.count).concurrentMap { index -> Assembly in
            guard index >= 0 else { return .digest(digest(hashed)) }
            var found: [Diagnostic] = []
            let tenant = TenantAssembler.assemble(drafts[index], name: named[index].name, sales: salesByFile,
                                                  devices: devicesByFile, rejected: rejectedByFile, diagnostics: &found)
            return .tenant(tenant, found)
        }
        var inputsDigest: String?
        var results: [(tenant: AssembledTenant, diagnostics: [Diagnostic])] = []
        results.reserveCapacity(named.count)
        for assembly in assemblies {
            switch assembly {
            case .digest(let text): inputsDigest = text
            case .tenant(let tenant, let found): results.append((tenant, found))
            }
        }

        // 4. The checks across files, in manifest order. First tenant names: a tenant whose name
        // is taken is left out. A name used twice is an error at each place, naming the others
        // (docs/README.md §8 "Output": the file a pull request touched carries it).
        var firstUse: [String: SourceLocation] = [:]
        var nameUses: [String: [SourceLocation]] = [:]
        var kept: [Int] = []
        for (t, result) in results.enumerated() {
            let (name, nameLocation) = named[t]
            diagnostics += result.diagnostics
            if let first = firstUse[name] {
                nameUses[name, default: [first]].append(nameLocation)
                continue
            }
            firstUse[name] = nameLocation
            kept.append(t)
        }
        for (name, places) in nameUses {
            diagnostics += atEachPlace(places) { others in
                "tenant name '\(name)' is also used at \(others); tenant names must be unique"
            }
        }
        let assembled = results.map(\.tenant)
        let tenants = kept.map { assembled[$0].manifest }

        // Then codes and router serials, each declared by one tenant only. Every key belongs to
        // one of two halves (by its last byte), each half checked on its own core, in manifest
        // order: the first declaration of a key owns it, as in a single pass.
        let (keptTenants, tenantNames) = (kept, named.map(\.name))
        let halves = [0, 1].concurrentMap { half in
            crossFileErrors(half: half, of: keptTenants, in: assembled, names: tenantNames)
        }
        for found in halves { diagnostics += found }
        let repo = LicenseRepo(tenants: tenants, inputsDigest: inputsDigest ?? digest(digestInputs),
                               diagnostics: diagnostics.sortedForOutput())
        freeInBackground(Leftovers(
            assembled: consume assembled, results: consume results, manifests: consume manifests,
            sales: consume sales, devices: consume devices, salesByFile: consume salesByFile,
            devicesByFile: consume devicesByFile, csvResults: consume csvResults,
            digestInputs: consume digestInputs, hashed: consume hashed, assemblies: consume assemblies,
            drafts: consume drafts))
        return repo
    }

    // MARK: Steps

    /// The errors for codes and router serials declared by more than one tenant, among the keys
    /// of one `half` (0 or 1: the parity of the key's last byte), visiting `kept` tenants in
    /// order. The tables remember first owners as indices (tenant, entry): the loop over every
    /// router copies no strings, and places are looked up only to report a duplicate.
    private static func crossFileErrors(half: Int, of kept: [Int], in assembled: [AssembledTenant],
                                        names: [String]) -> [Diagnostic] {
        func inHalf(_ key: String) -> Bool { Int(key.utf8.last ?? 0) & 1 == half }
        /// Where the manifest declares a code: its `licenses` entry, else its `imports` entry.
        func codePlace(_ at: EntryIndex) -> SourceLocation {
            let license = assembled[at.tenant].manifest.licenses[at.entry]
            return assembled[at.tenant].codePlaces[license.code] ?? license.source
        }
        var found: [Diagnostic] = []
        // Duplicates are gathered first: each place then gets an error naming every other one.
        var codeDuplicates: [ActivationCode: [EntryIndex]] = [:]
        var codes: [ActivationCode: EntryIndex] = [:]
        codes.reserveCapacity(kept.reduce(0) { $0 + assembled[$1].manifest.licenses.count } / 2)
        for t in kept {
            let manifest = assembled[t].manifest
            for entry in manifest.licenses.indices {
                let code = manifest.licenses[entry].code
                guard inHalf(code.canonical) else { continue }
                // One hash lookup in the common case: insert, and put the first owner back if
                // there was one (a duplicate, an error).
                let here = EntryIndex(tenant: t, entry: entry)
                if let first = codes.updateValue(here, forKey: code) {
                    codes[code] = first
                    codeDuplicates[code, default: [first]].append(here)
                }
            }
        }
        for (code, entries) in codeDuplicates {
            let places = entries.map { (place: codePlace($0), tenant: names[$0.tenant]) }
            for (i, here) in places.enumerated() {
                let others = places.enumerated().filter { $0.offset != i }
                    .map { "tenant '\($0.element.tenant)' at \($0.element.place)" }.joined(separator: " and by ")
                found.append(.error(
                    "code \(code.masked) is also declared by \(others); a code belongs to exactly one tenant", at: here.place))
            }
        }
        // Router serials: sorted by their first 16 bytes (two integers), then by declaration;
        // duplicates then stand next to each other. Sorting keeps memory access sequential where
        // a table of 100,000 serials missed the cache on every insert.
        var keys: [SerialKey] = []
        keys.reserveCapacity(kept.reduce(0) { $0 + assembled[$1].manifest.routers.count } / 2 + 16)
        for t in kept {
            let routers = assembled[t].manifest.routers
            for entry in routers.indices {
                var serial = routers[entry].serial
                guard inHalf(serial) else { continue }
                let (high, low) = serial.withUTF8 { RouterSerial.prefixWords($0) }
                keys.append(SerialKey(high: high, low: low, tenant: Int32(t), entry: Int32(entry)))
            }
        }
        keys.sort { a, b in
            if a.high != b.high { return a.high < b.high }
            if a.low != b.low { return a.low < b.low }
            if a.tenant != b.tenant { return a.tenant < b.tenant }
            return a.entry < b.entry
        }
        func router(_ key: SerialKey) -> DesiredRouter {
            assembled[Int(key.tenant)].manifest.routers[Int(key.entry)]
        }
        var serialDuplicates: [SerialKey: [SerialKey]] = [:]
        var start = 0
        while start < keys.count {
            var end = start + 1
            while end < keys.count, keys[end].high == keys[start].high, keys[end].low == keys[start].low { end += 1 }
            // A run of one prefix, in declaration order: the first of each serial owns it.
            if end - start > 1 {
                var owners: [SerialKey] = []
                for key in keys[start..<end] {
                    let here = router(key)
                    guard let first = owners.first(where: { RouterSerial.same(router($0).serial, here.serial) }) else {
                        owners.append(key)
                        continue
                    }
                    serialDuplicates[first, default: [first]].append(key)
                }
            }
            start = end
        }
        for entries in serialDuplicates.values {
            let places = entries.map { (router: router($0), tenant: names[Int($0.tenant)]) }
            for (i, here) in places.enumerated() {
                let others = places.enumerated().filter { $0.offset != i }
                    .map { "tenant '\($0.element.tenant)' at \($0.element.router.source)" }.joined(separator: " and by ")
                found.append(.error(
                    "router serial '\(here.router.serial)' is also declared by \(others); a router belongs to exactly one tenant",
                    at: here.router.source, keeping: [here.router.serial]))
            }
        }
        return found
    }

    /// One error per place of something declared more than once, each naming every other place
    /// (docs/README.md §8 "Output": two-place errors).
    private static func atEachPlace(_ places: [SourceLocation], message: (String) -> String) -> [Diagnostic] {
        places.indices.map { i in
            let others = places.indices.filter { $0 != i }.map { places[$0].description }.joined(separator: " and ")
            return .error(message(others), at: places[i])
        }
    }

    private struct ParsedManifest: Sendable {
        var relative: String
        var bytes: [UInt8]?
        var drafts: [ManifestDraft]
        var diagnostics: [Diagnostic]
    }

    /// What ``load(root:tenantsDirectory:)`` built on the way and no longer needs: per-file
    /// results, CSV records, drafts, file bytes.
    private struct Leftovers: Sendable {
        var assembled: [AssembledTenant]
        var results: [(tenant: AssembledTenant, diagnostics: [Diagnostic])]
        var manifests: [ParsedManifest]
        var sales: [String: [SalesCodeRecord]]
        var devices: [String: [DeviceRecord]]
        var salesByFile: [String: [SalesCodeRecord]]
        var devicesByFile: [String: [DeviceRecord]]
        var csvResults: [CSVResult]
        var digestInputs: [(String, [UInt8])]
        var hashed: [(String, [UInt8])]
        var assemblies: [Assembly]
        var drafts: [ManifestDraft]
    }

    /// What one work item of the assembly stage produced: the inputs digest, or one tenant.
    private enum Assembly: Sendable {
        case digest(String)
        case tenant(AssembledTenant, [Diagnostic])
    }

    /// Frees `leftovers` on another thread while the caller goes on: its objects were built on
    /// the worker cores, and releasing them one by one from this thread (each cold in its cache)
    /// would hold up the plan.
    private static func freeInBackground(_ leftovers: consuming Leftovers) {
        let box = leftovers
        DispatchQueue.global(qos: .utility).async { withExtendedLifetime(box) {} }
    }

    /// A router serial's first 16 bytes as two big-endian integers, and where it is declared.
    private struct SerialKey: Hashable {
        var high: UInt64
        var low: UInt64
        var tenant: Int32
        var entry: Int32
    }

    /// An entry of one assembled tenant: the tenant's index, and the license's or router's.
    private struct EntryIndex {
        var tenant: Int
        var entry: Int
    }

    private struct CSVJob: Sendable {
        var file: ResolvedFile
        var firstUse: SourceLocation
        /// The manifest's `columns` for this reading (docs/formats.md §3.2, docs/README.md §8).
        var mapping: ColumnMapping?
        var sales = false
        var devices = false
    }

    private struct CSVResult: Sendable {
        var bytes: [UInt8]?
        var problem: Diagnostic?
        var sales: [SalesCodeRecord] = []
        /// Codes of sales rows skipped for a bad value.
        var rejectedCodes: Set<ActivationCode> = []
        var devices: [DeviceRecord] = []
    }

    /// Manifest paths relative to `directory`, sorted by their UTF-8 bytes: every `*.yaml` and
    /// `*.yml` entry that is not a directory, found recursively, skipping names that start with
    /// `.`; symlinks are listed, never followed; unreadable folders are skipped. Plain
    /// `readdir(3)`, not Foundation's enumerator, which asks for every file's attributes.
    static func findManifests(in directory: String) -> [String] {
        findManifestEntries(in: directory).map(\.path)
    }

    /// ``findManifests(in:)`` with, for each, whether the entry is a symlink (from `d_type`, or
    /// `lstat` when the file system does not fill it in).
    static func findManifestEntries(in directory: String) -> [(path: String, isSymlink: Bool)] {
        scanManifests(in: directory).entries
    }

    /// ``findManifestEntries(in:)`` and the entries that could not be listed or are not files at
    /// all (docs/README.md §8 "State": an unreadable folder or a FIFO under `tenants/` is an error, never
    /// "no manifest there"): each with its path relative to `directory` and why.
    static func scanManifests(in directory: String)
        -> (entries: [(path: String, isSymlink: Bool)], problems: [(path: String, reason: String)]) {
        var found: [(path: String, isSymlink: Bool)] = []
        var problems: [(path: String, reason: String)] = []
        var pending = [""]
        while let relative = pending.popLast() {
            let absolute = relative.isEmpty ? directory : directory + "/" + relative
            guard let dir = opendir(absolute) else {
                problems.append((relative, "cannot read this folder (\(String(cString: strerror(errno)))); its manifests would be missing: make it readable (chmod) or remove it"))
                continue
            }
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                // Hidden entries are skipped: `.`/`..`, `.git`, editors' lock and backup files
                // (Emacs' `.#acme.yaml` is a dangling symlink).
                if name.hasPrefix(".") { continue }
                let path = relative.isEmpty ? name : relative + "/" + name
                if isDirectory(entry.pointee.d_type, at: directory + "/" + path) {
                    pending.append(path)
                } else if isSpecial(entry.pointee.d_type, at: directory + "/" + path) {
                    problems.append((path, "not a regular file (a FIFO, device or socket); the tenants folder holds only manifests and folders: remove it"))
                } else if name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                    found.append((path, isSymlink(entry.pointee.d_type, at: directory + "/" + path)))
                }
            }
        }
        return (found.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) },
                problems.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) })
    }

    /// Whether a directory entry is a FIFO, device or socket (asking `lstat` when the file system
    /// does not fill in `d_type`).
    private static func isSpecial(_ type: UInt8, at path: String) -> Bool {
        if type == UInt8(DT_FIFO) || type == UInt8(DT_CHR) || type == UInt8(DT_BLK) || type == UInt8(DT_SOCK) { return true }
        guard type == UInt8(DT_UNKNOWN) else { return false }
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        let kind = info.st_mode & S_IFMT
        return kind == S_IFIFO || kind == S_IFCHR || kind == S_IFBLK || kind == S_IFSOCK
    }

    /// Whether a directory entry is a symlink, asking `lstat` when the file system does not fill
    /// in `d_type`.
    private static func isSymlink(_ type: UInt8, at path: String) -> Bool {
        if type == UInt8(DT_LNK) { return true }
        guard type == UInt8(DT_UNKNOWN) else { return false }
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    /// Whether a directory entry is a real directory (a symlink to one is not), asking `lstat`
    /// when the file system does not fill in `d_type`.
    private static func isDirectory(_ type: UInt8, at path: String) -> Bool {
        if type == UInt8(DT_DIR) { return true }
        guard type == UInt8(DT_UNKNOWN) else { return false }
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    private static func parseManifest(absolute: String, relative: String, paths: RepoPaths) -> ParsedManifest {
        guard let bytes = readBytes(absolute) else {
            return ParsedManifest(relative: relative, bytes: nil, drafts: [],
                                  diagnostics: [.error("cannot read '\(relative)'\(unreadableReason(absolute))", at: SourceLocation(file: relative, line: 1))])
        }
        let directory = String(absolute[..<(absolute.lastIndex(of: "/") ?? absolute.endIndex)])
        // The fast path first: a clean manifest decodes straight from libyaml's events. Anything
        // else is read again through the node trees, which report every problem at its place.
        var (drafts, diagnostics) = cleanDrafts(bytes, file: relative, directory: directory, paths: paths).map { ($0, []) }
            ?? diagnosedDrafts(bytes, file: relative, directory: directory, paths: paths)
        if drafts.isEmpty && diagnostics.isEmpty {
            // An emptied manifest would otherwise pass `validate` and only surface in `plan` (as
            // "state but no manifest") or, for a new tenant, not at all.
            diagnostics.append(.warning("no Tenant document in this file (it is empty or holds only comments)",
                                        at: SourceLocation(file: relative, line: 1)))
        }
        return ParsedManifest(relative: relative, bytes: bytes, drafts: drafts, diagnostics: diagnostics)
    }

    /// The drafts of a manifest file through ``ManifestStreamDecoder``, or `nil` when the file is
    /// not entirely clean (then ``diagnosedDrafts(_:file:directory:paths:)`` reads it).
    static func cleanDrafts(_ bytes: [UInt8], file: String, directory: String, paths: RepoPaths) -> [ManifestDraft]? {
        let start = YAMLReader.bomLength(bytes)
        guard YAMLReader.checkBytes(bytes, from: start, path: file) == nil else { return nil }
        let decoder = ManifestStreamDecoder(file: file, directory: directory, paths: paths)
        return bytes.withUnsafeBufferPointer { buffer in
            decoder.decode(UnsafeBufferPointer(rebasing: buffer[start...]))
        }
    }

    /// The drafts of a manifest file through ``YAMLReader`` and ``ManifestDecoder``, with every
    /// problem found.
    static func diagnosedDrafts(_ bytes: [UInt8], file: String, directory: String,
                                paths: RepoPaths) -> (drafts: [ManifestDraft], diagnostics: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        let documents = YAMLReader.read(bytes, path: file, diagnostics: &diagnostics)
        var decoder = ManifestDecoder(file: file, directory: directory, paths: paths)
        var drafts: [ManifestDraft] = []
        for document in documents {
            if let draft = decoder.decode(document) { drafts.append(draft) }
        }
        diagnostics += decoder.diagnostics
        return (drafts, diagnostics)
    }

    private static func readCSV(_ job: CSVJob, diagnostics: DiagnosticsEngine) -> CSVResult {
        guard let bytes = readBytes(job.file.absolute) else {
            return CSVResult(bytes: nil, problem: .error(
                "cannot read '\(job.file.relative)'\(unreadableReason(job.file.absolute))", at: job.firstUse))
        }
        var result = CSVResult(bytes: bytes)
        if job.sales {
            result.sales = SalesCSVReader.read(bytes, path: job.file.relative, mapping: job.mapping,
                                               diagnostics: diagnostics, rejected: &result.rejectedCodes)
        }
        if job.devices {
            result.devices = DeviceListReader.read(bytes, path: job.file.relative, mapping: job.mapping,
                                                   diagnostics: diagnostics)
        }
        return result
    }

    /// Why `readBytes` found nothing at `path`, as a clause for the message: a folder, another
    /// kind of file, or the system's reason.
    private static func unreadableReason(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return ": " + String(cString: strerror(errno)) }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return ": it is a folder; name a CSV file"
        case S_IFREG: return access(path, R_OK) == 0 ? "" : ": " + String(cString: strerror(EACCES))
        default: return ": it is not a regular file"
        }
    }

    /// The bytes of a regular file, or `nil` (missing, a folder, unreadable). Plain POSIX reads
    /// straight into the array: no `Data` copy.
    static func readBytes(_ path: String) -> [UInt8]? {
        // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        // One byte more than the size, so that the read that finds the end does not grow the
        // array (growing doubled every file's buffer, and they are kept for the digest).
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var filled = 0
        while true {
            if filled == bytes.count { bytes.append(contentsOf: [UInt8](repeating: 0, count: 4096)) }
            let n = bytes.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return -1 }
                return read(fd, base + filled, buffer.count - filled)
            }
            if n < 0 { return nil }
            if n == 0 { break }
            filled += n
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    /// `sha256:<hex>` over (path, NUL, 64-bit big-endian byte count, bytes) in sorted path order.
    static func digest(_ inputs: [(String, [UInt8])]) -> String {
        var hasher = SHA256()
        for (path, bytes) in inputs.sorted(by: { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }) {
            hasher.update(data: Array(path.utf8))
            hasher.update(data: [0])
            let count = UInt64(bytes.count).bigEndian
            withUnsafeBytes(of: count) { hasher.update(bufferPointer: $0) }
            hasher.update(data: bytes)
        }
        let hex = hasher.finalize().map { byte -> String in
            let s = String(byte, radix: 16)
            return byte < 16 ? "0" + s : s
        }.joined()
        return "sha256:" + hex
    }
}
