/// What `licensectl --version` prints: the version and, in a release build, the commit it was
/// built from.
///
/// `release/build.sh` builds from a copy of the sources in which it replaces the `commit` line
/// below with the commit's hash (and `-dirty` when the worktree had uncommitted changes); every
/// other build, `swift build` included, says `(dev)`.
enum BuildInfo {
    /// The release's version (semantic versioning); the release tarball's name carries it.
    static let version = "0.1.0"

    /// The commit a release was built from; `nil` in development builds.
    static let commit: String? = nil

    /// `0.1.0 (commit 0123456789ab)` or `0.1.0 (dev)`.
    static var description: String {
        commit.map { "\(version) (commit \($0))" } ?? "\(version) (dev)"
    }
}
