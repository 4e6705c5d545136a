import Foundation
import Testing

/// docs/README.md §8 / §3.4: a malformed value holding the 12 hex digits of a code is masked like a code
/// in every output, whatever character separates its groups (newcomer report: an en dash in a
/// manifest, a CSV row or a state file printed all 12 digits).
@Suite struct CodeMaskingCLITests {
    static let separators = ["\u{2013}", "\u{2014}", "\u{2212}", "\u{A0}", "\u{200B}", ".", "_", "/", "--"]

    /// Where a mistyped code sits, and the commands that print it.
    enum Place: CaseIterable, Sendable {
        case manifest, salesCSV, stateFile

        /// The example repo's file that gets the mistyped code.
        var file: String {
            switch self {
            case .manifest: "tenants/harbor-lights.yaml"
            case .salesCSV: "fixtures/sales/acme-water-2025-01.csv"
            case .stateFile: "state/tenants/harbor-lights.json"
            }
        }

        /// The commands, without `-C ROOT` (it follows the subcommand).
        var commands: [[String]] {
            switch self {
            case .manifest:
                [
                    ["validate", "--format", "github"], ["validate"],
                    ["plan", "--at", "2026-11-29", "--format", "json"],
                ]
            case .salesCSV:
                [["validate", "--format", "github"], ["plan", "--at", "2026-11-29", "--format", "markdown"]]
            case .stateFile:
                [
                    ["plan", "--at", "2026-11-29"], ["status", "--at", "2026-11-29"],
                    ["status", "--at", "2026-11-29", "--format", "json"], ["show", "harbor-lights"],
                ]
            }
        }

        /// The file's text with 383C-3C4A-AA10 mistyped, `separator` between its groups.
        func edit(_ text: String, separator: String) -> String {
            switch self {
            case .manifest:
                text.replacingOccurrences(
                    of: "code: 383C-3C4A-AA10", with: "code: \"383C\(separator)3C4A-AA10\"")
            case .salesCSV:
                text + "383C\(separator)3C4A\(separator)AA10,Cloud Basic 1,2024-12-20,P1Y,SO-1\n"
            case .stateFile:
                text.replacingOccurrences(of: "\"383C-3C4A-AA10\"", with: "\"383C\(separator)3C4A-AA10\"")
            }
        }
    }

    /// Every output of every command of `place`, after the edit, is free of the code's middle
    /// group `3C4A` and names the value (`383C`); each run fails.
    @Test(arguments: Place.allCases, separators)
    func aMistypedCodeIsMaskedInEveryOutput(_ place: Place, _ separator: String) throws {
        let repo = try TempRepo.example(label: "mask-\(place)")
        defer { repo.remove() }
        let original = try repo.read(place.file)
        let edited = place.edit(original, separator: separator)
        #expect(edited != original, "\(place.file): the edit changed nothing")
        try repo.write(place.file, edited)
        let what = "\(place.file) \(separator.unicodeScalars.map { String($0.value, radix: 16) })"
        for command in place.commands {
            let run = try licensectl([command[0], "-C", repo.root] + command.dropFirst())
            #expect(run.status == 1, "\(what): \(run)")
            #expect(!(run.stdout + run.stderr).contains("3C4A"), "\(what): \(run)")
            #expect((run.stdout + run.stderr).contains("383C"), "\(what): the message names the value: \(run)")
        }
    }
}
