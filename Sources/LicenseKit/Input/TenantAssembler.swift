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
        diagnostics: inout [Diagnostic]
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
                        activatedAt: $0, expiresAt: record.expiresAt, source: record.location,
                        expiresSource: record.expiresAt == nil ? nil : record.location)
                }
                let candidate = DesiredLicense(
                    code: record.code, type: record.type, issued: record.issued, term: record.term,
                    activation: adopted == nil ? entry.activation : nil, renew: false, order: record.order,
                    source: record.location,
                    activationSource: adopted == nil ? entry.activationLocation : record.location,
                    adopted: adopted)
                if let existing = merged[record.code] {
                    let old = existing.license
                    if old.type != record.type || old.issued != record.issued || old.term != record.term {
                        diagnostics.append(
                            .error(
                                "code \(record.code.masked) is imported again with different values: \(summary(candidate)) here, \(summary(old)) at \(old.source)",
                                at: record.location))
                    } else if old.activation != candidate.activation
                        || old.adopted?.expiresAt != candidate.adopted?.expiresAt
                    {
                        diagnostics.append(
                            .error(
                                "code \(record.code.masked) is imported twice with different 'activate': \(describe(candidate.activation)) here, \(describe(old.activation)) at \(old.activationSource ?? existing.place)",
                                at: candidate.adopted == nil
                                    ? (entry.activationLocation ?? entry.location) : record.location))
                    } else {
                        diagnostics.append(
                            .warning(
                                "code \(record.code.masked) is imported twice (also at \(old.source)); merged",
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
                diagnostics.append(
                    .error(
                        "code \(entry.code.masked) is listed twice in licenses; first at line \(first.line), column \(first.column)",
                        at: entry.location))
                continue
            }
            entryPlaces[entry.code] = entry.location
            // docs/rules.md §4.8: a fact of the past and a request exclude each other.
            if entry.activated != nil, entry.activation != nil {
                diagnostics.append(
                    .error(
                        "activated and activate are both given for \(entry.code.masked); 'activated' records a license already running in the platform, 'activate' requests an activation — keep one",
                        at: entry.activationLocation ?? entry.location))
                continue
            }
            if var existing = merged[entry.code], existing.fromImport {
                var ok = true
                let from = existing.license.source
                if let type = entry.type, type != existing.license.type {
                    diagnostics.append(
                        .error(
                            "type: '\(type)' differs from '\(existing.license.type)' given for this code by \(from.fileAndLine); remove 'type' here or correct it",
                            at: entry.typeLocation ?? entry.location))
                    ok = false
                }
                if let issued = entry.issued, issued != existing.license.issued {
                    diagnostics.append(
                        .error(
                            "issued: '\(issued.dateString)' differs from '\(existing.license.issued.dateString)' given for this code by \(from.fileAndLine); remove 'issued' here or correct it",
                            at: entry.issuedLocation ?? entry.location))
                    ok = false
                }
                if let term = entry.term, term != existing.license.term {
                    diagnostics.append(
                        .error(
                            "term: '\(term)' differs from '\(existing.license.term)' given for this code by \(from.fileAndLine); remove 'term' here or correct it",
                            at: entry.termLocation ?? entry.location))
                    ok = false
                }
                if let row = existing.license.adopted {
                    // The CSV row has activated_at (docs/README.md §8): the entry may repeat, not change it.
                    if let activation = entry.activation {
                        diagnostics.append(
                            .error(
                                "activate: '\(activation)' for \(entry.code.masked), whose row \(from.fileAndLine) has activated_at \(row.activatedAt): the license already runs in the platform; remove 'activate'",
                                at: entry.activationLocation ?? entry.location))
                        ok = false
                    }
                    if let activated = entry.activated, activated != row.activatedAt {
                        diagnostics.append(
                            .error(
                                "activated: \(activated) differs from activated_at \(row.activatedAt) given for this code by \(from.fileAndLine); remove 'activated' here or correct it",
                                at: entry.activatedLocation ?? entry.location))
                        ok = false
                    }
                    if let expires = entry.expires, expires != row.expiresAt {
                        diagnostics.append(
                            .error(
                                "expires: \(expires) differs from expires_at \(row.expiresAt.map(\.description) ?? "(empty)") given for this code by \(from.fileAndLine); remove 'expires' here or correct it",
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
                    diagnostics.append(
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
                diagnostics.append(
                    .error(
                        "licenses entry for code \(entry.code.masked) needs \(missing.joined(separator: " and ")) (required unless the code comes from an import)",
                        at: entry.location))
                continue
            }
            if entry.expires != nil, entry.activated == nil {
                diagnostics.append(
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
                diagnostics.append(
                    .error(
                        "term: Cloud Free licenses always run P1Y, found '\(license.term)'",
                        at: entry?.termLocation ?? license.source))
                ok = false
            }
            if !license.type.policy.renewable, license.renew {
                let entry = draft.licenses.first { $0.code == code }
                diagnostics.append(
                    .error(
                        "renew: only Cloud Free licenses renew; '\(license.type)' is paid, remove 'renew'",
                        at: entry?.renewLocation ?? license.source))
                ok = false
            }
            if let adopted = license.adopted, !checkAdopted(license, adopted, diagnostics: &diagnostics) { ok = false }
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
                diagnostics.append(
                    .error(
                        "router serial '\(router.serial)' is listed twice in routers; first at line \(existing.source.line), column \(existing.source.column)",
                        at: router.source, keeping: [router.serial]))
            } else if existing.connectedAt == router.connectedAt {
                diagnostics.append(
                    .warning(
                        "router serial '\(router.serial)' is also listed at \(existing.source); merged",
                        at: router.source, keeping: [router.serial]))
            } else {
                diagnostics.append(
                    .error(
                        "router serial '\(router.serial)' is also listed at \(existing.source) with connectedAt \(describe(existing.connectedAt)); here \(describe(router.connectedAt))",
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
        _ license: DesiredLicense, _ adopted: AdoptedHistory,
        diagnostics: inout [Diagnostic]
    ) -> Bool {
        var ok = true
        let code = license.code.masked
        if adopted.activatedAt < license.issued {
            diagnostics.append(
                .error(
                    "activated: \(adopted.activatedAt) of \(code) is before its issue date \(license.issued.dateString); a code cannot run before it was issued — check the activation or the issue date",
                    at: adopted.source))
            ok = false
        } else if adopted.activatedAt >= license.stockExpiresAt {
            diagnostics.append(
                .error(
                    "activated: \(adopted.activatedAt) of \(code) is at or after its stock expiry \(license.stockExpiresAt) (issued \(license.issued.dateString) + P2Y); the platform cannot have activated it then — check the activation or the issue date",
                    at: adopted.source))
            ok = false
        }
        if let expires = adopted.expiresAt, expires <= adopted.activatedAt {
            diagnostics.append(
                .error(
                    "expires: \(expires) of \(code) is not after its activation \(adopted.activatedAt); expected the platform's expiry, later than 'activated'",
                    at: adopted.expiresSource ?? adopted.source))
            ok = false
        }
        return ok
    }

    private static func expiresWithoutActivated(_ code: ActivationCode) -> String {
        "expires is given for \(code.masked) without activated; an expiry is recorded only for a license already running in the platform — add 'activated', or remove 'expires'"
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
