import Foundation

/// Stage 3, parse: a manifest's bytes into drafts, by the stream decoder when the manifest is
/// clean, else by the node tree with every problem at its place.
extension LicenseRepoLoader {
    struct ParsedManifest: Sendable {
        var relative: String
        var bytes: [UInt8]?
        var drafts: [ManifestDraft]
        var diagnostics: [Diagnostic]
    }

    static func parseManifest(absolute: String, relative: String, paths: RepoPaths) -> ParsedManifest {
        guard let bytes = readBytes(absolute) else {
            return ParsedManifest(
                relative: relative, bytes: nil, drafts: [],
                diagnostics: [
                    .error(
                        RepoError.unreadableFile(path: relative, reason: unreadableReason(absolute)).message,
                        at: SourceLocation(file: relative, line: 1))
                ])
        }
        let directory = String(absolute[..<(absolute.lastIndex(of: "/") ?? absolute.endIndex)])
        // The fast path first: a clean manifest decodes straight from libyaml's events. Anything
        // else is read again through the node trees, which report every problem at its place.
        let diagnostics = DiagnosticsEngine()
        let drafts =
            cleanDrafts(bytes, file: relative, directory: directory, paths: paths)
            ?? diagnosedDrafts(bytes, file: relative, directory: directory, paths: paths, diagnostics: diagnostics)
        if drafts.isEmpty && diagnostics.count == 0 {
            // An emptied manifest would otherwise pass `validate` and only surface in `plan` (as
            // "state but no manifest") or, for a new tenant, not at all.
            diagnostics.warning(
                RepoError.noTenantDocument.message,
                at: SourceLocation(file: relative, line: 1))
        }
        return ParsedManifest(relative: relative, bytes: bytes, drafts: drafts, diagnostics: diagnostics.emitted)
    }

    /// The drafts of a manifest file through ``ManifestStreamDecoder``, or `nil` when the file is
    /// not entirely clean (then ``diagnosedDrafts(_:file:directory:paths:)`` reads it).
    static func cleanDrafts(_ bytes: [UInt8], file: String, directory: String, paths: RepoPaths) -> [ManifestDraft]? {
        let start = YAMLReader.bomLength(bytes)
        guard YAMLReader.checkBytes(bytes, from: start, path: file) == nil else { return nil }
        let decoder = ManifestStreamDecoder(file: file, directory: directory, paths: paths)
        return bytes.withUnsafeBufferPointer { buffer in
            decoder.decode(UnsafeBufferPointer(rebasing: buffer[start...]))
        }
    }

    /// The drafts of a manifest file through ``YAMLReader`` and ``ManifestDecoder``, every
    /// problem found reported to `diagnostics`.
    static func diagnosedDrafts(
        _ bytes: [UInt8], file: String, directory: String,
        paths: RepoPaths, diagnostics: DiagnosticsEngine
    ) -> [ManifestDraft] {
        let documents = YAMLReader.read(bytes, path: file, keys: ManifestSchema.internedKeys, diagnostics: diagnostics)
        let decoder = ManifestDecoder(file: file, directory: directory, paths: paths, diagnostics: diagnostics)
        return documents.compactMap { decoder.decode($0) }
    }

    /// ``diagnosedDrafts(_:file:directory:paths:diagnostics:)`` with the problems in the order
    /// they were found.
    static func diagnosedDrafts(
        _ bytes: [UInt8], file: String, directory: String, paths: RepoPaths
    ) -> (drafts: [ManifestDraft], diagnostics: [Diagnostic]) {
        let diagnostics = DiagnosticsEngine()
        let drafts = diagnosedDrafts(bytes, file: file, directory: directory, paths: paths, diagnostics: diagnostics)
        return (drafts, diagnostics.emitted)
    }
}
