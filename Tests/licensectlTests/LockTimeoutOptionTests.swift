import Foundation
import Testing

/// `--lock-timeout SECONDS` of `apply` and `state migrate` (docs/cli.md §6 "apply"): a number of
/// seconds from 0 to 86400, refused with one clear message otherwise (newcomer run 7:
/// `--lock-timeout -1` got swift-argument-parser's "Missing value", `1e9` was echoed as
/// `1000000000.0`, `nan` as `nan`). Exit 1, nothing written.
@Suite struct LockTimeoutOptionTests {
    static let range = "--lock-timeout: expected a number of seconds from 0 to 86400"

    @Test(arguments: [
        ("-1", "\(range), found '-1'; a wait cannot be negative: give 0 to fail at once"),
        ("-0.5", "\(range), found '-0.5'; a wait cannot be negative: give 0 to fail at once"),
        ("1e9", "\(range) such as 30 or 1.5 (0 fails at once), found '1e9'"),
        ("86401", "\(range) such as 30 or 1.5 (0 fails at once), found '86401'"),
        ("nan", "\(range) such as 30 or 1.5 (0 fails at once), found 'nan'"),
        ("inf", "\(range) such as 30 or 1.5 (0 fails at once), found 'inf'"),
        ("-inf", "\(range) such as 30 or 1.5 (0 fails at once), found '-inf'"),
        ("0x10", "\(range) such as 30 or 1.5 (0 fails at once), found '0x10'"),
        ("soon", "\(range) such as 30 or 1.5 (0 fails at once), found 'soon'"),
    ])
    func aValueThatIsNoWaitIsRefusedAsTyped(value: String, message: String) throws {
        let repo = try TempRepo.example(withState: false, label: "lock-timeout")
        defer { repo.remove() }
        let before = repo.files()
        for spelling in [["--lock-timeout", value], ["--lock-timeout=\(value)"]] {
            let run = try licensectl(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes"] + spelling)
            #expect(run.status == 1, "\(spelling): \(run)")
            #expect(run.stderr.hasPrefix("Error: \(message)\n"), "\(spelling): \(run)")
            #expect(!run.stderr.contains("Missing value"), "\(run)")
        }
        #if PostgreSQL
        let migrate = try licensectl(
            [
                "state", "migrate", "-C", repo.root, "--from", "state", "--to", "postgres://u@h/db", "--lock-timeout",
                value,
            ])
        #expect(migrate.status == 1, "\(migrate)")
        #expect(migrate.stderr.hasPrefix("Error: \(message)\n"), "\(migrate)")
        #endif
        #expect(repo.files() == before)
        #expect(!repo.exists("state"))
    }

    /// `0` (fail at once), whole and decimal numbers and the bound are taken; `-0` is zero, not
    /// negative (newcomer run 8).
    @Test(arguments: ["0", "-0", "-0.0", "1.5", "1e2", "86400"])
    func aWaitFrom0To86400IsTaken(value: String) throws {
        let repo = try TempRepo.example(label: "lock-timeout-ok")
        defer { repo.remove() }
        let run = try licensectl(["apply", "-C", repo.root, "--at", "2026-11-29", "--yes", "--lock-timeout", value])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("Apply complete at 2026-11-29T00:00:00Z: "), "\(run)")
    }
}
