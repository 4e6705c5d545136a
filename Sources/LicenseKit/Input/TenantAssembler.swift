/// A tenant after its imports, `licenses` entries, routers and device list were merged, with
/// the manifest places that declare each code (for the cross-file checks).
struct AssembledTenant: Sendable {
    var manifest: TenantManifest
    /// Where the manifest declares each code: its `licenses` entry, else its `imports` entry.
    var codePlaces: [ActivationCode: SourceLocation]
}

/// Merges a decoded manifest with the records of its CSV files (docs/formats.md §3.1, docs/rules.md §4.2 — the rules that
/// need no state).
enum TenantAssembler {
    private struct Merged {
        var license: DesiredLicense
        var place: SourceLocation
        var fromImport: Bool
    }

    static func assemble(
        _ draft: ManifestDraft, name: String,
        sales: [String: [SalesCodeRecord]], devices: [String: [DeviceRecord]],
        rejected: [String: Set<ActivationCode>] = [:],
        diagnostics: DiagnosticsEngine
    ) -> AssembledTenant {
        // Sized once, so that the tables never grow.
        let expected =
            draft.licenses.count
            + draft.imports.reduce(0) { count, entry in
                count + (entry.file.flatMap { sales[csvReadingKey($0, entry.columns)]?.count } ?? 0)
            }
        var merged: [ActivationCode: Merged] = [:]
        merged.reserveCapacity(expected)
        var order: [ActivationCode] = []
        order.reserveCapacity(expected)

        // Imports: every code of the file, with the import's `activate`.
        for entry in draft.imports {
            guard let file = entry.file else { continue }
            for record in sales[csvReadingKey(file, entry.columns)] ?? [] {
                // A row with activated_at is a running license (docs/rules.md §4.8): the import's
                // `activate` applies only to the file's other codes.
                let adopted = record.activatedAt.map {
                    AdoptedHistory(
                        activatedAt: $0, expiresAt: record.expiresAt,
                        source: record.activatedAtLocation ?? record.location,
                        expiresSource: record.expiresAt == nil ? nil : record.expiresAtLocation ?? record.location)
                }
                let candidate = DesiredLicense(
                    code: record.code, type: record.type, issued: record.issued, term: record.term,
                    activation: adopted == nil ? entry.activation : nil, renew: false, order: record.order,
                    source: record.location,
                    activationSource: adopted == nil ? entry.activationLocation : record.location,
                    adopted: adopted)
                if let existing = merged[record.code] {
                    let old = existing.license
                    if let running = old.adopted ?? candidate.adopted,
                        (old.adopted == nil) != (candidate.adopted == nil)
                    {
                        // A running license listed again as stock (docs/rules.md §4.8): the stock row is
                        // what to remove, whichever import comes first.
                        let stock = old.adopted == nil ? old.source : record.location
                        let adoptedRow = old.adopted == nil ? record.location : old.source
                        diagnostics.emit(
                            .error(
                                AssemblyError.alreadyRunning(
                                    code: record.code.masked, row: adoptedRow.fileAndLine,
                                    activatedAt: running.activatedAt
                                ).message,
                                at: stock))
                    } else if old.type != record.type || old.issued != record.issued || old.term != record.term {
                        diagnostics.emit(
                            .error(
                                AssemblyError.importedWithOtherValues(
                                    code: record.code.masked, here: summary(candidate), there: summary(old),
                                    at: "\(old.source)"
                                ).message,
                                at: record.location))
                    } else if old.activation != candidate.activation
                        || old.adopted?.expiresAt != candidate.adopted?.expiresAt
                    {
                        diagnostics.emit(
                            .error(
                                AssemblyError.importedWithOtherActivation(
                                    code: record.code.masked, here: describe(candidate.activation),
                                    there: describe(old.activation), at: "\(old.activationSource ?? existing.place)"
                                ).message,
                                at: candidate.adopted == nil
                                    ? (entry.activationLocation ?? entry.location) : record.location))
                    } else {
                        diagnostics.emit(
                            .warning(
                                AssemblyError.importedTwice(code: record.code.masked, at: "\(old.source)").message,
                                at: record.location))
                    }
                    continue
                }
                merged[record.code] = Merged(license: candidate, place: entry.location, fromImport: true)
                order.append(record.code)
            }
        }

        // `licenses` entries: new codes, or overrides of imported ones.
        var entryPlaces: [ActivationCode: SourceLocation] = [:]
        entryPlaces.reserveCapacity(draft.licenses.count)
        for entry in draft.licenses {
            if let first = entryPlaces[entry.code] {
                diagnostics.emit(
                    .error(
                        AssemblyError.listedTwice(code: entry.code.masked, line: first.line, column: first.column)
                            .message,
                        at: entry.location))
                continue
            }
            entryPlaces[entry.code] = entry.location
            // docs/rules.md §4.8: a fact of the past and a request exclude each other.
            if entry.activated != nil, entry.activation != nil {
                diagnostics.emit(
                    .error(
                        AssemblyError.activatedAndActivate(code: entry.code.masked).message,
                        at: entry.activationLocation ?? entry.location))
                continue
            }
            if var existing = merged[entry.code], existing.fromImport {
                var ok = true
                let from = existing.license.source
                if let type = entry.type, type != existing.license.type {
                    diagnostics.emit(
                        .error(
                            AssemblyError.differsFromImport(
                                key: "type", here: "\(type)", there: "\(existing.license.type)", row: from.fileAndLine
                            ).message,
                            at: entry.typeLocation ?? entry.location))
                    ok = false
                }
                if let issued = entry.issued, issued != existing.license.issued {
                    diagnostics.emit(
                        .error(
                            AssemblyError.differsFromImport(
                                key: "issued", here: issued.dateString, there: existing.license.issued.dateString,
                                row: from.fileAndLine
                            ).message,
                            at: entry.issuedLocation ?? entry.location))
                    ok = false
                }
                if let term = entry.term, term != existing.license.term {
                    diagnostics.emit(
                        .error(
                            AssemblyError.differsFromImport(
                                key: "term", here: "\(term)", there: "\(existing.license.term)", row: from.fileAndLine
                            ).message,
                            at: entry.termLocation ?? entry.location))
                    ok = false
                }
                if let row = existing.license.adopted {
                    // The CSV row has activated_at (docs/README.md §8): the entry may repeat, not change it.
                    if let activation = entry.activation {
                        diagnostics.emit(
                            .error(
                                AssemblyError.activateForRunningLicense(
                                    activation: "\(activation)", code: entry.code.masked, row: from.fileAndLine,
                                    activatedAt: row.activatedAt
                                ).message,
                                at: entry.activationLocation ?? entry.location))
                        ok = false
                    }
                    if let activated = entry.activated, activated != row.activatedAt {
                        diagnostics.emit(
                            .error(
                                AssemblyError.activatedDiffersFromRow(
                                    activated: activated, activatedAt: row.activatedAt, row: from.fileAndLine
                                ).message,
                                at: entry.activatedLocation ?? entry.location))
                        ok = false
                    }
                    if let expires = entry.expires, expires != row.expiresAt {
                        diagnostics.emit(
                            .error(
                                AssemblyError.expiresDiffersFromRow(
                                    expires: expires, expiresAt: row.expiresAt.map(\.description) ?? "(empty)",
                                    row: from.fileAndLine
                                ).message,
                                at: entry.expiresLocation ?? entry.location))
                        ok = false
                    }
                } else if let activated = entry.activated {
                    existing.license.adopted = AdoptedHistory(
                        activatedAt: activated, expiresAt: entry.expires,
                        source: entry.activatedLocation ?? entry.location,
                        expiresSource: entry.expiresLocation)
                    existing.license.activation = .at(activated)
                    existing.license.activationSource = entry.activatedLocation
                } else if entry.expires != nil {
                    diagnostics.emit(
                        .error(Self.expiresWithoutActivated(entry.code), at: entry.expiresLocation ?? entry.location))
                    ok = false
                }
                guard ok else { continue }
                if let activation = entry.activation {
                    existing.license.activation = activation
                    existing.license.activationSource = entry.activationLocation
                }
                if let renew = entry.renew { existing.license.renew = renew }
                existing.place = entry.location
                merged[entry.code] = existing
                continue
            }
            var missing: [String] = []
            if entry.type == nil { missing.append("'type'") }
            if entry.issued == nil { missing.append("'issued'") }
            guard let type = entry.type, let issued = entry.issued else {
                // A code whose sales row was skipped for a bad value: that row's error says what
                // to fix; "needs 'type'" here would send the reader to the wrong file.
                let rowRejected = draft.imports.contains { importEntry in
                    importEntry.file.flatMap { rejected[csvReadingKey($0, importEntry.columns)]?.contains(entry.code) }
                        ?? false
                }
                if rowRejected { continue }
                diagnostics.emit(
                    .error(
                        AssemblyError.needsKeys(code: entry.code.masked, missing: missing).message,
                        at: entry.location))
                continue
            }
            if entry.expires != nil, entry.activated == nil {
                diagnostics.emit(
                    .error(Self.expiresWithoutActivated(entry.code), at: entry.expiresLocation ?? entry.location))
                continue
            }
            let adopted = entry.activated.map {
                AdoptedHistory(
                    activatedAt: $0, expiresAt: entry.expires, source: entry.activatedLocation ?? entry.location,
                    expiresSource: entry.expiresLocation)
            }
            let license = DesiredLicense(
                code: entry.code, type: type, issued: issued, term: entry.term ?? .oneYear,
                activation: entry.activation, renew: entry.renew ?? false, source: entry.location,
                activationSource: adopted == nil ? entry.activationLocation : entry.activatedLocation, adopted: adopted)
            merged[entry.code] = Merged(license: license, place: entry.location, fromImport: false)
            order.append(entry.code)
        }

        // Per-license rules (docs/rules.md §4.2).
        var licenses: [DesiredLicense] = []
        var codePlaces: [ActivationCode: SourceLocation] = [:]
        codePlaces.reserveCapacity(order.count)
        licenses.reserveCapacity(order.count)
        for code in order {
            guard let item = merged[code] else { continue }
            let license = item.license
            var ok = true
            if let fixed = license.type.policy.fixedTerm, license.term != fixed {
                let entry = draft.licenses.first { $0.code == code }
                diagnostics.emit(
                    .error(
                        AssemblyError.cloudFreeTerm(found: "\(license.term)").message,
                        at: entry?.termLocation ?? license.source))
                ok = false
            }
            if !license.type.policy.renewable, license.renew {
                let entry = draft.licenses.first { $0.code == code }
                diagnostics.emit(
                    .error(
                        AssemblyError.renewOnPaid(type: "\(license.type)").message,
                        at: entry?.renewLocation ?? license.source))
                ok = false
            }
            if let adopted = license.adopted,
                !checkAdopted(license, adopted, manifest: draft.nameLocation.file, diagnostics: diagnostics)
            {
                ok = false
            }
            guard ok else { continue }
            licenses.append(license)
            codePlaces[code] = item.place
        }

        // Routers: the `routers` entries, then the device list's records, ordered by serial so
        // that the entries of one serial stand together (in that order): the first is kept, each
        // later one is a duplicate of it. Sorting replaces a hash table of every serial.
        var candidates = draft.routers
        let fromManifest = candidates.count
        if let file = draft.devices, let records = devices[csvReadingKey(file, draft.devicesColumns)] {
            candidates.reserveCapacity(fromManifest + records.count)
            for record in records {
                candidates.append(
                    DesiredRouter(serial: record.serial, connectedAt: record.connectedAt, source: record.location))
            }
        }
        var routers: [DesiredRouter] = []
        routers.reserveCapacity(candidates.count)
        var kept: Int?
        for index in RouterSerial.sortedIndices(candidates.count, serial: { candidates[$0].serial }) {
            let router = candidates[index]
            guard let first = kept, RouterSerial.same(candidates[first].serial, router.serial) else {
                kept = index
                routers.append(router)
                continue
            }
            let existing = candidates[first]
            if index < fromManifest {
                diagnostics.emit(
                    .error(
                        AssemblyError.serialListedTwice(
                            serial: router.serial, line: existing.source.line, column: existing.source.column
                        ).message,
                        at: router.source, keeping: [router.serial]))
            } else if existing.connectedAt == router.connectedAt {
                diagnostics.emit(
                    .warning(
                        AssemblyError.serialAlsoListed(serial: router.serial, at: "\(existing.source)").message,
                        at: router.source, keeping: [router.serial]))
            } else {
                diagnostics.emit(
                    .error(
                        AssemblyError.serialListedWithOtherConnection(
                            serial: router.serial, at: "\(existing.source)", there: describe(existing.connectedAt),
                            here: describe(router.connectedAt)
                        ).message,
                        at: router.source, keeping: [router.serial]))
            }
        }

        let manifest = TenantManifest(
            name: name, labels: draft.labels, contacts: draft.contacts, licenses: licenses,
            routers: routers, source: draft.nameLocation)
        return AssembledTenant(manifest: manifest, codePlaces: codePlaces)
    }

    /// The rules of docs/rules.md §4.8 on a running license's history that need no `at`: `activated` ≥
    /// `issued` and < `stockExpiresAt`; `expires` > `activated`. (A future `activated` is
    /// judged by the reconciler, which knows `at`.)
    private static func checkAdopted(
        _ license: DesiredLicense, _ adopted: AdoptedHistory, manifest: String,
        diagnostics: DiagnosticsEngine
    ) -> Bool {
        var ok = true
        let code = license.code.masked
        // A CSV cell is named by its column (docs/formats.md §3.2), a manifest value by its key.
        let key = adopted.source.file == manifest ? "activated" : "activated_at"
        if adopted.activatedAt < license.issued {
            diagnostics.emit(
                .error(
                    AssemblyError.activatedBeforeIssue(
                        activated: adopted.activatedAt, code: code, issued: license.issued.dateString, key: key
                    ).message,
                    at: adopted.source))
            ok = false
        } else if adopted.activatedAt >= license.stockExpiresAt {
            diagnostics.emit(
                .error(
                    AssemblyError.activatedAfterStockExpiry(
                        activated: adopted.activatedAt, code: code, stockExpiresAt: license.stockExpiresAt,
                        issued: license.issued.dateString, key: key
                    ).message,
                    at: adopted.source))
            ok = false
        }
        if let expires = adopted.expiresAt, expires <= adopted.activatedAt {
            diagnostics.emit(
                .error(
                    AssemblyError.expiresNotAfterActivation(
                        expires: expires, code: code, activated: adopted.activatedAt
                    ).message,
                    at: adopted.expiresSource ?? adopted.source))
            ok = false
        }
        return ok
    }

    private static func expiresWithoutActivated(_ code: ActivationCode) -> String {
        AssemblyError.expiresWithoutActivated(code: code.masked).message
    }

    private static func summary(_ license: DesiredLicense) -> String {
        "'\(license.type)', issued \(license.issued.dateString), term \(license.term)"
    }

    private static func describe(_ activation: ActivationRequest?) -> String {
        activation.map { "'\($0)'" } ?? "none"
    }

    private static func describe(_ instant: Instant?) -> String {
        instant.map { $0.description } ?? "none"
    }
}
