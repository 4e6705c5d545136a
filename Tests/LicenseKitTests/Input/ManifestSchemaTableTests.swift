import Testing

@testable import LicenseKit

/// The manifest schema in one place (issue 12): the stream decoder's key tables, the YAML
/// reader's interned keys and the tree decoder's lookups derive from ``ManifestSchema``'s rows.
@Suite struct ManifestSchemaTableTests {
    /// Every fixed mapping of the schema with the key table the stream decoder matches it by.
    static let tables: [(ObjectSchema, KeyTable)] = [
        (ManifestSchema.tenant, ManifestSchema.tenantKeys),
        (ManifestSchema.metadata, ManifestSchema.metadataKeys),
        (ManifestSchema.spec, ManifestSchema.specKeys),
        (ManifestSchema.importEntry, ManifestSchema.importKeys),
        (ManifestSchema.deviceList, ManifestSchema.deviceListKeys),
        (ManifestSchema.license, ManifestSchema.licenseKeys),
        (ManifestSchema.router, ManifestSchema.routerKeys),
    ]

    /// The fixed mappings reachable from `Tenant` (not the `columns` mappings, whose keys are
    /// CSV column names).
    static func fixedMappings(_ object: ObjectSchema = ManifestSchema.tenant) -> [ObjectSchema] {
        var found = [object]
        for field in object.fields where field.key != ManifestKey.columns.rawValue {
            switch field.shape {
            case .object(let inner), .array(.object(let inner)), .pathOr(let inner): found += fixedMappings(inner)
            default: break
            }
        }
        return found
    }

    @Test func keyTablesListTheSchemaRowsInOrderWithTheirRequiredKeys() {
        for (object, table) in Self.tables {
            #expect(table.keys.map(\.rawValue) == object.fields.map(\.key), "\(object.name)")
            for (position, field) in object.fields.enumerated() {
                #expect((table.required >> position) & 1 == (field.required ? 1 : 0), "\(object.name).\(field.key)")
            }
        }
    }

    @Test func everyFixedMappingHasAKeyTableAndEveryManifestKeyIsARow() {
        let mappings = Self.fixedMappings()
        #expect(Set(mappings.map(\.name)) == Set(Self.tables.map(\.0.name)))
        let rows = Set(mappings.flatMap { $0.fields.map(\.key) })
        #expect(rows == Set(ManifestKey.allCases.map(\.rawValue)))
    }

    @Test(arguments: [
        ("code", "code" as String?), ("activated", "activated"), ("expires", "expires"), ("cod", nil),
        ("codes", nil), ("Code", nil), ("", nil), ("connectedAt", nil),
    ])
    func keyTableMatchesExactBytesOnly(spelling: String, expected: String?) {
        let bytes = Array(spelling.utf8)
        let index = bytes.withUnsafeBufferPointer { ManifestSchema.licenseKeys.index($0) }
        #expect(index.map { ManifestSchema.licenseKeys.keys[$0].rawValue } == expected)
    }

    @Test func internedKeysAreEveryManifestKeyAndNothingElse() {
        for key in ManifestKey.allCases {
            let text = Array(key.rawValue.utf8).withUnsafeBufferPointer { ManifestSchema.internedKeys.text($0) }
            #expect(text == key.rawValue)
        }
        for other in ["", "activation_code", "Kind", "specs", "connectedat", "a-very-long-key-name-indeed"] {
            #expect(Array(other.utf8).withUnsafeBufferPointer { ManifestSchema.internedKeys.text($0) } == nil)
        }
    }

    @Test func interningKeysDoesNotChangeTheTrees() {
        let text = """
            apiVersion: licensectl/v1
            kind: Tenant
            metadata: {name: acme-water, labels: {code: x, kind: "y"}}
            spec:
              routers:
                - serial: R1
                  connectedAt: 2026-11-01
                - {serial: R2, "connectedAt": ~, spec: 1, serial: R3}

            """
        let plain = DiagnosticsEngine()
        let interned = DiagnosticsEngine()
        let a = YAMLReader.read(Array(text.utf8), path: "t.yaml", diagnostics: plain)
        let b = YAMLReader.read(
            Array(text.utf8), path: "t.yaml", keys: ManifestSchema.internedKeys, diagnostics: interned)
        #expect(a.count == 1)
        #expect(String(describing: a) == String(describing: b))
        #expect(!plain.emitted.isEmpty)
        #expect(plain.emitted == interned.emitted)
    }
}
