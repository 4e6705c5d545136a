import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// All recorded state of one license repo, independent of the backend: what
/// `licensectl state migrate` copies (docs/state.md §5.1).
public struct StateSnapshot: Sendable, Hashable {
    /// Every tenant document, sorted by tenant name.
    public var documents: [TenantState]
    /// The journal, oldest first: one compact JSON object per applied event (see
    /// ``StateStore`` "Journal lines"), without newlines.
    public var journal: [String]

    /// A snapshot of `documents` and the `journal` lines in order.
    public init(documents: [TenantState], journal: [String]) {
        self.documents = documents.sorted { $0.tenant < $1.tenant }
        self.journal = journal
    }

    /// Whether there is nothing recorded.
    public var isEmpty: Bool { documents.isEmpty && journal.isEmpty }

    /// The fields a backend indexes journal lines by: `tenant`, `action`, `at` and `apply` (the
    /// apply's `at`), each a string in every line licensectl writes (docs/README.md §8 "State").
    public struct JournalFields: Sendable, Hashable {
        /// The tenant the event is about.
        public var tenant: String
        /// The event's action (docs/plan-json.md §6 "Events").
        public var action: String
        /// The event's instant (UTC).
        public var at: Instant
        /// The `at` of the apply that recorded it (UTC).
        public var apply: Instant
    }

    /// Parses one journal line.
    ///
    /// - Throws: ``StateStoreError`` at `place:lineNumber` when the line is not a JSON object
    ///   with string `tenant` and `action` and instants `at` and `apply`.
    public static func fields(ofJournalLine line: String, place: String, lineNumber: Int) throws(StateStoreError)
        -> JournalFields
    {
        let location = SourceLocation(file: place, line: lineNumber)
        guard let node = try? JSONParser.parse(Array(line.utf8)),
            case .string(let tenant)? = node.member("tenant")?.kind,
            case .string(let action)? = node.member("action")?.kind,
            case .string(let atText)? = node.member("at")?.kind, let at = try? Instant.parse(atText),
            case .string(let applyText)? = node.member("apply")?.kind, let apply = try? Instant.parse(applyText)
        else {
            throw StateStoreError([
                .error(
                    StateDirectoryError.journalLineNotAnEvent.message,
                    at: location)
            ])
        }
        return JournalFields(tenant: tenant, action: action, at: at, apply: apply)
    }
}

extension StateStore {
    /// Journal lines of a plan's `changed` tenants' events, the same lines every state backend
    /// records (docs/state.md §5, §5.1; see the type's "Journal lines").
    public static func journalLines(of plan: Plan) -> [String] {
        let changed = Set(plan.tenants.filter(\.changed).map(\.tenant))
        return StateStore(root: ".", crashAfter: nil).journalLines(plan, tenants: changed)
    }

    /// The lines of ``journalLines(of:)`` that belong to some of the tenants, for a backend that
    /// sends them in parts (docs/state.md §5.1): the events of `tenants` (changed tenants of
    /// `plan`, in plan order), numbered from `firstSeq` (the `seq` of the first one in the whole
    /// apply), one tenant per core at a time. Joined over consecutive parts they are
    /// ``journalLines(of:)``.
    public static func journalLines(of plan: Plan, tenants: ArraySlice<TenantPlan>, firstSeq: Int) -> [String] {
        var starts = [Int]()
        var next = firstSeq
        for tenant in tenants {
            starts.append(next)
            next += tenant.events.count
        }
        let firstSeqs = starts
        let apply = plan.at.description
        let selected = Array(tenants)
        return (0..<selected.count).concurrentMap { index in
            let tenant = selected[index]
            return tenant.events.enumerated().map { offset, event in
                journalLine(event, tenant: tenant.tenant, apply: apply, seq: firstSeqs[index] + offset)
            }
        }.flatMap { $0 }
    }

    /// Reads everything recorded in this state directory, for `state migrate` (docs/state.md §5.1).
    ///
    /// - Throws: ``StateStoreError``: an interrupted apply is pending (run `apply` first); a
    ///   state file cannot be read (as ``loadAll()``); the journal cannot be read or a line
    ///   is torn or not an event.
    public func snapshot() throws(StateStoreError) -> StateSnapshot {
        if let pending = pendingApply {
            throw StateStoreError(
                .pendingBeforeCopy(file: pending)
            )
        }
        let documents = try loadAll().values.map(\.document)
        let shown = display(StateStore.journalName)
        var journal = [String]()
        let fd = open(
            (statePath as NSString).appendingPathComponent(StateStore.journalName), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if fd >= 0 {
            defer { _ = close(fd) }
            guard let bytes = FileSystem.readAll(fd) else {
                throw StateStoreError(.cannotRead(file: shown, reason: FileSystem.errnoText()), file: shown)
            }
            let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
            for (index, raw) in lines.enumerated() {
                if index == lines.count - 1, raw.isEmpty { break }
                // A torn last line is what a crash leaves (docs/README.md §8 "State"): apply cuts
                // it; reading the source must not, so say how.
                if index == lines.count - 1, !StateStore.isJournalLine(Array(raw)) {
                    throw StateStoreError([
                        tornLastLineRefusal(line: index + 1, totalBytes: bytes.count, kept: bytes.count - raw.count)
                    ])
                }
                guard let line = String(validating: raw, as: UTF8.self) else {
                    throw StateStoreError([
                        .error(
                            StateDirectoryError.journalLineNotUTF8.message,
                            at: SourceLocation(file: shown, line: index + 1))
                    ])
                }
                _ = try StateSnapshot.fields(ofJournalLine: line, place: shown, lineNumber: index + 1)
                journal.append(line)
            }
        } else if errno != ENOENT {
            throw StateStoreError(.cannotRead(file: shown, reason: FileSystem.errnoText()), file: shown)
        }
        return StateSnapshot(documents: documents, journal: journal)
    }

    /// Refuses to restore `snapshot` here, reading only (it creates and locks nothing): when this
    /// directory holds state already, or a tenant's name cannot be a file name.
    ///
    /// - Throws: ``StateStoreError``: the directory already holds state (tenant files or
    ///   journal lines); a tenant name that cannot be a file name; the directory cannot be read.
    package func refuseUnrestorable(_ snapshot: StateSnapshot) throws(StateStoreError) {
        let existing = try self.snapshot()
        guard existing.isEmpty else {
            throw StateStoreError(
                .destinationNotEmpty(
                    directory: directory, documents: existing.documents.count, journalLines: existing.journal.count)
            )
        }
        for document in snapshot.documents where !StateStore.isSafeFileName(document.tenant) {
            throw StateStoreError(.unsafeFileName(tenant: document.tenant))
        }
    }

    /// Writes a snapshot into this state directory, which must hold no state yet (no tenant
    /// file, empty or no journal), under its lock and with the crash protocol of an apply:
    /// after a crash the next `apply` completes the copy. Documents are written as
    /// ``TenantState/canonicalJSON()``, so a round trip is byte-identical (docs/state.md §5.1).
    ///
    /// - Parameters:
    ///   - snapshot: what to write.
    ///   - lock: the held lock of this state directory.
    /// - Throws: ``StateStoreError``: the directory already holds state; a tenant name that
    ///   cannot be a file name; I/O errors.
    package func restore(_ snapshot: StateSnapshot, lock: StateLock) throws(StateStoreError) {
        guard lock.isHeld else { throw StateStoreError(.lockNotHeld) }
        _ = try recoverIfNeeded(lock: lock)
        try refuseUnrestorable(snapshot)
        let files = snapshot.documents.map { document in
            IntentFile(path: "tenants/\(document.tenant).json", content: document.canonicalJSON())
        }
        guard !files.isEmpty || !snapshot.journal.isEmpty else { return }
        guard let stateFD = try FileSystem.openDirectory(statePath, display: directory, create: true) else {
            throw StateStoreError(.cannotCreate(file: directory, reason: nil))
        }
        defer { _ = close(stateFD) }
        guard
            let tenantsFD = try FileSystem.openSubdirectory(
                stateFD, "tenants", display: display("tenants"), create: true)
        else {
            throw StateStoreError(.cannotCreate(file: display("tenants"), reason: nil))
        }
        defer { _ = close(tenantsFD) }
        let intent = Intent(apply: "migrate", files: files, journal: snapshot.journal, journalOffset: 0)
        try FileSystem.replace(
            stateFD, StateStore.pendingName, with: Array(intent.text.utf8), display: display(StateStore.pendingName))
        _ = fsync(stateFD)
        try replay(intent, stateFD: stateFD, tenantsFD: tenantsFD)
    }
}
