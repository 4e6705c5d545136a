import Foundation
import PostgresTestSupport
import Testing

/// `--target`/`--shard` end to end (docs/cli.md §5.2, docs/README.md §8 "Selections") on the example repo,
/// on both state backends.
@Suite(.postgresClusterOnDemand) struct SelectionCommandTests {
    private static let all = ["acme-water", "baltic-ports", "harbor-lights", "nordlicht-ferries", "stadtwerke-nord"]

    /// The `"tenant"` names of a JSON plan's tenants, in order.
    private func tenants(ofPlan json: String) throws -> [String] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let list = try #require(object["tenants"] as? [[String: Any]])
        return list.compactMap { $0["tenant"] as? String }
    }

    private func object(_ json: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test(arguments: Backend.all)
    func targetPlansOnlyThatTenantAndRecordsTheSelection(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "sel-target")
        defer { repo.remove() }
        let full = try repo.run(["plan", "-C", repo.root, "--at", "2026-11-29", "--format", "json"])
        #expect(full.status == 0, "\(full)")
        let one = try repo.run([
            "plan", "-C", repo.root, "--at", "2026-11-29", "--format", "json",
            "--target", "stadtwerke-nord", "--target", "acme-water",
        ])
        #expect(one.status == 0, "\(one)")
        #expect(try tenants(ofPlan: one.stdout) == ["acme-water", "stadtwerke-nord"])
        let selection = try #require(try object(one.stdout)["selection"] as? [String: Any])
        #expect(selection["targets"] as? [String] == ["acme-water", "stadtwerke-nord"])
        #expect(selection["shard"] == nil)
        // docs/README.md §8 "Inputs": the digest depends on no selection; without one there is no key.
        #expect(
            try object(one.stdout)["inputsDigest"] as? String == (try object(full.stdout)["inputsDigest"] as? String))
        #expect(try object(full.stdout)["selection"] == nil)
        #expect(try tenants(ofPlan: full.stdout) == Self.all)
    }

    @Test(arguments: Backend.all)
    func shardsTogetherPlanEveryTenantOnceAndTheSameWay(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "sel-shards")
        defer { repo.remove() }
        let full = try repo.run(["plan", "-C", repo.root, "--at", "2026-11-29", "--format", "json"])
        let fullTenants = try #require(try object(full.stdout)["tenants"] as? [[String: Any]])
        var seen: [String] = []
        // From Python's hashlib: acme-water and stadtwerke-nord are in shard 2 of 3, the others in 3.
        let expected = [
            1: [String](), 2: ["acme-water", "stadtwerke-nord"],
            3: ["baltic-ports", "harbor-lights", "nordlicht-ferries"],
        ]
        for i in 1...3 {
            let run = try repo.run([
                "plan", "-C", repo.root, "--at", "2026-11-29", "--format", "json", "--shard", "\(i)/3",
            ])
            #expect(run.status == 0, "\(run)")
            #expect(try tenants(ofPlan: run.stdout) == expected[i])
            #expect((try object(run.stdout)["selection"] as? [String: Any])?["shard"] as? String == "\(i)/3")
            let part = try #require(try object(run.stdout)["tenants"] as? [[String: Any]])
            for tenant in part {
                let name = try #require(tenant["tenant"] as? String)
                seen.append(name)
                let same = try #require(fullTenants.first { $0["tenant"] as? String == name })
                let canonical = { (value: [String: Any]) in
                    try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
                }
                #expect(try canonical(tenant) == (try canonical(same)), "\(name)")
            }
        }
        #expect(seen.sorted() == Self.all)
    }

    @Test(
        arguments: Backend.all,
        [
            ("0/3", "--shard: expected I/N with 1 ≤ I ≤ N (shards are numbered from 1), found '0/3'"),
            ("4/3", "--shard: expected I/N with 1 ≤ I ≤ N (shards are numbered from 1), found '4/3'"),
            ("-1/2", "--shard: expected I/N with 1 ≤ I ≤ N (shards are numbered from 1), found '-1/2'"),
            ("1/-2", "--shard: expected I/N with 1 ≤ I ≤ N (shards are numbered from 1), found '1/-2'"),
            ("x", "--shard: expected I/N (two whole numbers, e.g. 2/4: the second of four shards), found 'x'"),
        ])
    func invalidShardIsAUsageErrorWithExit1(_ backend: Backend, _ shardAndMessage: (String, String)) throws {
        let (shard, message) = shardAndMessage
        let repo = try StateFixture.example(backend, label: "sel-bad-shard")
        defer { repo.remove() }
        for command in ["plan", "apply", "status", "forecast"] {
            let run = try repo.run([command, "-C", repo.root, "--at", "2026-11-29", "--shard", shard])
            #expect(run.status == 1, "\(command): \(run)")
            #expect(
                run.stderr.hasPrefix("licensectl: error: \(message)\n") || run.stderr.contains("Error: \(message)"),
                "\(command): \(run.stderr)")
            #expect(run.stdout.isEmpty)
        }
    }

    @Test(arguments: Backend.all)
    func aTargetNamingNoTenantIsAnError(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "sel-unknown")
        defer { repo.remove() }
        for command in ["plan", "apply", "forecast"] {
            let run = try repo.run(
                [command, "-C", repo.root, "--at", "2026-11-29", "--target", "nobody", "--yes"]
                    .filter { command == "apply" || $0 != "--yes" })
            #expect(run.status == 1, "\(command): \(run)")
            #expect(
                run.stderr.hasPrefix(
                    "licensectl: error: unknown tenant 'nobody': no manifest and no state file names it; known tenants: acme-water, baltic-ports, harbor-lights, nordlicht-ferries, stadtwerke-nord\n"
                ),
                "\(command): \(run.stderr)")
        }
        // A tenant that only has state counts as known.
        try FileManager.default.removeItem(atPath: repo.path("tenants/emea/nordlicht-ferries.yaml"))
        let stateOnly = try repo.run(["plan", "-C", repo.root, "--at", "2026-11-29", "--target", "nordlicht-ferries"])
        #expect(!stateOnly.stderr.contains("unknown tenant"), "\(stateOnly)")
    }

    @Test(arguments: Backend.all)
    func positionalTenantsIntersectWithTheShard(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "sel-intersect")
        defer { repo.remove() }
        let run = try repo.run([
            "forecast", "acme-water", "harbor-lights", "-C", repo.root, "--at", "2026-11-29",
            "--format", "json", "--shard", "2/3",
        ])
        #expect(run.status == 0 || run.status == 2, "\(run)")
        #expect(run.stdout.contains("\"acme-water\""))
        #expect(!run.stdout.contains("\"harbor-lights\""))
        #expect(!run.stdout.contains("\"stadtwerke-nord\""))
    }

    @Test(arguments: Backend.all)
    func aPlanningErrorOfAnUnselectedTenantFailsOnlyRunsThatIncludeIt(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "sel-tenant-error")
        defer { repo.remove() }
        // nordlicht-ferries' state records its Cloud Basic 25 as activated on 2025-02-01; another
        // activate is an error of planning that tenant (docs/rules.md §4.2).
        let path = "tenants/emea/nordlicht-ferries.yaml"
        let manifest = try repo.read(path)
        let changed = manifest.replacingOccurrences(of: "activate: 2025-02-01", with: "activate: 2025-03-01")
        #expect(changed != manifest)
        try repo.write(path, changed)
        let all = try repo.run(["plan", "-C", repo.root, "--at", "2026-11-29"])
        #expect(all.status == 1, "\(all)")
        #expect(all.stderr.contains("tenants/emea/nordlicht-ferries.yaml:"))
        let other = try repo.run(["plan", "-C", repo.root, "--at", "2026-11-29", "--target", "acme-water"])
        #expect(other.status == 0, "\(other)")
        #expect(!other.stderr.contains("nordlicht"), "\(other.stderr)")
        let including = try repo.run(["plan", "-C", repo.root, "--at", "2026-11-29", "--shard", "3/3"])
        #expect(including.status == 1, "\(including)")
    }

    @Test(arguments: Backend.all)
    func readingAndCrossTenantErrorsFailEveryRun(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "sel-read-error")
        defer { repo.remove() }
        try repo.write("tenants/broken.yaml", "apiVersion: licensectl/v1\nkind: Tenant\nmetadata: [\n")
        let run = try repo.run(["plan", "-C", repo.root, "--at", "2026-11-29", "--target", "acme-water"])
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("tenants/broken.yaml:"), "\(run.stderr)")
        try FileManager.default.removeItem(atPath: repo.path("tenants/broken.yaml"))

        // The same router serial in two tenants (in another case): a cross-tenant error, whoever
        // is selected.
        let path = "tenants/emea/nordlicht-ferries.yaml"
        try repo.write(path, try repo.read(path) + "    - serial: 00a0ba4eae58\n")
        let cross = try repo.run(["plan", "-C", repo.root, "--at", "2026-11-29", "--target", "stadtwerke-nord"])
        #expect(cross.status == 1, "\(cross)")
        #expect(cross.stderr.contains("is also declared by tenant"), "\(cross.stderr)")
    }

    @Test(arguments: Backend.all)
    func warningsOfUnselectedTenantsAreNotPrinted(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "sel-warnings")
        defer { repo.remove() }
        // JSON keeps every diagnostic (text consolidates standing warnings of unchanged tenants).
        let all = try repo.run(["plan", "-C", repo.root, "--at", "2026-11-29", "--format", "json"])
        #expect(all.stderr.contains("tenants/stadtwerke-nord.yaml"), "\(all.stderr)")
        let one = try repo.run(["plan", "-C", repo.root, "--at", "2026-11-29", "--target", "acme-water"])
        #expect(one.status == 0, "\(one)")
        for line in one.stderr.split(separator: "\n") {
            #expect(line.contains("acme-water") || line.contains("fixtures/"), "\(line)")
            #expect(!line.contains("stadtwerke") && !line.contains("harbor") && !line.contains("nordlicht"), "\(line)")
        }
    }

    // MARK: - apply

    @Test(arguments: Backend.all)
    func applyPlanFileAppliesExactlyItsSelection(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, withState: false, label: "sel-apply-file")
        defer { repo.remove() }
        let plan = try repo.run([
            "plan", "-C", repo.root, "--at", "2026-11-01", "--target", "acme-water", "--out", "p.json",
        ])
        #expect(plan.status == 0, "\(plan)")
        // Another tenant gets state meanwhile: outside the plan's selection, so not stale.
        let other = try repo.run([
            "apply", "-C", repo.root, "--at", "2026-11-01", "--yes", "--target", "harbor-lights",
        ])
        #expect(other.status == 0, "\(other)")
        let harbor = try repo.stateFiles()["state/tenants/harbor-lights.json"]
        #expect(harbor != nil)
        let apply = try repo.run(["apply", "-C", repo.root, "p.json"])
        #expect(apply.status == 0, "\(apply)")
        let state = try repo.stateFiles()
        #expect(
            state.keys.sorted()
                == ["state/journal.jsonl", "state/tenants/acme-water.json", "state/tenants/harbor-lights.json"])
        #expect(state["state/tenants/harbor-lights.json"] == harbor)
        let journal = String(decoding: state["state/journal.jsonl"] ?? Data(), as: UTF8.self)
        #expect(!journal.contains("stadtwerke") && !journal.contains("nordlicht"))
    }

    @Test(arguments: Backend.all)
    func applyPlanFileWithTargetOrShardIsAnError(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "sel-apply-both")
        defer { repo.remove() }
        let before = try repo.everything()
        let run = try repo.run(["apply", "-C", repo.root, "p.json", "--target", "acme-water"])
        #expect(run.status == 1)
        #expect(
            run.stderr.contains(
                "apply PLANFILE applies exactly the plan file's selection; remove --target/--shard (or plan again with them)"
            ),
            "\(run.stderr)")
        let shard = try repo.run(["apply", "-C", repo.root, "p.json", "--shard", "1/2"])
        #expect(shard.status == 1)
        #expect(!repo.exists("state/.lock"))
        #expect(changedPaths(before, try repo.everything()) == [])
    }

    @Test(arguments: Backend.all)
    func shardedAppliesGiveTheSameStateAsOneApply(_ backend: Backend) throws {
        let whole = try StateFixture.example(backend, withState: false, label: "sel-whole")
        defer { whole.remove() }
        let sharded = try StateFixture.example(backend, withState: false, label: "sel-sharded")
        defer { sharded.remove() }
        let one = try whole.run(["apply", "-C", whole.root, "--at", "2026-11-01", "--yes"])
        #expect(one.status == 0, "\(one)")
        for i in 1...3 {
            let run = try sharded.run([
                "apply", "-C", sharded.root, "--at", "2026-11-01", "--yes", "--shard", "\(i)/3",
            ])
            #expect(run.status == 0, "\(run)")
        }
        let wholeTenants = try whole.stateFiles().filter { $0.key.hasPrefix("state/tenants/") }
        let shardedTenants = try sharded.stateFiles().filter { $0.key.hasPrefix("state/tenants/") }
        #expect(wholeTenants.mapKeys() == shardedTenants.mapKeys())
        #expect(wholeTenants == shardedTenants)
    }
}

extension Dictionary where Key == String {
    fileprivate func mapKeys() -> [String] { keys.sorted() }
}

/// Small items of issue 11 §6 that show in `plan`'s output.
@Suite struct PlanHintTests {
    @Test func aTenantRenamedOnlyInMetadataNameGetsAGitMvHint() throws {
        let repo = try TempRepo.example(label: "rename-hint")
        defer { repo.remove() }
        let path = "tenants/acme-water.yaml"
        try repo.write(
            path, try repo.read(path).replacingOccurrences(of: "name: acme-water", with: "name: acme-wasser"))
        let run = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29"])
        #expect(run.status == 1, "\(run)")
        let hint =
            "; a code is redeemed into exactly one tenant. If tenant 'acme-water' was renamed to 'acme-wasser' in metadata.name, rename its state file too: git mv state/tenants/acme-water.json state/tenants/acme-wasser.json, and set its \"tenant\" field to 'acme-wasser'\n"
        // Once per renamed tenant, not once per code.
        #expect(run.stderr.components(separatedBy: hint).count == 2, "\(run.stderr)")
        #expect(run.stderr.contains("is already redeemed into tenant 'acme-water' (state/tenants/acme-water.json)"))
    }

    @Test func aMarkdownPlanWithErrorsDoesNotSayZeroTenants() throws {
        let repo = try TempRepo.example(label: "md-errors")
        defer { repo.remove() }
        try repo.write("tenants/broken.yaml", "apiVersion: licensectl/v1\nkind: Tenant\nmetadata: [\n")
        let run = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29", "--format", "markdown"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("| tenants | not planned (errors) |\n"), "\(run.stdout)")
        #expect(!run.stdout.contains("| tenants | 0 |"))
    }
}
