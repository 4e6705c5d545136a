/// A `--shard`, `--target` or TENANT value that cannot be used (docs/cli.md §5.2). Each case
/// renders its message: what was found and what is expected.
public enum SelectionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `--shard` that is not two whole numbers `I/N` (`x`, `1/`, `1/2/3`); the text as given.
    case shardNotTwoNumbers(String)
    /// `--shard I/N` outside 1 ≤ I ≤ N (`0/3`, `4/3`, `-1/3`); the text as given.
    case shardOutOfRange(String)
    /// `--target` given an empty value.
    case emptyTarget
    /// A `--target` or TENANT name that no manifest and no state document names; `known` lists
    /// the known tenants (at most 10, then `and N more`), or is `none`; `suggestion` is the
    /// closest known name (a typo), if one is close.
    case unknownTenant(String, known: String, suggestion: String? = nil)
    /// A `status` TENANT or `--target` without a state document in `location` (the backend's
    /// tenants location, `state/tenants`); `status` reads only state.
    case noState(String, location: String)

    /// The whole message, e.g. `--shard: expected I/N with 1 ≤ I ≤ N …, found '0/3'`.
    public var message: String {
        switch self {
        case .shardNotTwoNumbers(let text):
            "--shard: expected I/N (two whole numbers, e.g. 2/4: the second of four shards), found '\(text)'"
        case .shardOutOfRange(let text):
            "--shard: expected I/N with 1 ≤ I ≤ N (shards are numbered from 1), found '\(text)'"
        case .emptyTarget:
            "--target: expected a tenant name, found an empty value"
        case .unknownTenant(let name, let known, let suggestion):
            "unknown tenant '\(name)': no manifest and no state file names it; \(suggestion.map { "did you mean '\($0)'? " } ?? "")known tenants: \(known)"
        case .noState(let name, let location):
            "tenant '\(name)' has no state in \(location)"
        }
    }

    /// The same as ``message``.
    public var description: String { message }
}
