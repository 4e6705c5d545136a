import Foundation
import Testing

/// docs/README.md §8 / §3.4: a malformed value holding the 12 hex digits of a code is masked like a code
/// in every output, whatever character separates its groups (newcomer report: an en dash in a
/// manifest, a CSV row or a state file printed all 12 digits).
@Suite struct CodeMaskingCLITests {
    static let separators = ["\u{2013}", "\u{2014}", "\u{2212}", "\u{A0}", "\u{200B}", ".", "_", "/", "--"]

    /// Every output of `runs` is free of the code's middle group `3C4A`.
    func expectMasked(_ runs: [CLIRun], _ what: String) {
        for run in runs {
            #expect(run.status == 1, "\(what): \(run)")
            #expect(!(run.stdout + run.stderr).contains("3C4A"), "\(what): \(run)")
            #expect((run.stdout + run.stderr).contains("383C"), "\(what): the message names the value: \(run)")
        }
    }

    @Test(arguments: separators)
    func aMistypedCodeInAManifestIsMasked(_ separator: String) throws {
        let repo = try TempRepo.example(label: "mask-manifest")
        defer { repo.remove() }
        let manifest = try repo.read("tenants/harbor-lights.yaml")
        try repo.write(
            "tenants/harbor-lights.yaml",
            manifest.replacingOccurrences(
                of: "code: 383C-3C4A-AA10", with: "code: \"383C\(separator)3C4A-AA10\""))
        expectMasked(
            try [
                licensectl(["validate", "-C", repo.root, "--format", "github"]),
                licensectl(["validate", "-C", repo.root]),
                licensectl(["plan", "-C", repo.root, "--at", "2026-11-29", "--format", "json"]),
            ], "manifest \(separator.unicodeScalars.map { String($0.value, radix: 16) })")
    }

    @Test(arguments: separators)
    func aMistypedCodeInASalesCSVIsMasked(_ separator: String) throws {
        let repo = try TempRepo.example(label: "mask-csv")
        defer { repo.remove() }
        let csv = try repo.read("fixtures/sales/acme-water-2025-01.csv")
        try repo.write(
            "fixtures/sales/acme-water-2025-01.csv",
            csv + "383C\(separator)3C4A\(separator)AA10,Cloud Basic 1,2024-12-20,P1Y,SO-1\n")
        expectMasked(
            try [
                licensectl(["validate", "-C", repo.root, "--format", "github"]),
                licensectl(["plan", "-C", repo.root, "--at", "2026-11-29", "--format", "markdown"]),
            ], "CSV \(separator.unicodeScalars.map { String($0.value, radix: 16) })")
    }

    @Test(arguments: separators)
    func aMistypedCodeInAStateFileIsMaskedByPlanStatusAndShow(_ separator: String) throws {
        let repo = try TempRepo.example(label: "mask-state")
        defer { repo.remove() }
        let state = try repo.read("state/tenants/harbor-lights.json")
        #expect(state.contains("\"383C-3C4A-AA10\""))
        try repo.write(
            "state/tenants/harbor-lights.json",
            state.replacingOccurrences(
                of: "\"383C-3C4A-AA10\"", with: "\"383C\(separator)3C4A-AA10\""))
        expectMasked(
            try [
                licensectl(["plan", "-C", repo.root, "--at", "2026-11-29"]),
                licensectl(["status", "-C", repo.root, "--at", "2026-11-29"]),
                licensectl(["status", "-C", repo.root, "--at", "2026-11-29", "--format", "json"]),
                licensectl(["show", "-C", repo.root, "harbor-lights"]),
            ], "state \(separator.unicodeScalars.map { String($0.value, radix: 16) })")
    }
}
