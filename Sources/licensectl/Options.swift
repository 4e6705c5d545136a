import ArgumentParser
import LicenseKit

/// Options every command that reads the license repo shares (docs/cli.md §6).
struct RepoOptions: ParsableArguments {
    @Option(name: .customShort("C"), help: ArgumentHelp("The license repo's root directory.", valueName: "DIR"))
    var directory: String = "."

    @Option(
        name: .customLong("tenants"),
        help: ArgumentHelp("The tenant manifests' folder, relative to -C.", valueName: "DIR"))
    var tenants: String = "tenants"
}

/// `--target TENANT` (repeatable) and `--shard I/N`, shared by `plan`, `apply`, `status` and
/// `forecast` (docs/cli.md §5.2, docs/README.md §8 "Selections").
struct SelectionOptions: ParsableArguments {
    @Option(
        name: .customLong("target"),
        help: ArgumentHelp(
            "Plan, apply or show only this tenant (repeatable). Every manifest is still read and checked.",
            valueName: "TENANT"))
    var targets: [String] = []

    // `.unconditional`: `--shard -1/2` reaches the range check instead of being taken for a flag.
    // Collected as an array so that a second `--shard` is an error instead of silently
    // replacing the first.
    @Option(
        name: .customLong("shard"), parsing: .unconditionalSingleValue,
        help: ArgumentHelp(
            "Only the tenants of shard I of N (1 ≤ I ≤ N): 1 + (first 8 bytes of SHA-256 of the name) mod N. Given once.",
            valueName: "I/N"))
    var shards: [String] = []

    /// `--shard`, when given.
    var shard: String? { shards.first }

    /// Whether `--target` or `--shard` was given.
    var isGiven: Bool { !targets.isEmpty || shard != nil }

    func validate() throws {
        if shards.count > 1 {
            throw ValidationError(
                "--shard is given \(shards.count) times (\(shards.map { "'\($0)'" }.joined(separator: ", "))); a run takes one shard: give --shard once"
            )
        }
        if let shard {
            do {
                _ = try Shard(parsing: shard)
            } catch {
                throw ValidationError(error.message)
            }
        }
        for target in targets where target.isEmpty {
            throw ValidationError(SelectionError.emptyTarget.message)
        }
    }

    /// The selection, intersected with positional TENANT `arguments`.
    func selection(arguments: [String] = []) -> TenantSelection {
        TenantSelection(targets: targets, shard: shard.flatMap { try? Shard(parsing: $0) }, arguments: arguments)
    }
}

/// A number of seconds as typed on the command line (`--lock-timeout`, docs/cli.md §6 "apply"):
/// a decimal number (`30`, `1.5`, `1e3`) from 0 up to a bound; `-0` is zero. Errors repeat the value as typed,
/// not as a `Double` prints it (`1e9`, not `1000000000.0`).
enum Seconds {
    /// The seconds `text` names.
    ///
    /// - Throws: ``CommandError/negativeSeconds(option:upTo:found:)`` below zero;
    ///   ``CommandError/notSeconds(option:upTo:found:)`` for text that is no decimal number
    ///   (`nan`, `inf`, `0x10`, `soon`) or a number above `upTo`.
    static func parse(_ text: String, option: String, upTo: Int) throws(CommandError) -> Double {
        // Digits, a point, an exponent: Double(_:) alone also takes nan, inf and hex.
        let decimal =
            !text.isEmpty
            && text.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte)
                    || [
                        UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"),
                        UInt8(ascii: "+"), UInt8(ascii: "-"),
                    ].contains(byte)
            }
        guard decimal, let value = Double(text), value.isFinite else {
            throw .notSeconds(option: option, upTo: upTo, found: text)
        }
        // `-0` (and `-0.0`, `-0e3`) is zero, not negative (newcomer run 8).
        if value < 0 {
            throw .negativeSeconds(option: option, upTo: upTo, found: text)
        }
        guard value <= Double(upTo) else {
            throw .notSeconds(option: option, upTo: upTo, found: text)
        }
        return value == 0 ? 0 : value
    }
}
