import Crypto

/// A shard of the fleet, `I/N` (docs/cli.md §5.2): tenant `t` belongs to shard
/// 1 + (the first 8 bytes of SHA-256 of `t`'s UTF-8 name, as a big-endian integer) mod N.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    /// 1-based, `1 ≤ index ≤ count`.
    public let index: Int
    /// The number of shards, ≥ 1.
    public let count: Int

    /// Parses `I/N`, e.g. `2/4`.
    ///
    /// - Throws: ``SelectionError`` saying what was found and what is expected, e.g. for `0/3`,
    ///   `4/3`, `x`.
    public init(parsing text: String) throws(SelectionError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        // Whole numbers; a negative one (`-1/2`) is out of range, not malformed.
        let whole = { (part: Substring) in
            let digits = part.hasPrefix("-") ? part.dropFirst() : part
            return !digits.isEmpty && digits.utf8.allSatisfy { (0x30...0x39).contains($0) }
        }
        guard parts.count == 2, parts.allSatisfy(whole),
            let index = Int(parts[0]), let count = Int(parts[1])
        else {
            throw .shardNotTwoNumbers(text)
        }
        guard count >= 1, (1...count).contains(index) else {
            throw .shardOutOfRange(text)
        }
        self.index = index
        self.count = count
    }

    /// The shard (1-based) that `tenant` belongs to among `count` shards.
    public static func of(_ tenant: String, count: Int) -> Int {
        let digest = Array(SHA256.hash(data: Array(tenant.utf8)))
        var value: UInt64 = 0
        for byte in digest.prefix(8) { value = value << 8 | UInt64(byte) }
        return 1 + Int(value % UInt64(Swift.max(1, count)))
    }

    /// Whether `tenant` belongs to this shard.
    public func contains(_ tenant: String) -> Bool { Shard.of(tenant, count: count) == index }

    /// `I/N`.
    public var description: String { "\(index)/\(count)" }
}

/// The tenants a run is restricted to (docs/cli.md §5.2, docs/README.md §8 "Selections"): `--target` names, a
/// `--shard`, and positional TENANT arguments of `status`/`forecast`, intersected. Every
/// manifest is still read and every cross-tenant check still runs; only selected tenants are
/// planned, written and printed.
public struct TenantSelection: Sendable, Hashable {
    /// `--target` names, sorted and unique; empty: no restriction by name.
    public var targets: [String]
    /// `--shard I/N`, if given.
    public var shard: Shard?
    /// Positional TENANT arguments (`status`, `forecast`); empty: no restriction. Not recorded
    /// in plan files.
    public var arguments: [String]

    /// A selection of `--target` names, a `--shard` and positional TENANT arguments (docs/cli.md §5.2).
    public init(targets: [String] = [], shard: Shard? = nil, arguments: [String] = []) {
        self.targets = Array(Set(targets)).sorted()
        self.shard = shard
        self.arguments = arguments
    }

    /// Whether this restricts anything at all.
    public var isRestricting: Bool { !targets.isEmpty || shard != nil || !arguments.isEmpty }

    /// Whether `tenant` is selected: in every given restriction.
    public func contains(_ tenant: String) -> Bool {
        if !targets.isEmpty, !targets.contains(tenant) { return false }
        if !arguments.isEmpty, !arguments.contains(tenant) { return false }
        if let shard, !shard.contains(tenant) { return false }
        return true
    }

    /// What a plan file records (`"selection"`, docs/cli.md §6 Plan JSON): the targets and the shard;
    /// `nil` without `--target`/`--shard`.
    public var recorded: TenantSelection? {
        targets.isEmpty && shard == nil ? nil : TenantSelection(targets: targets, shard: shard)
    }

    /// Errors for names given with `--target` or as arguments that name no tenant of the
    /// manifests or of state (docs/README.md §8 "Selections").
    ///
    /// - Parameter known: every tenant name of the manifests and of state.
    /// - Returns: one error per unknown name, with the closest known name when one is close
    ///   (edit distance 2 at most) and the known tenants (at most 10).
    public func unknownNames(known: Set<String>) -> [Diagnostic] {
        let names = Array(Set(targets + arguments)).sorted().filter { !known.contains($0) }
        guard !names.isEmpty else { return [] }
        let sorted = known.sorted()
        let list =
            sorted.isEmpty
            ? "none"
            : sorted.prefix(10).joined(separator: ", ") + (sorted.count > 10 ? " and \(sorted.count - 10) more" : "")
        let diagnostics = DiagnosticsEngine()
        for name in names {
            let suggestion = DidYouMean.suggestion(for: name, among: sorted)
            diagnostics.error(
                SelectionError.unknownTenant(name, known: list, suggestion: suggestion).message, keeping: sorted)
        }
        return diagnostics.emitted
    }
}
