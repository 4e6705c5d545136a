/// The Tenant manifest's schema as data, the one place it is written down (docs/formats.md §3.1):
/// per mapping its keys (``ManifestKey``), their kinds, which are required, enum values and
/// descriptions. Everything else derives from these rows: ``ManifestDecoder`` reads manifests
/// through them, the stream decoder matches keys with the ``KeyTable``s built from them, the YAML
/// reader interns their keys, and ``ManifestSchema/jsonSchema()`` prints them, so none can drift
/// apart.
public enum ManifestSchema {
    /// The only `apiVersion` this version reads.
    public static let apiVersion = "licensectl/v1"
    /// The only `kind` this version reads.
    public static let kind = "Tenant"

    static let license = ObjectSchema(
        name: "licenses entry", description: "A single activation code (\"Add license\").",
        fields: [
            FieldSchema(
                .code, .scalar(.activationCode), required: true,
                "Activation code XXXX-XXXX-XXXX (hex digits; dashes may be spaces or missing)."),
            FieldSchema(
                .type, .scalar(.licenseType),
                "License type; required unless the code comes from an import."),
            FieldSchema(
                .issued, .scalar(.date),
                "Issue date (UTC); required unless the code comes from an import."),
            FieldSchema(.term, .scalar(.term), "ISO 8601 duration; default P1Y, always P1Y for Cloud Free."),
            FieldSchema(
                .activate, .scalar(.activation),
                "When to activate: immediately, a date or an RFC 3339 date-time; absent = stay available."),
            FieldSchema(.renew, .scalar(.boolean), "Cloud Free only: renew automatically; default false."),
            FieldSchema(
                .activated, .scalar(.instant),
                "A license already running in the platform: its activation instant (a date or an RFC 3339 date-time, not in the future); not together with activate."
            ),
            FieldSchema(
                .expires, .scalar(.instant),
                "The platform's expiry of an activated license, when it is not activated + term; needs activated."),
        ])

    /// `imports[].columns`: the file's own header for any column of docs/formats.md §3.2.
    static let salesColumns = ObjectSchema(
        name: "columns",
        description: "The sales CSV's own header names, by column (each replaces that column's standard names).",
        fields: SalesCSVReader.columns.map { column in
            FieldSchema(column: column.name, .scalar(.header), "Header of the \(column.name) column in this file.")
        })

    /// `devices.columns`: the file's own header for any column of docs/formats.md §3.3.
    static let deviceColumns = ObjectSchema(
        name: "columns",
        description: "The device list's own header names, by column (each replaces that column's standard names).",
        fields: DeviceListReader.columns.map { column in
            FieldSchema(column: column.name, .scalar(.header), "Header of the \(column.name) column in this file.")
        })

    /// `devices` in its mapping form.
    static let deviceList = ObjectSchema(
        name: "devices", description: "A device list CSV with its own header names.",
        fields: [
            FieldSchema(
                .file, .scalar(.path), required: true,
                "Path of the device list CSV, relative to this manifest's folder, inside the repo."),
            FieldSchema(.columns, .object(deviceColumns), "The file's own header names."),
        ])

    static let importEntry = ObjectSchema(
        name: "imports entry", description: "A sales CSV file (bulk import).",
        fields: [
            FieldSchema(
                .file, .scalar(.path), required: true,
                "Path of the sales CSV, relative to this manifest's folder, inside the repo."),
            FieldSchema(
                .activate, .scalar(.activation),
                "Activation request applied to every code of the file without activated_at."),
            FieldSchema(
                .columns, .object(salesColumns), "The file's own header names, when they are not the standard ones."),
        ])

    static let router = ObjectSchema(
        name: "routers entry", description: "A router of the tenant.",
        fields: [
            FieldSchema(
                .serial, .scalar(.routerSerial), required: true,
                "Serial number, 1-64 of A-Z a-z 0-9 . _ : -, unique across all tenants (compared case-insensitively)."),
            FieldSchema(.connectedAt, .scalar(.instant), "When the router connected (UTC); absent = not connected."),
        ])

    static let metadata = ObjectSchema(
        name: "metadata", description: "The tenant's identity.",
        fields: [
            FieldSchema(
                .name, .scalar(.dnsLabel), required: true, "Tenant name: a DNS label, unique across the repo."),
            FieldSchema(.labels, .stringMap, "Free-form string labels."),
        ])

    static let spec = ObjectSchema(
        name: "spec", description: "What the tenant should have.",
        fields: [
            FieldSchema(.contacts, .array(.scalar(.email)), "E-mail addresses that receive reminders."),
            FieldSchema(.imports, .array(.object(importEntry)), "Sales CSV files to import."),
            FieldSchema(
                .licenses, .array(.object(license)), "Single codes; override activate/renew of imported codes."),
            FieldSchema(.routers, .array(.object(router)), "The tenant's routers."),
            FieldSchema(
                .devices, .pathOr(deviceList),
                "Device list CSV merged with routers: its path relative to this manifest's folder, or {file, columns}."),
        ])

    static let tenant = ObjectSchema(
        name: "Tenant", description: "A licensectl Tenant manifest (one YAML document).",
        fields: [
            FieldSchema(.apiVersion, .scalar(.constant(apiVersion)), required: true, "Always \(apiVersion)."),
            FieldSchema(.kind, .scalar(.constant(kind)), required: true, "Always \(kind)."),
            FieldSchema(.metadata, .object(metadata), required: true, "Name and labels."),
            FieldSchema(.spec, .object(spec), "Contacts, imports, licenses, routers and devices."),
        ])

    /// The JSON Schema (draft 2020-12) of a Tenant manifest, generated from the same definitions
    /// the decoder uses; pretty-printed with keys in a fixed order and a trailing newline.
    public static func jsonSchema() -> String {
        var root: [(String, OrderedJSON)] = [
            ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            ("title", .string("licensectl Tenant manifest (\(apiVersion))")),
        ]
        if case .object(let members) = objectJSON(tenant) { root += members }
        return OrderedJSON.object(root).rendered(indent: 0) + "\n"
    }

    static func objectJSON(_ object: ObjectSchema) -> OrderedJSON {
        .object([
            ("description", .string(object.description)),
            ("type", .string("object")),
            (
                "properties",
                .object(
                    object.fields.map { field in
                        (field.key, shapeJSON(field.shape, description: field.description))
                    })
            ),
            ("required", .array(object.fields.filter(\.required).map { .string($0.key) })),
            ("additionalProperties", .bool(false)),
        ])
    }

    static func shapeJSON(_ shape: Shape, description: String?) -> OrderedJSON {
        var members: [(String, OrderedJSON)] = []
        if let description { members.append(("description", .string(description))) }
        switch shape {
        case .object(let object):
            if case .object(let inner) = objectJSON(object) { members += inner.filter { $0.0 != "description" } }
        case .array(let element):
            members.append(("type", .string("array")))
            members.append(("items", shapeJSON(element, description: nil)))
        case .stringMap:
            members.append(("type", .string("object")))
            members.append(("additionalProperties", .object([("type", .string("string"))])))
        case .scalar(let kind):
            members += kind.jsonSchema
        case .pathOr(let object):
            members.append(
                (
                    "oneOf",
                    .array([
                        .object(ScalarKind.path.jsonSchema), objectJSON(object),
                    ])
                ))
        }
        return .object(members)
    }
}

/// The kinds of scalar a manifest holds; each knows what it expects (for messages) and its JSON
/// Schema.
enum ScalarKind: Sendable {
    case constant(String)
    case dnsLabel
    case email
    case path
    case activationCode
    case licenseType
    case date
    case instant
    case term
    case activation
    case boolean
    case routerSerial
    /// A CSV header name (`columns`).
    case header

    /// What a value must look like, for "expected …" messages.
    var expectation: String {
        switch self {
        case .constant(let value): "'\(value)'"
        case .dnsLabel: "a DNS label (1-63 of a-z 0-9 -, starting and ending with a letter or digit)"
        case .email: "an e-mail address"
        case .path: "a file path"
        case .activationCode: "an activation code XXXX-XXXX-XXXX"
        case .licenseType: "a license type " + LicenseType.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        case .date: "a date YYYY-MM-DD"
        case .instant: "a date YYYY-MM-DD or a date-time with an offset"
        case .term: "an ISO 8601 duration such as P1Y"
        case .activation: "'immediately', a date YYYY-MM-DD or a date-time with an offset"
        case .boolean: "true or false"
        case .routerSerial: "a router serial"
        case .header: "the file's header name for this column"
        }
    }

    var jsonSchema: [(String, OrderedJSON)] {
        switch self {
        case .constant(let value):
            return [("const", .string(value))]
        case .dnsLabel:
            return [("type", .string("string")), ("pattern", .string("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"))]
        case .email:
            return [
                ("type", .string("string")),
                (
                    "pattern",
                    .string("^[^@\\s\\x00-\\x1f\\x7f,;<>\"()\\[\\]\\\\]+@[^@\\s\\x00-\\x1f\\x7f,;<>\"()\\[\\]\\\\]+$")
                ),
            ]
        case .path:
            return [("type", .string("string")), ("minLength", .int(1))]
        case .activationCode:
            // `code: 123456789012` (twelve decimal digits) is a YAML integer the reader keeps as text.
            return [
                ("type", .array([.string("string"), .string("integer")])), ("minimum", .int(0)),
                ("maximum", .int(999_999_999_999)),
                ("pattern", .string("^\\s*[0-9A-Fa-f]{4}[- ]?[0-9A-Fa-f]{4}[- ]?[0-9A-Fa-f]{4}\\s*$")),
            ]
        case .licenseType:
            // The canonical names for editors' completion, and every spelling the reader accepts
            // (case, spaces, `_` and `-` ignored: `cloud basic 1`, `CLOUD_FREE`).
            return [
                (
                    "anyOf",
                    .array([
                        .object([("enum", .array(LicenseType.allCases.map { .string($0.rawValue) }))]),
                        .object([("type", .string("string")), ("pattern", .string(Self.licenseTypePattern))]),
                    ])
                )
            ]
        case .date:
            return [("type", .string("string")), ("format", .string("date"))]
        case .instant:
            return [
                ("type", .string("string")),
                (
                    "anyOf",
                    .array([
                        .object([("format", .string("date"))]), .object([("format", .string("date-time"))]),
                    ])
                ),
            ]
        case .term:
            return [("type", .string("string")), ("pattern", .string("^P(?=\\d)(\\d+Y)?(\\d+M)?(\\d+D)?$"))]
        case .activation:
            return [
                ("type", .string("string")),
                (
                    "anyOf",
                    .array([
                        .object([("const", .string("immediately"))]), .object([("format", .string("date"))]),
                        .object([("format", .string("date-time"))]),
                    ])
                ),
            ]
        case .boolean:
            return [("type", .string("boolean"))]
        case .routerSerial:
            // `serial: 123456` is a YAML integer that the reader keeps as the string "123456".
            return [
                ("type", .array([.string("string"), .string("integer")])), ("minimum", .int(0)),
                ("pattern", .string("^[A-Za-z0-9._:-]{1,64}$")),
            ]
        case .header:
            return [("type", .string("string")), ("minLength", .int(1))]
        }
    }

    /// A license type as the reader accepts it: the letters of a canonical name in either case,
    /// with any spaces, tabs, `_` and `-` around and between them (``LicenseType/init(parsing:)``).
    static let licenseTypePattern: String = {
        let gap = "[ \\t_-]*"
        let names = LicenseType.allCases.map { type in
            type.rawValue.filter { $0 != " " }.map { c -> String in
                c.isLetter ? "[\(c.uppercased())\(c.lowercased())]" : String(c)
            }.joined(separator: gap)
        }
        return "^" + gap + "(" + names.joined(separator: "|") + ")" + gap + "$"
    }()
}

/// The shape of a manifest value.
indirect enum Shape: Sendable {
    case scalar(ScalarKind)
    case object(ObjectSchema)
    case array(Shape)
    /// A mapping of string keys to string values (`labels`).
    case stringMap
    /// A path, or a mapping of the object's shape (`devices`).
    case pathOr(ObjectSchema)

    var expectation: String {
        switch self {
        case .scalar(let kind): kind.expectation
        case .object: "a mapping"
        case .array: "a sequence"
        case .stringMap: "a mapping of strings"
        case .pathOr: "a file path or a mapping {file, columns}"
        }
    }
}

/// The keys of the manifest's fixed mappings (docs/formats.md §3.1), spelled as their raw values. The keys of a
/// `columns` mapping are the CSV readers' column names instead (``SalesCSVReader/columns``,
/// ``DeviceListReader/columns``).
///
/// Adding a manifest key: a case here and its ``FieldSchema`` row in ``ManifestSchema``; the
/// stream decoder's key tables, the YAML reader's interned keys and the tree decoder's lookups
/// derive from those rows. Until both decoders read the new key, the stream decoder gives up on
/// files that use it (its `default:` branches) and the tree decoder reads them.
enum ManifestKey: String, CaseIterable, Sendable {
    case apiVersion, kind, metadata, spec
    case name, labels
    case contacts, imports, licenses, routers, devices
    case file, activate, columns
    case code, type, issued, term, renew, activated, expires
    case serial, connectedAt
}

/// One key of a mapping in the schema.
struct FieldSchema: Sendable {
    var key: String
    var shape: Shape
    var required: Bool
    var description: String

    /// A key of a fixed mapping.
    init(_ key: ManifestKey, _ shape: Shape, required: Bool = false, _ description: String) {
        self.init(column: key.rawValue, shape, required: required, description)
    }

    /// A key of a `columns` mapping: a CSV column's canonical name.
    init(column key: String, _ shape: Shape, required: Bool = false, _ description: String) {
        self.key = key
        self.shape = shape
        self.required = required
        self.description = description
    }
}

/// A mapping in the schema: its name in messages and its keys, in documentation order.
struct ObjectSchema: Sendable {
    var name: String
    var description: String
    var fields: [FieldSchema]

    func index(of key: String) -> Int? {
        fields.firstIndex { $0.key == key }
    }

    func index(of key: ManifestKey) -> Int? {
        index(of: key.rawValue)
    }
}

extension ManifestSchema {
    // The fixed mappings as the stream decoder matches their keys, built once from the rows above.
    static let tenantKeys = KeyTable(tenant)
    static let metadataKeys = KeyTable(metadata)
    static let specKeys = KeyTable(spec)
    static let importKeys = KeyTable(importEntry)
    static let deviceListKeys = KeyTable(deviceList)
    static let licenseKeys = KeyTable(license)
    static let routerKeys = KeyTable(router)

    /// Every ``ManifestKey``, for ``YAMLReader`` to hand out as stored strings.
    static let internedKeys = KeyInterner(ManifestKey.allCases.map(\.rawValue))
}

/// A fixed mapping's keys as byte strings, in the schema's field order, with the bit mask of the
/// required ones: what ``ManifestStreamDecoder`` matches each key event against without making a
/// String.
struct KeyTable: Sendable {
    /// The mapping's keys in field order; a key's position is its bit in ``required``.
    let keys: [ManifestKey]
    /// Bit `i` set when `keys[i]` is required.
    let required: UInt32
    /// Every key's UTF-8 bytes, one after the other; key `i` ends at `ends[i]`.
    private let spellings: [UInt8]
    private let ends: [Int]

    init(_ object: ObjectSchema) {
        precondition(object.fields.count <= 32, "\(object.name): more keys than a UInt32 mask holds")
        var keys: [ManifestKey] = []
        var required: UInt32 = 0
        var spellings: [UInt8] = []
        var ends: [Int] = []
        for (position, field) in object.fields.enumerated() {
            guard let key = ManifestKey(rawValue: field.key) else {
                preconditionFailure("\(object.name): '\(field.key)' is not a ManifestKey")
            }
            keys.append(key)
            if field.required { required |= 1 << position }
            spellings += field.key.utf8
            ends.append(spellings.count)
        }
        self.keys = keys
        self.required = required
        self.spellings = spellings
        self.ends = ends
    }

    /// The position of the key that `b` spells exactly, or `nil`.
    func index(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        spellings.withUnsafeBufferPointer { all -> Int? in
            var start = 0
            for (position, end) in ends.enumerated() {
                defer { start = end }
                guard end - start == b.count else { continue }
                var same = true
                for i in 0..<b.count where all[start + i] != b[i] {
                    same = false
                    break
                }
                if same { return position }
            }
            return nil
        }
    }
}

/// Strings a YAML file repeats (the keys of every entry), by their bytes: the reader hands out
/// the stored String instead of decoding and validating the same bytes again for each entry.
struct KeyInterner: Sendable {
    /// The strings of each UTF-8 length, at that index.
    private let byLength: [[(bytes: [UInt8], text: String)]]

    /// No strings: every scalar is decoded.
    static let none = KeyInterner([])

    init(_ strings: [String]) {
        var byLength: [[(bytes: [UInt8], text: String)]] = []
        for text in strings {
            let bytes = Array(text.utf8)
            while byLength.count <= bytes.count { byLength.append([]) }
            byLength[bytes.count].append((bytes, text))
        }
        self.byLength = byLength
    }

    /// The stored string that `b` spells, or `nil`.
    func text(_ b: UnsafeBufferPointer<UInt8>) -> String? {
        guard b.count < byLength.count else { return nil }
        for candidate in byLength[b.count] where candidate.bytes.elementsEqual(b) { return candidate.text }
        return nil
    }
}

/// A tiny ordered JSON value for printing the schema with a readable key order.
enum OrderedJSON: Sendable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case array([OrderedJSON])
    case object([(String, OrderedJSON)])

    func rendered(indent: Int) -> String {
        let pad = String(repeating: "  ", count: indent + 1)
        let close = String(repeating: "  ", count: indent)
        switch self {
        case .string(let s): return OrderedJSON.quote(s)
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .array(let items):
            if items.isEmpty { return "[]" }
            if items.allSatisfy({ if case .string = $0 { return true } else { return false } }) {
                return "[" + items.map { $0.rendered(indent: 0) }.joined(separator: ", ") + "]"
            }
            return "[\n" + items.map { pad + $0.rendered(indent: indent + 1) }.joined(separator: ",\n") + "\n\(close)]"
        case .object(let members):
            if members.isEmpty { return "{}" }
            return "{\n"
                + members.map { pad + OrderedJSON.quote($0.0) + ": " + $0.1.rendered(indent: indent + 1) }
                .joined(separator: ",\n") + "\n\(close)}"
        }
    }

    /// RFC 8259 string escaping, shared with the plan and state writer.
    static func quote(_ s: String) -> String {
        JSONValue.string(s).serializedCompact()
    }
}
