import Foundation
import Testing

/// Validates YAML manifests against a JSON Schema with Python's `jsonschema`
/// (`Draft202012Validator`), loading YAML with PyYAML's safe loader. PyYAML follows YAML 1.1 and
/// turns dates into `date`/`datetime` objects; they are turned back into ISO strings (`Z` for
/// UTC) before validation, as the manifest reader keeps them. Prints one line per problem,
/// `file: message (at /json/pointer)`, and exits 1 when there is any.
private let validatorScript = #"""
    import datetime, json, sys
    import yaml, jsonschema

    def iso(value):
        if isinstance(value, datetime.datetime):
            if value.tzinfo is not None and value.utcoffset() == datetime.timedelta(0):
                return value.strftime("%Y-%m-%dT%H:%M:%SZ")
            return value.isoformat()
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, dict):
            return {key: iso(item) for key, item in value.items()}
        if isinstance(value, list):
            return [iso(item) for item in value]
        return value

    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    problems = 0
    documents = 0
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8-sig") as f:
            for document in yaml.safe_load_all(f):
                documents += 1
                for error in sorted(validator.iter_errors(iso(document)), key=lambda e: list(e.absolute_path)):
                    problems += 1
                    pointer = "/" + "/".join(str(p) for p in error.absolute_path)
                    print(f"{path}: {error.message} (at {pointer})")
    print(f"{documents} documents, {problems} problems")
    sys.exit(1 if problems else 0)
    """#

/// Whether `python3` with the `jsonschema` and `yaml` modules is available (CI installs them:
/// `pip install jsonschema pyyaml`).
private let pythonValidatorAvailable: Bool = {
    guard let result = try? run("/usr/bin/env", ["python3", "-c", "import jsonschema, yaml"]) else { return false }
    return result.status == 0
}()

private func run(_ executable: String, _ arguments: [String]) throws -> CommandResult {
    try RunningCommand(executable: URL(fileURLWithPath: executable), arguments).wait()
}

private func validate(schema: String, manifests: [String]) throws -> CommandResult {
    try run("/usr/bin/env", ["python3", "-c", validatorScript, schema] + manifests)
}

/// Every example manifest under `tenants/` (recursively), as absolute paths, sorted.
private func exampleManifests() throws -> [String] {
    let tenants = packageRoot + "/tenants"
    let enumerator = FileManager.default.enumerator(atPath: tenants)
    var paths: [String] = []
    while let relative = enumerator?.nextObject() as? String {
        if relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") { paths.append(tenants + "/" + relative) }
    }
    return paths.sorted()
}

@Suite struct SchemaFileTests {
    @Test func committedSchemaEqualsTheSchemaCommandOutput() throws {
        let path = packageRoot + "/schema/tenant.schema.json"
        let committed = try String(contentsOfFile: path, encoding: .utf8)
        let result = try runLicensectl(["schema"])
        #expect(result.status == 0)
        #expect(
            committed == result.stdout,
            "schema/tenant.schema.json is out of date; regenerate it with `swift run licensectl schema > schema/tenant.schema.json`"
        )
    }

    @Test func exampleManifestsPointAtTheCommittedSchema() throws {
        let manifests = try exampleManifests()
        #expect(manifests.count >= 4)
        for manifest in manifests {
            let text = try String(contentsOfFile: manifest, encoding: .utf8)
            let first = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
            let prefix = "# yaml-language-server: $schema="
            #expect(first.hasPrefix(prefix), "\(manifest) does not start with a yaml-language-server comment")
            let target = URL(fileURLWithPath: manifest).deletingLastPathComponent()
                .appendingPathComponent(String(first.dropFirst(prefix.count))).standardizedFileURL.path
            #expect(target == packageRoot + "/schema/tenant.schema.json", "\(manifest) points at \(target)")
        }
    }

    @Test(
        .enabled(
            if: pythonValidatorAvailable,
            "needs python3 with jsonschema and pyyaml (pip install jsonschema pyyaml)"))
    func everyExampleManifestValidatesAgainstTheSchema() throws {
        let manifests = try exampleManifests()
        let result = try validate(schema: packageRoot + "/schema/tenant.schema.json", manifests: manifests)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout == "\(manifests.count) documents, 0 problems\n")
    }

    /// Issue 11: the schema accepts every spelling licensectl accepts.
    @Test(
        .enabled(
            if: pythonValidatorAvailable,
            "needs python3 with jsonschema and pyyaml (pip install jsonschema pyyaml)"))
    func spellingsLicensectlAcceptsPassTheSchema() throws {
        let manifest = """
            apiVersion: licensectl/v1
            kind: Tenant
            metadata:
              name: spellings
            spec:
              licenses:
                - code: 96d9 3718 59e5
                  type: cloud basic 1
                  issued: 2026-01-15
                - code: 1A2B3C4D5E6F
                  type: CLOUD_FREE
                  issued: 2026-01-15
                - code: 123456789012
                  type: cloud-basic-25
                  issued: 2026-01-15
              routers:
                - serial: 123456
                - serial: 00a0ba123456

            """
        let root = try makeRepo(["tenants/spellings.yaml": manifest])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let accepted = try runLicensectl(["validate", "-C", root])
        #expect(accepted.status == 0, "\(accepted.stdout)\(accepted.stderr)")
        let result = try validate(
            schema: packageRoot + "/schema/tenant.schema.json", manifests: [root + "/tenants/spellings.yaml"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout == "1 documents, 0 problems\n")

        let wrong = try makeRepo([
            "tenants/wrong.yaml": manifest.replacingOccurrences(of: "cloud basic 1", with: "cloud basic 2")
        ])
        defer { try? FileManager.default.removeItem(atPath: wrong) }
        let rejected = try validate(
            schema: packageRoot + "/schema/tenant.schema.json", manifests: [wrong + "/tenants/wrong.yaml"])
        #expect(rejected.status == 1, "\(rejected.stdout)")
    }

    @Test(
        .enabled(
            if: pythonValidatorAvailable,
            "needs python3 with jsonschema and pyyaml (pip install jsonschema pyyaml)"))
    func aManifestWithAnUnknownKeyFailsTheSchema() throws {
        let root = try makeRepo([
            "tenants/bad.yaml": """
            apiVersion: licensectl/v1
            kind: Tenant
            metadata:
              name: bad
            spec:
              licenses:
                - code: 96D9-3718-59E5
                  type: Cloud Basic 1
                  issued: 2026-01-15
                  activte: immediately

            """
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try validate(
            schema: packageRoot + "/schema/tenant.schema.json", manifests: [root + "/tenants/bad.yaml"])
        #expect(result.status == 1)
        #expect(
            result.stdout.contains(
                "Additional properties are not allowed ('activte' was unexpected) (at /spec/licenses/0)"),
            "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.hasSuffix("1 documents, 1 problems\n"))
    }

    @Test(
        .enabled(
            if: pythonValidatorAvailable,
            "needs python3 with jsonschema and pyyaml (pip install jsonschema pyyaml)"))
    func adoptionKeysAndColumnMappingsValidate_anUnknownColumnFails() throws {
        let root = try makeRepo([
            "tenants/adopted.yaml": """
            apiVersion: licensectl/v1
            kind: Tenant
            metadata:
              name: adopted
            spec:
              imports:
                - file: ../fixtures/export.csv
                  columns: {activation_code: Aktivierungscode, license_type: Produkt, issued: Ausstellungsdatum}
              licenses:
                - code: 3C1A-77D0-A1B2
                  type: Cloud Basic 25
                  issued: 2024-05-02
                  activated: 2024-06-01T09:30:00Z
                  expires: 2025-06-01T09:30:00Z
              devices:
                file: ../fixtures/devices.csv
                columns: {serial: Seriennummer, connected_at: Online seit}

            """,
            "tenants/plain-devices.yaml": """
            apiVersion: licensectl/v1
            kind: Tenant
            metadata: {name: plain-devices}
            spec:
              devices: ../fixtures/devices.csv

            """,
            "tenants/bad.yaml": """
            apiVersion: licensectl/v1
            kind: Tenant
            metadata: {name: bad}
            spec:
              devices:
                file: ../fixtures/devices.csv
                columns: {serial_no: Seriennummer}

            """,
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let schema = packageRoot + "/schema/tenant.schema.json"
        let good = try validate(
            schema: schema, manifests: [root + "/tenants/adopted.yaml", root + "/tenants/plain-devices.yaml"])
        #expect(good.stdout == "2 documents, 0 problems\n", "\(good.stdout)\(good.stderr)")
        let bad = try validate(schema: schema, manifests: [root + "/tenants/bad.yaml"])
        #expect(bad.status == 1)
        #expect(bad.stdout.hasSuffix("1 documents, 1 problems\n"), "\(bad.stdout)\(bad.stderr)")
    }
}
