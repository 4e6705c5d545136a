/// Why the state directory could not be read, locked or written (docs/state.md §5).
///
/// Carries every problem found as ``Diagnostic``s (errors), with file paths relative to the repo
/// root, e.g. `state/tenants/acme.json:1:1: error: state file is truncated or not JSON (…)`, or
/// without a place: `licensectl: error: state is locked by pid 4242 on host ci-1 since …`.
public struct StateStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One diagnostic per problem, file paths relative to the repo root.
    public var diagnostics: [Diagnostic]

    /// An error of several problems.
    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics.sortedForOutput()
    }

    /// One error, optionally at a file (line 1, column 1).
    public init(_ message: String, file: String? = nil) {
        self.init([.error(message, at: file.map { SourceLocation(file: $0, line: 1) })])
    }

    /// The diagnostics, one per line.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
