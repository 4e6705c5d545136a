import Foundation
import TestSupport
import Testing

@testable import LicenseKit

/// The benchmark's synthetic repo (issue 6): deterministic, unique codes and serials, plans
/// without errors, sizes near the issue's targets.
@Suite struct SyntheticRepoTests {
    let options = SyntheticRepoOptions()
    var fixtures: [TenantFixture] { (1...300).map { SyntheticRepoGenerator.fixture($0, options) } }

    @Test func sameSeedGivesTheSameBytesWhateverTheRepoSize() {
        var other = options
        other.tenants = 20
        let a = SyntheticRepoGenerator.fixture(7, options)
        let b = SyntheticRepoGenerator.fixture(7, other)
        #expect(a.manifest == b.manifest)
        #expect(a.sales == b.sales)
        var reseeded = options
        reseeded.seed = 2
        #expect(SyntheticRepoGenerator.fixture(7, reseeded).manifest != a.manifest)
    }

    @Test func splitMix64MatchesTheReferenceSequence() {
        // First outputs of SplitMix64 seeded with 1234567 (Vigna's reference implementation).
        var rng = SplitMix64(seed: 1_234_567)
        #expect(
            [rng.next(), rng.next(), rng.next()] == [
                6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
            ])
    }

    @Test func codesAreCanonicalAndUniqueAcrossTheRepo() throws {
        let codes = fixtures.flatMap(\.codes)
        #expect(codes.count == 300 * 20)
        #expect(Set(codes).count == codes.count)
        for code in codes.prefix(200) {
            #expect(try ActivationCode(parsing: code).canonical == code)
        }
    }

    @Test func serialsAreValidAndUniqueAcrossTheRepo() throws {
        let serials = fixtures.flatMap(\.serials)
        #expect(serials.count == 300 * 100)
        #expect(Set(serials).count == serials.count)
        for serial in serials.prefix(200) {
            #expect(try RouterSerial.validate(serial) == serial)
        }
    }

    @Test func halfOfTheCodesInTheManifestTheOtherHalfInTheSalesCSV() throws {
        let tenant = SyntheticRepoGenerator.fixture(1, options)
        let sales = try #require(tenant.sales)
        let rows = sales.split(separator: "\n")
        #expect(rows.first == "activation_code;license_type;issued;term;order")
        #expect(rows.count == 1 + 10)
        #expect(tenant.manifest.contains("  imports:\n    - file: ../fixtures/sales/t-00001.csv\n"))
        for code in tenant.codes.prefix(10) { #expect(tenant.manifest.contains("    - code: \(code)\n      type: ")) }
        for code in tenant.codes.suffix(10) { #expect(sales.contains("\(code);")) }
    }

    @Test func extraSalesColumnsMakeWideCSVsThatReadTheSameCodesWithoutWarnings() throws {
        var wide = options
        wide.extraSalesColumns = 10
        let narrowSales = try #require(SyntheticRepoGenerator.fixture(1, options).sales)
        let wideSales = try #require(SyntheticRepoGenerator.fixture(1, wide).sales)
        #expect(wideSales.split(separator: "\n").first?.split(separator: ";").count == 15)
        #expect(wideSales.utf8.count > 5 * narrowSales.utf8.count)
        let engine = DiagnosticsEngine()
        let records = SalesCSVReader.read(
            Array(wideSales.utf8), path: "fixtures/sales/t-00001.csv", diagnostics: engine)
        let narrow = SalesCSVReader.read(
            Array(narrowSales.utf8), path: "fixtures/sales/t-00001.csv", diagnostics: DiagnosticsEngine())
        #expect(engine.diagnostics == [])
        #expect(records == narrow)
    }

    @Test func issueDatesLieWithinTwoYearsBeforeAt() throws {
        for tenant in fixtures.prefix(50) {
            for row in (tenant.sales ?? "").split(separator: "\n").dropFirst() {
                let issued = try Instant.parseSalesDate(String(row.split(separator: ";")[2]))
                #expect(issued < options.at)
                #expect(issued.adding(.twoYears) > options.at)
            }
        }
    }

    @Test func cloudFreeOnlyInTenantsWithoutAPaidActivationUpToAt() {
        let free = fixtures.filter { $0.manifest.contains("type: Cloud Free") }
        #expect(!free.isEmpty)
        for tenant in free {
            #expect(tenant.manifest.components(separatedBy: "type: Cloud Free").count == 2)
            #expect(tenant.expected.modes == ["limited": 1])
            #expect(tenant.expected.actions["activate"] == 1)
        }
        #expect(fixtures.allSatisfy { $0.expected.errors == 0 })
    }

    @Test func expectedCountsCoverEveryCodeAndRouter() {
        for tenant in fixtures {
            let e = tenant.expected
            #expect(e.actions["redeem"] == tenant.codes.count)
            #expect((e.actions["admit"] ?? 0) + (e.actions["reject"] ?? 0) == tenant.serials.count)
            #expect(e.routers == tenant.serials.count)
            #expect(e.online <= e.capacity)
        }
    }

    @Test func sizesAtTheDefaultsAreNearTheIssueTargets() {
        let yaml = fixtures.map(\.manifest.utf8.count).reduce(0, +) / fixtures.count
        #expect((7_000...9_500).contains(yaml), "about 8 MB of YAML per 1,000 tenants")
    }

    @Test func writesARepoThatTheYAMLReaderReadsWithoutDiagnostics() throws {
        let root = NSTemporaryDirectory() + "/synthetic-repo-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: root) }
        var small = options
        small.tenants = 3
        let repo = try SyntheticRepoGenerator.write(small, into: root)
        #expect(repo.manifestPaths == (1...3).map { "\(root)/tenants/t-0000\($0).yaml" })
        #expect(repo.csvFiles == 3)
        #expect(repo.expected.tenants == 3)
        for path in repo.manifestPaths {
            let diagnostics = DiagnosticsEngine()
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            let documents = YAMLReader.read(bytes, path: path, diagnostics: diagnostics)
            #expect(diagnostics.emitted == [], "\(path)")
            #expect(documents.count == 1, "\(path)")
        }
    }
}
