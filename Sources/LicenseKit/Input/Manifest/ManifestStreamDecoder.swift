import CYAML

/// Decodes Tenant documents straight from libyaml's events, without building ``YAMLNode`` trees:
/// the fast path of ``LicenseRepoLoader`` (issue 6 — building and walking the trees cost more
/// than libyaml's own parse).
///
/// It takes only manifests that are entirely clean: no anchors, aliases or tags, no null values,
/// no unknown, duplicate or merge keys, every required key present and every value valid
/// (docs/formats.md §3.1). At the first event outside that subset it gives up and returns `nil`; the caller
/// then reads the file through ``YAMLReader`` and ``ManifestDecoder``, which report every problem
/// at its place. On a file it takes it returns exactly the drafts of that path, which would have
/// reported nothing (`ManifestStreamDecoderTests` compares the two on valid, edited and broken
/// manifests).
struct ManifestStreamDecoder {
    /// The manifest's path relative to the repo root, for source locations.
    let file: String
    /// The manifest's folder, absolute: paths in the manifest are relative to it.
    let directory: String
    let paths: RepoPaths

    /// The drafts of every Tenant document of a file, in file order, or `nil` when the file needs
    /// the diagnosing path.
    ///
    /// - Parameter bytes: the file's bytes after a leading BOM, already checked by
    ///   ``YAMLReader/checkBytes(_:from:path:)`` (valid UTF-8, no tab indentation).
    func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> [ManifestDraft]? {
        guard let base = bytes.baseAddress else { return [] }
        let events = EventCursor(base, count: bytes.count)
        let reader = Reader(events: events, file: file, directory: directory, paths: paths)
        return reader.documents()
    }
}

/// libyaml's parser over a byte buffer, one event at a time: pulling the next event deletes the
/// current one, so its scalar bytes are valid until then.
private final class EventCursor {
    /// Heap-allocated: libyaml keeps a pointer to the parser inside the parser (string input).
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    /// The current event; behind a pointer, not a stored `var`, so that reading it costs no
    /// exclusivity check per field read.
    private let current: UnsafeMutablePointer<yaml_event_t>
    @exclusivity(unchecked) private var live = false
    private let ready: Bool

    var event: yaml_event_t { current.pointee }

    init(_ base: UnsafePointer<UInt8>, count: Int) {
        parser = .allocate(capacity: 1)
        current = .allocate(capacity: 1)
        current.initialize(to: yaml_event_t())
        ready = yaml_parser_initialize(parser) == 1
        if ready {
            yaml_parser_set_input_string(parser, base, count)
            yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        }
    }

    deinit {
        if live { yaml_event_delete(current) }
        if ready { yaml_parser_delete(parser) }
        parser.deallocate()
        current.deallocate()
    }

    /// Pulls the next event; `false` on a syntax error (or a parser that did not start).
    func next() -> Bool {
        if live {
            yaml_event_delete(current)
            live = false
        }
        guard ready, yaml_parser_parse(parser, current) == 1 else { return false }
        live = true
        return true
    }
}

/// The recursive descent over the events of one file, in the shape of ``ManifestSchema``.
/// Every function returns `nil` (or `false`) to give up.
private struct Reader {
    let events: EventCursor
    let file: String
    let directory: String
    let paths: RepoPaths

    // MARK: The current event

    private var type: yaml_event_type_t { events.event.type }

    private var place: SourceLocation {
        let mark = events.event.start_mark
        return SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    /// Pulls the next event and says whether it starts a mapping (or sequence) without an anchor
    /// or a tag.
    private func nextIsCollection(mapping: Bool) -> Bool {
        guard events.next() else { return false }
        return isCollection(mapping: mapping)
    }

    private func isCollection(mapping: Bool) -> Bool {
        let data = events.event.data
        if mapping {
            return type == YAML_MAPPING_START_EVENT && data.mapping_start.anchor == nil && data.mapping_start.tag == nil
        }
        return type == YAML_SEQUENCE_START_EVENT && data.sequence_start.anchor == nil && data.sequence_start.tag == nil
    }

    /// The bytes of the current event when it is a scalar without anchor or tag; `nil` otherwise.
    private var scalarBytes: UnsafeBufferPointer<UInt8>? {
        guard type == YAML_SCALAR_EVENT else { return nil }
        let s = events.event.data.scalar
        guard s.anchor == nil, s.tag == nil else { return nil }
        return UnsafeBufferPointer(start: s.value, count: s.length)
    }

    private var isPlain: Bool { events.event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE }

    /// The current scalar's bytes when it is a value: not null (a plain empty, `~` or `null`
    /// scalar, which the diagnosing path treats as absent or reports).
    private var valueBytes: UnsafeBufferPointer<UInt8>? {
        guard let b = scalarBytes else { return nil }
        if isPlain, Self.spellsNull(b) { return nil }
        return b
    }

    /// Pulls the next event as a value scalar's text.
    private func nextValue() -> String? {
        guard events.next(), let b = valueBytes else { return nil }
        return String(decoding: b, as: UTF8.self)
    }

    private static func spells(_ b: UnsafeBufferPointer<UInt8>, _ key: StaticString) -> Bool {
        YAMLReader.spells(b, key)
    }

    /// YAML's null as ``YAMLNode/isNull`` reads it: empty, `~`, `null`, `Null`, `NULL`.
    private static func spellsNull(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        b.isEmpty || spells(b, "~") || spells(b, "null") || spells(b, "Null") || spells(b, "NULL")
    }

    /// Walks the keys of the mapping whose start is the current event: for each key the event
    /// after it (its value's first event) is current while `value` runs with the key. Gives up on
    /// a key outside `table`, a repeated key, or when `value` does; checks the required keys.
    private func mapping(_ table: KeyTable, _ value: (ManifestKey) -> Bool) -> Bool {
        var seen: UInt32 = 0
        while true {
            guard events.next() else { return false }
            if type == YAML_MAPPING_END_EVENT { return seen & table.required == table.required }
            guard let b = scalarBytes, let index = table.index(b), seen & (1 << index) == 0 else { return false }
            seen |= 1 << index
            guard events.next(), value(table.keys[index]) else { return false }
        }
    }

    /// Walks the items of the sequence whose start is the current event; `item` runs with each
    /// item's first event current.
    private func sequence(_ item: () -> Bool) -> Bool {
        while true {
            guard events.next() else { return false }
            if type == YAML_SEQUENCE_END_EVENT { return true }
            guard item() else { return false }
        }
    }

    // MARK: Documents

    func documents() -> [ManifestDraft]? {
        guard events.next(), type == YAML_STREAM_START_EVENT else { return nil }
        var drafts: [ManifestDraft] = []
        while true {
            guard events.next() else { return nil }
            switch type {
            case YAML_STREAM_END_EVENT:
                return drafts
            case YAML_DOCUMENT_START_EVENT:
                guard events.next() else { return nil }
                if isCollection(mapping: true) {
                    guard let draft = tenant() else { return nil }
                    drafts.append(draft)
                } else if let b = scalarBytes, isPlain, Self.spellsNull(b) {
                    // An empty document: skipped, as the diagnosing path skips it.
                } else {
                    return nil
                }
                guard events.next(), type == YAML_DOCUMENT_END_EVENT else { return nil }
            default:
                return nil
            }
        }
    }

    /// A Tenant document (docs/formats.md §3.1), its mapping's start current.
    private func tenant() -> ManifestDraft? {
        var draft = ManifestDraft(nameLocation: place)
        let complete = mapping(ManifestSchema.tenantKeys) { key in
            switch key {
            case .apiVersion: return valueBytes.map { $0.elementsEqual(ManifestSchema.apiVersion.utf8) } ?? false
            case .kind: return valueBytes.map { $0.elementsEqual(ManifestSchema.kind.utf8) } ?? false
            case .metadata: return isCollection(mapping: true) && metadata(&draft)
            case .spec: return isCollection(mapping: true) && spec(&draft)
            default: return false
            }
        }
        return complete ? draft : nil
    }

    private func metadata(_ draft: inout ManifestDraft) -> Bool {
        mapping(ManifestSchema.metadataKeys) { key in
            switch key {
            case .name:
                guard let b = valueBytes else { return false }
                let name = String(decoding: b, as: UTF8.self)
                guard ManifestDecoder.isDNSLabel(name) else { return false }
                draft.name = name
                draft.nameLocation = place
                return true
            case .labels:
                return isCollection(mapping: true) && labels(&draft.labels)
            default:
                return false
            }
        }
    }

    /// A string map: any scalar keys (not the merge key, none twice), non-null scalar values.
    private func labels(_ out: inout [String: String]) -> Bool {
        while true {
            guard events.next() else { return false }
            if type == YAML_MAPPING_END_EVENT { return true }
            guard let b = scalarBytes, !(isPlain && Self.spells(b, "<<")) else { return false }
            let name = String(decoding: b, as: UTF8.self)
            guard out[name] == nil, let text = nextValue() else { return false }
            out[name] = text
        }
    }

    private func spec(_ draft: inout ManifestDraft) -> Bool {
        mapping(ManifestSchema.specKeys) { key in
            switch key {
            case .contacts:
                return isCollection(mapping: false)
                    && sequence {
                        guard let b = valueBytes else { return false }
                        let address = String(decoding: b, as: UTF8.self)
                        // A repeat (any letter case) is the tree decoder's warning.
                        guard ManifestDecoder.isEmail(address),
                            !draft.contacts.contains(where: { $0.lowercased() == address.lowercased() })
                        else { return false }
                        draft.contacts.append(address)
                        return true
                    }
            case .imports:
                return isCollection(mapping: false)
                    && sequence {
                        guard isCollection(mapping: true), let entry = importEntry() else { return false }
                        draft.imports.append(entry)
                        return true
                    }
            case .licenses:
                return isCollection(mapping: false)
                    && sequence {
                        guard isCollection(mapping: true), let entry = licenseEntry() else { return false }
                        draft.licenses.append(entry)
                        return true
                    }
            case .routers:
                return isCollection(mapping: false)
                    && sequence {
                        guard isCollection(mapping: true), let router = routerEntry() else { return false }
                        draft.routers.append(router)
                        return true
                    }
            case .devices:
                if isCollection(mapping: true) { return deviceList(&draft) }
                guard let file = resolvedPath() else { return false }
                draft.devices = file
                draft.devicesLocation = place
                return true
            default:
                return false
            }
        }
    }

    // MARK: Entries

    private func importEntry() -> ImportDraft? {
        var entry = ImportDraft(location: place)
        let complete = mapping(ManifestSchema.importKeys) { key in
            switch key {
            case .file:
                entry.file = resolvedPath()
                return entry.file != nil
            case .activate:
                guard let activation = activation() else { return false }
                entry.activation = activation
                entry.activationLocation = place
                return true
            case .columns:
                guard isCollection(mapping: true), let columns = columnMapping(ManifestSchema.salesColumns) else {
                    return false
                }
                entry.columns = columns
                return true
            default:
                return false
            }
        }
        return complete ? entry : nil
    }

    /// `devices: {file, columns}` (docs/formats.md §3.1), its mapping's start current.
    private func deviceList(_ draft: inout ManifestDraft) -> Bool {
        var file: ResolvedFile?
        var location = place
        var columns: ColumnMapping?
        let complete = mapping(ManifestSchema.deviceListKeys) { key in
            switch key {
            case .file:
                file = resolvedPath()
                location = place
                return file != nil
            case .columns:
                guard isCollection(mapping: true), let mapping = columnMapping(ManifestSchema.deviceColumns) else {
                    return false
                }
                columns = mapping
                return true
            default:
                return false
            }
        }
        guard complete, let file else { return false }
        draft.devices = file
        draft.devicesLocation = location
        draft.devicesColumns = columns
        return true
    }

    /// A `columns` mapping (docs/formats.md §3.2, docs/README.md §8), its start current: keys of `schema`, each once, with
    /// a header name that has more than spaces, `_` and `-`. Entries in the schema's order, as
    /// the diagnosing decoder lists them.
    private func columnMapping(_ schema: ObjectSchema) -> ColumnMapping? {
        var found: [(index: Int, entry: ColumnMapping.Entry)] = []
        var seen = Set<Int>()
        while true {
            guard events.next() else { return nil }
            if type == YAML_MAPPING_END_EVENT { break }
            guard let b = scalarBytes else { return nil }
            let name = String(decoding: b, as: UTF8.self)
            guard let index = schema.index(of: name), seen.insert(index).inserted else { return nil }
            guard let header = nextValue(), !CSVTable.squash(header).isEmpty else { return nil }
            found.append((index, ColumnMapping.Entry(column: name, header: header, location: place)))
        }
        return ColumnMapping(entries: found.sorted { $0.index < $1.index }.map(\.entry))
    }

    private func licenseEntry() -> LicenseEntryDraft? {
        let location = place
        var code: ActivationCode?
        var type: (LicenseType, SourceLocation)?
        var issued: (Instant, SourceLocation)?
        var term: (Term, SourceLocation)?
        var activation: (ActivationRequest, SourceLocation)?
        var renew: (Bool, SourceLocation)?
        var activated: (Instant, SourceLocation)?
        var expires: (Instant, SourceLocation)?
        let complete = mapping(ManifestSchema.licenseKeys) { key in
            guard let b = valueBytes else { return false }
            let here = place
            switch key {
            case .code:
                code = try? ActivationCode(parsing: String(decoding: b, as: UTF8.self))
                return code != nil
            case .type:
                guard let value = try? LicenseType(parsing: String(decoding: b, as: UTF8.self)) else { return false }
                type = (value, here)
            case .issued:
                guard b.count == 10, let value = try? Instant.parse(bytes: b, original: "") else { return false }
                issued = (value, here)
            case .term:
                guard let value = try? Term.parse(String(decoding: b, as: UTF8.self)) else { return false }
                term = (value, here)
            case .activate:
                guard let value = self.activation() else { return false }
                activation = (value, here)
            case .renew:
                guard isPlain, Self.spells(b, "true") || Self.spells(b, "false") else { return false }
                renew = (Self.spells(b, "true"), here)
            case .activated:
                guard let value = try? Instant.parse(bytes: b, original: "") else { return false }
                activated = (value, here)
            case .expires:
                guard let value = try? Instant.parse(bytes: b, original: "") else { return false }
                expires = (value, here)
            default:
                return false
            }
            return true
        }
        guard complete, let code else { return nil }
        return LicenseEntryDraft(
            code: code, type: type?.0, typeLocation: type?.1, issued: issued?.0, issuedLocation: issued?.1,
            term: term?.0, termLocation: term?.1, activation: activation?.0, activationLocation: activation?.1,
            renew: renew?.0, renewLocation: renew?.1, location: location, activated: activated?.0,
            activatedLocation: activated?.1, expires: expires?.0, expiresLocation: expires?.1)
    }

    private func routerEntry() -> DesiredRouter? {
        let source = place
        var serial: String?
        var connectedAt: Instant?
        let complete = mapping(ManifestSchema.routerKeys) { key in
            guard let b = valueBytes else { return false }
            switch key {
            case .serial:
                guard RouterSerial.isValid(b), !RouterSerial.hasActivationCodeShape(b) else { return false }
                serial = String(decoding: b, as: UTF8.self)
                return true
            case .connectedAt:
                connectedAt = try? Instant.parse(bytes: b, original: "")
                return connectedAt != nil
            default:
                return false
            }
        }
        guard complete, let serial else { return nil }
        return DesiredRouter(serial: serial, connectedAt: connectedAt, source: source)
    }

    // MARK: Values

    private func activation() -> ActivationRequest? {
        guard let b = valueBytes else { return nil }
        return try? ActivationRequest(parsing: String(decoding: b, as: UTF8.self))
    }

    /// A path inside the repo root, as ``ManifestDecoder`` resolves it.
    private func resolvedPath() -> ResolvedFile? {
        guard let b = valueBytes, !b.isEmpty else { return nil }
        guard
            case .inside(let absolute, let relative) = paths.resolve(
                String(decoding: b, as: UTF8.self), from: directory)
        else { return nil }
        return ResolvedFile(absolute: absolute, relative: relative)
    }
}
