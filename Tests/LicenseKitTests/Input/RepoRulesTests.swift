import Foundation
import Testing

@testable import LicenseKit

/// Paths inside the repo root (docs/formats.md §3) and the checks across files (docs/rules.md §4.5).
@Suite struct RepoRulesTests {
    private let license = [
        "  licenses:", "    - code: 96D9-3718-59E5", "      type: Cloud Basic 1", "      issued: 2026-01-15",
    ]

    @Test func pathEscapingTheRootIsAnError() throws {
        let repo = try TestRepo(["tenants/acme.yaml": tenantYAML(spec: ["  devices: ../../outside.csv"])])
        defer { repo.remove() }
        try repo.write(repo.outside + "/outside.csv", "serial\nR1\n")
        #expect(
            repo.load().diagnostics.map(\.description) == [
                "tenants/acme.yaml:6:12: error: devices: '../../outside.csv' lies outside the repository root; files must be inside the license repo"
            ])
    }

    @Test func pathEscapingTheRootThroughASymlinkIsAnError() throws {
        let repo = try TestRepo([
            "tenants/acme.yaml": tenantYAML(spec: ["  imports:", "    - file: ../fixtures/sales.csv"])
        ])
        defer { repo.remove() }
        try repo.write(repo.outside + "/secret.csv", "code,type,issued\n")
        try repo.symlink("fixtures/sales.csv", to: repo.outside + "/secret.csv")
        #expect(
            repo.load().diagnostics.map(\.description) == [
                "tenants/acme.yaml:7:13: error: file: '../fixtures/sales.csv' resolves through a symlink to a place outside the repository root; files must be inside the license repo"
            ])
    }

    @Test func manifestSymlinkedFromOutsideTheRootIsAnError() throws {
        let repo = try TestRepo(["tenants/acme.yaml": tenantYAML(spec: [])])
        defer { repo.remove() }
        try repo.write(repo.outside + "/other.yaml", tenantYAML("other", spec: []))
        try repo.symlink("tenants/other.yaml", to: repo.outside + "/other.yaml")
        let loaded = repo.load()
        #expect(
            loaded.diagnostics.map(\.description) == [
                "tenants/other.yaml:1:1: error: manifest resolves through a symlink to a place outside the repository root; files must be inside the license repo"
            ])
        #expect(loaded.tenants.map(\.name) == ["acme"])
    }

    @Test func symlinkThatStaysInsideIsFine() throws {
        let repo = try TestRepo([
            "tenants/acme.yaml": tenantYAML(spec: ["  devices: ../fixtures/link.csv"]),
            "fixtures/devices/acme.csv": "serial\nR1\n",
        ])
        defer { repo.remove() }
        try repo.symlink("fixtures/link.csv", to: repo.root + "/fixtures/devices/acme.csv")
        #expect(repo.load().diagnostics.isEmpty)
    }

    /// A symlinked folder under tenants/ used to be skipped without a word (symlinked files
    /// were followed). It is followed like a file when it stays inside the repo; its manifests
    /// are named, and digested, under the link's path (found by a newcomer's attack run).
    @Test func symlinkedFolderInsideTheRepoIsFollowedUnderTheLinksPath() throws {
        let repo = try TestRepo([
            "tenants/acme.yaml": tenantYAML(spec: []),
            "shared/team-b/beta.yaml": tenantYAML("beta", spec: license),
        ])
        defer { repo.remove() }
        try repo.symlink("tenants/team-b", to: repo.root + "/shared/team-b")
        let loaded = repo.load()
        #expect(loaded.diagnostics.map(\.description) == [])
        #expect(loaded.tenants.map(\.name).sorted() == ["acme", "beta"])
        #expect(loaded.tenants.first { $0.name == "beta" }?.source.file == "tenants/team-b/beta.yaml")
        // The same bytes under a real folder of that name give the same inputs digest.
        let copy = try TestRepo([
            "tenants/acme.yaml": tenantYAML(spec: []),
            "tenants/team-b/beta.yaml": tenantYAML("beta", spec: license),
        ])
        defer { copy.remove() }
        #expect(copy.load().inputsDigest == loaded.inputsDigest)
    }

    @Test func symlinkedFolderOutsideTheRootIsAnError() throws {
        let repo = try TestRepo(["tenants/acme.yaml": tenantYAML(spec: [])])
        defer { repo.remove() }
        try repo.write(repo.outside + "/elsewhere/other.yaml", tenantYAML("other", spec: []))
        try repo.symlink("tenants/elsewhere", to: repo.outside + "/elsewhere")
        let loaded = repo.load()
        #expect(
            loaded.diagnostics.map(\.description) == [
                "tenants/elsewhere:1:1: error: folder resolves through a symlink to a place outside the repository root; symlinked folders are followed only inside the license repo: copy the manifests in, or link to a folder inside the repo"
            ])
    }

    /// A symlink loop used to be ignored; a link back into the searched folders is an error at
    /// the link, and nothing is read twice.
    @Test(arguments: [
        ("tenants/team/loop", "tenants", "tenants"),
        ("tenants/self", "tenants", "tenants"),
        ("tenants/alias", "tenants/team", "tenants/team"),
        ("shared/up", "shared", "shared"),
    ])
    func symlinkLoopIsAnErrorAtTheLink(link: String, target: String, shown: String) throws {
        let repo = try TestRepo([
            "tenants/team/acme.yaml": tenantYAML(spec: []),
            "shared/beta.yaml": tenantYAML("beta", spec: []),
        ])
        defer { repo.remove() }
        if link.hasPrefix("shared/") { try repo.symlink("tenants/shared", to: repo.root + "/shared") }
        try repo.symlink(link, to: repo.root + "/" + target)
        let loaded = repo.load()
        let place = link.hasPrefix("shared/") ? "tenants/shared/up" : link
        #expect(
            loaded.diagnostics.map(\.description) == [
                "\(place):1:1: error: symlinked folder resolves to '\(shown)', which is already searched for manifests (a symlink loop, or the same manifests read twice): remove the link"
            ])
        #expect(loaded.tenants.map(\.name).sorted() == (link.hasPrefix("shared/") ? ["acme", "beta"] : ["acme"]))
    }

    /// A link under the tenants folder that resolves to nothing is an error at the link: a
    /// dangling folder link and two links pointing at each other were skipped silently, and the
    /// tenants behind them vanished from the plan (newcomer run 6). Hidden entries stay skipped.
    @Test func aBrokenSymlinkIsAnErrorAtTheLink() throws {
        let repo = try TestRepo(["tenants/acme.yaml": tenantYAML(spec: [])])
        defer { repo.remove() }
        try repo.symlink("tenants/emea", to: repo.root + "/extra/nope")
        try repo.symlink("tenants/loop-a", to: repo.root + "/tenants/loop-b")
        try repo.symlink("tenants/loop-b", to: repo.root + "/tenants/loop-a")
        try repo.symlink("tenants/.#acme.yaml", to: "user@host.1234")
        let loaded = repo.load()
        let advice =
            "a linked folder or manifest would be left out: point the link at a folder or manifest inside the repo, or remove it"
        #expect(
            loaded.diagnostics.map(\.description) == [
                "tenants/emea:1:1: error: a symlink whose target cannot be reached (No such file or directory); \(advice)",
                "tenants/loop-a:1:1: error: a symlink whose target cannot be reached (Too many levels of symbolic links); \(advice)",
                "tenants/loop-b:1:1: error: a symlink whose target cannot be reached (Too many levels of symbolic links); \(advice)",
            ])
    }

    @Test func missingFileIsAnError() throws {
        let repo = try TestRepo(["tenants/team/acme.yaml": tenantYAML(spec: ["  devices: ../../fixtures/none.csv"])])
        defer { repo.remove() }
        #expect(
            repo.load().diagnostics.map(\.description) == [
                "tenants/team/acme.yaml:6:12: error: devices: file '../../fixtures/none.csv' not found (looked for 'fixtures/none.csv')"
            ])
    }

    @Test func codeInTwoTenantsIsAnErrorNamingBothPlaces() throws {
        let repo = try TestRepo([
            "tenants/a.yaml": tenantYAML("alpha", spec: license),
            "tenants/b.yaml": tenantYAML("beta", spec: license),
        ])
        defer { repo.remove() }
        let loaded = repo.load()
        // docs/README.md §8: one error per place, each naming the other.
        #expect(
            loaded.diagnostics.map(\.description) == [
                "tenants/a.yaml:7:7: error: code 96D9-****-59E5 is also declared by tenant 'beta' at tenants/b.yaml:7:7; a code belongs to exactly one tenant",
                "tenants/b.yaml:7:7: error: code 96D9-****-59E5 is also declared by tenant 'alpha' at tenants/a.yaml:7:7; a code belongs to exactly one tenant",
            ])
    }

    /// An imported code is reported at its CSV row, where the code is written (the file a pull
    /// request touched carries the annotation); the message names the `imports` entry too.
    @Test func anImportedCodeInTwoTenantsIsReportedAtItsCSVRow() throws {
        let repo = try TestRepo([
            "tenants/a.yaml": tenantYAML("alpha", spec: license),
            "tenants/b.yaml": tenantYAML("beta", spec: ["  imports:", "    - file: ../fixtures/b.csv"]),
            "fixtures/b.csv":
                "code,type,issued\n417C-2D01-7E07,Cloud Basic 1,2026-01-15\n96D9-3718-59E5,Cloud Basic 1,2026-01-15\n",
        ])
        defer { repo.remove() }
        #expect(
            repo.load().diagnostics.map(\.description) == [
                "fixtures/b.csv:3:1: error: code 96D9-****-59E5 of tenant 'beta' (imported by tenants/b.yaml:7:7) is also declared by tenant 'alpha' at tenants/a.yaml:7:7; a code belongs to exactly one tenant",
                "tenants/a.yaml:7:7: error: code 96D9-****-59E5 is also declared by tenant 'beta' at fixtures/b.csv:3:1 (imported by tenants/b.yaml:7:7); a code belongs to exactly one tenant",
            ])
    }

    @Test func codeInThreeTenantsIsAnErrorAtEachPlaceNamingBothOthers() throws {
        let repo = try TestRepo([
            "tenants/a.yaml": tenantYAML("alpha", spec: license),
            "tenants/b.yaml": tenantYAML("beta", spec: license),
            "tenants/c.yaml": tenantYAML("gamma", spec: license),
        ])
        defer { repo.remove() }
        #expect(
            repo.load().diagnostics.map(\.description) == [
                "tenants/a.yaml:7:7: error: code 96D9-****-59E5 is also declared by tenant 'beta' at tenants/b.yaml:7:7 and by tenant 'gamma' at tenants/c.yaml:7:7; a code belongs to exactly one tenant",
                "tenants/b.yaml:7:7: error: code 96D9-****-59E5 is also declared by tenant 'alpha' at tenants/a.yaml:7:7 and by tenant 'gamma' at tenants/c.yaml:7:7; a code belongs to exactly one tenant",
                "tenants/c.yaml:7:7: error: code 96D9-****-59E5 is also declared by tenant 'alpha' at tenants/a.yaml:7:7 and by tenant 'beta' at tenants/b.yaml:7:7; a code belongs to exactly one tenant",
            ])
    }

    @Test func routerSerialInTwoTenantsIsAnError() throws {
        let repo = try TestRepo([
            "tenants/a.yaml": tenantYAML("alpha", spec: ["  routers:", "    - serial: R1"]),
            "tenants/b.yaml": tenantYAML("beta", spec: ["  routers:", "    - serial: R2", "    - serial: R1"]),
        ])
        defer { repo.remove() }
        #expect(
            repo.load().diagnostics.map(\.description) == [
                "tenants/a.yaml:7:7: error: router serial 'R1' is also declared by tenant 'beta' at tenants/b.yaml:8:7; a router belongs to exactly one tenant",
                "tenants/b.yaml:8:7: error: router serial 'R1' is also declared by tenant 'alpha' at tenants/a.yaml:7:7; a router belongs to exactly one tenant",
            ])
    }

    @Test func routerSerialsSharingALongPrefixAreToldApartAndTheFirstTenantOwnsEach() throws {
        // The check sorts serials by their first 16 bytes: serials that share them must still be
        // compared whole, and each duplicate must name the first tenant that declared it.
        let repo = try TestRepo([
            "tenants/a.yaml": tenantYAML(
                "alpha", spec: ["  routers:", "    - serial: SHAREDPREFIX0000-A", "    - serial: R1"]),
            "tenants/b.yaml": tenantYAML(
                "beta", spec: ["  routers:", "    - serial: SHAREDPREFIX0000-B", "    - serial: R1"]),
            "tenants/c.yaml": tenantYAML(
                "gamma",
                spec: [
                    "  routers:", "    - serial: SHAREDPREFIX0000-A", "    - serial: SHAREDPREFIX0000-B",
                    "    - serial: SHAREDPREFIX0000",
                ]),
        ])
        defer { repo.remove() }
        #expect(
            repo.load().diagnostics.map(\.description) == [
                "tenants/a.yaml:7:7: error: router serial 'SHAREDPREFIX0000-A' is also declared by tenant 'gamma' at tenants/c.yaml:7:7; a router belongs to exactly one tenant",
                "tenants/a.yaml:8:7: error: router serial 'R1' is also declared by tenant 'beta' at tenants/b.yaml:8:7; a router belongs to exactly one tenant",
                "tenants/b.yaml:7:7: error: router serial 'SHAREDPREFIX0000-B' is also declared by tenant 'gamma' at tenants/c.yaml:8:7; a router belongs to exactly one tenant",
                "tenants/b.yaml:8:7: error: router serial 'R1' is also declared by tenant 'alpha' at tenants/a.yaml:8:7; a router belongs to exactly one tenant",
                "tenants/c.yaml:7:7: error: router serial 'SHAREDPREFIX0000-A' is also declared by tenant 'alpha' at tenants/a.yaml:7:7; a router belongs to exactly one tenant",
                "tenants/c.yaml:8:7: error: router serial 'SHAREDPREFIX0000-B' is also declared by tenant 'beta' at tenants/b.yaml:7:7; a router belongs to exactly one tenant",
            ])
    }

    @Test func hiddenFilesAndFoldersUnderTenantsAreSkipped() throws {
        let repo = try TestRepo([
            "tenants/a.yaml": tenantYAML("alpha", spec: []), "tenants/.git/x.yaml": "not: a tenant\n",
            "tenants/.a.yaml.swp.yaml": "broken: [\n",
        ])
        defer { repo.remove() }
        try repo.symlink("tenants/.#a.yaml", to: "user@host.1234:1700000000")
        let loaded = repo.load()
        #expect(loaded.diagnostics.isEmpty)
        #expect(loaded.tenants.map(\.name) == ["alpha"])
    }

    @Test func importingAFolderSaysItIsAFolder() throws {
        let repo = try TestRepo([
            "tenants/a.yaml": tenantYAML("alpha", spec: ["  imports:", "    - file: ../fixtures/sales"]),
            "fixtures/sales/x.csv": "code,type,issued\n",
        ])
        defer { repo.remove() }
        #expect(
            repo.load().diagnostics.map(\.description) == [
                "tenants/a.yaml:7:7: error: cannot read 'fixtures/sales': it is a folder; name a CSV file"
            ])
    }

    @Test(arguments: ["", "# only a comment\n", "---\n", "---\n...\n---\n~\n"])
    func aManifestWithoutATenantDocumentIsAWarning(_ text: String) throws {
        let repo = try TestRepo(["tenants/a.yaml": text])
        defer { repo.remove() }
        let loaded = repo.load()
        #expect(loaded.tenants.isEmpty)
        #expect(
            loaded.diagnostics.map(\.description) == [
                "tenants/a.yaml:1:1: warning: no Tenant document in this file (it is empty or holds only comments)"
            ])
    }

    @Test func tenantNameUsedTwiceIsAnErrorNamingBothPlaces() throws {
        let repo = try TestRepo([
            "tenants/a.yaml": tenantYAML("acme", spec: []),
            "tenants/sub/b.yml": tenantYAML("acme", spec: []),
        ])
        defer { repo.remove() }
        let loaded = repo.load()
        #expect(
            loaded.diagnostics.map(\.description) == [
                "tenants/a.yaml:4:9: error: tenant name 'acme' is also used at tenants/sub/b.yml:4:9; tenant names must be unique",
                "tenants/sub/b.yml:4:9: error: tenant name 'acme' is also used at tenants/a.yaml:4:9; tenant names must be unique",
            ])
        #expect(loaded.tenants.count == 1)
    }

    @Test func missingTenantsDirectoryIsAnUnplacedError() throws {
        let repo = try TestRepo()
        defer { repo.remove() }
        #expect(
            repo.load().diagnostics.map(\.description) == [
                "licensectl: error: tenants directory 'tenants' not found in '\(repo.root)'"
            ])
    }

    @Test func inputsDigestCoversManifestsAndChangesWithThem() throws {
        let repo = try TestRepo(["tenants/a.yaml": tenantYAML("alpha", spec: [])])
        defer { repo.remove() }
        let first = repo.load().inputsDigest
        #expect(repo.load().inputsDigest == first)
        try repo.write("tenants/a.yaml", tenantYAML("alpha", spec: ["  contacts: [a@b.c]"]))
        #expect(repo.load().inputsDigest != first)
        #expect(
            LicenseRepoLoader.digest([]) == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func manyManifestsLoadInSortedOrder() throws {
        var files: [String: String] = [:]
        for i in 0..<40 {
            files["tenants/t\(i).yaml"] = tenantYAML("t\(i)", spec: ["  routers:", "    - serial: S\(i)"])
        }
        let repo = try TestRepo(files)
        defer { repo.remove() }
        let loaded = repo.load()
        #expect(loaded.diagnostics.isEmpty)
        #expect(loaded.tenants.count == 40)
        #expect(loaded.tenants.map(\.name) == (0..<40).map { "t\($0)" }.sorted())
    }
}

@Suite struct ManifestSchemaTests {
    @Test func jsonSchemaIsValidJSONAndListsEveryKey() throws {
        let text = ManifestSchema.jsonSchema()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        #expect(object["required"] as? [String] == ["apiVersion", "kind", "metadata"])
        let properties = try #require(object["properties"] as? [String: Any])
        let spec = try #require(properties["spec"] as? [String: Any])
        let specProperties = try #require(spec["properties"] as? [String: Any])
        #expect(Set(specProperties.keys) == ["contacts", "imports", "licenses", "routers", "devices"])
        let licenses = try #require(specProperties["licenses"] as? [String: Any])
        let items = try #require(licenses["items"] as? [String: Any])
        let licenseProperties = try #require(items["properties"] as? [String: Any])
        #expect(Set(licenseProperties.keys) == Set(ManifestSchema.license.fields.map(\.key)))
        #expect(items["required"] as? [String] == ["code"])
        let renew = try #require(licenseProperties["renew"] as? [String: Any])
        #expect(renew["type"] as? String == "boolean")
        #expect(text.hasSuffix("}\n"))
    }
}
