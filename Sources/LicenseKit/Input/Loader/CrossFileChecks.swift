/// Stage 6, checks across files (docs/rules.md §4.5): tenant names, codes and router serials each
/// declared once.
extension LicenseRepoLoader {
    /// Tenant names, in manifest order: the first use of a name keeps it; a name used twice is
    /// an error at each place, naming the others (docs/README.md §8 "Output": the file a pull
    /// request touched carries it).
    ///
    /// - Returns: the indices in `named` of the tenants kept.
    static func uniqueTenantNames(
        _ named: [(name: String, place: SourceLocation)],
        diagnostics: DiagnosticsEngine
    ) -> [Int] {
        var firstUse: [String: SourceLocation] = [:]
        var nameUses: [String: [SourceLocation]] = [:]
        var kept: [Int] = []
        for (t, (name, nameLocation)) in named.enumerated() {
            if let first = firstUse[name] {
                nameUses[name, default: [first]].append(nameLocation)
                continue
            }
            firstUse[name] = nameLocation
            kept.append(t)
        }
        for (name, places) in nameUses {
            diagnostics.emit(
                contentsOf: atEachPlace(places) { others in
                    RepoError.tenantNameTaken(name: name, others: others).message
                })
        }
        return kept
    }

    /// Codes and router serials each declared by one tenant only, among the `kept` tenants in
    /// manifest order. Every key belongs to one of two halves (by its last byte), each half
    /// checked on its own core: the first declaration of a key owns it, as in a single pass.
    ///
    /// One CSV file imported by several tenants is reported once per `imports` entry, naming the
    /// other tenants that import it and how many codes they share (docs/formats.md §3.2), not once
    /// per code and tenant: a 300-row file would otherwise give 600 errors.
    static func crossFileErrors(of kept: [Int], in assembled: [AssembledTenant], names: [String]) -> [Diagnostic] {
        let halves = [0, 1].concurrentMap { half in
            var shared: [SharedImport: Int] = [:]
            let found = crossFileErrors(half: half, of: kept, in: assembled, names: names, shared: &shared)
            return (found, shared)
        }
        var shared: [SharedImport: Int] = [:]
        for half in halves { shared.merge(half.1, uniquingKeysWith: +) }
        var found = halves.flatMap(\.0)
        let groups = shared.keys.sorted { a, b in
            a.file != b.file
                ? a.file < b.file : a.importers.map(\.place).lexicographicallyPrecedes(b.importers.map(\.place))
        }
        for group in groups {
            let codes = shared[group] ?? 0
            for (i, here) in group.importers.enumerated() {
                let others = group.importers.enumerated().filter { $0.offset != i }
                    .map { "tenant '\(names[$0.element.tenant])' at \($0.element.place)" }.joined(separator: " and by ")
                found.append(
                    .error(
                        RepoError.csvImportedByTwoTenants(file: group.file, others: others, codes: codes).message,
                        at: here.place))
            }
        }
        return found
    }

    /// A CSV file imported by more than one tenant: the file, and each importing tenant with its
    /// `imports` entry, in manifest order.
    struct SharedImport: Hashable {
        struct Importer: Hashable {
            var tenant: Int
            var place: SourceLocation
        }
        var file: String
        var importers: [Importer]
    }

    /// The errors for codes and router serials declared by more than one tenant, among the keys
    /// of one `half` (0 or 1: the parity of the key's last byte), visiting `kept` tenants in
    /// order. The tables remember first owners as indices (tenant, entry): the loop over every
    /// router copies no strings, and places are looked up only to report a duplicate.
    ///
    /// A code whose every declaration is the same CSV row (one file imported by several
    /// tenants) is counted in `shared` instead, for one error per `imports` entry.
    static func crossFileErrors(
        half: Int, of kept: [Int], in assembled: [AssembledTenant],
        names: [String], shared: inout [SharedImport: Int]
    ) -> [Diagnostic] {
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
        /// Where the code is written (its CSV row, or its `licenses` entry) and, for an imported
        /// code, the manifest entry that brings it in.
        func places(_ at: EntryIndex) -> (written: SourceLocation, entry: SourceLocation?) {
            let written = assembled[at.tenant].manifest.licenses[at.entry].source
            let entry = codePlace(at)
            return (written, written == entry ? nil : entry)
        }
        for (code, entries) in codeDuplicates {
            // Each error stands where the code is written — the CSV row a pull request adds is
            // annotated (docs/README.md §8 "Output") — and names the manifest entry importing it.
            // One CSV imported by two tenants has one row for both: there the manifest entries
            // tell the places apart.
            let written = entries.map(places)
            if let row = written.first?.written, written.allSatisfy({ $0.written == row && $0.entry != nil }) {
                let importers = entries.map { SharedImport.Importer(tenant: $0.tenant, place: codePlace($0)) }
                shared[SharedImport(file: row.file, importers: importers), default: 0] += 1
                continue
            }
            let distinct = Set(written.map { "\($0.written)" }).count == written.count
            let places = entries.indices.map { i in
                (
                    place: distinct ? written[i].written : codePlace(entries[i]), tenant: names[entries[i].tenant],
                    via: distinct ? written[i].entry.map { " (imported by \($0))" } ?? "" : ""
                )
            }
            for (i, here) in places.enumerated() {
                let others = places.enumerated().filter { $0.offset != i }
                    .map { "tenant '\($0.element.tenant)' at \($0.element.place)\($0.element.via)" }.joined(
                        separator: " and by ")
                let row = here.via.isEmpty ? "" : " of tenant '\(here.tenant)'\(here.via)"
                found.append(
                    .error(
                        RepoError.codeInTwoTenants(code: code.masked, row: row, others: others).message,
                        at: here.place))
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
                    .map { "tenant '\($0.element.tenant)' at \($0.element.router.source)" }.joined(
                        separator: " and by ")
                found.append(
                    .error(
                        RepoError.serialInTwoTenants(serial: here.router.serial, others: others).message,
                        at: here.router.source, keeping: [here.router.serial]))
            }
        }
        return found
    }

    /// One error per place of something declared more than once, each naming every other place
    /// (docs/README.md §8 "Output": two-place errors).
    static func atEachPlace(_ places: [SourceLocation], message: (String) -> String) -> [Diagnostic] {
        places.indices.map { i in
            let others = places.indices.filter { $0 != i }.map { places[$0].description }.joined(separator: " and ")
            return .error(message(others), at: places[i])
        }
    }

    /// A router serial's first 16 bytes as two big-endian integers, and where it is declared.
    struct SerialKey: Hashable {
        var high: UInt64
        var low: UInt64
        var tenant: Int32
        var entry: Int32
    }

    /// An entry of one assembled tenant: the tenant's index, and the license's or router's.
    struct EntryIndex {
        var tenant: Int
        var entry: Int
    }
}
