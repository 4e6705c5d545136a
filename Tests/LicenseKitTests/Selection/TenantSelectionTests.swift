import Testing

@testable import LicenseKit

/// docs/cli.md §5.2 and docs/README.md §8 "Selections": shards, targets and their intersection.
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
        // A negative number is out of range, as 0/3 is (it said "two whole numbers").
        ("-1/3", "--shard: expected I/N with 1 ≤ I ≤ N (shards are numbered from 1), found '-1/3'"),
        ("1/2/3", "--shard: expected I/N (two whole numbers, e.g. 2/4: the second of four shards), found '1/2/3'"),
    ])
    func invalidShardsSayWhatIsExpected(text: String, message: String) {
        let error = #expect(throws: SelectionError.self) { try Shard(parsing: text) }
        #expect(error?.message == message)
    }

    @Test func targetsShardAndArgumentsIntersect() throws {
        let selection = TenantSelection(
            targets: ["acme-water", "harbor-lights", "stadtwerke-nord"],
            shard: try Shard(parsing: "2/3"), arguments: ["stadtwerke-nord", "harbor-lights"])
        #expect(
            ["acme-water", "harbor-lights", "nordlicht-ferries", "stadtwerke-nord"].filter(selection.contains)
                == ["stadtwerke-nord"])
        #expect(
            selection.recorded
                == TenantSelection(
                    targets: ["acme-water", "harbor-lights", "stadtwerke-nord"],
                    shard: try Shard(parsing: "2/3")))
        #expect(TenantSelection(arguments: ["x"]).recorded == nil)
        #expect(!TenantSelection().isRestricting)
    }

    @Test func unknownTargetsAreErrorsListingTheKnownTenants() {
        let errors = TenantSelection(targets: ["acme-water", "nobody"]).unknownNames(known: ["acme-water", "zeta"])
        #expect(
            errors == [
                .error(
                    "unknown tenant 'nobody': no manifest and no state file names it; known tenants: acme-water, zeta")
            ])
    }

    @Test func planJSONRecordsTheSelectionAndReadsItBack() throws {
        let plan = Plan(
            at: PlanFixtures.at, inputsDigest: PlanFixtures.digest, tenants: [], diagnostics: [],
            selection: TenantSelection(targets: ["b", "a"], shard: try Shard(parsing: "1/2")))
        let text = PlanJSON.render(plan)
        #expect(
            text.contains(
                """
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

        let shardOnly = Plan(
            at: PlanFixtures.at, inputsDigest: PlanFixtures.digest, tenants: [], diagnostics: [],
            selection: TenantSelection(shard: try Shard(parsing: "2/2")))
        #expect(PlanJSON.render(shardOnly).contains("\"selection\": {\n    \"shard\": \"2/2\"\n  },"))
        let none = Plan(
            at: PlanFixtures.at, inputsDigest: PlanFixtures.digest, tenants: [], diagnostics: [],
            selection: TenantSelection(arguments: ["a"]))
        #expect(!PlanJSON.render(none).contains("selection"))
    }

    /// docs/README.md §8 "Selections": the loader's errors stay; its warnings about files that belong only
    /// to unselected tenants (their manifest, a CSV file only they import) are left out.
    @Test func loaderWarningsOfUnselectedTenantsAreLeftOut() throws {
        func place(_ file: String, _ line: Int) -> LicenseKit.SourceLocation {
            LicenseKit.SourceLocation(file: file, line: line)
        }
        let license = { (code: String, file: String) in
            DesiredLicense(
                code: PlanFixtures.code(code), type: .cloudBasic1, issued: PlanFixtures.at,
                source: place(file, 2))
        }
        let a = TenantManifest(
            name: "a", licenses: [license("96D9-3718-59E5", "fixtures/a.csv")],
            source: place("tenants/a.yaml", 4))
        let b = TenantManifest(
            name: "b",
            licenses: [
                license("1A2B-3C4D-5E6F", "fixtures/shared.csv"),
                license("0F0F-1234-ABCD", "fixtures/b.csv"),
            ],
            source: place("tenants/b.yaml", 4))
        let c = TenantManifest(
            name: "c", licenses: [license("7777-8888-9999", "fixtures/shared.csv")],
            source: place("tenants/c.yaml", 4))
        let diagnostics: [Diagnostic] = [
            .warning("about a", at: place("tenants/a.yaml", 9)),
            .warning("about a's CSV", at: place("fixtures/a.csv", 3)),
            .warning("about b", at: place("tenants/b.yaml", 9)),
            .warning("about b's CSV", at: place("fixtures/b.csv", 3)),
            .warning("shared CSV", at: place("fixtures/shared.csv", 5)), .warning("no place"),
            .error("error in a", at: place("tenants/a.yaml", 7)),
        ]
        let repo = LicenseRepo(tenants: [a, b, c], inputsDigest: PlanFixtures.digest, diagnostics: diagnostics)
        #expect(
            repo.diagnostics(selecting: TenantSelection(targets: ["b"])).map(\.message)
                == ["about b", "about b's CSV", "shared CSV", "no place", "error in a"])
        #expect(
            repo.diagnostics(selecting: TenantSelection(targets: ["c"])).map(\.message)
                == ["shared CSV", "no place", "error in a"])
        #expect(repo.diagnostics(selecting: TenantSelection()) == diagnostics)
    }
}
