/// "did you mean …?" for every stage: the manifest decoder's closest-key rule, shared with the
/// other modules of the package (the PostgreSQL URL's parameters).
package enum DidYouMean {
    /// The closest of `keys` to `name` within edit distance 2 (or equal ignoring case), `nil`
    /// when none is close.
    package static func suggestion(for name: String, among keys: [String]) -> String? {
        ManifestDecoder.suggestion(for: name, among: keys)
    }
}
