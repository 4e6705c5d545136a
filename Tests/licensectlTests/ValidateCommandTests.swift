import Foundation
import Testing

/// The built `licensectl` executable: `$LICENSECTL_BIN`, else next to the test bundle, else
/// `.build/debug/licensectl` under the package root found by walking up from this file.
func licensectlExecutable() -> URL? {
    let fm = FileManager.default
    var candidates: [URL] = []
    if let override = ProcessInfo.processInfo.environment["LICENSECTL_BIN"] {
        candidates.append(URL(fileURLWithPath: override))
    }
    candidates.append(
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("licensectl"))
    candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("licensectl"))
    candidates.append(Bundle.main.bundleURL.appendingPathComponent("licensectl"))
    var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while folder.path != "/" {
        if fm.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
            candidates.append(folder.appendingPathComponent(".build/debug/licensectl"))
            break
        }
        folder.deleteLastPathComponent()
    }
    return candidates.first { fm.isExecutableFile(atPath: $0.path) }
}

/// What the validate, forecast and schema tests read of a run (see ``CLIRun``).
typealias CommandResult = CLIRun

/// Runs the built `licensectl` (output through temporary files, so a large output never blocks).
func runLicensectl(_ arguments: [String]) throws -> CommandResult {
    try licensectl(arguments)
}

/// A small bad license repo in a temporary folder.
private func makeBadRepo() throws -> String {
    let root = FileManager.default.temporaryDirectory.path + "/licensectl-validate-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: root + "/tenants", withIntermediateDirectories: true)
    let acme = """
        apiVersion: licensectl/v1
        kind: Tenant
        metadata:
          name: acme
        spec:
          licenses:
            - code: 96D9-3718-59E5
              type: Cloud Basic 1
              issued: 2026-01-15
              renew: yes
              activte: immediately

        """
    let beta = """
        apiVersion: licensectl/v1
        kind: Tenant
        metadata:
          name: beta
        spec:
          licenses:
            - code: 96D9-3718-59E5
              type: Cloud Basic 1
              issued: 2026-01-15

        """
    try Data(acme.utf8).write(to: URL(fileURLWithPath: root + "/tenants/acme.yaml"))
    try Data(beta.utf8).write(to: URL(fileURLWithPath: root + "/tenants/beta.yaml"))
    return root
}

@Suite struct ValidateCommandTests {
    @Test func textFormatPrintsCompilerStyleLinesAndExitsOne() throws {
        let root = try makeBadRepo()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try runLicensectl(["validate", "-C", root])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr.split(separator: "\n").map(String.init) == [
                "tenants/acme.yaml:10:14: error: renew: expected true or false, found 'yes'; write true",
                "tenants/acme.yaml:11:7: error: unknown key 'activte' (did you mean 'activate'?)",
                "2 tenants, 2 errors, 0 warnings",
            ])
    }

    @Test func githubFormatPrintsWorkflowCommands() throws {
        let root = try makeBadRepo()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let fixed = try String(contentsOfFile: root + "/tenants/acme.yaml", encoding: .utf8)
            .replacingOccurrences(of: "      renew: yes\n      activte: immediately\n", with: "")
        try Data(fixed.utf8).write(to: URL(fileURLWithPath: root + "/tenants/acme.yaml"))
        let result = try runLicensectl(["validate", "-C", root, "--format", "github"])
        #expect(result.status == 1)
        #expect(
            result.stdout == """
                ::error file=tenants/acme.yaml,line=7,col=7::code 96D9-****-59E5 is also declared by tenant 'beta' at tenants/beta.yaml:7:7; a code belongs to exactly one tenant
                ::error file=tenants/beta.yaml,line=7,col=7::code 96D9-****-59E5 is also declared by tenant 'acme' at tenants/acme.yaml:7:7; a code belongs to exactly one tenant

                """)
    }

    @Test func jsonFormatPrintsTheDiagnosticsObject() throws {
        let root = try makeBadRepo()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try runLicensectl(["validate", "-C", root, "--format", "json"])
        #expect(result.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 2)
        #expect(diagnostics.first?["file"] as? String == "tenants/acme.yaml")
        #expect(diagnostics.first?["line"] as? Int == 10)
        #expect(diagnostics.first?["column"] as? Int == 14)
        #expect(diagnostics.first?["severity"] as? String == "error")
    }

    @Test func cleanRepoExitsZero() throws {
        let root = try makeBadRepo()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.removeItem(atPath: root + "/tenants/beta.yaml")
        let fixed = try String(contentsOfFile: root + "/tenants/acme.yaml", encoding: .utf8)
            .replacingOccurrences(
                of: "      renew: yes\n      activte: immediately\n", with: "      activate: immediately\n")
        try Data(fixed.utf8).write(to: URL(fileURLWithPath: root + "/tenants/acme.yaml"))
        let result = try runLicensectl(["validate", "-C", root])
        #expect(result.status == 0)
        #expect(result.stderr == "1 tenant, 0 errors, 0 warnings\n")
    }

    @Test func schemaCommandPrintsTheJSONSchema() throws {
        let result = try runLicensectl(["schema"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
    }

    /// `--tenants` naming a folder without manifests is a warning, not a silent "0 tenants"
    /// (newcomer run 5: `validate --tenants fixtures`).
    @Test func aTenantsFolderWithoutManifestsIsAWarning() throws {
        let repo = try TempRepo.example(label: "validate-no-manifests")
        defer { repo.remove() }
        let run = try licensectl(["validate", "-C", repo.root, "--tenants", "fixtures"])
        #expect(run.status == 0, "\(run)")
        #expect(
            run.stderr
                == "licensectl: warning: no tenant manifest (*.yaml, *.yml) under 'fixtures'; --tenants names the folder of the tenant manifests (default: tenants)\n0 tenants, 0 errors, 1 warning\n"
        )
    }
}
