import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What every reader of a state directory says about `state/journal.jsonl` (docs/README.md §8
/// "State"): the journal is append-only, so only its last line can be torn, by a crash.
///
/// - A torn last line (not a complete journal object, no newline) is what a crash leaves: `plan`
///   and `apply` warn that the next apply that writes cuts it (apply then does); `state migrate`
///   refuses to copy it and says how to cut it (reading the source changes nothing).
/// - Any other line that is not one JSON object (`{…}` on one line, as apply writes it) was
///   edited by hand: an error everywhere, at its line, nothing written.
extension StateStore {
    /// The problems of the journal, read-only: a torn last line as a warning, every other line
    /// that is not a `{…}` object as an error (at `state/journal.jsonl:LINE:1`), lines that end
    /// in CRLF as one error (git's `core.autocrlf`), and a journal missing beside
    /// `tenantDocuments` > 0 tenant documents as a warning (the history is lost; the next apply
    /// starts a new journal). An unreadable journal has none here (writing it reports that).
    func journalDiagnostics(tenantDocuments: Int = 0) -> [Diagnostic] {
        let shown = display(StateStore.journalName)
        guard let bytes = readJournal() else {
            guard tenantDocuments > 0, !journalExists else { return [] }
            return [
                .warning(
                    "the journal is missing while \(tenantDocuments) tenant document\(tenantDocuments == 1 ? "" : "s") exist: the history of past applies is lost; restore it from git (git checkout -- \(shown)) — the next apply starts a new journal with its own events only",
                    at: SourceLocation(file: shown, line: 1))
            ]
        }
        var diagnostics = [Diagnostic]()
        var crlf: (first: Int, count: Int)?
        var lineNumber = 0
        var start = 0
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            while start < buffer.count {
                lineNumber += 1
                // memchr: the journal of a big fleet is tens of megabytes, read by every plan.
                let found = memchr(base + start, 0x0A, buffer.count - start)
                let end = found.map { UnsafeRawPointer($0) - UnsafeRawPointer(base) }
                let lineEnd = end ?? buffer.count
                if end == nil {
                    if !Self.isJournalLine(Array(buffer[start..<lineEnd])) {
                        diagnostics.append(
                            .warning(
                                "the last journal line is torn (\(lineEnd - start) bytes without a newline), as a crash leaves it; the next apply that writes cuts it",
                                at: SourceLocation(file: shown, line: lineNumber)))
                    }
                } else if lineEnd - start >= 2, buffer[start] == 0x7B, buffer[lineEnd - 1] == 0x0D,
                    buffer[lineEnd - 2] == 0x7D
                {
                    crlf = (crlf?.first ?? lineNumber, (crlf?.count ?? 0) + 1)
                } else if lineEnd == start || buffer[start] != 0x7B || buffer[lineEnd - 1] != 0x7D {
                    diagnostics.append(.error(Self.notAnEvent, at: SourceLocation(file: shown, line: lineNumber)))
                }
                start = lineEnd + 1
            }
        }
        if let crlf {
            diagnostics.append(
                .error(
                    "\(crlf.count) journal line\(crlf.count == 1 ? " ends" : "s end") in CRLF (Windows line endings, as git's core.autocrlf checks files out); apply writes LF: add 'state/** -text' to .gitattributes and check the journal out again (rm \(shown) && git checkout -- \(shown)), or convert it with sed -i 's/\\r$//' \(shown); nothing was written",
                    at: SourceLocation(file: shown, line: crlf.first)))
        }
        return diagnostics
    }

    /// Whether the journal exists (as anything: an unreadable one is not "missing").
    private var journalExists: Bool {
        var info = stat()
        return lstat((statePath as NSString).appendingPathComponent(StateStore.journalName), &info) == 0
    }

    /// The message for a journal line that is not an applied event, with the fix.
    static let notAnEvent =
        "journal line is not an applied event (expected one JSON object with tenant, action, at and apply, as apply writes it); only a crash can tear the last line, so this one was edited: restore it from git (git diff shows the edit) or delete the line; nothing was written"

    /// `state migrate`'s refusal of a torn last line of `bytes` total bytes, `kept` of them
    /// before it, at 1-based `line`.
    func tornLastLineRefusal(line: Int, totalBytes: Int, kept: Int) -> Diagnostic {
        let shown = display(StateStore.journalName)
        return .error(
            "the last journal line is torn (\(totalBytes - kept) bytes without a newline), as a crash leaves it; the state was not copied: cut it with 'truncate -s \(kept) \(shown)' (or run an apply that writes, which cuts it), then migrate again",
            at: SourceLocation(file: shown, line: line))
    }

    /// The journal's bytes; `nil` when it does not exist or cannot be read.
    private func readJournal() -> [UInt8]? {
        let fd = open(
            (statePath as NSString).appendingPathComponent(StateStore.journalName), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { _ = close(fd) }
        return FileSystem.readAll(fd)
    }
}
