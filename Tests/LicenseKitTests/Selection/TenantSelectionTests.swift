import Testing
@testable import LicenseKit

/// SPEC §5.2 and §8 "Selections": shards, targets and their intersection.
@Suite struct TenantSelectionTests {
    /// Expected shards computed independently with Python's hashlib:
    /// `1 + int.from_bytes(sha256(name).digest()[:8], "big") % n`.
    @Test(arguments: [
        ("acme-water", 3, 2), ("harbor-lights", 3, 3), ("nordlicht-ferries", 3, 3), ("stadtwerke-nord", 3, 2),
        ("acme-water", 2, 1), ("stadtwerke-nord", 2, 2), ("harbor-lights", 4, 3), ("stadtwerke-nord", 4, 2),
    ])
    func shardIsOnePlusTheFirstEightBytesOfSHA256ModN(tenant: String, count: Int, expected: Int) throws {
        #expect(Shard.of(tenant, count: count) == expected)
        #expect(try Shard(parsing: "\(expected)/\(count)").contains(tenant))
    }

    @Test func shardsPartitionTheTenants() throws {
        let names = (0..<200).map { "tenant-\($0)" }
        let shards = try (1...5).map { try Shard(parsing: "\($0)/5") }
        for name in names {
            #expect(shards.filter { $0.contains(name) }.count == 1, "\(name)")
        }
        // Not all in one shard: the hash spreads them.
        #expect(shards.allSatisfy { shard in names.contains(where: shard.contains) })
    }

    @Test(arguments: [
        ("0/3", "--shard: expected I/N with 1 ≤ I ≤ N (shards are numbered from 1), found '0/3'"),
        ("4/3", "--shard: expected I/N with 1 ≤ I ≤ N (shards are numbered from 1), found '4/3'"),
        ("1/0", "--shard: expected I/N with 1 ≤ I ≤ N (shards are numbered from 1), found '1/0'"),
        ("x", "--shard: expected I/N (two whole numbers, e.g. 2/4: the second of four shards), found 'x'"),
        ("1/", "--shard: expected I/N (two whole numbers, e.g. 2/4: the second of four shards), found '1/'"),
        ("-1/3", "--shard: expected I/N (two whole numbers, e.g. 2/4: the second of four shards), found '-1/3'"),
        ("1/2/3", "--shard: expected I/N (two whole numbers, e.g. 2/4: the second of four shards), found '1/2/3'"),
    ])
    func invalidShardsSayWhatIsExpected(text: String, message: String) {
        #expect(throws: SelectionError(message: message)) { try Shard(parsing: text) }
    }

    @Test func targetsShardAndArgumentsIntersect() throws {
        let selection = TenantSelection(targets: ["acme-water", "harbor-lights", "stadtwerke-nord"],
                                        shard: try Shard(parsing: "2/3"), arguments: ["stadtwerke-nord", "harbor-lights"])
        #expect(["acme-water", "harbor-lights", "nordlicht-ferries", "stadtwerke-nord"].filter(selection.contains)
            == ["stadtwerke-nord"])
        #expect(selection.recorded == TenantSelection(targets: ["acme-water", "harbor-lights", "stadtwerke-nord"],
                                                      shard: try Shard(parsing: "2/3")))
        #expect(TenantSelection(arguments: ["x"]).recorded == nil)
        #expect(!TenantSelection().isRestricting)
    }

    @Test func unknownTargetsAreErrorsListingTheKnownTenants() {
        let errors = TenantSelection(targets: ["acme-water", "nobody"]).unknownNames(known: ["acme-water", "zeta"])
        #expect(errors == [.error("unknown tenant 'nobody': no manifest and no state file names it; known tenants: acme-water, zeta")])
    }

    @Test func planJSONRecordsTheSelectionAndReadsItBack() throws {
        let plan = Plan(at: PlanFixtures.at, inputsDigest: PlanFixtures.digest, tenants: [], diagnostics: [],
                        selection: TenantSelection(targets: ["b", "a"], shard: try Shard(parsing: "1/2")))
        let text = PlanJSON.render(plan)
        #expect(text.contains("""
              "selection": {
                "shard": "1/2",
                "targets": [
                  "a",
                  "b"
                ]
              },
            """))
        let back = try PlanJSON.decode(Array(text.utf8))
        #expect(back.selection == plan.selection)
        #expect(PlanJSON.render(back) == text)
        #expect(PlanJSON.value(plan) == (try JSONValue.parse(Array(text.utf8))))

        let shardOnly = Plan(at: PlanFixtures.at, inputsDigest: PlanFixtures.digest, tenants: [], diagnostics: [],
                             selection: TenantSelection(shard: try Shard(parsing: "2/2")))
        #expect(PlanJSON.render(shardOnly).contains("\"selection\": {\n    \"shard\": \"2/2\"\n  },"))
        let none = Plan(at: PlanFixtures.at, inputsDigest: PlanFixtures.digest, tenants: [], diagnostics: [],
                        selection: TenantSelection(arguments: ["a"]))
        #expect(!PlanJSON.render(none).contains("selection"))
    }
}
