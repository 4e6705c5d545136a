import Foundation
import TestSupport  // SplitMix64, the seeded generator the benchmark uses
import Testing

@testable import LicenseKit

/// A seeded mutation fuzz test over the example repo's manifests, sales CSVs, device lists and
/// state documents (issue 15). Bounded: a fixed number of mutated inputs, stopped early after a
/// few seconds. For each mutated input: no crash, no hang (the time limit), the same output
/// twice (determinism, docs/rules.md §2), no full code in any diagnostic (docs/README.md §8 "Output"), and a
/// refused run changes nothing in `state/`.
@Suite(.timeLimit(.minutes(2))) struct MutationFuzzTests {
    static let packageRoot: String = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                return folder.path
            }
            folder.deleteLastPathComponent()
        }
        return FileManager.default.currentDirectoryPath
    }()

    /// Bytes that break structure: quotes, delimiters, line breaks, YAML indicators, NUL,
    /// invalid UTF-8, a lookalike dash.
    static let interesting: [[UInt8]] = [
        [0x22], [0x2C], [0x3B], [0x09], [0x0A], [0x0D], [0x20], [0x3A], [0x2D], [0x26, 0x61], [0x2A, 0x61],
        [0x7B], [0x7D], [0x5B], [0x5D], [0x23], [0x00], [0xFF], [0xE2, 0x80, 0x93], [0x22, 0x20, 0x0A], [0x7E],
    ]

    static func mutate(_ bytes: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var out = bytes
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let at = out.isEmpty ? 0 : Int.random(in: 0..<out.count, using: &rng)
            switch Int.random(in: 0...4, using: &rng) {
            case 0 where !out.isEmpty: out[at] ^= UInt8(1 << Int.random(in: 0...7, using: &rng))
            case 1: out.insert(contentsOf: interesting[Int.random(in: 0..<interesting.count, using: &rng)], at: at)
            case 2 where !out.isEmpty: out.removeSubrange(at..<min(out.count, at + Int.random(in: 1...16, using: &rng)))
            case 3 where !out.isEmpty:
                let piece = Array(out[at..<min(out.count, at + Int.random(in: 1...64, using: &rng))])
                out.insert(contentsOf: piece, at: Int.random(in: 0...out.count, using: &rng))
            default:
                if !out.isEmpty { out[at] = interesting[Int.random(in: 0..<interesting.count, using: &rng)][0] }
            }
        }
        return out
    }

    /// Every file under `state/` but the lock, path → bytes.
    static func stateFiles(_ root: String) -> [String: Data] {
        var files = [String: Data]()
        guard let walker = FileManager.default.enumerator(atPath: root + "/state") else { return files }
        while let relative = walker.nextObject() as? String {
            guard relative != ".lock", let data = FileManager.default.contents(atPath: root + "/state/" + relative)
            else { continue }
            files[relative] = data
        }
        return files
    }

    /// One run's observable output: every diagnostic and the JSON plan.
    static func run(_ root: String, at: Instant) -> (text: String, plan: Plan) {
        let workspace = Workspace(root: root)
        let plan = workspace.plan(inputs: workspace.loadInputs(), at: at)
        let text =
            plan.diagnostics.map(\.description).joined(separator: "\n") + "\n" + PlanJSON.renderPieces(plan).joined()
        return (text, plan)
    }

    @Test func mutatedInputsNeverCrashHangLeakCodesOrChangeStateWhenRefused() throws {
        let root = FileManager.default.temporaryDirectory.path + "/licensectl-fuzz-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        for folder in ["tenants", "fixtures", "state"] {
            try FileManager.default.copyItem(atPath: Self.packageRoot + "/" + folder, toPath: root + "/" + folder)
        }
        try? FileManager.default.removeItem(atPath: root + "/state/.lock")
        var targets = [String]()
        for folder in ["tenants", "fixtures", "state/tenants"] {
            let walker = try #require(FileManager.default.enumerator(atPath: root + "/" + folder))
            while let relative = walker.nextObject() as? String {
                if [".yaml", ".csv", ".json"].contains(where: relative.hasSuffix) {
                    targets.append(folder + "/" + relative)
                }
            }
        }
        targets.sort()
        #expect(targets.count >= 10)
        // Every code of the example, as a full canonical code: none may appear in a diagnostic.
        var codes = Set<String>()
        for target in targets {
            let text = try String(contentsOfFile: root + "/" + target, encoding: .utf8)
            for match in text.matches(of: #/[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}/#) {
                codes.insert(String(match.output))
            }
        }
        #expect(codes.count >= 20)
        let at = try Instant.parse("2026-12-01")
        let store = StateStore(root: root, crashAfter: nil)
        var rng = SplitMix64(seed: 0x15_15_15_15)
        let started = Date()
        var runs = 0
        var refused = 0
        while runs < 300, Date().timeIntervalSince(started) < 4 {
            let target = targets[Int.random(in: 0..<targets.count, using: &rng)]
            let path = root + "/" + target
            let original = try #require(FileManager.default.contents(atPath: path))
            let mutated = Self.mutate(Array(original), &rng)
            try Data(mutated).write(to: URL(fileURLWithPath: path))
            defer { try? original.write(to: URL(fileURLWithPath: path)) }
            runs += 1

            let once = Self.run(root, at: at)
            let twice = Self.run(root, at: at)
            #expect(once.text == twice.text, "not deterministic after mutating \(target) (run \(runs))")
            for d in once.plan.diagnostics {
                for code in codes where d.message.contains(code) {
                    Issue.record("\(target) (run \(runs)): diagnostic shows the code \(code): \(d)")
                }
            }
            guard once.plan.hasErrors else { continue }
            refused += 1
            let before = Self.stateFiles(root)
            #expect(throws: StateStoreError.self) { try store.apply(once.plan, lockTimeout: 0, startTime: at) }
            #expect(
                Self.stateFiles(root) == before, "a refused run changed state after mutating \(target) (run \(runs))")
        }
        #expect(runs >= 20, "the fuzz loop ran only \(runs) times")
        #expect(refused > 0, "no mutation was refused: the mutations do not reach the checks")
    }
}
