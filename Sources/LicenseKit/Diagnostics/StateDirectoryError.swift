/// What the directory state backend (docs/state.md §5) cannot read, lock or write, as
/// ``StateStore``, ``StateLock`` and the file-system helpers report it inside a
/// ``StateStoreError``. Each case renders its message; `file` is a path relative to the repo
/// root (`state/tenants/acme.json`), `reason` the system's text for `errno`.
package enum StateDirectoryError: Error, Sendable, Equatable {
    // Reading and opening.
    /// A file or folder that cannot be read.
    case cannotRead(file: String, reason: String)
    /// A folder that cannot be created (`reason` `nil` when the system gave none).
    case cannotCreate(file: String, reason: String?)
    /// A folder that cannot be opened.
    case cannotOpen(file: String, reason: String)
    /// A folder whose entries cannot be listed.
    case cannotList(file: String, reason: String)
    /// A path that should be a folder and is something else.
    case notADirectory(file: String)
    /// The tenants folder is a symlink (reading refuses what apply would refuse to write).
    case tenantsFolderIsSymlink(file: String)
    /// A file directly under the tenants folder that is a FIFO, device or socket.
    case strangerInTenantsFolder
    /// A state document that is not a regular file.
    case stateFileNotRegular
    /// A state document that is a symlink.
    case stateFileIsSymlink
    /// A state document that cannot be read.
    case cannotReadStateFile(reason: String)
    /// A file of the state directory (the intent, the journal) that is a symlink.
    case fileIsSymlink(file: String)
    /// A file of the state directory that is a FIFO, device, socket or folder.
    case fileNotRegular(file: String)

    // Writing.
    /// A folder on the write path that is a symlink.
    case folderIsSymlinkForWrites(file: String)
    /// A file about to be replaced that is a symlink.
    case fileIsSymlinkForWrites(file: String)
    /// A file about to be replaced that is not a regular file.
    case fileNotRegularForWrites(file: String)
    /// No temporary file could be created next to the file.
    case cannotCreateTemporary(file: String, reason: String)
    /// The new bytes could not be written or synced; the file was not changed.
    case cannotWrite(file: String, reason: String)
    /// The folder of a file to write could not be examined before syncing it.
    case cannotExamine(file: String, reason: String)
    /// The temporary file could not be renamed over the file; it was not changed.
    case cannotReplace(file: String, reason: String)
    /// Journal lines could not be appended.
    case cannotAppend(file: String, reason: String)
    /// The intent could not be removed after it was carried out.
    case cannotRemove(file: String, reason: String)
    /// A torn journal line could not be repaired.
    case cannotRepair(file: String, reason: String)
    /// A torn last journal line of `bytes` bytes was cut (a warning).
    case tornJournalLineCut(bytes: Int)
    /// A tenant name that cannot be a file name.
    case unsafeFileName(tenant: String)
    /// The plan to commit has errors.
    case planHasErrors
    /// An interrupted apply waits in `file` and must be recovered before a commit.
    case interruptedApplyPending(file: String)
    /// The intent does not match the state on disk (`problem` says how).
    case inconsistentIntent(problem: String)

    // The lock.
    /// The lock file is a symlink.
    case lockFileIsSymlink(file: String)
    /// `flock(2)` failed for another reason than contention.
    case cannotLock(file: String, reason: String)
    /// Another run holds the lock (`holder`: `pid P on host H since T`).
    case locked(holder: String)
    /// Another run still holds the lock after waiting `seconds` (as shown, `30`, `1.5`).
    case stillLocked(holder: String, seconds: String)

    // Copying (`licensectl state migrate`).
    /// The source directory does not exist.
    case noStateToCopy(directory: String)
    /// An interrupted apply waits in the source (`file`).
    case pendingBeforeCopy(file: String)
    /// The destination holds state already.
    case destinationNotEmpty(directory: String, documents: Int, journalLines: Int)
    /// A journal line that is not an applied event.
    case journalLineNotAnEvent
    /// A journal line that is not UTF-8.
    case journalLineNotUTF8

    // Internal errors and tests.
    /// A write or recovery without the lock.
    case lockNotHeld
    /// A changed tenant of the plan without its new document.
    case noNewState(tenant: String)
    /// A crash simulated by the tests after `step`.
    case simulatedCrash(step: String)

    /// The diagnostic's message: what was found and how to fix it.
    package var message: String {
        switch self {
        case .cannotRead(let file, let reason): "cannot read \(file) (\(reason))"
        case .cannotCreate(let file, let reason?): "cannot create \(file) (\(reason))"
        case .cannotCreate(let file, nil): "cannot create \(file)"
        case .cannotOpen(let file, let reason): "cannot open \(file) (\(reason))"
        case .cannotList(let file, let reason): "cannot list \(file) (\(reason))"
        case .notADirectory(let file): "\(file) is not a directory"
        case .tenantsFolderIsSymlink(let file):
            "\(file) is a symlink; licensectl does not follow symlinks in the state directory (apply would refuse to write): replace it with a real directory"
        case .strangerInTenantsFolder:
            "not a regular file (a FIFO, device or socket); the state directory holds only regular files: remove it"
        case .stateFileNotRegular:
            "state file is not a regular file (a FIFO, device, socket or folder); the state directory holds only regular files: remove it"
        case .stateFileIsSymlink:
            "state file is a symlink; licensectl does not follow symlinks in the state directory (apply would refuse to write it): replace it with the file itself"
        case .cannotReadStateFile(let reason): "cannot read state file (\(reason)); it was not changed"
        case .fileIsSymlink(let file):
            "\(file) is a symlink; licensectl does not follow symlinks in the state directory: replace it with the file itself"
        case .fileNotRegular(let file):
            "\(file) is not a regular file (a FIFO, device, socket or folder); the state directory holds only regular files: remove it"
        case .folderIsSymlinkForWrites(let file):
            "\(file) is a symlink; licensectl does not follow symlinks in the state directory for writes: replace it with a real directory"
        case .fileIsSymlinkForWrites(let file):
            "\(file) is a symlink; licensectl does not follow symlinks in the state directory for writes: replace it with a regular file (nothing was written)"
        case .fileNotRegularForWrites(let file): "\(file) is not a regular file (nothing was written)"
        case .cannotCreateTemporary(let file, let reason): "cannot create a temporary file next to \(file) (\(reason))"
        case .cannotWrite(let file, let reason): "cannot write \(file) (\(reason)); it was not changed"
        case .cannotExamine(let file, let reason): "cannot write \(file) (\(reason))"
        case .cannotReplace(let file, let reason): "cannot replace \(file) (\(reason)); it was not changed"
        case .cannotAppend(let file, let reason): "cannot append to \(file) (\(reason))"
        case .cannotRemove(let file, let reason): "cannot remove \(file) (\(reason))"
        case .cannotRepair(let file, let reason): "cannot repair \(file) (\(reason))"
        case .tornJournalLineCut(let bytes): "cut a torn last journal line (\(bytes) bytes without a newline)"
        case .unsafeFileName(let tenant): "tenant name '\(tenant)' cannot be a state file name"
        case .planHasErrors: "the plan has errors; nothing was written"
        case .interruptedApplyPending(let file):
            "an interrupted apply is pending in \(file); it must be recovered first"
        case .inconsistentIntent(let problem):
            "the intent of an interrupted apply is not consistent: \(problem); nothing was written. It is written atomically, so it or the state was edited since: restore it from a backup, or remove it to discard the interrupted apply and run plan again"
        case .lockFileIsSymlink(let file):
            "\(file) is a symlink; licensectl does not follow symlinks in the state directory: remove it"
        case .cannotLock(let file, let reason): "cannot lock \(file) (\(reason))"
        case .locked(let holder): "state is locked by \(holder); wait or retry with --lock-timeout"
        case .stillLocked(let holder, let seconds):
            "state is still locked by \(holder) after waiting \(seconds) seconds; wait or retry with a longer --lock-timeout"
        case .noStateToCopy(let directory): "\(directory) does not exist; there is no state to copy"
        case .pendingBeforeCopy(let file):
            "an interrupted apply is pending in \(file); run licensectl apply to complete it before copying the state"
        case .destinationNotEmpty(let directory, let documents, let journalLines):
            "\(directory) already holds state (\(documents) tenant file(s), \(journalLines) journal line(s)); migrate only into an empty destination"
        case .journalLineNotAnEvent:
            "journal line is not an applied event (expected a JSON object with tenant, action, at and apply); the state was not copied: restore the line from git (git diff shows the edit) or delete it, then migrate again"
        case .journalLineNotUTF8: "journal line is not UTF-8; the state was not copied"
        case .lockNotHeld: "internal error: the state lock is not held"
        case .noNewState(let tenant): "internal error: tenant '\(tenant)' is changed but has no new state document"
        case .simulatedCrash(let step): "simulated crash after \(step)"
        }
    }

    /// This error at `location`.
    package func at(_ location: SourceLocation?) -> Diagnostic { .error(message, at: location) }
}

extension StateStoreError {
    /// One typed error of the directory backend, optionally at a file (line 1, column 1).
    package init(_ error: StateDirectoryError, file: String? = nil) {
        self.init(error.message, file: file)
    }
}

/// Why the intent of an interrupted apply (`state/.pending.json`, docs/state.md §5) cannot be
/// carried out: its own shape, or how it fits the files it would touch. Rendered inside
/// ``StateDirectoryError/inconsistentIntent(problem:)``; `file`s are repo-relative.
package enum IntentProblem: Error, Sendable, Equatable {
    // The intent on its own.
    /// Not JSON (the parser's `reason`).
    case notJSON(String)
    /// Not a JSON object.
    case notAnObject
    /// Other keys than the intent's (`expected` and `found` joined by `, `).
    case keys(expected: String, found: String)
    /// A `formatVersion` other than 1.
    case formatVersion
    /// An `apply` that is not an instant.
    case apply
    /// A `journalOffset` that is not a byte count.
    case journalOffset
    /// `files` is not an array.
    case filesNotAnArray
    /// `journal` is not an array.
    case journalNotAnArray
    /// `files[index]` is not an object of `path` and `content`.
    case fileEntry(index: Int)
    /// `files[index].path` is not `tenants/<tenant>.json`.
    case filePath(index: Int, path: String)
    /// `files[index].path` names a file twice.
    case filePathTwice(index: Int, path: String)
    /// `files[index].content` is not a tenant document (`problem` at `line` of the content).
    case fileContent(index: Int, path: String, line: Int, problem: String)
    /// `files[index].content` was not written by this apply.
    case fileAppliedAt(index: Int, appliedAt: Instant, apply: String)
    /// `journal[index]` is not a string.
    case journalEntryNotAString(index: Int)
    /// `journal[index]` is not this apply's journal line number `index + 1`.
    case journalEntry(index: Int, apply: String)

    // The intent against the files.
    /// A file it touches cannot be read (`message`: the read error's).
    case unreadable(message: String)
    /// The content for `path` is not a tenant document.
    case contentNotADocument(path: String)
    /// A new file whose serial is not 1.
    case newFileSerial(file: String, serial: Int)
    /// An existing file that is not a tenant document.
    case existingNotADocument(file: String)
    /// The intent is not the next version of the file.
    case notTheNextVersion(file: String, lineage: String, serial: Int, fileLineage: String, fileSerial: Int)
    /// `journalOffset` lies past the journal's end (`bytes` long).
    case offsetPastTheEnd(offset: Int, journal: String, bytes: Int)
    /// `journalOffset` is not at a line start.
    case offsetInsideALine(offset: Int, journal: String)
    /// After `journalOffset` stand `lines` lines of another apply.
    case foreignLines(journal: String, lines: Int, offset: Int)

    /// What is wrong, e.g. `journalOffset 12 is not at the start of a line of state/journal.jsonl`.
    package var message: String {
        switch self {
        case .notJSON(let reason): "it is truncated or not JSON (\(reason))"
        case .notAnObject: "expected a JSON object"
        case .keys(let expected, let found): "expected exactly the keys \(expected), found \(found)"
        case .formatVersion: "formatVersion: expected 1"
        case .apply: "apply: expected an instant YYYY-MM-DDTHH:MM:SSZ"
        case .journalOffset: "journalOffset: expected a byte count (an integer ≥ 0)"
        case .filesNotAnArray: "files: expected an array"
        case .journalNotAnArray: "journal: expected an array"
        case .fileEntry(let index): "files[\(index)]: expected an object with the strings path and content"
        case .filePath(let index, let path): "files[\(index)].path: expected tenants/<tenant>.json, found '\(path)'"
        case .filePathTwice(let index, let path): "files[\(index)].path: '\(path)' appears twice"
        case .fileContent(let index, let path, let line, let problem):
            "files[\(index)].content is not a valid tenant document for \(path) (line \(line) of the content: \(problem))"
        case .fileAppliedAt(let index, let appliedAt, let apply):
            "files[\(index)].content: appliedAt \(appliedAt) is not the intent's apply \(apply)"
        case .journalEntryNotAString(let index): "journal[\(index)]: expected a string"
        case .journalEntry(let index, let apply):
            "journal[\(index)]: expected one journal line of this apply (an object with at, action, tenant, code or serial, apply \(apply) and seq \(index + 1))"
        case .unreadable(let message): message
        case .contentNotADocument(let path): "the content for \(path) is not a valid tenant document"
        case .newFileSerial(let file, let serial):
            "\(file) does not exist, but the intent writes serial \(serial) (expected 1 for a new tenant file)"
        case .existingNotADocument(let file):
            "\(file) is not a valid tenant document, so the intent cannot be its next version"
        case .notTheNextVersion(let file, let lineage, let serial, let fileLineage, let fileSerial):
            "the intent writes \(file) as lineage \(lineage) serial \(serial), but the file holds lineage \(fileLineage) serial \(fileSerial) (expected the same lineage and serial \(fileSerial + 1))"
        case .offsetPastTheEnd(let offset, let journal, let bytes):
            "journalOffset \(offset) is past the end of \(journal) (\(bytes) bytes)"
        case .offsetInsideALine(let offset, let journal):
            "journalOffset \(offset) is not at the start of a line of \(journal)"
        case .foreignLines(let journal, let lines, let offset):
            "\(journal) holds \(lines) line(s) after journalOffset \(offset) that are not this apply's; the replay would delete them"
        }
    }
}
