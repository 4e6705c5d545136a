import Foundation
import TestSupport
import Testing

@testable import LicenseKit

/// The fast path (issue 6): ``ManifestStreamDecoder`` takes clean manifests and returns exactly
/// what ``YAMLReader`` + ``ManifestDecoder`` return for them; everything else it leaves to that
/// diagnosing path.
@Suite struct ManifestStreamDecoderTests {
    /// A repo with the files that manifests below import, so that paths resolve.
    private static func repo() throws -> TestRepo {
        try TestRepo([
            "fixtures/sales/a.csv": "code,type,issued\n96D9-3718-59E5,Cloud Basic 1,2026-01-15\n",
            "fixtures/devices/a.csv": "serial,connected_at\nDEV1,2026-11-01\n",
        ])
    }

    private struct Paths {
        var fast: [ManifestDraft]?
        var slow: [ManifestDraft]
        var diagnostics: [Diagnostic]
    }

    private func bothPaths(_ text: String, in repo: TestRepo) throws -> Paths {
        try bothPaths(Array(text.utf8), in: repo)
    }

    private func bothPaths(_ bytes: [UInt8], in repo: TestRepo) throws -> Paths {
        let paths = try #require(RepoPaths(root: repo.root))
        let directory = paths.root + "/tenants"
        let file = "tenants/acme.yaml"
        let fast = LicenseRepoLoader.cleanDrafts(bytes, file: file, directory: directory, paths: paths)
        let slow = LicenseRepoLoader.diagnosedDrafts(bytes, file: file, directory: directory, paths: paths)
        return Paths(fast: fast, slow: slow.drafts, diagnostics: slow.diagnostics)
    }

    static let clean: [String] = [
        // Every key, block style.
        """
        apiVersion: licensectl/v1
        kind: Tenant
        metadata:
          name: acme-water
          labels:
            team: ot
            tier: 1
        spec:
          contacts:
            - ops@acme.example
            - noc@acme.example
          imports:
            - file: ../fixtures/sales/a.csv
              activate: immediately
            - file: ../fixtures/sales/a.csv
          licenses:
            - code: 96d9 3718 59e5
              type: cloud basic 25
              issued: 2026-01-15
              term: P1Y6M
              activate: 2026-12-01T08:00:00+01:00
            - code: 0000-0000-0001
              type: Cloud Free
              issued: 2026-01-15
              activate: immediately
              renew: true
            - code: 0000-0000-0002
              renew: false
          routers:
            - serial: 012
              connectedAt: 2026-11-02T09:15:00.75+01:00
            - connectedAt: 2026-11-02
              serial: "00A0BA123456"
            - serial: 'a.b_c:d-e'
          devices: ../fixtures/devices/a.csv

        """,
        // Flow style, quoted keys and values, spec before metadata, comments.
        """
        # a comment
        "kind": 'Tenant'
        spec: {routers: [{serial: R1}, {serial: R2, connectedAt: "2026-01-01T00:00:00Z"}], contacts: []}
        apiVersion: "licensectl/v1"
        metadata: {name: flow, labels: {"": x, "~": y}}  # trailing comment

        """,
        // Several documents, an empty one, explicit end markers, no spec.
        """
        ---
        apiVersion: licensectl/v1
        kind: Tenant
        metadata: {name: one}
        ...
        ---
        ---
        apiVersion: licensectl/v1
        kind: Tenant
        metadata: {name: two}
        spec: {}

        """,
        // Adoption (docs/rules.md §4.8): activated/expires, imports[].columns, devices {file, columns}.
        """
        apiVersion: licensectl/v1
        kind: Tenant
        metadata:
          name: adopted
        spec:
          imports:
            - file: ../fixtures/sales/a.csv
              columns:
                issued: Ausstellungsdatum
                activation_code: Aktivierungscode
                license_type: Produkt
                activated_at: Aktiviert am
          licenses:
            - code: 0000-0000-0003
              type: Cloud Basic 25
              issued: 2024-05-02
              activated: 2024-06-01T09:30:00Z
              expires: 2025-06-01T09:30:00+00:00
            - code: 0000-0000-0004
              type: Cloud Free
              issued: 2024-05-02
              activated: 2024-06-01
          devices:
            columns: {connected_at: Online seit, serial: Seriennummer}
            file: ../fixtures/devices/a.csv

        """,
        """
        apiVersion: licensectl/v1
        kind: Tenant
        metadata: {name: mapped}
        spec:
          devices: {file: ../fixtures/devices/a.csv}

        """,
        // A byte order mark and CRLF line ends.
        "\u{FEFF}apiVersion: licensectl/v1\r\nkind: Tenant\r\nmetadata:\r\n  name: bom\r\nspec:\r\n  routers:\r\n    - serial: X1\r\n",
        // Block scalars and a multi-line plain scalar as values.
        """
        apiVersion: licensectl/v1
        kind: Tenant
        metadata:
          name: blocks
          labels:
            note: |
              two
              lines
            folded: >-
              one
              line
            plain: a
              b

        """,
        // Nothing at all, or only comments: no documents.
        "",
        "# only a comment\n",
    ]

    @Test(arguments: clean)
    func cleanManifestsTakeTheFastPathWithTheSameDrafts(_ text: String) throws {
        let repo = try Self.repo()
        defer { repo.remove() }
        let result = try bothPaths(text, in: repo)
        #expect(result.diagnostics.isEmpty)
        let fast = try #require(result.fast)
        #expect(fast == result.slow)
    }

    @Test func theExampleRepoAndGeneratedManifestsTakeTheFastPath() throws {
        let repo = try Self.repo()
        defer { repo.remove() }
        var checked = 0
        // The shipped example repo's manifests (their imports resolve in their own repo).
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let examplePaths = try #require(RepoPaths(root: packageRoot))
        for relative in LicenseRepoLoader.findManifests(in: packageRoot + "/tenants") {
            let absolute = packageRoot + "/tenants/" + relative
            let bytes = try #require(LicenseRepoLoader.readBytes(absolute))
            let directory = String(absolute[..<(absolute.lastIndex(of: "/") ?? absolute.endIndex)])
            let file = "tenants/" + relative
            let fast = LicenseRepoLoader.cleanDrafts(bytes, file: file, directory: directory, paths: examplePaths)
            let slow = LicenseRepoLoader.diagnosedDrafts(bytes, file: file, directory: directory, paths: examplePaths)
            #expect(slow.diagnostics.isEmpty, "\(file)")
            #expect(fast == slow.drafts, "\(file)")
            #expect(fast?.isEmpty == false, "\(file)")
            checked += 1
        }
        #expect(checked >= 4)
        // The benchmark's manifests, with their import pointed at a file that exists here.
        for index in 1...40 {
            let fixture = SyntheticRepoGenerator.fixture(index, SyntheticRepoOptions())
            let text = fixture.manifest.replacingOccurrences(
                of: "../fixtures/sales/\(fixture.name).csv", with: "../fixtures/sales/a.csv")
            let result = try bothPaths(text, in: repo)
            #expect(result.diagnostics.isEmpty)
            let fast = try #require(result.fast)
            #expect(fast == result.slow)
            #expect(fast.first?.routers.count == 100)
        }
    }

    /// Valid for the diagnosing path, but outside the fast path's subset: left to it.
    static let validButNotClean: [String] = [
        tenantYAML(spec: ["  routers:", "    - serial: &s R1", "    - serial: R2", "      connectedAt: 2026-01-01"]),
        tenantYAML(spec: ["  routers:", "    - &r {serial: R1}", "  devices: ../fixtures/devices/a.csv"]),
        tenantYAML(spec: ["  routers:", "    - serial: !!str 012"]),
        tenantYAML(spec: ["  routers:"]),
        tenantYAML(spec: ["  contacts: ~"]),
        tenantYAML(spec: [
            "  licenses:", "    - code: 96D9-3718-59E5", "      type: Cloud Basic 1", "      issued: 2026-01-15",
            "      term: null",
        ]),
        "apiVersion: licensectl/v1\nkind: Tenant\nmetadata: {name: a}\nspec:\n",
        "apiVersion: licensectl/v1\nkind: Tenant\nmetadata: {name: a, labels: }\n",
    ]

    @Test(arguments: validButNotClean)
    func validManifestsOutsideTheSubsetGoToTheDiagnosingPath(_ text: String) throws {
        let repo = try Self.repo()
        defer { repo.remove() }
        let result = try bothPaths(text, in: repo)
        #expect(result.fast == nil)
        #expect(result.diagnostics.isEmpty)
        #expect(result.slow.count == 1)
    }

    /// Each has a problem the diagnosing path reports.
    static let broken: [String] = [
        tenantYAML(spec: ["  routers:", "    - serial: R1", "      serial: R2"]),
        tenantYAML(spec: ["  routers:", "    - serial: R1", "      conectedAt: 2026-01-01"]),
        tenantYAML(spec: ["  routers:", "    - serial: R 1"]),
        tenantYAML(spec: ["  routers:", "    - serial: R1", "      connectedAt: 2026-01-01T00:00:00"]),
        tenantYAML(spec: ["  routers:", "    - connectedAt: 2026-01-01"]),
        tenantYAML(spec: ["  routers:", "    - serial: [R1]"]),
        tenantYAML(spec: ["  routers:", "    - R1"]),
        tenantYAML(spec: ["  routers: R1"]),
        tenantYAML(spec: ["  routers:", "    - <<: {serial: R1}"]),
        tenantYAML(spec: [
            "  licenses:", "    - code: 96D9-3718-59E", "      type: Cloud Basic 1", "      issued: 2026-01-15",
        ]),
        tenantYAML(spec: [
            "  licenses:", "    - code: 96D9-3718-59E5", "      type: Cloud Basic 2", "      issued: 2026-01-15",
        ]),
        tenantYAML(spec: [
            "  licenses:", "    - code: 96D9-3718-59E5", "      type: Cloud Basic 1",
            "      issued: 2026-01-15T00:00:00Z",
        ]),
        tenantYAML(spec: [
            "  licenses:", "    - code: 96D9-3718-59E5", "      type: Cloud Basic 1", "      issued: 2026-02-30",
        ]),
        tenantYAML(spec: [
            "  licenses:", "    - code: 96D9-3718-59E5", "      type: Cloud Basic 1", "      issued: 2026-01-15",
            "      term: 1Y",
        ]),
        tenantYAML(spec: [
            "  licenses:", "    - code: 96D9-3718-59E5", "      type: Cloud Free", "      issued: 2026-01-15",
            "      renew: yes",
        ]),
        tenantYAML(spec: [
            "  licenses:", "    - code: 96D9-3718-59E5", "      type: Cloud Free", "      issued: 2026-01-15",
            "      renew: \"true\"",
        ]),
        tenantYAML(spec: [
            "  licenses:", "    - code: 96D9-3718-59E5", "      type: Cloud Basic 1", "      issued: 2026-01-15",
            "      activate: soon",
        ]),
        tenantYAML(spec: ["  imports:", "    - file: ../fixtures/sales/missing.csv"]),
        tenantYAML(spec: ["  imports:", "    - file: ../../outside.csv"]),
        tenantYAML(spec: ["  imports:", "    - activate: immediately"]),
        tenantYAML(spec: ["  devices: ''"]),
        tenantYAML(spec: ["  devices: {file: ../fixtures/devices/a.csv, colums: {serial: S}}"]),
        tenantYAML(spec: ["  devices: {columns: {serial: S}}"]),
        tenantYAML(spec: ["  devices: {file: ../fixtures/devices/a.csv, columns: {serial: S, activation_code: C}}"]),
        tenantYAML(spec: ["  devices: [../fixtures/devices/a.csv]"]),
        tenantYAML(spec: [
            "  imports:", "    - file: ../fixtures/sales/a.csv", "      columns: {activation_code: ' _ '}",
        ]),
        tenantYAML(spec: [
            "  imports:", "    - file: ../fixtures/sales/a.csv", "      columns: {code: Aktivierungscode}",
        ]),
        tenantYAML(spec: ["  imports:", "    - file: ../fixtures/sales/a.csv", "      columns: [Aktivierungscode]"]),
        tenantYAML(spec: [
            "  licenses:", "    - code: 96D9-3718-59E5", "      type: Cloud Basic 1", "      issued: 2026-01-15",
            "      activated: 2026-01-20T00:00:00",
        ]),
        tenantYAML(spec: [
            "  licenses:", "    - code: 96D9-3718-59E5", "      type: Cloud Basic 1", "      issued: 2026-01-15",
            "      activated: 2026-01-20", "      expires: 20.01.2027",
        ]),
        tenantYAML(spec: ["  contacts: [not-an-address]"]),
        tenantYAML(spec: ["  contacts: [a@b.example, ~]"]),
        tenantYAML(spec: ["  extra: 1"]),
        tenantYAML("Acme", spec: []),
        "apiVersion: licensectl/v2\nkind: Tenant\nmetadata: {name: a}\n",
        "apiVersion: licensectl/v1\nkind: Tennant\nmetadata: {name: a}\n",
        "apiVersion: licensectl/v1\nkind: Tenant\n",
        "apiVersion: licensectl/v1\nmetadata: {name: a}\n",
        "apiVersion: licensectl/v1\nkind: Tenant\nmetadata: {name: a, labels: {x: 1, x: 2}}\n",
        "apiVersion: licensectl/v1\nkind: Tenant\nmetadata: {name: a, labels: {x: [1]}}\n",
        "apiVersion: licensectl/v1\nkind: Tenant\nmetadata: {name: a, labels: {<<: {x: 1}}}\n",
        "apiVersion: licensectl/v1\nkind: Tenant\nkind: Tenant\nmetadata: {name: a}\n",
        "apiVersion: licensectl/v1\nkind: Tenant\nmetadata: {name: a}\nspec: {routers: [{serial: R1}\n",
        "apiVersion: licensectl/v1\nkind: Tenant\nmetadata:\n\tname: a\n",
        "just a scalar\n",
        "- a\n- sequence\n",
        "apiVersion: licensectl/v1\nkind: Tenant\nmetadata: {name: *nowhere}\n",
    ]

    @Test(arguments: broken)
    func brokenManifestsGoToTheDiagnosingPath(_ text: String) throws {
        let repo = try Self.repo()
        defer { repo.remove() }
        let result = try bothPaths(text, in: repo)
        #expect(result.fast == nil)
        #expect(result.diagnostics.contains { $0.severity == .error })
    }

    @Test func invalidUTF8GoesToTheDiagnosingPath() throws {
        let repo = try Self.repo()
        defer { repo.remove() }
        let result = try bothPaths(Array(tenantYAML(spec: []).utf8) + [0x23, 0xFF, 0x0A], in: repo)
        #expect(result.fast == nil)
        #expect(result.diagnostics.map(\.message).contains { $0.hasPrefix("invalid UTF-8") })
    }

    /// Seeded edits of a clean manifest (a byte replaced, deleted or doubled, a line dropped or
    /// doubled): whenever the fast path takes the result, the diagnosing path reports nothing
    /// and returns the same drafts.
    @Test func editedManifestsNeverMakeTheTwoPathsDisagree() throws {
        let repo = try Self.repo()
        defer { repo.remove() }
        let original = Array(Self.clean[0].utf8)
        let interesting = Array(" :-~&*!\"'#{}[],|>\n0aZ.@".utf8)
        var rng = SplitMix64(seed: 20_261_129)
        var taken = 0
        var left = 0
        for _ in 0..<600 {
            var bytes = original
            switch rng.next() % 5 {
            case 0:
                bytes[Int(rng.next() % UInt64(bytes.count))] = interesting[Int(rng.next() % UInt64(interesting.count))]
            case 1:
                bytes.remove(at: Int(rng.next() % UInt64(bytes.count)))
            case 2:
                let i = Int(rng.next() % UInt64(bytes.count))
                bytes.insert(bytes[i], at: i)
            default:
                var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
                let i = Int(rng.next() % UInt64(lines.count))
                if rng.next() % 2 == 0 { lines.remove(at: i) } else { lines.insert(lines[i], at: i) }
                bytes = Array(lines.joined(separator: [0x0A]))
            }
            let result = try bothPaths(bytes, in: repo)
            if let fast = result.fast {
                taken += 1
                #expect(result.diagnostics.isEmpty, "\(String(decoding: bytes, as: UTF8.self))")
                #expect(fast == result.slow, "\(String(decoding: bytes, as: UTF8.self))")
            } else {
                left += 1
            }
        }
        // Both outcomes happen, so both halves of the property were exercised.
        #expect(taken > 50)
        #expect(left > 50)
    }

    @Test func theLoaderGivesTheSameRepoEitherWay() throws {
        // A repo mixing a clean manifest (fast path) and one with an anchor (diagnosing path).
        let repo = try Self.repo()
        defer { repo.remove() }
        try repo.write(
            "tenants/acme.yaml",
            tenantYAML(
                "acme-water",
                spec: [
                    "  imports:", "    - file: ../fixtures/sales/a.csv", "  routers:", "    - serial: 012",
                    "  devices: ../fixtures/devices/a.csv",
                ]))
        try repo.write("tenants/anchor.yaml", tenantYAML("anchored", spec: ["  routers:", "    - serial: &s R9"]))
        let loaded = repo.load()
        #expect(loaded.diagnostics.isEmpty)
        #expect(loaded.tenants[0].licenses.map(\.code.canonical) == ["96D9-3718-59E5"])
        #expect(loaded.tenants.map(\.name) == ["acme-water", "anchored"])
        #expect(loaded.tenants[0].routers.map(\.serial).sorted() == ["012", "DEV1"])
        #expect(loaded.tenants[1].routers.map(\.serial) == ["R9"])
    }
}
