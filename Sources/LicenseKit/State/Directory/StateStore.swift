import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The directory state backend: the JSON state directory of a license repo (docs/state.md §5), the
/// first ``StateBackend`` conformer (see `DirectoryBackend.swift`). Callers outside `State/`
/// reach it through ``StateBackends/directory(root:directory:crashAfter:)``.
///
/// ```
/// state/tenants/<tenant>.json   one document per tenant (TenantState.canonicalJSON())
/// state/journal.jsonl           append-only: one line per applied event
/// state/.lock                   flock(2) lock; text `pid host startTime`
/// state/.pending.json           intent of an apply in progress (exists only after a crash)
/// ```
///
/// ## Journal lines
/// One compact JSON object per applied event, keys sorted, absent fields left out:
/// `{"action":"activate","apply":"2026-11-29T00:00:00Z","at":"2026-11-29T00:00:00Z",`
/// `"code":"96D9-3718-59E5","expiresAt":"2027-11-29T00:00:00Z","seq":1,"tenant":"acme-water"}` —
/// the tenant, every field of the ``PlanEvent``, `apply` (the apply's `at`) and `seq` (1-based
/// over the whole apply, tenants by name, events in plan order).
///
/// ## Intent file `state/.pending.json`
/// `{"apply", "files": [{"path": "tenants/<t>.json", "content": "<document text>"}],
/// "formatVersion": 1, "journal": ["<line>", …], "journalOffset": <bytes>}` — the complete result
/// of one apply, written atomically before any tenant file is touched; `journalOffset` is the
/// journal's size (in bytes, ending with a newline) before this apply's lines.
///
/// ## Crash protocol (a SIGKILL or a power loss at any moment)
/// 1. Under the lock, write the intent to a temporary file, and each tenant file whose bytes
///    differ to a temporary file next to it; make all of them durable in one flush (from 32
///    files on one `syncfs(2)` of the file system on Linux, else an fsync of each file,
///    concurrently, so that the file system commits them together); then rename the intent
///    into place and fsync `state/`. A crash before that rename leaves everything old; the
///    next apply removes the temporary files.
/// 2. Rename each tenant file's temporary file over its target; fsync `state/tenants/`. Each
///    file is always fully old or fully new: nothing is renamed before its bytes are durable,
///    and the durable intent covers every file until step 4.
/// 3. Truncate the journal to `journalOffset` (dropping a partial or complete earlier attempt
///    of this same apply), append the lines, fsync.
/// 4. Delete the intent, fsync `state/`.
/// Steps 2–4 are idempotent; ``recoverIfNeeded(lock:)`` replays them from a pending intent
/// (writing and flushing the temporary files of the tenant files that are not new yet
/// again), so the next apply first completes the interrupted one and the journal holds each
/// event once.
///
/// ## Crash tests
/// Given a step as ``crashAfter`` (the CLI passes `LICENSECTL_TEST_CRASH_AFTER`; this type never
/// reads the environment) the store kills its own process with SIGKILL right after that step:
/// `intent-temp` (the intent and every tenant file written to temporary files and flushed, the
/// intent not renamed), `intent`, `tenant-temp-<n>` (every temporary tenant file durable, the
/// n-th not renamed yet; n is 1-based over the intent's files), `tenant-<n>` (n-th tenant file
/// renamed), `tenants` (folder fsynced), `journal-torn` (half of the new journal bytes
/// written), `journal`, `done` (intent removed, lock still held).
package struct StateStore: Sendable {
    /// The repo root (`-C DIR`), absolute or relative to the working directory.
    package var root: String
    /// The state directory relative to ``root`` (`--state`, default `state`), or absolute.
    package var directory: String
    /// Test hook: the step after which the process kills itself (see the type's documentation).
    package var crashAfter: String?

    /// - Parameters:
    ///   - root: the repo root.
    ///   - directory: the state directory, relative to `root` (default `state`).
    ///   - crashAfter: crash-test step (see the type's documentation); `nil` in normal runs.
    package init(root: String, directory: String = "state", crashAfter: String? = nil) {
        self.root = root
        self.directory = directory
        self.crashAfter = crashAfter.flatMap { $0.isEmpty ? nil : $0 }
    }

    static let pendingName = ".pending.json"
    static let journalName = "journal.jsonl"

    /// The state directory's path for system calls.
    package var statePath: String {
        directory.hasPrefix("/") ? directory : (root as NSString).appendingPathComponent(directory)
    }

    /// A path inside the state directory as shown to users (relative to the repo root).
    func display(_ relative: String) -> String {
        directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
    }

    /// Unit tests set this to stop at ``crashAfter`` by throwing `simulated crash after <step>`
    /// instead of killing the process: what is on disk is then exactly what a SIGKILL at that
    /// step leaves (no cleanup runs on that path), while the test process survives.
    var simulateCrashByThrowing = false

    private func crashPoint(_ step: String) throws(StateStoreError) {
        guard crashAfter == step else { return }
        if simulateCrashByThrowing { throw StateStoreError(.simulatedCrash(step: step)) }
        kill(getpid(), SIGKILL)
    }

    // MARK: - Reading

    /// Loads every `state/tenants/*.json` (hidden files ignored), keyed by tenant name. A missing
    /// state directory or tenants folder is empty state. Never modifies anything.
    ///
    /// When an interrupted apply left `state/.pending.json`, the documents it holds stand in for
    /// the files they will replace (the state that ``recoverIfNeeded(lock:)`` completes), so a
    /// plan made now matches what apply will find after recovery.
    ///
    /// - Returns: tenant name → document and its repo-relative path (`state/tenants/acme.json`).
    /// - Throws: ``StateStoreError`` with one diagnostic per bad file (all of them, not the
    ///   first): unreadable, empty, truncated or not JSON, invalid, newer `formatVersion`, or a
    ///   file name that does not match its `tenant` (docs/state.md §5).
    package func loadAll() throws(StateStoreError) -> [String: PriorState] {
        let (result, problems) = try loadEach()
        guard problems.isEmpty else { throw StateStoreError(problems) }
        return result
    }

    /// ``loadAll()`` that keeps going past bad files: the documents that could be read, and one
    /// diagnostic per file that could not (at that file's path, `state/tenants/<t>.json`), so that
    /// a selected run fails only on the state documents of its selection (docs/README.md §8 "Selections").
    ///
    /// - Throws: ``StateStoreError`` for problems with the state directory itself (a symlinked
    ///   or unlistable folder), which no selection escapes.
    package func loadEach() throws(StateStoreError) -> (states: [String: PriorState], problems: [Diagnostic]) {
        let tenantsPath = (statePath as NSString).appendingPathComponent("tenants")
        // What apply would refuse to write through, plan refuses to read through: otherwise a
        // pull request's plan is green and the apply on merge fails (docs/state.md §5).
        for (path, shown) in [(statePath, directory), (tenantsPath, display("tenants"))] where Self.isSymlink(path) {
            throw StateStoreError(
                .tenantsFolderIsSymlink(file: shown)
            )
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: tenantsPath, isDirectory: &isDirectory) else { return ([:], []) }
        guard isDirectory.boolValue else { throw StateStoreError(.notADirectory(file: display("tenants"))) }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: tenantsPath)
        } catch {
            throw StateStoreError(.cannotList(file: display("tenants"), reason: error.localizedDescription))
        }
        var pending = [String: [UInt8]]()
        if let intent = try readIntent() {
            for file in intent.files { pending[file.path] = Array(file.content.utf8) }
        }
        // Any other entry that is not a regular file (a FIFO, a device) is refused too: the state
        // directory holds only regular files (docs/README.md §8 "State").
        let problems = DiagnosticsEngine()
        for name in names.sorted() where !name.hasPrefix(".") && !name.hasSuffix(".json") {
            var info = stat()
            let path = (tenantsPath as NSString).appendingPathComponent(name)
            guard lstat(path, &info) == 0 else { continue }
            let kind = info.st_mode & S_IFMT
            if kind != S_IFREG && kind != S_IFDIR && kind != S_IFLNK {
                problems.error(
                    StateDirectoryError.strangerInTenantsFolder.message,
                    at: SourceLocation(file: display("tenants/" + name), line: 1))
            }
        }
        var files = Set(names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.map { "tenants/" + $0 })
        files.formUnion(pending.keys)
        // Read and decoded in parallel (a state file of 100 routers is ~46 KB of JSON), merged in
        // sorted order below.
        let sorted = files.sorted()
        let (statePath, replacements) = (statePath, pending)
        let loaded = sorted.concurrentMap { relative -> Result<PriorState, Diagnostic> in
            let path = display(relative)
            let bytes: [UInt8]
            if let replacement = replacements[relative] {
                bytes = replacement
            } else {
                // O_NONBLOCK: a FIFO must not block the run until a writer comes; it is refused
                // below, as is any other file that is not a regular one (docs/README.md §8 "State").
                let fd = open(
                    (statePath as NSString).appendingPathComponent(relative),
                    O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
                var info = stat()
                if fd >= 0, fstat(fd, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
                    _ = close(fd)
                    return .failure(
                        .error(
                            StateDirectoryError.stateFileNotRegular.message,
                            at: SourceLocation(file: path, line: 1)))
                }
                guard fd >= 0, let read = FileSystem.readAll(fd) else {
                    if errno == ELOOP {
                        if fd >= 0 { _ = close(fd) }
                        return .failure(
                            .error(
                                StateDirectoryError.stateFileIsSymlink.message,
                                at: SourceLocation(file: path, line: 1)))
                    }
                    let text = FileSystem.errnoText()
                    if fd >= 0 { _ = close(fd) }
                    return .failure(
                        .error(
                            StateDirectoryError.cannotReadStateFile(reason: text).message,
                            at: SourceLocation(file: path, line: 1)))
                }
                _ = close(fd)
                bytes = read
            }
            do throws(Diagnostic) {
                return .success(
                    PriorState(document: try TenantState.decode(stateFile: bytes, path: path), location: path))
            } catch {
                return .failure(error)
            }
        }
        var result = [String: PriorState]()
        for outcome in loaded {
            switch outcome {
            case .success(let prior): result[prior.document.tenant] = prior
            case .failure(let problem): problems.emit(problem)
            }
        }
        return (result, problems.emitted)
    }

    // MARK: - Locking

    /// Whether `state/.lock` exists (as any kind of file): `apply` then takes the lock before it
    /// plans; otherwise it plans first and creates `state/` and `.lock` only when it has something
    /// to write (docs/README.md §8 "Apply and the lock").
    package var lockExists: Bool {
        var info = stat()
        return lstat((statePath as NSString).appendingPathComponent(".lock"), &info) == 0
    }

    /// Takes the state directory's lock (see ``StateLock``), creating the directory if needed.
    ///
    /// - Parameters:
    ///   - timeout: seconds to wait for a busy lock (`--lock-timeout`); 0 fails at once.
    ///   - startTime: this process's start time (UTC), recorded for other lockers' messages.
    /// - Throws: ``StateStoreError`` naming the holder.
    package func lock(timeout: Double, startTime: Instant) throws(StateStoreError) -> StateLock {
        try StateLock.acquire(stateDirectory: statePath, display: directory, timeout: timeout, startTime: startTime)
    }

    // MARK: - Applying

    /// The outcome of writing a plan (``ApplyResult``); paths are repo-relative.
    package typealias ApplyResult = LicenseKit.ApplyResult

    /// Locks, completes an interrupted apply, writes the plan, unlocks. For callers that plan
    /// under the lock themselves (the CLI: lock → recover → load → plan → write), use
    /// ``lock(timeout:startTime:)``, ``recoverIfNeeded(lock:)`` and ``write(_:lock:)``.
    ///
    /// - Throws: ``StateStoreError`` (lock busy, plan with errors, symlinks, I/O).
    package func apply(_ plan: Plan, lockTimeout: Double, startTime: Instant) throws(StateStoreError) -> ApplyResult {
        let lock = try lock(timeout: lockTimeout, startTime: startTime)
        defer { lock.release() }
        let recovered = try recoverIfNeeded(lock: lock)
        var result = try write(plan, lock: lock)
        result.recovered = recovered
        return result
    }

    /// Writes every `changed` tenant's ``TenantPlan/newState`` and journals its events,
    /// following the crash protocol of this type. Files whose bytes are unchanged are not
    /// rewritten. Nothing is written when a target is a symlink or not a regular file.
    ///
    /// - Parameter lock: the held lock of this state directory.
    /// - Throws: ``StateStoreError``: the plan has errors; a pending intent was not recovered
    ///   first; a changed tenant has no new document or an unsafe name; a symlink; I/O errors.
    package func write(_ plan: Plan, lock: StateLock) throws(StateStoreError) -> ApplyResult {
        guard lock.isHeld else { throw StateStoreError(.lockNotHeld) }
        guard !plan.hasErrors else { throw StateStoreError(.planHasErrors) }
        let problems = DiagnosticsEngine()
        var documents = [(tenant: String, state: TenantState)]()
        for tenant in plan.tenants where tenant.changed {
            guard let state = tenant.newState, state.tenant == tenant.tenant else {
                problems.error(StateDirectoryError.noNewState(tenant: tenant.tenant).message)
                continue
            }
            guard StateStore.isSafeFileName(tenant.tenant) else {
                problems.error(StateDirectoryError.unsafeFileName(tenant: tenant.tenant).message)
                continue
            }
            documents.append((tenant.tenant, state))
        }
        guard problems.count == 0 else { throw StateStoreError(problems.emitted) }

        guard let stateFD = try FileSystem.openDirectory(statePath, display: directory, create: true) else {
            throw StateStoreError(.cannotCreate(file: directory, reason: nil))
        }
        defer { _ = close(stateFD) }
        guard
            (try FileSystem.readFile(stateFD, StateStore.pendingName, display: display(StateStore.pendingName))) == nil
        else {
            throw StateStoreError(
                .interruptedApplyPending(file: display(StateStore.pendingName)))
        }
        guard
            let tenantsFD = try FileSystem.openSubdirectory(
                stateFD, "tenants", display: display("tenants"), create: true)
        else {
            throw StateStoreError(.cannotCreate(file: display("tenants"), reason: nil))
        }
        defer { _ = close(tenantsFD) }

        var result = ApplyResult()
        var files = [IntentFile]()
        // Serialized and compared with the files on disk on all cores (1,000 new documents are
        // 28 MB of JSON).
        let contents = TenantState.canonicalJSON(of: documents.map(\.state))
        let tenantNames = documents.map(\.tenant)
        let checks = (0..<documents.count).concurrentMap { index -> (problem: Diagnostic?, same: Bool) in
            let name = tenantNames[index] + ".json"
            let shown = display("tenants/" + name)
            if let problem = FileSystem.checkWritableTarget(tenantsFD, name, display: shown) { return (problem, false) }
            let old = try? FileSystem.readFile(tenantsFD, name, display: shown)
            return (nil, old.map { $0.elementsEqual(contents[index].utf8) } ?? false)
        }
        for (index, check) in checks.enumerated() {
            let name = tenantNames[index] + ".json"
            if let problem = check.problem {
                problems.emit(problem)
            } else if check.same {
                result.unchanged.append(display("tenants/" + name))
            } else {
                files.append(IntentFile(path: "tenants/" + name, content: contents[index]))
            }
        }
        if let problem = FileSystem.checkWritableTarget(
            stateFD, StateStore.journalName, display: display(StateStore.journalName))
        {
            problems.emit(problem)
        }
        guard problems.count == 0 else { throw StateStoreError(problems.emitted) }

        let lines = journalLines(plan, tenants: Set(documents.map(\.tenant)))
        if files.isEmpty && lines.isEmpty { return result }

        let (offset, warning) = try normalizedJournalSize(stateFD)
        if let warning { result.warnings.append(warning) }
        let intent = Intent(apply: plan.at.description, files: files, journal: lines, journalOffset: offset)
        // Steps 1 and 2 share one flush: the intent's temporary file and every tenant file's are
        // written, then made durable together; the intent is renamed into place (the commit
        // point) before any tenant file is.
        let intentFile = FileSystem.Replacement(
            name: StateStore.pendingName, bytes: intent.bytes, display: display(StateStore.pendingName), step: 0)
        let replacements = files.enumerated().map { n, file in
            FileSystem.Replacement(
                name: String(file.path.dropFirst("tenants/".count)), bytes: Array(file.content.utf8),
                display: display(file.path), step: n + 1)
        }
        try FileSystem.createTemporaries(stateFD, [intentFile])
        do throws(StateStoreError) {
            try FileSystem.createTemporaries(tenantsFD, replacements)
            try FileSystem.flush([(stateFD, [intentFile]), (tenantsFD, replacements)])
        } catch {
            FileSystem.removeTemporaries(stateFD, [intentFile])
            FileSystem.removeTemporaries(tenantsFD, replacements)
            throw error
        }
        try crashPoint("intent-temp")
        do throws(StateStoreError) {
            try FileSystem.renameTemporary(stateFD, intentFile)
        } catch {
            FileSystem.removeTemporaries(tenantsFD, replacements)
            throw error
        }
        _ = fsync(stateFD)
        try crashPoint("intent")
        try finish(intent, replacements: replacements, stateFD: stateFD, tenantsFD: tenantsFD)
        result.written = files.map { display($0.path) }
        result.journalLines = lines.count
        return result
    }

    /// Completes an apply that was interrupted (a pending `state/.pending.json`): writes its
    /// tenant files, appends its journal lines exactly once, removes the intent. Also removes
    /// leftover temporary files. Idempotent.
    ///
    /// - Parameter lock: the held lock of this state directory.
    /// - Returns: whether an interrupted apply was completed.
    /// - Throws: ``StateStoreError`` when the intent is unreadable or a write fails.
    package func recoverIfNeeded(lock: StateLock) throws(StateStoreError) -> Bool {
        guard lock.isHeld else { throw StateStoreError(.lockNotHeld) }
        guard let stateFD = try FileSystem.openDirectory(statePath, display: directory, create: false) else {
            return false
        }
        defer { _ = close(stateFD) }
        // The intent is checked before anything is removed: a refused intent changes nothing,
        // not even the temporary files that the interrupted apply flushed with it.
        let intent = try readIntent()
        FileSystem.removeStaleTemporaries(stateFD, path: statePath)
        let tenantsFD = try FileSystem.openSubdirectory(stateFD, "tenants", display: display("tenants"), create: false)
        if let tenantsFD {
            FileSystem.removeStaleTemporaries(
                tenantsFD, path: (statePath as NSString).appendingPathComponent("tenants"))
            _ = close(tenantsFD)
        }
        guard let intent else { return false }
        guard
            let tenantsFD = try FileSystem.openSubdirectory(
                stateFD, "tenants", display: display("tenants"), create: true)
        else {
            throw StateStoreError(.cannotCreate(file: display("tenants"), reason: nil))
        }
        defer { _ = close(tenantsFD) }
        try replay(intent, stateFD: stateFD, tenantsFD: tenantsFD)
        return true
    }

    /// Steps 2–4 of the crash protocol; idempotent.
    func replay(_ intent: Intent, stateFD: Int32, tenantsFD: Int32) throws(StateStoreError) {
        // Step 2: every new file written and flushed together, not one fsync after another;
        // nothing is renamed before every new file is durable.
        let files = intent.files
        let replacements = (0..<files.count).concurrentMap { n -> FileSystem.Replacement? in
            let file = files[n]
            let name = String(file.path.dropFirst("tenants/".count))
            let bytes = Array(file.content.utf8)
            if (try? FileSystem.readFile(tenantsFD, name, display: display(file.path))) == bytes { return nil }
            return FileSystem.Replacement(name: name, bytes: bytes, display: display(file.path), step: n + 1)
        }.compactMap { $0 }
        try FileSystem.writeTemporaries(tenantsFD, replacements)
        try finish(intent, replacements: replacements, stateFD: stateFD, tenantsFD: tenantsFD)
    }

    /// Steps 2–4 of the crash protocol once every replacement's temporary file is durable:
    /// renames, journal, intent removed.
    private func finish(
        _ intent: Intent, replacements: [FileSystem.Replacement], stateFD: Int32, tenantsFD: Int32
    ) throws(StateStoreError) {
        for replacement in replacements {
            try crashPoint("tenant-temp-\(replacement.step)")
            try FileSystem.renameTemporary(tenantsFD, replacement)
            try crashPoint("tenant-\(replacement.step)")
        }
        _ = fsync(tenantsFD)
        try crashPoint("tenants")

        let journalShown = display(StateStore.journalName)
        let fd = openat(stateFD, StateStore.journalName, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StateStoreError(.cannotOpen(file: journalShown, reason: FileSystem.errnoText()), file: journalShown)
        }
        defer { _ = close(fd) }
        let size = Int(lseek(fd, 0, SEEK_END))
        if size != intent.journalOffset {
            if size > intent.journalOffset {
                _ = ftruncate(fd, off_t(intent.journalOffset))
            } else {
                // The journal shrank since the intent was written (edited by hand): keep what is
                // there, cut a torn last line, and append.
                _ = try normalizedJournalSize(stateFD)
            }
        }
        _ = lseek(fd, 0, SEEK_END)
        let bytes = intent.journalBytes
        if crashAfter == "journal-torn" {
            _ = FileSystem.writeAll(fd, Array(bytes.prefix(bytes.count / 2)))
            try crashPoint("journal-torn")
        }
        guard FileSystem.writeAll(fd, bytes), fsync(fd) == 0 else {
            throw StateStoreError(.cannotAppend(file: journalShown, reason: FileSystem.errnoText()), file: journalShown)
        }
        _ = fsync(stateFD)
        try crashPoint("journal")

        guard unlinkat(stateFD, StateStore.pendingName, 0) == 0 || errno == ENOENT else {
            throw StateStoreError(.cannotRemove(file: display(StateStore.pendingName), reason: FileSystem.errnoText()))
        }
        _ = fsync(stateFD)
        try crashPoint("done")
    }

    /// The journal's size once it ends with a newline (docs/README.md §8 "State"): a last line without
    /// a newline that is a complete journal object is kept and gets its newline; only an
    /// invalid (torn) last line is cut, and the warning says what was cut.
    private func normalizedJournalSize(_ stateFD: Int32) throws(StateStoreError) -> (Int, Diagnostic?) {
        let shown = display(StateStore.journalName)
        // Usually the journal ends with a newline: one byte read instead of the whole journal,
        // which grows by every apply (~25 MB for 1,000 new tenants).
        if let size = FileSystem.sizeIfEndingWithNewline(stateFD, StateStore.journalName) { return (size, nil) }
        guard let bytes = try FileSystem.readFile(stateFD, StateStore.journalName, display: shown) else {
            return (0, nil)
        }
        guard let last = bytes.last, last != 0x0A else { return (bytes.count, nil) }
        let keep = (bytes.lastIndex(of: 0x0A) ?? -1) + 1
        let fd = openat(stateFD, StateStore.journalName, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            throw StateStoreError(.cannotRepair(file: shown, reason: FileSystem.errnoText()), file: shown)
        }
        defer { _ = close(fd) }
        if Self.isJournalLine(Array(bytes[keep...])) {
            guard lseek(fd, 0, SEEK_END) >= 0, FileSystem.writeAll(fd, [0x0A]), fsync(fd) == 0 else {
                throw StateStoreError(.cannotRepair(file: shown, reason: FileSystem.errnoText()), file: shown)
            }
            return (bytes.count + 1, nil)
        }
        guard ftruncate(fd, off_t(keep)) == 0, fsync(fd) == 0 else {
            throw StateStoreError(.cannotRepair(file: shown, reason: FileSystem.errnoText()), file: shown)
        }
        let line = bytes[0..<keep].filter { $0 == 0x0A }.count + 1
        return (
            keep,
            .warning(
                StateDirectoryError.tornJournalLineCut(bytes: bytes.count - keep).message,
                at: SourceLocation(file: shown, line: line))
        )
    }

    /// Journal lines of a plan's events for the given tenants (see the type's documentation).
    func journalLines(_ plan: Plan, tenants: Set<String>) -> [String] {
        let selected = plan.tenants.filter { tenants.contains($0.tenant) }
        // `seq` runs over the whole apply: each tenant's first number is known up front, so
        // tenants are written in parallel (an apply of 1,000 new tenants has ~130,000 lines).
        var starts = [Int]()
        var next = 1
        for tenant in selected {
            starts.append(next)
            next += tenant.events.count
        }
        let firstSeq = starts
        let apply = plan.at.description
        return (0..<selected.count).concurrentMap { index in
            let tenant = selected[index]
            var lines = [String]()
            lines.reserveCapacity(tenant.events.count)
            for (offset, event) in tenant.events.enumerated() {
                lines.append(
                    Self.journalLine(event, tenant: tenant.tenant, apply: apply, seq: firstSeq[index] + offset))
            }
            return lines
        }.flatMap { $0 }
    }

    /// One journal line: the event's fields (``journalFields(_:)``), `tenant`, `apply` and
    /// `seq`, keys sorted, compact — written directly in that order.
    static func journalLine(_ event: PlanEvent, tenant: String, apply: String, seq: Int) -> String {
        var out = CompactJSONBytes(capacity: 192)
        out.raw("{\"action\":")
        out.string(event.action.rawValue)
        out.field(",\"activatedAt\":", event.activatedAt?.description)
        out.raw(",\"apply\":")
        out.string(apply)
        out.raw(",\"at\":")
        out.string(event.at.description)
        out.field(",\"code\":", event.code?.canonical)
        out.field(",\"expiresAt\":", event.expiresAt?.description)
        out.field(",\"from\":", event.from?.description)
        out.field(",\"invalidatedAt\":", event.invalidatedAt?.description)
        out.field(",\"invalidatedBy\":", event.invalidatedBy?.canonical)
        out.field(",\"reason\":", event.reason?.rawValue)
        out.field(",\"scheduledAt\":", event.scheduledAt?.description)
        out.raw(",\"seq\":")
        out.int(seq)
        out.field(",\"serial\":", event.serial)
        out.field(",\"slot\":", event.slot?.description)
        out.field(",\"status\":", event.status?.rawValue)
        out.raw(",\"tenant\":")
        out.string(tenant)
        out.raw("}")
        return out.text
    }

    /// The event's fields as its `Codable` form writes them (absent ones left out), built
    /// directly: an apply of 1,000 new tenants journals ~130,000 events, and a round trip
    /// through `JSONEncoder` and the parser per event cost more than writing the files.
    static func journalFields(_ event: PlanEvent) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "at": .string(event.at.description), "action": .string(event.action.rawValue),
        ]
        if let code = event.code { fields["code"] = .string(code.canonical) }
        if let serial = event.serial { fields["serial"] = .string(serial) }
        if let scheduledAt = event.scheduledAt { fields["scheduledAt"] = .string(scheduledAt.description) }
        if let from = event.from { fields["from"] = .string(from.description) }
        if let expiresAt = event.expiresAt { fields["expiresAt"] = .string(expiresAt.description) }
        if let slot = event.slot { fields["slot"] = .string(slot.description) }
        if let reason = event.reason { fields["reason"] = .string(reason.rawValue) }
        if let activatedAt = event.activatedAt { fields["activatedAt"] = .string(activatedAt.description) }
        if let status = event.status { fields["status"] = .string(status.rawValue) }
        if let invalidatedAt = event.invalidatedAt { fields["invalidatedAt"] = .string(invalidatedAt.description) }
        if let invalidatedBy = event.invalidatedBy { fields["invalidatedBy"] = .string(invalidatedBy.canonical) }
        return fields
    }

    static func isSafeFileName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && !name.contains("/") && !name.utf8.contains(0)
    }

    // MARK: - Intent

    struct IntentFile: Sendable, Hashable {
        /// Relative to the state directory: `tenants/<tenant>.json`.
        var path: String
        var content: String
    }

    struct Intent: Sendable, Hashable {
        var apply: String
        var files: [IntentFile]
        var journal: [String]
        var journalOffset: Int

        /// The intent file's bytes: the pretty JSON of ``JSONValue/serialized()`` (2-space
        /// indent, keys sorted, trailing newline), written directly (it holds every new document),
        /// each file's and each chunk of journal lines' part on all cores.
        var bytes: [UInt8] {
            let files = files
            let fileParts = (0..<files.count).concurrentMap { index -> [UInt8] in
                let file = files[index]
                var out = CompactJSONBytes(capacity: file.content.utf8.count * 5 / 4 + 64)
                out.raw("    {\n      \"content\": ")
                out.string(file.content)
                out.raw(",\n      \"path\": ")
                out.string(file.path)
                out.raw(index + 1 < files.count ? "\n    },\n" : "\n    }\n")
                return out.bytes
            }
            let journal = journal
            let chunk = 1024
            let journalParts = (0..<(journal.count + chunk - 1) / chunk).concurrentMap { part -> [UInt8] in
                let lines = journal[(part * chunk)..<min(journal.count, (part + 1) * chunk)]
                var out = CompactJSONBytes(capacity: lines.reduce(0) { $0 + $1.utf8.count * 5 / 4 + 8 })
                for (index, line) in zip(lines.indices, lines) {
                    out.raw("    ")
                    out.string(line)
                    out.raw(index + 1 < journal.count ? ",\n" : "\n")
                }
                return out.bytes
            }
            var out = CompactJSONBytes(capacity: 128)
            out.raw("{\n  \"apply\": ")
            out.string(apply)
            out.raw(",\n  \"files\": ")
            var bytes = out.bytes
            bytes.reserveCapacity(
                fileParts.reduce(0) { $0 + $1.count } + journalParts.reduce(0) { $0 + $1.count } + 256)
            if files.isEmpty {
                bytes += "[]".utf8
            } else {
                bytes += "[\n".utf8
                for part in fileParts { bytes += part }
                bytes += "  ]".utf8
            }
            bytes += ",\n  \"formatVersion\": 1,\n  \"journal\": ".utf8
            if journal.isEmpty {
                bytes += "[]".utf8
            } else {
                bytes += "[\n".utf8
                for part in journalParts { bytes += part }
                bytes += "  ]".utf8
            }
            bytes += ",\n  \"journalOffset\": \(journalOffset)\n}\n".utf8
            return bytes
        }

        /// The journal lines as appended to `journal.jsonl`: each followed by a newline.
        var journalBytes: [UInt8] {
            var bytes = [UInt8]()
            bytes.reserveCapacity(journal.reduce(0) { $0 + $1.utf8.count + 1 })
            for line in journal {
                bytes += line.utf8
                bytes.append(0x0A)
            }
            return bytes
        }

        /// ``bytes`` as text.
        var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// The pending intent, if any.
    private static func isSymlink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    /// Where an interrupted apply left its intent (`state/.pending.json`, shown relative to the
    /// repo root), or `nil` when there is none. The next `apply` completes it first.
    package var pendingApply: String? {
        var info = stat()
        let path = (statePath as NSString).appendingPathComponent(StateStore.pendingName)
        return lstat(path, &info) == 0 ? display(StateStore.pendingName) : nil
    }

    /// The pending intent, validated as strictly as a tenant file and against the tenant files
    /// and journal it names (docs/README.md §8 "State"), or `nil` when there is none.
    ///
    /// Checked: the keys and types of the intent; `apply` an instant; each file's path is
    /// `tenants/<tenant>.json` (once) and its content a valid tenant document of that tenant
    /// applied at `apply`, whose file on disk is either already this document or its
    /// predecessor (same lineage, serial one less; no file: serial 1); each journal line a
    /// journal object of this apply with `seq` 1, 2, …; `journalOffset` a line boundary of the
    /// journal, after which the journal holds only a beginning of these lines.
    ///
    /// - Throws: ``StateStoreError`` at `state/.pending.json` naming what is off; the intent is
    ///   then refused as a whole and nothing is written.
    func readIntent() throws(StateStoreError) -> Intent? {
        let shown = display(StateStore.pendingName)
        let path = (statePath as NSString).appendingPathComponent(StateStore.pendingName)
        guard let bytes = try Self.readRegularFile(path, display: shown) else { return nil }
        let intent: Intent
        do throws(IntentProblem) {
            intent = try Self.parseIntent(bytes, display: display)
            try checkAgainstDisk(intent)
        } catch {
            throw StateStoreError(
                .inconsistentIntent(problem: error.message),
                file: shown)
        }
        return intent
    }

    /// Why an intent is refused (see ``readIntent()``).
    /// The bytes of a file opened without following a symlink and without waiting on a FIFO, or
    /// `nil` when it does not exist.
    ///
    /// - Throws: ``StateStoreError`` when it is not a regular file or cannot be read.
    static func readRegularFile(_ path: String, display shown: String) throws(StateStoreError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            if errno == ELOOP {
                throw StateStoreError(
                    .fileIsSymlink(file: shown),
                    file: shown)
            }
            throw StateStoreError(.cannotRead(file: shown, reason: FileSystem.errnoText()), file: shown)
        }
        defer { _ = close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw StateStoreError(
                .fileNotRegular(file: shown),
                file: shown)
        }
        guard let bytes = FileSystem.readAll(fd) else {
            throw StateStoreError(.cannotRead(file: shown, reason: FileSystem.errnoText()), file: shown)
        }
        return bytes
    }

    /// Parses an intent and checks it on its own (see ``readIntent()``).
    static func parseIntent(_ bytes: [UInt8], display: (String) -> String) throws(IntentProblem) -> Intent {
        let node: JSONNode
        do {
            node = try JSONParser.parse(bytes)
        } catch {
            throw .notJSON(error.message)
        }
        guard case .object(let members) = node.kind else { throw .notAnObject }
        let keys = ["apply", "files", "formatVersion", "journal", "journalOffset"]
        guard members.map(\.key).sorted() == keys else {
            throw .keys(
                expected: keys.joined(separator: ", "), found: members.map(\.key).sorted().joined(separator: ", "))
        }
        guard case .number("1")? = node.member("formatVersion")?.kind else {
            throw .formatVersion
        }
        guard case .string(let apply)? = node.member("apply")?.kind, let at = try? Instant.parse(apply),
            at.description == apply
        else {
            throw .apply
        }
        guard case .number(let offsetText)? = node.member("journalOffset")?.kind, let offset = Int(offsetText),
            offset >= 0
        else {
            throw .journalOffset
        }
        guard case .array(let fileNodes)? = node.member("files")?.kind else {
            throw .filesNotAnArray
        }
        guard case .array(let lineNodes)? = node.member("journal")?.kind else {
            throw .journalNotAnArray
        }
        var files = [IntentFile]()
        var paths = Set<String>()
        for (i, file) in fileNodes.enumerated() {
            guard case .object(let fileMembers) = file.kind, fileMembers.map(\.key).sorted() == ["content", "path"],
                case .string(let p)? = file.member("path")?.kind,
                case .string(let content)? = file.member("content")?.kind
            else { throw .fileEntry(index: i) }
            let name = String(p.dropFirst("tenants/".count))
            guard p.hasPrefix("tenants/"), name.hasSuffix(".json"), isSafeFileName(name),
                !name.dropLast(5).contains("/")
            else {
                throw .filePath(index: i, path: p)
            }
            guard paths.insert(p).inserted else { throw .filePathTwice(index: i, path: p) }
            let document: TenantState
            do throws(Diagnostic) {
                document = try TenantState.decode(stateFile: Array(content.utf8), path: display(p))
            } catch {
                throw .fileContent(index: i, path: p, line: error.location?.line ?? 1, problem: error.message)
            }
            guard document.appliedAt == at else {
                throw .fileAppliedAt(index: i, appliedAt: document.appliedAt, apply: apply)
            }
            files.append(IntentFile(path: p, content: content))
        }
        var lines = [String]()
        for (i, line) in lineNodes.enumerated() {
            guard case .string(let text) = line.kind else { throw .journalEntryNotAString(index: i) }
            guard isJournalLine(Array(text.utf8)), !text.contains("\n"),
                let parsed = try? JSONParser.parse(Array(text.utf8)),
                case .string(apply)? = parsed.member("apply")?.kind,
                case .number(String(i + 1))? = parsed.member("seq")?.kind
            else {
                throw .journalEntry(index: i, apply: apply)
            }
            lines.append(text)
        }
        return Intent(apply: apply, files: files, journal: lines, journalOffset: offset)
    }

    /// Whether `bytes` is one journal line (docs/README.md §8 "State"): a JSON object with the strings
    /// `at`, `action`, `tenant` and `code` or `serial`.
    static func isJournalLine(_ bytes: [UInt8]) -> Bool {
        guard let node = try? JSONParser.parse(bytes), case .object = node.kind,
            case .string? = node.member("at")?.kind, case .string? = node.member("action")?.kind,
            case .string? = node.member("tenant")?.kind
        else { return false }
        if case .string? = node.member("code")?.kind { return true }
        if case .string? = node.member("serial")?.kind { return true }
        return false
    }

    /// Checks an intent against the tenant files and the journal it would touch (see
    /// ``readIntent()``).
    private func checkAgainstDisk(_ intent: Intent) throws(IntentProblem) {
        for file in intent.files {
            let path = (statePath as NSString).appendingPathComponent(file.path)
            let current: [UInt8]?
            do {
                current = try Self.readRegularFile(path, display: display(file.path))
            } catch {
                throw .unreadable(message: error.diagnostics.first?.message ?? "cannot read \(display(file.path))")
            }
            let content = Array(file.content.utf8)
            if current == content { continue }
            guard let new = try? TenantState.decode(stateFile: content, path: display(file.path)) else {
                throw .contentNotADocument(path: file.path)
            }
            guard let current else {
                guard new.serial == 1 else {
                    throw .newFileSerial(file: display(file.path), serial: new.serial)
                }
                continue
            }
            guard let old = try? TenantState.decode(stateFile: current, path: display(file.path)) else {
                throw .existingNotADocument(file: display(file.path))
            }
            guard old.lineage == new.lineage, old.serial + 1 == new.serial else {
                throw .notTheNextVersion(
                    file: display(file.path), lineage: new.lineage, serial: new.serial, fileLineage: old.lineage,
                    fileSerial: old.serial)
            }
        }
        let journalShown = display(StateStore.journalName)
        let journal: [UInt8]
        do {
            journal =
                try Self.readRegularFile(
                    (statePath as NSString).appendingPathComponent(StateStore.journalName),
                    display: journalShown) ?? []
        } catch {
            throw .unreadable(message: error.diagnostics.first?.message ?? "cannot read \(journalShown)")
        }
        let offset = intent.journalOffset
        guard offset <= journal.count else {
            throw .offsetPastTheEnd(offset: offset, journal: journalShown, bytes: journal.count)
        }
        guard offset == 0 || journal[offset - 1] == 0x0A else {
            throw .offsetInsideALine(offset: offset, journal: journalShown)
        }
        // After the offset only a beginning of this apply's own lines may stand (an attempt that
        // was interrupted while appending); anything else would be cut by the replay.
        let own = intent.journalBytes
        let after = journal[offset...]
        guard after.count <= own.count, own.starts(with: after) else {
            let lines = after.filter { $0 == 0x0A }.count
            throw .foreignLines(journal: journalShown, lines: lines, offset: offset)
        }
    }
}
