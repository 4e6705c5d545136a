import Foundation
import PostgresTestSupport
import Testing

/// `status` as a fleet table, `show TENANT|PLANFILE`, and what an apply that writes nothing
/// leaves behind (docs/state.md §5, docs/cli.md §6, docs/README.md §8 "Output", "Apply and the lock").
@Suite(.postgresClusterOnDemand) struct FleetViewCommandTests {
    // MARK: - status

    @Test func statusWithoutTenantsIsOneLinePerTenant() throws {
        let repo = try TempRepo.example(label: "status-table")
        defer { repo.remove() }
        let run = try licensectl(["status", "-C", repo.root, "--at", "2026-11-29"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.isEmpty)
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        // Title, blank, header, 4 tenants, blank, total, final newline.
        #expect(lines.count == 10, "\(run.stdout)")
        #expect(lines[2].hasPrefix("TENANT "))
        // acme-water: 8 active, 2 expired, next expiry 2026-12-15 → 16 days after 2026-11-29.
        #expect(
            lines[3].split(separator: " ", omittingEmptySubsequences: true)
                == ["acme-water", "full", "8", "8", "2", "8", "0", "0", "2", "0", "2026-12-15T00:00:00Z", "16"])
        #expect(!run.stdout.contains("00A0BA"), "no router in the table")
    }

    @Test func daysLeftIsFlooredToWholeDays() throws {
        let repo = try TempRepo.example(label: "status-days")
        defer { repo.remove() }
        // 2026-12-15T00:00:00Z − 2026-11-29T12:00:00Z = 15.5 days → 15.
        let run = try licensectl(["status", "-C", repo.root, "--at", "2026-11-29T12:00:00Z", "--format", "json"])
        #expect(run.status == 0, "\(run)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let tenants = try #require(object["tenants"] as? [[String: Any]])
        let acme = try #require(tenants.first { $0["tenant"] as? String == "acme-water" })
        #expect(acme["nextExpiry"] as? String == "2026-12-15T00:00:00Z")
        #expect(acme["daysLeft"] as? Int == 15)
        // JSON carries every tenant's full detail, routers included, without TENANT arguments.
        #expect(tenants.count == 4)
        #expect((acme["routers"] as? [[String: Any]])?.count == 10)
    }

    @Test func statusWithTenantsShowsTheirDetail() throws {
        let repo = try TempRepo.example(label: "status-detail")
        defer { repo.remove() }
        let run = try licensectl(["status", "acme-water", "-C", repo.root, "--at", "2026-11-29"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("acme-water  (serial 2, applied 2026-11-01T00:00:00Z)\n"))
        #expect(run.stdout.contains("  next expiry: 2026-12-15T00:00:00Z (16 days left)\n"))
        #expect(run.stdout.contains("    00A0BA16C8F4  offline  capacity  connected 2025-09-08T11:45:00Z\n"))
        #expect(!run.stdout.contains("harbor-lights"))
    }

    @Test func statusTakesTargetAndShard() throws {
        let repo = try TempRepo.example(label: "status-select")
        defer { repo.remove() }
        let run = try licensectl(["status", "-C", repo.root, "--at", "2026-11-29", "--shard", "3/3"])
        #expect(run.status == 0, "\(run)")
        let names = run.stdout.split(separator: "\n").dropFirst(1).compactMap { $0.split(separator: " ").first }
        #expect(names.prefix(3) == ["TENANT", "harbor-lights", "nordlicht-ferries"])
        let target = try licensectl([
            "status", "-C", repo.root, "--at", "2026-11-29", "--target", "acme-water", "--format", "json",
        ])
        #expect(target.stdout.contains("\"tenant\": \"acme-water\""))
        #expect(!target.stdout.contains("\"tenant\": \"harbor-lights\""))
    }

    @Test func aSelectionWithoutStateSaysSo() throws {
        let repo = try TempRepo.example(label: "status-empty-shard")
        defer { repo.remove() }
        // No example tenant is in shard 1 of 3 (see SelectionCommandTests).
        let run = try licensectl(["status", "-C", repo.root, "--at", "2026-11-29", "--shard", "1/3"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout == "licensectl status at 2026-11-29T00:00:00Z\n\nNo tenant of this selection has state.\n")
    }

    @Test func statePastAtIsShownWithAWarning() throws {
        let repo = try TempRepo.example(label: "status-early")
        defer { repo.remove() }
        let run = try licensectl(["status", "-C", repo.root, "--at", "2026-10-01", "--target", "acme-water"])
        #expect(run.status == 0, "\(run)")
        #expect(
            run.stderr
                == "state/tenants/acme-water.json:1:1: warning: tenant 'acme-water' was applied at 2026-11-01T00:00:00Z, after --at 2026-10-01T00:00:00Z; shown as recorded then\n"
        )
        #expect(run.stdout.contains("acme-water"))
    }

    @Test func anUnreadableStateFileOfAnUnselectedTenantDoesNotFailStatus() throws {
        let repo = try TempRepo.example(label: "status-bad-other")
        defer { repo.remove() }
        try repo.write("state/tenants/harbor-lights.json", "{")
        let other = try licensectl(["status", "-C", repo.root, "--at", "2026-11-29", "--target", "acme-water"])
        #expect(other.status == 0, "\(other)")
        let all = try licensectl(["status", "-C", repo.root, "--at", "2026-11-29"])
        #expect(all.status == 1)
        #expect(all.stderr.hasPrefix("state/tenants/harbor-lights.json:"), "\(all.stderr)")
    }

    // MARK: - show

    @Test func showAMissingPlanFileSaysItDoesNotExist() throws {
        let repo = try TempRepo.example(label: "show-missing")
        defer { repo.remove() }
        let run = try licensectl(["show", "nothere.json", "-C", repo.root])
        #expect(run.status == 1)
        #expect(
            run.stderr
                == "licensectl: error: plan file 'nothere.json' does not exist (an argument containing '.' or '/' is a plan file; a tenant name has neither)\n",
            "\(run)")
    }

    /// On both backends: only the document's place differs (docs/README.md §8 "PostgreSQL").
    @Test(arguments: Backend.all)
    func showTenantPrintsTheDocumentAsRecorded(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "show-tenant")
        defer { repo.remove() }
        let document = try #require(
            try repo.stateFiles()["state/tenants/acme-water.json"].map { String(decoding: $0, as: UTF8.self) })
        let run = try repo.run(["show", "acme-water", "-C", repo.root])
        #expect(run.status == 0, "\(run)")
        #expect(
            run.stdout.hasPrefix(
                "tenant acme-water  (\(repo.place(ofTenant: "acme-water")): serial 2, applied 2026-11-01T00:00:00Z)\nas recorded: mode full, capacity 8, 8 online, 2 offline\n\nlicenses (10):\n  CODE            TYPE           STATUS"
            ),
            "\(run.stdout)")
        #expect(run.stdout.contains("\nrouters (10):\n  SERIAL        STATUS   REASON    CONNECTED\n"))
        #expect(run.stdout.contains("  00A0BA16C8F4  offline  capacity  2025-09-08T11:45:00Z\n"))
        // Masked codes unless --show-codes; the JSON is the document itself.
        #expect(!run.stdout.contains(try #require(firstCode(in: document))))
        let json = try repo.run(["show", "acme-water", "-C", repo.root, "--format", "json"])
        #expect(json.stdout == document)
        let markdown = try repo.run(["show", "acme-water", "-C", repo.root, "--format", "markdown"])
        #expect(markdown.stdout.hasPrefix("### Tenant `acme-water`\n"))
        #expect(markdown.stdout.contains("| code | type | status | activation | expiry | source |\n"))
    }

    @Test(arguments: Backend.all)
    func showTenantDoesNotReplay(_ backend: Backend) throws {
        let repo = try StateFixture.example(backend, label: "show-no-replay")
        defer { repo.remove() }
        // Years later every license would have expired; show still prints what was recorded.
        let run = try repo.run(["show", "acme-water", "-C", repo.root])
        #expect(run.stdout.contains(" active "))
        let unknown = try repo.run(["show", "nobody", "-C", repo.root])
        #expect(unknown.status == 1)
        #expect(
            unknown.stderr
                == "licensectl: error: tenant 'nobody' has no state in \(repo.tenantsPlace); tenants with state: acme-water, harbor-lights, nordlicht-ferries, stadtwerke-nord\n"
        )
    }

    @Test(arguments: ["text", "markdown", "json"])
    func showPlanFilePrintsWhatPlanPrinted(format: String) throws {
        let repo = try TempRepo.example(label: "show-plan-\(format)")
        defer { repo.remove() }
        let plan = try licensectl([
            "plan", "-C", repo.root, "--at", "2026-11-29", "--out", "plans/p.json", "--format", format,
        ])
        #expect(plan.status == 1 || plan.status == 0)
        if plan.status == 1 {
            // plans/ does not exist yet: write into the root instead.
        }
        let written = try licensectl([
            "plan", "-C", repo.root, "--at", "2026-11-29", "--out", "p.json", "--format", format,
        ])
        #expect(written.status == 0, "\(written)")
        let shown = try licensectl(["show", "p.json", "-C", repo.root, "--format", format])
        #expect(shown.status == 0, "\(shown)")
        #expect(shown.stdout == written.stdout)
        #expect(shown.stderr == written.stderr)
        let sharded = try licensectl([
            "plan", "-C", repo.root, "--at", "2026-11-29", "--out", "s.json", "--shard", "2/3", "--format", format,
        ])
        let shownSharded = try licensectl(["show", "./s.json", "-C", repo.root, "--format", format])
        #expect(shownSharded.stdout == sharded.stdout)
        #expect(shownSharded.stderr == sharded.stderr)
    }

    @Test func showPlanFileOfAFirstApplyIsExactToo() throws {
        let repo = try TempRepo.example(withState: false, label: "show-plan-new")
        defer { repo.remove() }
        let written = try licensectl(["plan", "-C", repo.root, "--at", "2025-01-01", "--out", "p.json", "--show-codes"])
        #expect(written.status == 0, "\(written)")
        let shown = try licensectl(["show", "p.json", "-C", repo.root, "--show-codes"])
        #expect(shown.stdout == written.stdout)
    }

    // MARK: - apply that writes nothing

    @Test func anApplyWithNothingToWriteCreatesNoStateFolderAndNoLock() throws {
        let repo = try TempRepo(label: "apply-nothing")
        defer { repo.remove() }
        try repo.write("tenants/empty.yaml", "apiVersion: licensectl/v1\nkind: Tenant\nmetadata:\n  name: empty\n")
        let first = try licensectl(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes"])
        #expect(first.status == 0, "\(first)")
        #expect(repo.exists("state/tenants/empty.json"))
        try FileManager.default.removeItem(atPath: repo.path("state/.lock"))
        let before = repo.files()
        let second = try licensectl(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes"])
        #expect(second.status == 0, "\(second)")
        #expect(second.stdout.contains("No changes."))
        #expect(changedPaths(before, repo.files()) == [])
        #expect(!repo.exists("state/.lock"))
    }

    @Test func aRefusedApplyCreatesNothing() throws {
        let repo = try TempRepo.example(withState: false, label: "apply-refused")
        defer { repo.remove() }
        try repo.write("tenants/broken.yaml", "apiVersion: licensectl/v1\nkind: Tenant\nmetadata: [\n")
        let run = try licensectl(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes"])
        #expect(run.status == 1)
        #expect(!repo.exists("state"))
        let stale = try licensectl(["apply", "-C", repo.root, "missing.json"])
        #expect(stale.status == 1)
        #expect(!repo.exists("state"))
    }

    @Test func applyPlanFileWithAFutureAtWarns() throws {
        let repo = try freshRepo(label: "apply-future-file")
        defer { repo.remove() }
        let future = utcStamp(Date().addingTimeInterval(3 * 86_400))
        let plan = try licensectl(["plan", "-C", repo.root, "--at", future, "--out", "p.json"])
        #expect(plan.status == 0, "\(plan)")
        let apply = try licensectl(["apply", "-C", repo.root, "p.json"])
        #expect(
            apply.stderr.contains(
                "warning: applying at \(future), later than the current time: until then, plans without --at are refused (--at earlier than appliedAt)"
            ),
            "\(apply)")
    }

    @Test func lockTimeoutHelpShowsItsDefaultOnce() throws {
        let run = try licensectl(["apply", "--help"])
        let lines = run.stdout.split(separator: "\n").filter { $0.contains("lock") || $0.contains("default: 0") }
        let text = lines.joined(separator: "\n")
        #expect(text.components(separatedBy: "default").count == 2, "\(text)")
    }

    private func firstCode(in json: String) -> String? {
        guard let range = json.range(of: "\"code\": \"") else { return nil }
        return String(json[range.upperBound...].prefix(14))
    }
}
