import Foundation
import Testing

/// docs/README.md §8 / §3.4: a malformed value holding the 12 hex digits of a code is masked like a code
/// in every output, whatever character separates its groups (newcomer report: an en dash in a
/// manifest, a CSV row or a state file printed all 12 digits).
@Suite struct CodeMaskingCLITests {
    static let separators = ["\u{2013}", "\u{2014}", "\u{2212}", "\u{A0}", "\u{200B}", ".", "_", "/", "--"]

    /// Edits `file` of a copy of the example repo with `edit`, runs each of `commands` on it
    /// (`-C ROOT` after the subcommand) and expects every output free of the code's middle group
    /// `3C4A` while naming the value (`383C`).
    func expectMasked(
        editing file: String, label: String, separator: String, commands: [[String]],
        _ edit: (String) -> String
    ) throws {
        let repo = try TempRepo.example(label: label)
        defer { repo.remove() }
        let original = try repo.read(file)
        let edited = edit(original)
        #expect(edited != original, "\(file): the edit changed nothing")
        try repo.write(file, edited)
        let what = "\(file) \(separator.unicodeScalars.map { String($0.value, radix: 16) })"
        for command in commands {
            let run = try licensectl([command[0], "-C", repo.root] + command.dropFirst())
            #expect(run.status == 1, "\(what): \(run)")
            #expect(!(run.stdout + run.stderr).contains("3C4A"), "\(what): \(run)")
            #expect((run.stdout + run.stderr).contains("383C"), "\(what): the message names the value: \(run)")
        }
    }

    @Test(arguments: separators)
    func aMistypedCodeInAManifestIsMasked(_ separator: String) throws {
        try expectMasked(
            editing: "tenants/harbor-lights.yaml", label: "mask-manifest", separator: separator,
            commands: [
                ["validate", "--format", "github"],
                ["validate"],
                ["plan", "--at", "2026-11-29", "--format", "json"],
            ]
        ) { $0.replacingOccurrences(of: "code: 383C-3C4A-AA10", with: "code: \"383C\(separator)3C4A-AA10\"") }
    }

    @Test(arguments: separators)
    func aMistypedCodeInASalesCSVIsMasked(_ separator: String) throws {
        try expectMasked(
            editing: "fixtures/sales/acme-water-2025-01.csv", label: "mask-csv", separator: separator,
            commands: [
                ["validate", "--format", "github"],
                ["plan", "--at", "2026-11-29", "--format", "markdown"],
            ]
        ) { $0 + "383C\(separator)3C4A\(separator)AA10,Cloud Basic 1,2024-12-20,P1Y,SO-1\n" }
    }

    @Test(arguments: separators)
    func aMistypedCodeInAStateFileIsMaskedByPlanStatusAndShow(_ separator: String) throws {
        try expectMasked(
            editing: "state/tenants/harbor-lights.json", label: "mask-state", separator: separator,
            commands: [
                ["plan", "--at", "2026-11-29"],
                ["status", "--at", "2026-11-29"],
                ["status", "--at", "2026-11-29", "--format", "json"],
                ["show", "harbor-lights"],
            ]
        ) { $0.replacingOccurrences(of: "\"383C-3C4A-AA10\"", with: "\"383C\(separator)3C4A-AA10\"") }
    }
}
