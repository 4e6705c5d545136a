/// A file named by a manifest, resolved inside the repo root.
struct ResolvedFile: Sendable, Hashable {
    /// Absolute, symlinks resolved.
    var absolute: String
    /// Relative to the repo root, for diagnostics and the inputs digest.
    var relative: String
}

/// A file's own header names for some of its columns (`imports[].columns`, `devices.columns`;
/// docs/formats.md §3.2, docs/README.md §8 "Inputs"): each mapped name replaces the canonical name and the synonyms of
/// its column.
struct ColumnMapping: Sendable, Hashable {
    /// One mapped column: the canonical column name (`activation_code`, `serial` …), the file's
    /// header for it, and where the manifest maps it.
    struct Entry: Sendable, Hashable {
        var column: String
        var header: String
        var location: SourceLocation
    }

    /// In the schema's column order.
    var entries: [Entry] = []
    /// The command-line option that gave the mapping (`--column`, `--device-column` of
    /// `licensectl init`), for messages; nil when a manifest's `columns` gave it.
    var option: String?

    var isEmpty: Bool { entries.isEmpty }

    /// The header names only: two manifests that map a file alike read it once.
    var key: String {
        entries.map { "\($0.column)=\($0.header)" }.joined(separator: "\u{1}")
    }
}

/// Which reading of a CSV file a manifest asks for: its path and column mapping. Keys the
/// loader's table of records.
func csvReadingKey(_ file: ResolvedFile, _ columns: ColumnMapping?) -> String {
    guard let columns, !columns.isEmpty else { return file.relative }
    return file.relative + "\u{0}" + columns.key
}

/// One `imports` entry, its file resolved.
struct ImportDraft: Sendable, Equatable {
    var file: ResolvedFile?
    var activation: ActivationRequest?
    var activationLocation: SourceLocation?
    var location: SourceLocation
    /// The file's own header names (docs/formats.md §3.2 `columns`); `nil` = the standard names.
    var columns: ColumnMapping?
}

/// One `licenses` entry as written; type and issue date may come from an import instead.
struct LicenseEntryDraft: Sendable, Equatable {
    var code: ActivationCode
    var type: LicenseType?
    var typeLocation: SourceLocation?
    var issued: Instant?
    var issuedLocation: SourceLocation?
    var term: Term?
    var termLocation: SourceLocation?
    var activation: ActivationRequest?
    var activationLocation: SourceLocation?
    var renew: Bool?
    var renewLocation: SourceLocation?
    var location: SourceLocation
    /// The platform's activation instant of a running license (docs/rules.md §4.8).
    var activated: Instant?
    var activatedLocation: SourceLocation?
    /// The platform's expiry, when not `activated + term` (docs/rules.md §4.8).
    var expires: Instant?
    var expiresLocation: SourceLocation?
}

/// A Tenant document decoded field by field, before its CSV files are merged in.
struct ManifestDraft: Sendable, Equatable {
    var name: String?
    var nameLocation: SourceLocation
    var labels: [String: String] = [:]
    var contacts: [String] = []
    var imports: [ImportDraft] = []
    var licenses: [LicenseEntryDraft] = []
    var routers: [DesiredRouter] = []
    var devices: ResolvedFile?
    var devicesLocation: SourceLocation?
    /// The device list's own header names (`devices: {file, columns}`, docs/formats.md §3.1, docs/README.md §8).
    var devicesColumns: ColumnMapping?
}

/// Decodes Tenant documents through ``ManifestSchema`` (docs/formats.md §3.1): unknown keys (with a
/// did-you-mean), missing required keys, wrong kinds and invalid values become diagnostics at the
/// offending node; paths are resolved inside the repo root.
struct ManifestDecoder {
    /// The manifest's path relative to the repo root.
    let file: String
    /// The manifest's folder, absolute.
    let directory: String
    let paths: RepoPaths
    /// Where the problems go.
    let diagnostics: DiagnosticsEngine

    private func place(_ node: YAMLNode) -> SourceLocation {
        SourceLocation(file: file, line: node.line, column: node.column)
    }

    private func error(_ error: ManifestError, _ node: YAMLNode) {
        diagnostics.error(error.message, at: place(node))
    }

    // MARK: Document

    /// Decodes one document; `nil` when it is not a usable Tenant (errors reported).
    func decode(_ root: YAMLNode) -> ManifestDraft? {
        let schema = ManifestSchema.tenant
        guard let top = fields(root, schema, key: nil) else { return nil }
        var usable = true
        for field in schema.fields {
            guard case .scalar(.constant(let expected)) = field.shape else { continue }
            guard let node = top[field.key] else {
                usable = false
                continue
            }
            guard let text = scalar(node, field.key, field.shape) else {
                usable = false
                continue
            }
            if text != expected {
                error(.invalidValue(key: field.key, expected: field.shape.expectation, text: text), node)
                usable = false
            }
        }
        guard let metadataNode = top[.metadata] else { return nil }
        var draft = ManifestDraft(nameLocation: place(metadataNode))
        if let metadata = fields(metadataNode, ManifestSchema.metadata, key: "metadata") {
            if let nameNode = metadata[.name], let name = scalar(nameNode, "name", .scalar(.dnsLabel)) {
                draft.nameLocation = place(nameNode)
                if ManifestDecoder.isDNSLabel(name) {
                    draft.name = name
                } else {
                    error(
                        .invalidValueWithHint(
                            key: "name", expected: ScalarKind.dnsLabel.expectation, text: name,
                            hint: ManifestDecoder.dnsLabelHint(name)),
                        nameNode)
                }
            }
            if let labels = metadata[.labels] { draft.labels = stringMap(labels, "labels") }
        }
        if let specNode = top[.spec], let spec = fields(specNode, ManifestSchema.spec, key: "spec") {
            if let node = spec[.contacts] {
                // A contact listed twice (in any letter case, as mail systems compare them) gets
                // reminders once; the repeat is a warning at its place (docs/formats.md §3.1 `contacts`).
                var firstLine: [String: Int] = [:]
                for item in sequence(node, "contacts") {
                    guard let text = scalar(item, "contacts", .scalar(.email)) else { continue }
                    if let tooLong = ManifestDecoder.emailLengthProblem(text) {
                        error(tooLong, item)
                    } else if ManifestDecoder.isEmail(text) {
                        if let line = firstLine[text.lowercased()] {
                            diagnostics.warning(
                                ManifestError.repeatedContact(address: text, firstLine: line).message, at: place(item))
                        } else {
                            firstLine[text.lowercased()] = item.line
                        }
                        draft.contacts.append(text)
                    } else {
                        error(.invalidValue(key: "contacts", expected: ScalarKind.email.expectation, text: text), item)
                    }
                }
            }
            if let node = spec[.imports] {
                for item in sequence(node, "imports") {
                    if let entry = importEntry(item) { draft.imports.append(entry) }
                }
            }
            if let node = spec[.licenses] {
                let items = sequence(node, "licenses")
                draft.licenses.reserveCapacity(items.count)
                for item in items {
                    if let entry = licenseEntry(item) { draft.licenses.append(entry) }
                }
            }
            if let node = spec[.routers] {
                // Sized once: a tenant has up to thousands of routers.
                let items = sequence(node, "routers")
                draft.routers.reserveCapacity(items.count)
                for item in items {
                    if let router = routerEntry(item) { draft.routers.append(router) }
                }
            }
            if let node = spec[.devices] {
                draft.devicesLocation = place(node)
                if case .mapping = node.content {
                    if let list = fields(node, ManifestSchema.deviceList, key: "devices") {
                        if let fileNode = list[.file] {
                            draft.devices = resolvedPath(fileNode, "file")
                            draft.devicesLocation = place(fileNode)
                        }
                        if let columnsNode = list[.columns] {
                            let before = diagnostics.count
                            draft.devicesColumns = columnMapping(columnsNode, ManifestSchema.deviceColumns)
                            if diagnostics.count > before { draft.devices = nil }
                        }
                    }
                } else {
                    draft.devices = resolvedPath(node, "devices")
                }
            }
        }
        return usable ? draft : nil
    }

    private func importEntry(_ node: YAMLNode) -> ImportDraft? {
        guard let entry = fields(node, ManifestSchema.importEntry, key: "imports") else { return nil }
        var draft = ImportDraft(location: place(node))
        if let fileNode = entry[.file] { draft.file = resolvedPath(fileNode, "file") }
        if let activateNode = entry[.activate] {
            draft.activation = activation(activateNode)
            draft.activationLocation = place(activateNode)
        }
        if let columnsNode = entry[.columns] {
            let before = diagnostics.count
            draft.columns = columnMapping(columnsNode, ManifestSchema.salesColumns)
            // A mapping with errors is not used to read the file under the standard names.
            if diagnostics.count > before { draft.file = nil }
        }
        return draft
    }

    /// A `columns` mapping (docs/formats.md §3.2, docs/README.md §8): keys of `schema`, each a non-empty header name.
    private func columnMapping(_ node: YAMLNode, _ schema: ObjectSchema) -> ColumnMapping? {
        guard let columns = fields(node, schema, key: "columns") else { return nil }
        var mapping = ColumnMapping()
        for field in schema.fields {
            guard let valueNode = columns[field.key], let header = scalar(valueNode, field.key, field.shape) else {
                continue
            }
            guard !CSVTable.squash(header).isEmpty else {
                error(.invalidValue(key: field.key, expected: ScalarKind.header.expectation, text: header), valueNode)
                continue
            }
            mapping.entries.append(ColumnMapping.Entry(column: field.key, header: header, location: place(valueNode)))
        }
        return mapping
    }

    private func licenseEntry(_ node: YAMLNode) -> LicenseEntryDraft? {
        guard let entry = fields(node, ManifestSchema.license, key: "licenses") else { return nil }
        guard let codeNode = entry[.code], let text = scalar(codeNode, "code", .scalar(.activationCode)) else {
            return nil
        }
        let code: ActivationCode
        do {
            code = try ActivationCode(parsing: text)
        } catch {
            self.error(.invalidCode(error), codeNode)
            return nil
        }
        var draft = LicenseEntryDraft(code: code, location: place(node))
        var ok = true
        if let n = entry[.type] {
            draft.typeLocation = place(n)
            draft.type = value(n, "type", .licenseType) { t throws(ValueParseError) in try LicenseType(parsing: t) }
            ok = ok && draft.type != nil
        }
        if let n = entry[.issued] {
            draft.issuedLocation = place(n)
            draft.issued = value(n, "issued", .date) { t throws(ValueParseError) in
                let expected = ValueParseError(message: "expected a date YYYY-MM-DD, found '\(t)'")
                guard t.utf8.count == 10 else { throw expected }
                do throws(ValueParseError) {
                    return try Instant.parse(t)
                } catch {
                    // The date parser's general form also offers date-times, which `issued` is not.
                    throw error.kind == .unrecognizedForm ? expected : error
                }
            }
            ok = ok && draft.issued != nil
        }
        if let n = entry[.term] {
            draft.termLocation = place(n)
            draft.term = value(n, "term", .term) { t throws(ValueParseError) in try Term.parse(t) }
            ok = ok && draft.term != nil
        }
        if let n = entry[.activate] {
            draft.activationLocation = place(n)
            draft.activation = activation(n)
            ok = ok && draft.activation != nil
        }
        if let n = entry[.renew] {
            draft.renewLocation = place(n)
            draft.renew = boolean(n, "renew")
            ok = ok && draft.renew != nil
        }
        if let n = entry[.activated] {
            draft.activatedLocation = place(n)
            draft.activated = value(n, "activated", .instant) { t throws(ValueParseError) in try Instant.parse(t) }
            ok = ok && draft.activated != nil
        }
        if let n = entry[.expires] {
            draft.expiresLocation = place(n)
            draft.expires = value(n, "expires", .instant) { t throws(ValueParseError) in try Instant.parse(t) }
            ok = ok && draft.expires != nil
        }
        return ok ? draft : nil
    }

    private func routerEntry(_ node: YAMLNode) -> DesiredRouter? {
        guard let entry = fields(node, ManifestSchema.router, key: "routers"), let serialNode = entry[.serial] else {
            return nil
        }
        let connectedAtNode = entry[.connectedAt]
        guard
            let serial = value(
                serialNode, "serial", .routerSerial, { t throws(ValueParseError) in try RouterSerial.validateInput(t) })
        else { return nil }
        var connectedAt: Instant?
        if let n = connectedAtNode {
            guard let instant = value(n, "connectedAt", .instant, { t throws(ValueParseError) in try Instant.parse(t) })
            else { return nil }
            connectedAt = instant
        }
        return DesiredRouter(serial: serial, connectedAt: connectedAt, source: place(node))
    }

    // MARK: Values

    private func activation(_ node: YAMLNode) -> ActivationRequest? {
        value(node, "activate", .activation) { t throws(ValueParseError) in try ActivationRequest(parsing: t) }
    }

    /// Plain `true` or `false` only; YAML 1.1 spellings (`yes`, `on`, `True`…) say what to write.
    private func boolean(_ node: YAMLNode, _ key: String) -> Bool? {
        guard case .scalar(let text, let style) = node.content else {
            error(.wrongKind(key: key, expected: ScalarKind.boolean.expectation, found: node.kindDescription), node)
            return nil
        }
        if style == .plain {
            if text == "true" { return true }
            if text == "false" { return false }
        }
        let hint: String? =
            switch text.lowercased() {
            case "yes", "y", "on", "true": style == .plain ? "write true" : "write true without quotes"
            case "no", "n", "off", "false": style == .plain ? "write false" : "write false without quotes"
            default: nil
            }
        error(.notBoolean(key: key, text: text, hint: hint), node)
        return nil
    }

    /// A scalar parsed by `parse`; a parse error becomes `key: message` at the node.
    private func value<T>(
        _ node: YAMLNode, _ key: String, _ kind: ScalarKind,
        _ parse: (String) throws(ValueParseError) -> T
    ) -> T? {
        guard let text = scalar(node, key, .scalar(kind)) else { return nil }
        do {
            return try parse(text)
        } catch {
            // A date in a locale's form, or a value pasted as Excel's text formula, gets the
            // hint a CSV cell gets (docs/formats.md §3.2 "Spreadsheet damage").
            let hint: String? =
                switch kind {
                case .date, .instant, .activation: SpreadsheetDamage.dateHint(text, cell: false)
                case .routerSerial: SpreadsheetDamage.serialHint(text)
                default: SpreadsheetDamage.textFormulaHint(text)
                }
            var shown = error
            if let hint { shown = ValueParseError(message: error.message + hint, kind: error.kind) }
            self.error(.unparsable(key: key, shown), node)
            return nil
        }
    }

    private func resolvedPath(_ node: YAMLNode, _ key: String) -> ResolvedFile? {
        guard let text = scalar(node, key, .scalar(.path)) else { return nil }
        guard !text.isEmpty else {
            error(.invalidValue(key: key, expected: ScalarKind.path.expectation, text: text), node)
            return nil
        }
        switch paths.resolve(text, from: directory) {
        case .inside(let absolute, let relative):
            return ResolvedFile(absolute: absolute, relative: relative)
        case .outside(let viaSymlink):
            error(.outsideRoot(key: key, path: text, viaSymlink: viaSymlink), node)
        case .missing(let relative):
            error(.fileNotFound(key: key, path: text, lookedFor: relative), node)
        }
        return nil
    }

    // MARK: Structure

    /// The values of a mapping by schema key. Reports a non-mapping, non-string keys, unknown
    /// keys (with a did-you-mean), null values of required keys and missing required keys.
    /// Null values of optional keys count as absent.
    private func fields(_ node: YAMLNode, _ schema: ObjectSchema, key: String?) -> Fields? {
        guard case .mapping(let pairs) = node.content else {
            let found = node.kindDescription
            switch key {
            case nil: error(.notATenant(found: found), node)
            case "imports", "licenses", "routers": error(.entryNotMapping(key: key ?? "", found: found), node)
            default: error(.wrongKind(key: key ?? "", expected: "a mapping", found: found), node)
            }
            return nil
        }
        // Per schema key: the index of its pair, or one of the two markers. Plain integers, so
        // that a router entry costs one small allocation.
        var slots = [Int](repeating: Fields.absent, count: schema.fields.count)
        for (position, pair) in pairs.enumerated() {
            guard case .scalar(let name, _) = pair.key.content else {
                error(.keyNotString(found: pair.key.kindDescription), pair.key)
                continue
            }
            guard let index = schema.index(of: name) else {
                error(unknownKey(name, schema), pair.key)
                continue
            }
            if pair.value.isNull {
                if schema.fields[index].required {
                    error(.missingValue(key: name, expected: schema.fields[index].shape.expectation), pair.value)
                    slots[index] = Fields.reportedNull
                }
                continue
            }
            slots[index] = position
        }
        for (index, field) in schema.fields.enumerated() where field.required && slots[index] == Fields.absent {
            error(.missingKey(field.key, mapping: schema.name), node)
        }
        return Fields(schema: schema, pairs: pairs, slots: slots)
    }

    private func unknownKey(_ name: String, _ schema: ObjectSchema) -> ManifestError {
        let keys = schema.fields.map(\.key)
        if let suggestion = ManifestDecoder.suggestion(for: name, among: keys) {
            return .unknownKey(name, suggestion: suggestion)
        }
        return .unknownKeyIn(name, mapping: schema.name, keys: keys)
    }

    private func sequence(_ node: YAMLNode, _ key: String) -> [YAMLNode] {
        guard case .sequence(let items) = node.content else {
            error(.wrongKind(key: key, expected: "a sequence", found: node.kindDescription), node)
            return []
        }
        return items
    }

    /// The scalar's text; `shape` is only built for the message (``Shape`` is an indirect enum,
    /// so building it allocates, once per value otherwise).
    private func scalar(_ node: YAMLNode, _ key: String, _ shape: @autoclosure () -> Shape) -> String? {
        guard case .scalar(let text, _) = node.content else {
            error(.wrongKind(key: key, expected: shape().expectation, found: node.kindDescription), node)
            return nil
        }
        return text
    }

    private func stringMap(_ node: YAMLNode, _ key: String) -> [String: String] {
        guard case .mapping(let pairs) = node.content else {
            error(.wrongKind(key: key, expected: Shape.stringMap.expectation, found: node.kindDescription), node)
            return [:]
        }
        var out: [String: String] = [:]
        for pair in pairs {
            guard case .scalar(let name, _) = pair.key.content else {
                error(.labelKeyNotString(key: key, found: pair.key.kindDescription), pair.key)
                continue
            }
            guard case .scalar(let text, _) = pair.value.content, !pair.value.isNull else {
                error(.labelValueNotString(key: key, label: name, found: pair.value.kindDescription), pair.value)
                continue
            }
            out[name] = text
        }
        return out
    }

    // MARK: Rules

    /// docs/formats.md §3.1: `^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`.
    static func isDNSLabel(_ s: String) -> Bool {
        let u = s.utf8
        guard (1...63).contains(u.count) else { return false }
        func alnum(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 48 && c <= 57) }
        guard let first = u.first, let last = u.last, alnum(first), alnum(last) else { return false }
        return u.allSatisfy { alnum($0) || $0 == 45 }
    }

    /// One mailbox `local@domain` (docs/formats.md §3.1 `contacts`): exactly one `@` with text on both
    /// sides, and none of what would split or extend a mail header (`To:` of the reminder mail):
    /// no white space or control characters (CR, LF, TAB…), no `,` `;` `<` `>` `"` `(` `)` `[`
    /// `]` `\`. Non-ASCII letters are allowed (RFC 6532).
    static func isEmail(_ s: String) -> Bool {
        guard emailLengthProblem(s) == nil else { return false }
        var ats = 0
        for byte in s.utf8 {
            switch byte {
            case 0x40: ats += 1
            case 0x00...0x20, 0x7F, 0x2C, 0x3B, 0x3C, 0x3E, 0x22, 0x28, 0x29, 0x5B, 0x5D, 0x5C: return false
            default: break
            }
        }
        return ats == 1 && s.utf8.first != 0x40 && s.utf8.last != 0x40
    }

    /// The RFC 5321 size limits of a mailbox (§4.5.3.1): a local part of at most 64 octets, an
    /// address of at most 254 (a path of 256 with its angle brackets). `nil` within them.
    static func emailLengthProblem(_ s: String) -> ManifestError? {
        let octets = s.utf8.count
        if let at = s.utf8.lastIndex(of: 0x40) {
            let local = s.utf8.distance(from: s.utf8.startIndex, to: at)
            if local > 64 { return .contactTooLong(address: s, part: "local part", octets: local, limit: 64) }
        }
        if octets > 254 { return .contactTooLong(address: s, part: "address", octets: octets, limit: 254) }
        return nil
    }

    /// `; character 5 is U+200B (an invisible or non-breaking space) …` for the first
    /// character a DNS label cannot hold, named by its code point and 1-based position as a
    /// code's and a serial's are (docs/README.md §8 "Inputs"); an upper-case ASCII letter is
    /// told to be written in lower case. Empty when every character is allowed (a length or
    /// a leading/trailing `-` problem).
    static func dnsLabelHint(_ name: String) -> String {
        for (offset, character) in name.enumerated() {
            guard let scalar = character.unicodeScalars.first else { continue }
            let extra = character.unicodeScalars.count > 1
            if !extra, scalar.isASCII {
                let c = scalar.value
                if (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x2D { continue }
                if c >= 0x41 && c <= 0x5A {
                    return "; character \(offset + 1) is '\(Character(scalar))': write the name in lower case"
                }
                let code = ActivationCodeError.codePoint(scalar)
                if c > 0x20, c < 0x7F {
                    return
                        "; character \(offset + 1) is '\(Character(scalar))' (\(code)), which a DNS label cannot hold: use a-z, 0-9 and -"
                }
                return
                    "; character \(offset + 1) is \(code)\(c == 0x20 ? " (a space)" : " (a control character)"), which a DNS label cannot hold: remove it"
            }
            // A combining mark on an allowed letter hides behind it: name the mark.
            let shown = extra ? (character.unicodeScalars.first { !$0.isASCII } ?? scalar) : scalar
            let code = ActivationCodeError.codePoint(shown)
            let kind =
                shown.value == 0xFEFF
                ? " (a byte-order mark)"
                : ActivationCodeError.lookAlike(shown).isEmpty && shown.properties.isAlphabetic
                    ? " (a look-alike letter, not ASCII)" : ActivationCodeError.lookAlike(shown)
            return
                "; character \(offset + 1) is \(code)\(kind), which a DNS label cannot hold: retype the name (a-z, 0-9 and - only)"
        }
        return ""
    }

    /// The closest key within edit distance 2 (or equal ignoring case), for did-you-mean.
    static func suggestion(for name: String, among keys: [String]) -> String? {
        var best: (key: String, distance: Int)?
        let lower = Array(name.lowercased().utf8)
        for key in keys {
            let d = editDistance(lower, Array(key.lowercased().utf8))
            let limit = min(2, max(1, key.utf8.count / 3))
            if d <= limit, best.map({ d < $0.distance }) ?? true { best = (key, d) }
        }
        return best?.key
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
    /// neighbours each cost 1, so `nmae` is one edit from `name`.
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var beforePrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[b.count]
    }
}

/// A mapping's values by schema key.
struct Fields {
    /// A slot of a key the mapping does not have.
    static let absent = -1
    /// A slot of a required key whose null value was already reported.
    static let reportedNull = -2

    let schema: ObjectSchema
    /// The mapping's pairs in file order.
    let pairs: [YAMLPair]
    /// Per field of `schema`: the index of its pair in `pairs`, ``absent`` or ``reportedNull``
    /// (null values of optional keys are absent).
    let slots: [Int]

    subscript(key: ManifestKey) -> YAMLNode? {
        self[key.rawValue]
    }

    subscript(key: String) -> YAMLNode? {
        guard let index = schema.index(of: key) else {
            assertionFailure("'\(key)' is not a key of \(schema.name) in ManifestSchema")
            return nil
        }
        let slot = slots[index]
        return slot >= 0 ? pairs[slot].value : nil
    }
}
