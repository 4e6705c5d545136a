import Testing

@testable import LicenseKit

/// Each typed error renders the message its stage printed before it was typed (issue 12): the
/// expected texts are the messages of the e2e and golden files, with these values.
@Suite struct TypedErrorMessageTests {
    @Test(arguments: [
        (
            CrossTenantError.codeInOtherTenantsState(
                code: "96D9-****-59E5", tenant: "acme-water", owner: "harbor-lights",
                location: "state/tenants/harbor-lights.json"),
            "code 96D9-****-59E5 of tenant 'acme-water' is already redeemed into tenant 'harbor-lights' (state/tenants/harbor-lights.json); a code is redeemed into exactly one tenant"
        ),
        (
            CrossTenantError.codeInRenamedTenantsState(
                code: "96D9-****-59E5", tenant: "acme-water", owner: "acme", location: "state/tenants/acme.json",
                folder: "state/tenants/"),
            "code 96D9-****-59E5 of tenant 'acme-water' is already redeemed into tenant 'acme' (state/tenants/acme.json); a code is redeemed into exactly one tenant. If tenant 'acme' was renamed to 'acme-water' in metadata.name, rename its state file too: git mv state/tenants/acme.json state/tenants/acme-water.json, and set its \"tenant\" field to 'acme-water'"
        ),
        (
            CrossTenantError.codeOfOtherOwner(
                code: "96D9-****-59E5", tenant: "acme-water", owner: "harbor", otherOwner: "team-b",
                location: "postgres:team-b/harbor"),
            "code 96D9-****-59E5 of tenant 'acme-water' is already redeemed into tenant 'harbor' of owner 'team-b' (postgres:team-b/harbor); a code is redeemed into exactly one tenant"
        ),
    ])
    func crossTenantErrors(error: CrossTenantError, message: String) {
        #expect(error.message == message)
    }

    @Test(arguments: [
        (
            SelectionError.shardNotTwoNumbers("1/2/3"),
            "--shard: expected I/N (two whole numbers, e.g. 2/4: the second of four shards), found '1/2/3'"
        ),
        (
            SelectionError.shardOutOfRange("4/3"),
            "--shard: expected I/N with 1 ≤ I ≤ N (shards are numbered from 1), found '4/3'"
        ),
        (SelectionError.emptyTarget, "--target: expected a tenant name, found an empty value"),
        (
            SelectionError.unknownTenant("acme", known: "acme-water, harbor-lights"),
            "unknown tenant 'acme': no manifest and no state file names it; known tenants: acme-water, harbor-lights"
        ),
        (SelectionError.noState("acme", location: "state/tenants"), "tenant 'acme' has no state in state/tenants"),
    ])
    func selectionErrors(error: SelectionError, message: String) {
        #expect(error.message == message)
        #expect(error.description == message)
    }

    /// A typo gets the closest known name (newcomer run 5: `--target t-0003` among 300 tenants
    /// listed ten names and "290 more").
    @Test func anUnknownTenantCloseToAKnownOneGetsADidYouMean() {
        let known: Set<String> = ["acme-water", "baltic-ports", "harbor-lights"]
        let diagnostics = TenantSelection(targets: ["acme-watr", "zebra"]).unknownNames(known: known)
        #expect(
            diagnostics.map(\.message) == [
                "unknown tenant 'acme-watr': no manifest and no state file names it; did you mean 'acme-water'? known tenants: acme-water, baltic-ports, harbor-lights",
                "unknown tenant 'zebra': no manifest and no state file names it; known tenants: acme-water, baltic-ports, harbor-lights",
            ])
    }

    @Test func unknownTenantsAreSelectionErrorsListingTheKnownOnes() {
        let known = Set((1...12).map { "t\(String(format: "%02d", $0))" })
        let diagnostics = TenantSelection(targets: ["zz", "aa"]).unknownNames(known: known)
        #expect(
            diagnostics.map(\.message) == [
                "unknown tenant 'aa': no manifest and no state file names it; known tenants: t01, t02, t03, t04, t05, t06, t07, t08, t09, t10 and 2 more",
                "unknown tenant 'zz': no manifest and no state file names it; known tenants: t01, t02, t03, t04, t05, t06, t07, t08, t09, t10 and 2 more",
            ])
        #expect(
            TenantSelection(arguments: ["x"]).unknownNames(known: []).map(\.message) == [
                "unknown tenant 'x': no manifest and no state file names it; known tenants: none"
            ])
    }

    @Test(arguments: [
        (
            PlanDecodeError.notJSON("invalid JSON at byte 0: unexpected end of file"),
            "not a licensectl plan: invalid JSON at byte 0: unexpected end of file"
        ),
        (PlanDecodeError.notAnObject, "not a licensectl plan: expected a JSON object at the top"),
        (PlanDecodeError.noFormatVersion, "not a licensectl plan: no integer 'formatVersion'"),
        (PlanDecodeError.otherFormatVersion(2, reads: 1), "stale plan: formatVersion 2, this licensectl reads 1"),
        (
            PlanDecodeError.notAPlan("missing key 'inputsDigest' in top level"),
            "not a licensectl plan: missing key 'inputsDigest' in top level"
        ),
    ])
    func planDecodeErrors(error: PlanDecodeError, message: String) {
        #expect(error.message == message)
        #expect(error.description == message)
    }

    @Test(arguments: [
        (PlanFileError.unreadable(file: "plan.json"), "cannot read plan file 'plan.json'"),
        (
            PlanFileError.undecodable(file: "plan.json", .noFormatVersion),
            "plan.json: not a licensectl plan: no integer 'formatVersion'"
        ),
        (
            PlanFileError.inputsChanged(from: "sha256:0123456789ab…", to: "sha256:ba9876543210…"),
            "stale plan: the manifests or CSV files changed since the plan was made (inputs digest sha256:0123456789ab… → sha256:ba9876543210…)"
        ),
        (
            PlanFileError.stateAppeared(tenant: "acme", serial: 3),
            "stale plan: tenant 'acme' had no state when planned, now it has serial 3"
        ),
        (
            PlanFileError.stateVanished(tenant: "acme", serial: 3),
            "stale plan: tenant 'acme' had state serial 3 when planned, now it has none"
        ),
        (
            PlanFileError.otherLineage(tenant: "acme", from: "L1", to: "L2"),
            "stale plan: tenant 'acme' has another lineage (L1 → L2)"
        ),
        (
            PlanFileError.appliedSince(tenant: "acme", from: 3, to: 4),
            "stale plan: tenant 'acme' was applied since (serial 3 → 4)"
        ),
        (
            PlanFileError.stateNotCovered(tenant: "acme"),
            "stale plan: tenant 'acme' has a state file the plan did not cover"
        ),
        (
            PlanFileError.otherEvents(tenant: "acme"),
            "stale plan: tenant 'acme' would now get other events than the plan shows; plan again"
        ),
        (PlanFileError.tenantsChanged, "stale plan: the set of tenants changed; plan again"),
        (
            PlanFileError.changedBeforeLock,
            "stale plan: state changed between your confirmation and taking the lock; what you confirmed would not be written. Run apply again."
        ),
    ])
    func planFileErrors(error: PlanFileError, message: String) {
        #expect(error.message == message)
    }

    @Test(arguments: [
        (PlanFileError.TimeDrivenInstant.stockExpiry(code: "96D9-****-59E5"), "the stock expiry of 96D9-****-59E5"),
        (.scheduledActivation(code: "96D9-****-59E5"), "the scheduled activation of 96D9-****-59E5"),
        (.expiry(code: "96D9-****-59E5"), "the expiry of 96D9-****-59E5"),
        (.reminderSlot(code: "96D9-****-59E5"), "a reminder slot of 96D9-****-59E5"),
        (.renewalWindow(code: "96D9-****-59E5"), "the renewal window of 96D9-****-59E5"),
    ])
    func passedInstantsNameWhatAndWhen(what: PlanFileError.TimeDrivenInstant, text: String) throws {
        let error = PlanFileError.instantPassed(
            tenant: "acme", what: what, when: try Instant.parse("2026-02-08"), planAt: try Instant.parse("2026-02-01"))
        #expect(
            error.message
                == "stale plan: tenant 'acme' has \(text) at 2026-02-08T00:00:00Z, after the plan's at 2026-02-01T00:00:00Z; the world moved on, plan again"
        )
    }

    @Test func applyMessages() throws {
        #expect(
            ApplyError.atInTheFuture(try Instant.parse("2030-01-01")).message
                == "applying at 2030-01-01T00:00:00Z, later than the current time: until then, plans without --at are refused (--at earlier than appliedAt)"
        )
        #expect(
            ApplyError.interruptedApplyPending.message
                == "an apply was interrupted; its intent is pending and the next apply completes it first (this plan already counts it as state): run apply before committing state/"
        )
        #expect(ApplyError.cancelled.message == "Apply cancelled; nothing was written.")
        #expect(ApplyError.refusedWithErrors(3).message == "Apply refused: 3 error(s); nothing was written.")
        #expect(ApplyError.refusedAsStale.message == "Apply refused; nothing was written. Run plan again.")
    }

    @Test(arguments: [
        (
            OutboxError.cannotOpenFolder(outbox: "../mail", reason: "it lies outside the repository root"),
            "--outbox '../mail': it lies outside the repository root; nothing was written"
        ),
        (
            OutboxError.cannotWriteMessage(
                file: "outbox/acme-20261129T000000Z.eml", reason: "it is a folder; name a file"),
            "cannot write 'outbox/acme-20261129T000000Z.eml': it is a folder; name a file; no state was written"
        ),
    ])
    func outboxErrors(error: OutboxError, message: String) {
        #expect(error.message == message)
        #expect(error.description == message)
    }

    @Test(arguments: [
        (
            DeliveryFailure.cannotWriteTemporaryFile(folder: "/tmp"),
            "cannot write a temporary file in /tmp"
        ),
        (
            .cannotStartShell(errno: "Resource temporarily unavailable"),
            "cannot start /bin/sh: Resource temporarily unavailable"
        ),
        (
            .commandTimedOut(command: "sendmail -t -i", seconds: "1.5"),
            "'sendmail -t -i' did not finish within 1.5 s and was stopped"
        ),
        (
            .commandKilled(command: "sendmail -t -i", signal: 9, stderr: ""),
            "'sendmail -t -i' was killed by signal 9"
        ),
        (
            .commandFailed(command: "msmtp -t", status: 75, stderr: "relay refused / try later"),
            "'msmtp -t' exited with status 75: relay refused / try later"
        ),
        (.cannotStartRequest, "cannot start an HTTP request (libcurl)"),
        (.webhookRefused(status: 500, body: "internal trouble"), "the webhook answered HTTP 500: internal trouble"),
        (.webhookRefused(status: 404, body: ""), "the webhook answered HTTP 404"),
        (.webhookTimedOut(seconds: "30"), "the webhook did not answer within 30 s"),
        (
            .webhookUnreachable(detail: "Failed to connect to 127.0.0.1 port 9"),
            "cannot reach the webhook: Failed to connect to 127.0.0.1 port 9"
        ),
        (.outboxIsAFile(outbox: "box"), "--outbox 'box' is a file, not a folder"),
        (
            .cannotReadOutbox(outbox: "box", errno: "Permission denied"),
            "--outbox 'box': cannot read the folder: Permission denied"
        ),
        (.cannotReadMessage(errno: "Permission denied"), "cannot read the message: Permission denied"),
        (
            .cannotCreateSent(outbox: "box", errno: "Read-only file system"),
            "delivered, but cannot create 'box/sent': Read-only file system; it will be delivered again"
        ),
        (
            .cannotMoveToSent(outbox: "box", errno: "Read-only file system"),
            "delivered, but cannot move it to 'box/sent': Read-only file system; it will be delivered again"
        ),
        (.transport("refused"), "refused"),
    ])
    func deliveryFailures(error: DeliveryFailure, reason: String) {
        #expect(error.reason == reason)
    }

    @Test(arguments: [
        (OutputFile.WriteError.isAFolder, "it is a folder; name a file"),
        (.folderMissing, "its folder does not exist"),
        (.cannotOpenItsFolder(errno: "Permission denied"), "cannot open its folder (Permission denied)"),
        (
            .isASymlink,
            "it is a symlink; licensectl does not write through symlinks: remove it or name the file itself"
        ),
        (.notARegularFile, "it is not a regular file (a FIFO, device or socket); name a regular file"),
        (.cannotExamine(errno: "Permission denied"), "Permission denied"),
        (
            .cannotCreateTemporary(errno: "Permission denied"),
            "cannot create a temporary file next to it (Permission denied)"
        ),
        (.notWritten(errno: "No space left on device"), "No space left on device; it was not written"),
        (
            .outsideRoot,
            "it resolves (after symlinks) to a place outside the repository root; name a folder inside the license repo or give an absolute path"
        ),
        (.isAFile, "it is a file, not a folder"),
        (.cannotCreateFolder(errno: "Permission denied"), "cannot create the folder (Permission denied)"),
        (.cannotOpenFolder(errno: "Permission denied"), "cannot open the folder (Permission denied)"),
    ])
    func outputFileWriteErrors(error: OutputFile.WriteError, reason: String) {
        #expect(error.reason == reason)
        #expect(error.description == reason)
    }

    @Test(arguments: [
        (CommandError.notifyNeedsOneTransport, "notify: give exactly one of --sendmail [COMMAND] and --webhook URL"),
        (.notifyCommandWithoutSendmail, "notify: a COMMAND argument is only taken with --sendmail"),
        (.emptySendmailCommand, "--sendmail: the command is empty; leave it out for `sendmail -t -i`"),
        (
            .secondsOutOfRange(option: "--timeout", upTo: 3600, found: 0),
            "--timeout: expected a number of seconds above 0 and at most 3600, found 0"
        ),
        (
            .secondsOutOfRange(option: "--timeout", upTo: 3600, found: -0.0),
            "--timeout: expected a number of seconds above 0 and at most 3600, found 0"
        ),
        (
            .secondsOutOfRange(option: "--lock-timeout", upTo: 86_400, found: -1.5),
            "--lock-timeout: expected a number of seconds above 0 and at most 86400, found -1.5"
        ),
        (
            .negativeSeconds(option: "--lock-timeout", upTo: 86_400, found: "-1"),
            "--lock-timeout: expected a number of seconds from 0 to 86400, found '-1'; a wait cannot be negative: give 0 to fail at once"
        ),
        (
            .notSeconds(option: "--lock-timeout", upTo: 86_400, found: "1e9"),
            "--lock-timeout: expected a number of seconds from 0 to 86400 such as 30 or 1.5 (0 fails at once), found '1e9'"
        ),
        (
            .webhookNotHTTP(redacted: "ftp://hooks.example/…"),
            "--webhook: expected an http:// or https:// URL, found 'ftp://hooks.example/…'"
        ),
        (.atWithPlanFile, "apply PLANFILE applies the plan at its own at; remove --at"),
        (
            .selectionWithPlanFile,
            "apply PLANFILE applies exactly the plan file's selection; remove --target/--shard (or plan again with them)"
        ),
        (
            .mailFromNotAnAddress(found: "ops"),
            "--mail-from: expected one address such as 'licensectl <ops@example.com>', found 'ops'"
        ),
        (.daysOutOfRange(found: -1), "--days: expected a whole number of days from 0 to 36500, found -1"),
        (.pairWithoutEquals(option: "--label", value: "team"), "--label 'team': expected KEY=VALUE"),
        (.pairWithoutEquals(option: "--column", value: "code"), "--column 'code': expected COLUMN=HEADER"),
        (.unreadablePlanFile(file: "plan.json"), "cannot read plan file 'plan.json' (is it a readable file?)"),
        (
            .cannotWrite(file: "out/plan.json", reason: "its folder does not exist"),
            "cannot write 'out/plan.json': its folder does not exist"
        ),
        (
            .notDelivered(file: "outbox/beta-20261129T000000Z.eml", reason: "the webhook answered HTTP 500"),
            "outbox/beta-20261129T000000Z.eml: the webhook answered HTTP 500"
        ),
        (.planRefused(errors: 4), "Plan refused: 4 error(s); nothing was written."),
        (.recoveredInterruptedApply, "licensectl: completed an interrupted apply first."),
        (
            .unknownStateScheme(option: "--state", scheme: "postgress"),
            "--state: 'postgress://' is not a state backend licensectl knows; expected a state directory or a PostgreSQL URL postgres://USER@HOST:PORT/DB"
        ),
        (
            .mistypedStateScheme(option: "--state", typed: "postgress:/", suggestion: "postgres://ci:***@db/licenses"),
            "--state: 'postgress:/' is not a state backend licensectl knows; did you mean postgres://ci:***@db/licenses? Expected a state directory or a PostgreSQL URL postgres://USER@HOST:PORT/DB"
        ),
        (
            .stateDirectoryMissing(directory: "stat", source: "--state"),
            "licensectl: note: state directory 'stat' (from --state) does not exist: every tenant is planned as new, and apply creates it; if state is recorded elsewhere, check --state"
        ),
        (
            .stateURLWithoutSlashes(option: "--to", prefix: "PostgreSQL:"),
            "--to: 'PostgreSQL:' without '//'; expected a state directory or a PostgreSQL URL postgres://USER@HOST:PORT/DB"
        ),
        (
            .planFileInsideStateDirectory(file: "state/new.plan.json", directory: "state"),
            "cannot write 'state/new.plan.json': it is inside the state directory 'state', which only apply writes; write the plan file outside it, e.g. --out plan.plan.json"
        ),
        (
            .planFileInsideTenantsFolder(file: "tenants/new.yaml", folder: "tenants"),
            "cannot write 'tenants/new.yaml': it is inside the tenants folder 'tenants', whose files are read as manifests; write the plan file outside it, e.g. --out plan.plan.json"
        ),
        (
            .planFileIsAnInput(file: "sales.csv", input: "sales.csv"),
            "cannot write 'sales.csv': it is sales.csv, an input of this plan; write the plan file to a new name, e.g. --out plan.plan.json"
        ),
        (
            .standardOutputFailed(reason: "No space left on device"),
            "cannot write to standard output (No space left on device); the output is incomplete"
        ),
        (
            .planFileNotFound(file: "p.plan.json"),
            "plan file 'p.plan.json' does not exist (an argument containing '.' or '/' is a plan file; a tenant name has neither)"
        ),
        (.notAPlanFile(file: "x.json", problem: "not JSON"), "x.json: not JSON"),
        (
            .noStateToShow(tenant: "acme", location: "state/tenants", known: []),
            "tenant 'acme' has no state in state/tenants; tenants with state: none (run apply first)"
        ),
        (
            .noStateToShow(tenant: "t-99", location: "postgres:emea", known: (1...12).map { "t-\($0)" }),
            "tenant 't-99' has no state in postgres:emea; tenants with state: t-1, t-2, t-3, t-4, t-5, t-6, t-7, t-8, t-9, t-10 and 2 more"
        ),
        (
            .builtWithoutPostgres(migrate: true),
            "state migrate needs the PostgreSQL state backend, which this licensectl was built without; build it with: swift build --traits PostgreSQL"
        ),
        (
            .builtWithoutPostgres(migrate: false),
            "--state names a PostgreSQL database, but this licensectl was built without the PostgreSQL state backend; build it with: swift build --traits PostgreSQL"
        ),
        (.invalidValue(option: "--at", problem: "'x' is not a date"), "--at: 'x' is not a date"),
    ])
    func commandErrors(error: CommandError, message: String) {
        #expect(error.message == message)
        #expect(error.description == message)
    }

    @Test func aRefusedForecastNamesItsInstant() throws {
        #expect(
            CommandError.forecastRefused(at: try Instant.parse("2026-11-29"), errors: 2).message
                == "Forecast refused: the plan at 2026-11-29T00:00:00Z has 2 error(s).")
    }

    static let file = "state/tenants/acme.json"

    @Test(arguments: [
        (
            StateDirectoryError.cannotRead(file: file, reason: "Permission denied"),
            "cannot read \(file) (Permission denied)"
        ),
        (.cannotCreate(file: "state", reason: "Read-only file system"), "cannot create state (Read-only file system)"),
        (.cannotCreate(file: "state/tenants", reason: nil), "cannot create state/tenants"),
        (.cannotOpen(file: "state/.lock", reason: "Permission denied"), "cannot open state/.lock (Permission denied)"),
        (
            .cannotList(file: "state/tenants", reason: "Permission denied"),
            "cannot list state/tenants (Permission denied)"
        ),
        (.notADirectory(file: "state/tenants"), "state/tenants is not a directory"),
        (
            .tenantsFolderIsSymlink(file: "state/tenants"),
            "state/tenants is a symlink; licensectl does not follow symlinks in the state directory (apply would refuse to write): replace it with a real directory"
        ),
        (
            .strangerInTenantsFolder,
            "not a regular file (a FIFO, device or socket); the state directory holds only regular files: remove it"
        ),
        (
            .stateFileNotRegular,
            "state file is not a regular file (a FIFO, device, socket or folder); the state directory holds only regular files: remove it"
        ),
        (
            .stateFileIsSymlink,
            "state file is a symlink; licensectl does not follow symlinks in the state directory (apply would refuse to write it): replace it with the file itself"
        ),
        (
            .cannotReadStateFile(reason: "Input/output error"),
            "cannot read state file (Input/output error); it was not changed"
        ),
        (
            .fileIsSymlink(file: "state/journal.jsonl"),
            "state/journal.jsonl is a symlink; licensectl does not follow symlinks in the state directory: replace it with the file itself"
        ),
        (
            .fileNotRegular(file: "state/.pending.json"),
            "state/.pending.json is not a regular file (a FIFO, device, socket or folder); the state directory holds only regular files: remove it"
        ),
        (
            .folderIsSymlinkForWrites(file: "state/tenants"),
            "state/tenants is a symlink; licensectl does not follow symlinks in the state directory for writes: replace it with a real directory"
        ),
        (
            .fileIsSymlinkForWrites(file: file),
            "\(file) is a symlink; licensectl does not follow symlinks in the state directory for writes: replace it with a regular file (nothing was written)"
        ),
        (.fileNotRegularForWrites(file: file), "\(file) is not a regular file (nothing was written)"),
        (
            .cannotCreateTemporary(file: file, reason: "No space left on device"),
            "cannot create a temporary file next to \(file) (No space left on device)"
        ),
        (
            .cannotWrite(file: file, reason: "No space left on device"),
            "cannot write \(file) (No space left on device); it was not changed"
        ),
        (.cannotExamine(file: file, reason: "Bad file descriptor"), "cannot write \(file) (Bad file descriptor)"),
        (
            .cannotReplace(file: file, reason: "Permission denied"),
            "cannot replace \(file) (Permission denied); it was not changed"
        ),
        (
            .cannotAppend(file: "state/journal.jsonl", reason: "No space left on device"),
            "cannot append to state/journal.jsonl (No space left on device)"
        ),
        (
            .cannotRemove(file: "state/.pending.json", reason: "Permission denied"),
            "cannot remove state/.pending.json (Permission denied)"
        ),
        (
            .cannotRepair(file: "state/journal.jsonl", reason: "Permission denied"),
            "cannot repair state/journal.jsonl (Permission denied)"
        ),
        (.tornJournalLineCut(bytes: 17), "cut a torn last journal line (17 bytes without a newline)"),
        (.unsafeFileName(tenant: ".."), "tenant name '..' cannot be a state file name"),
        (.planHasErrors, "the plan has errors; nothing was written"),
        (
            .interruptedApplyPending(file: "state/.pending.json"),
            "an interrupted apply is pending in state/.pending.json; it must be recovered first"
        ),
        (
            .inconsistentIntent(problem: "journalOffset 12 is not at the start of a line of state/journal.jsonl"),
            "the intent of an interrupted apply is not consistent: journalOffset 12 is not at the start of a line of state/journal.jsonl; nothing was written. It is written atomically, so it or the state was edited since: restore it from a backup, or remove it to discard the interrupted apply and run plan again"
        ),
        (
            .lockFileIsSymlink(file: "state/.lock"),
            "state/.lock is a symlink; licensectl does not follow symlinks in the state directory: remove it"
        ),
        (
            .cannotLock(file: "state/.lock", reason: "No locks available"),
            "cannot lock state/.lock (No locks available)"
        ),
        (
            .locked(holder: "pid 4242 on host ci-1 since 2026-11-29T00:00:00Z"),
            "state is locked by pid 4242 on host ci-1 since 2026-11-29T00:00:00Z; wait or retry with --lock-timeout"
        ),
        (
            .stillLocked(holder: "pid 4242 on host ci-1 since 2026-11-29T00:00:00Z", seconds: "1.5"),
            "state is still locked by pid 4242 on host ci-1 since 2026-11-29T00:00:00Z after waiting 1.5 seconds; wait or retry with a longer --lock-timeout"
        ),
        (.noStateToCopy(directory: "state"), "state does not exist; there is no state to copy"),
        (
            .pendingBeforeCopy(file: "state/.pending.json"),
            "an interrupted apply is pending in state/.pending.json; run licensectl apply to complete it before copying the state"
        ),
        (
            .destinationNotEmpty(directory: "state", documents: 2, journalLines: 7),
            "state already holds state (2 tenant file(s), 7 journal line(s)); migrate only into an empty destination"
        ),
        (
            .journalLineNotAnEvent,
            "journal line is not an applied event (expected a JSON object with tenant, action, at and apply); the state was not copied: restore the line from git (git diff shows the edit) or delete it, then migrate again"
        ),
        (.journalLineNotUTF8, "journal line is not UTF-8; the state was not copied"),
        (.lockNotHeld, "internal error: the state lock is not held"),
        (
            .noNewState(tenant: "acme"),
            "internal error: tenant 'acme' is changed but has no new state document"
        ),
        (.simulatedCrash(step: "journal"), "simulated crash after journal"),
    ])
    func stateDirectoryErrors(error: StateDirectoryError, message: String) {
        #expect(error.message == message)
    }

    @Test(arguments: [
        (
            IntentProblem.notJSON("unexpected end of file at byte 9"),
            "it is truncated or not JSON (unexpected end of file at byte 9)"
        ),
        (.notAnObject, "expected a JSON object"),
        (
            .keys(expected: "apply, files, formatVersion, journal, journalOffset", found: "apply, files"),
            "expected exactly the keys apply, files, formatVersion, journal, journalOffset, found apply, files"
        ),
        (.formatVersion, "formatVersion: expected 1"),
        (.apply, "apply: expected an instant YYYY-MM-DDTHH:MM:SSZ"),
        (.journalOffset, "journalOffset: expected a byte count (an integer ≥ 0)"),
        (.filesNotAnArray, "files: expected an array"),
        (.journalNotAnArray, "journal: expected an array"),
        (.fileEntry(index: 2), "files[2]: expected an object with the strings path and content"),
        (
            .filePath(index: 0, path: "../x.json"),
            "files[0].path: expected tenants/<tenant>.json, found '../x.json'"
        ),
        (.filePathTwice(index: 1, path: "tenants/acme.json"), "files[1].path: 'tenants/acme.json' appears twice"),
        (
            .fileContent(index: 0, path: "tenants/acme.json", line: 3, problem: "missing key 'serial'"),
            "files[0].content is not a valid tenant document for tenants/acme.json (line 3 of the content: missing key 'serial')"
        ),
        (.journalEntryNotAString(index: 4), "journal[4]: expected a string"),
        (
            .journalEntry(index: 4, apply: "2026-11-29T00:00:00Z"),
            "journal[4]: expected one journal line of this apply (an object with at, action, tenant, code or serial, apply 2026-11-29T00:00:00Z and seq 5)"
        ),
        (
            .unreadable(message: "cannot read state/journal.jsonl (Permission denied)"),
            "cannot read state/journal.jsonl (Permission denied)"
        ),
        (
            .contentNotADocument(path: "tenants/acme.json"),
            "the content for tenants/acme.json is not a valid tenant document"
        ),
        (
            .newFileSerial(file: file, serial: 3),
            "\(file) does not exist, but the intent writes serial 3 (expected 1 for a new tenant file)"
        ),
        (
            .existingNotADocument(file: file),
            "\(file) is not a valid tenant document, so the intent cannot be its next version"
        ),
        (
            .notTheNextVersion(file: file, lineage: "L2", serial: 5, fileLineage: "L1", fileSerial: 3),
            "the intent writes \(file) as lineage L2 serial 5, but the file holds lineage L1 serial 3 (expected the same lineage and serial 4)"
        ),
        (
            .offsetPastTheEnd(offset: 900, journal: "state/journal.jsonl", bytes: 512),
            "journalOffset 900 is past the end of state/journal.jsonl (512 bytes)"
        ),
        (
            .offsetInsideALine(offset: 12, journal: "state/journal.jsonl"),
            "journalOffset 12 is not at the start of a line of state/journal.jsonl"
        ),
        (
            .foreignLines(journal: "state/journal.jsonl", lines: 2, offset: 512),
            "state/journal.jsonl holds 2 line(s) after journalOffset 512 that are not this apply's; the replay would delete them"
        ),
    ])
    func intentProblems(problem: IntentProblem, message: String) {
        #expect(problem.message == message)
    }

    @Test func anIntentWrittenByAnotherApplyNamesBothInstants() throws {
        let problem = IntentProblem.fileAppliedAt(
            index: 0, appliedAt: try Instant.parse("2026-11-28"), apply: "2026-11-29T00:00:00Z")
        #expect(
            problem.message
                == "files[0].content: appliedAt 2026-11-28T00:00:00Z is not the intent's apply 2026-11-29T00:00:00Z")
    }

    @Test func aStateStoreErrorOfATypedCaseIsOneErrorAtItsFile() {
        let error = StateStoreError(.cannotWrite(file: Self.file, reason: "No space left on device"), file: Self.file)
        #expect(
            error.description
                == "state/tenants/acme.json:1:1: error: cannot write state/tenants/acme.json (No space left on device); it was not changed"
        )
        #expect(StateStoreError(.lockNotHeld).diagnostics.map(\.location) == [nil])
    }

    @Test(arguments: [
        (StateDocumentError.empty, "state file is empty"),
        (
            .notJSON(reason: "invalid JSON at byte 0: unexpected end of file"),
            "state file is truncated or not JSON (invalid JSON at byte 0: unexpected end of file)"
        ),
        (
            .fileNameMismatch(name: "acme.json", tenant: "acme-water"),
            "file name 'acme.json' does not match tenant 'acme-water': rename the file to 'acme-water.json' (git mv) or fix the tenant field"
        ),
        (.notADocument(found: "an array"), "expected a tenant document (a JSON object), found an array"),
        (
            .newerFormatVersion(2, reads: 1),
            "state file has formatVersion 2, newer than this licensectl reads (1); upgrade licensectl"
        ),
        (.notAnObject(path: "", found: "a string"), "document: expected an object, found a string"),
        (.notAnObject(path: "summary", found: "null"), "summary: expected an object, found null"),
        (
            .unknownKey(field: "routers[0].colour", expected: ["connectedAt", "reason", "serial", "status"]),
            "routers[0].colour: unknown key (expected one of connectedAt, reason, serial, status)"
        ),
        (.missingKey(path: "", key: "lineage"), "document: missing key 'lineage'"),
        (.missingKey(path: "licenses[1]", key: "renew"), "licenses[1]: missing key 'renew'"),
        (
            .wrongValue(field: "serial", expected: "an integer from 1 to 2^53", found: "0"),
            "serial: expected an integer from 1 to 2^53, found 0"
        ),
        (
            .serialTwice(index: 3, serial: "rt-0001"),
            "routers[3].serial: 'rt-0001' appears twice (serials are compared case-insensitively)"
        ),
        (
            .reminderNotAnInstant(path: "licenses[0]", index: 1, found: "a number"),
            "licenses[0].remindersSent[1]: expected an instant YYYY-MM-DDTHH:MM:SSZ, found a number"
        ),
        (
            .adoptedNotActivated(path: "licenses[2]"),
            "licenses[2].adoptedAt: only an activated license is adopted, but activatedAt is null"
        ),
        (
            .statusNeeds(path: "licenses[0]", key: "scheduledAt", status: .scheduled),
            "licenses[0].scheduledAt: a license with status 'scheduled' needs scheduledAt, found null"
        ),
        (
            .summaryCounts(online: 3, offline: 0, countedOnline: 2, countedOffline: 1),
            "summary: online 3 and offline 0 do not count the routers (2 online, 1 offline)"
        ),
        (.overCapacity(online: 26, capacity: 25), "summary: 26 routers online, more than the capacity 25"),
        (
            .license(path: "licenses[4]", field: "archivedAt", .setOnStatus(field: "archivedAt", status: .active)),
            "licenses[4].archivedAt: set on a license with status 'active'; only expired or invalid licenses are archived: set it to null"
        ),
        (
            .license(
                path: "licenses[0]", field: "invalidatedAt", .setOnStatus(field: "invalidatedAt", status: .expired)),
            "licenses[0].invalidatedAt: set on a license with status 'expired'; only invalid licenses have it: set it to null"
        ),
        (
            .license(path: "licenses[0]", field: "activatedAt", .setOnStatus(field: "activatedAt", status: .available)),
            "licenses[0].activatedAt: set on a license with status 'available'; only activated (active, expired or invalid) licenses have it: set it to null"
        ),
        (
            .license(path: "licenses[1]", field: "renew", .renewOnPaid(.cloudBasic1)),
            "licenses[1].renew: true on a Cloud Basic 1 license; renew applies to Cloud Free only: set it to false"
        ),
    ])
    func stateDocumentErrors(error: StateDocumentError, message: String) {
        #expect(error.message == message)
        #expect(error.isNewerVersion == (message.hasSuffix("upgrade licensectl")))
    }

    @Test func aStateDocumentErrorSaysTheFileWasNotChanged() {
        #expect(
            StateDocumentError.empty.reported
                == "state file is empty; the file was not changed: fix it or restore it from git")
        #expect(
            StateDocumentError.newerFormatVersion(2, reads: 1).reported
                == "state file has formatVersion 2, newer than this licensectl reads (1); upgrade licensectl; the file was not changed"
        )
    }

    @Test func stateDocumentErrorsWithInstantsNameThem() throws {
        let issued = try Instant.parse("2026-01-15")
        let applied = try Instant.parse("2026-11-29")
        let later = try Instant.parse("2026-12-01")
        let code = try ActivationCode(parsing: "96D9-1A2B-59E5")
        let cases: [(StateDocumentError, String)] = [
            (.codeTwice(index: 2, code: code), "licenses[2].code: 96D9-1A2B-59E5 appears twice"),
            (
                .capacityMismatch(path: "licenses[0]", capacity: 5, type: .cloudBasic1),
                "licenses[0].capacity: 5 does not match Cloud Basic 1 (1)"
            ),
            (
                .stockExpiresAt(path: "licenses[0]", expected: issued.adding(.twoYears), found: later),
                "licenses[0].stockExpiresAt: expected 2028-01-15T00:00:00Z (issued + P2Y), found 2026-12-01T00:00:00Z"
            ),
            (
                .afterApply(field: "retiredAt", instant: later, appliedAt: applied),
                "retiredAt: 2026-12-01T00:00:00Z is after appliedAt 2026-11-29T00:00:00Z; an apply records only what happened by its at"
            ),
            (
                .onlineNotConnected(index: 1, appliedAt: applied, connectedAt: nil),
                "routers[1].status: 'online', but the router is not connected by appliedAt 2026-11-29T00:00:00Z (connectedAt null)"
            ),
            (
                .onlineNotConnected(index: 1, appliedAt: applied, connectedAt: later),
                "routers[1].status: 'online', but the router is not connected by appliedAt 2026-11-29T00:00:00Z (connectedAt 2026-12-01T00:00:00Z)"
            ),
            (
                .license(
                    path: "licenses[0]", field: "status",
                    .expiredTooEarly(field: "stockExpiresAt", end: later, appliedAt: applied)),
                "licenses[0].status: 'expired', but its stockExpiresAt 2026-12-01T00:00:00Z is not at or before appliedAt 2026-11-29T00:00:00Z; a license expires only when that instant has passed"
            ),
            (
                .license(
                    path: "licenses[0]", field: "status",
                    .expiredTooEarly(field: "expiresAt", end: nil, appliedAt: applied)),
                "licenses[0].status: 'expired', but its expiresAt is null and it is not at or before appliedAt 2026-11-29T00:00:00Z; a license expires only when that instant has passed"
            ),
            (
                .license(
                    path: "licenses[0]", field: "status", .activeAfterExpiry(expiresAt: issued, appliedAt: applied)),
                "licenses[0].status: 'active', but its expiresAt 2026-01-15T00:00:00Z is not after appliedAt 2026-11-29T00:00:00Z; the apply at 2026-11-29T00:00:00Z recorded it as expired"
            ),
            (
                .license(
                    path: "licenses[0]", field: "status", .scheduledAfterStart(scheduledAt: issued, appliedAt: applied)),
                "licenses[0].status: 'scheduled', but its scheduledAt 2026-01-15T00:00:00Z is not after appliedAt 2026-11-29T00:00:00Z; the apply at 2026-11-29T00:00:00Z activated it (or expired it from stock)"
            ),
            (
                .license(
                    path: "licenses[0]", field: "status",
                    .availableAfterStockExpiry(stockExpiresAt: issued, appliedAt: applied)),
                "licenses[0].status: 'available', but its stockExpiresAt 2026-01-15T00:00:00Z is not after appliedAt 2026-11-29T00:00:00Z; the apply at 2026-11-29T00:00:00Z recorded it as expired from stock"
            ),
            (
                .license(path: "licenses[0]", field: "redeemedAt", .afterApply(instant: later, appliedAt: applied)),
                "licenses[0].redeemedAt: 2026-12-01T00:00:00Z is after appliedAt 2026-11-29T00:00:00Z; an apply records only what happened by its at"
            ),
            (
                .license(
                    path: "licenses[0]", field: "expiresAt",
                    .expiresNotAfterActivation(expiresAt: issued, activatedAt: applied)),
                "licenses[0].expiresAt: 2026-01-15T00:00:00Z is not after activatedAt 2026-11-29T00:00:00Z"
            ),
            (
                .license(
                    path: "licenses[0]", field: "invalidatedAt",
                    .invalidatedBeforeActivation(invalidatedAt: issued, activatedAt: applied)),
                "licenses[0].invalidatedAt: 2026-01-15T00:00:00Z is before activatedAt 2026-11-29T00:00:00Z; a license is invalidated only once active"
            ),
            (
                .license(
                    path: "licenses[0]", field: "archivedAt",
                    .archivedBeforeRedeemed(archivedAt: issued, redeemedAt: applied)),
                "licenses[0].archivedAt: 2026-01-15T00:00:00Z is before redeemedAt 2026-11-29T00:00:00Z"
            ),
        ]
        for (error, message) in cases {
            #expect(error.message == message)
        }
    }
}
