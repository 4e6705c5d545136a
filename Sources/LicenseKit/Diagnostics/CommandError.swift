/// What the commands of the executable say themselves (docs/cli.md): an option value that
/// cannot be used (their `validate()`), a file they cannot read or write, and the closing line
/// of a refused `plan` or `forecast`. Each case renders its message; option names as typed.
public enum CommandError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `notify` without, or with both of, `--sendmail` and `--webhook`.
    case notifyNeedsOneTransport
    /// `notify COMMAND` without `--sendmail`.
    case notifyCommandWithoutSendmail
    /// `--sendmail ''`.
    case emptySendmailCommand
    /// A number of seconds (`notify --timeout`) that is not above 0 and at most `upTo`; `found`
    /// prints as a whole number when it is one (`-0` as `0`).
    case secondsOutOfRange(option: String, upTo: Int, found: Double)
    /// `--lock-timeout` below zero (`found`, as typed: `-1`).
    case negativeSeconds(option: String, upTo: Int, found: String)
    /// `--lock-timeout` that is no number of seconds from 0 to `upTo` (`found`, as typed:
    /// `1e9`, `nan`, `inf`, `soon`).
    case notSeconds(option: String, upTo: Int, found: String)
    /// `--webhook` that is not an http(s) URL; `redacted`: the URL without its path.
    case webhookNotHTTP(redacted: String)
    /// `apply PLANFILE --at`.
    case atWithPlanFile
    /// `apply PLANFILE --target/--shard`.
    case selectionWithPlanFile
    /// `--mail-from` that is not one address; control characters in `found` are shown as
    /// `\u{D}` (a header injection must not reach the terminal raw).
    case mailFromNotAnAddress(found: String)
    /// `forecast --days` outside 0…36500.
    case daysOutOfRange(found: Int)
    /// `init --label/--column/--device-column` without `=`.
    case pairWithoutEquals(option: String, value: String)
    /// `show PLANFILE` that cannot be read.
    case unreadablePlanFile(file: String)
    /// `plan --out FILE` that cannot be written (`reason`: ``OutputFile/WriteError/reason``).
    case cannotWrite(file: String, reason: String)
    /// `notify`: a message (`file`, in the outbox) not delivered or not moved to `sent/`
    /// (`reason`: ``DeliveryFailure/reason``).
    case notDelivered(file: String, reason: String)
    /// The closing line of a plan with `errors` errors.
    case planRefused(errors: Int)
    /// The closing line of a forecast whose plan at `at` has `errors` errors.
    case forecastRefused(at: Instant, errors: Int)
    /// `apply` completed an interrupted apply before its own.
    case recoveredInterruptedApply
    /// A write to standard output failed (`reason`: the system's text for `errno`); printed
    /// after `licensectl: error: ` on stderr at the end of the run (docs/README.md §8 "Output").
    case standardOutputFailed(reason: String)
    /// `--state`, `--from` or `--to` with a URL scheme (`scheme`, without `://`) that is no backend.
    case unknownStateScheme(option: String, scheme: String)
    /// `--state`, `--from` or `--to` whose scheme (`typed`, as typed with its `:` and slashes:
    /// `postgress://`, `postgress:/`, `postgre:`) is a near miss of `postgres` or `postgresql`;
    /// `suggestion` is the value with the scheme corrected and its password redacted.
    case mistypedStateScheme(option: String, typed: String, suggestion: String)
    /// A state directory named by `source` (`--state` or `LICENSECTL_STATE`) that does not
    /// exist (`directory`, as given): a note, not an error, since a first apply creates it.
    case stateDirectoryMissing(directory: String, source: String)
    /// `--state`, `--from` or `--to` starting `postgres:` or `postgresql:` (`prefix`, as typed) without `//`.
    case stateURLWithoutSlashes(option: String, prefix: String)
    /// `plan --out` naming a file inside the state directory (`directory`, as shown).
    case planFileInsideStateDirectory(file: String, directory: String)
    /// `plan --out` naming a file inside the tenants folder (`folder`, as shown).
    case planFileInsideTenantsFolder(file: String, folder: String)
    /// `plan --out` naming one of the plan's inputs (`input`, repo-relative).
    case planFileIsAnInput(file: String, input: String)
    /// `show PLANFILE` naming a file that does not exist.
    case planFileNotFound(file: String)
    /// `show PLANFILE` of a file that is not a plan; `problem` is ``PlanDecodeError``'s message.
    case notAPlanFile(file: String, problem: String)
    /// `show TENANT` of a tenant without a state document in `location`; `known` are the
    /// tenants with state, by name.
    case noStateToShow(tenant: String, location: String, known: [String])
    /// A PostgreSQL URL (`--state`) or `state migrate` in a build without the PostgreSQL backend.
    case builtWithoutPostgres(migrate: Bool)
    /// An option value its parser refused (`--at`); `problem` is the parser's message.
    case invalidValue(option: String, problem: String)

    /// The message, e.g. `--days: expected a whole number of days from 0 to 36500, found -1`.
    public var message: String {
        switch self {
        case .notifyNeedsOneTransport: "notify: give exactly one of --sendmail [COMMAND] and --webhook URL"
        case .notifyCommandWithoutSendmail: "notify: a COMMAND argument is only taken with --sendmail"
        case .emptySendmailCommand: "--sendmail: the command is empty; leave it out for `sendmail -t -i`"
        case .secondsOutOfRange(let option, let upTo, let found):
            // `-0` is zero, and a whole number prints without `.0` (newcomer run 8).
            "\(option): expected a number of seconds above 0 and at most \(upTo), found "
                + (found == found.rounded() && abs(found) < 1e15 ? "\(Int(found))" : "\(found)")
        case .negativeSeconds(let option, let upTo, let found):
            "\(option): expected a number of seconds from 0 to \(upTo), found '\(found)'; a wait cannot be negative: give 0 to fail at once"
        case .notSeconds(let option, let upTo, let found):
            "\(option): expected a number of seconds from 0 to \(upTo) such as 30 or 1.5 (0 fails at once), found '\(found)'"
        case .webhookNotHTTP(let redacted): "--webhook: expected an http:// or https:// URL, found '\(redacted)'"
        case .atWithPlanFile: "apply PLANFILE applies the plan at its own at; remove --at"
        case .selectionWithPlanFile:
            "apply PLANFILE applies exactly the plan file's selection; remove --target/--shard (or plan again with them)"
        case .mailFromNotAnAddress(let found):
            "--mail-from: expected one address such as 'licensectl <ops@example.com>', found '\(Diagnostic.escapingControlCharacters(found))'"
        case .daysOutOfRange(let found): "--days: expected a whole number of days from 0 to 36500, found \(found)"
        case .pairWithoutEquals(let option, let value):
            "\(option) '\(value)': expected \(option == "--label" ? "KEY=VALUE" : "COLUMN=HEADER")"
        case .unreadablePlanFile(let file): "cannot read plan file '\(file)' (is it a readable file?)"
        case .cannotWrite(let file, let reason): "cannot write '\(file)': \(reason)"
        case .notDelivered(let file, let reason): "\(file): \(reason)"
        case .planRefused(let errors): "Plan refused: \(errors) error(s); nothing was written."
        case .forecastRefused(let at, let errors): "Forecast refused: the plan at \(at) has \(errors) error(s)."
        case .recoveredInterruptedApply: "licensectl: completed an interrupted apply first."
        case .unknownStateScheme(let option, let scheme):
            "\(option): '\(scheme)://' is not a state backend licensectl knows; expected a state directory or a PostgreSQL URL postgres://USER@HOST:PORT/DB"
        case .mistypedStateScheme(let option, let typed, let suggestion):
            "\(option): '\(typed)' is not a state backend licensectl knows; did you mean \(suggestion)? Expected a state directory or a PostgreSQL URL postgres://USER@HOST:PORT/DB"
        case .stateDirectoryMissing(let directory, let source):
            "licensectl: note: state directory '\(directory)' (from \(source)) does not exist: every tenant is planned as new, and apply creates it; if state is recorded elsewhere, check \(source)"
        case .stateURLWithoutSlashes(let option, let prefix):
            "\(option): '\(prefix)' without '//'; expected a state directory or a PostgreSQL URL postgres://USER@HOST:PORT/DB"
        case .planFileInsideStateDirectory(let file, let directory):
            "cannot write '\(file)': it is inside the state directory '\(directory)', which only apply writes; write the plan file outside it, e.g. --out plan.plan.json"
        case .planFileInsideTenantsFolder(let file, let folder):
            "cannot write '\(file)': it is inside the tenants folder '\(folder)', whose files are read as manifests; write the plan file outside it, e.g. --out plan.plan.json"
        case .planFileIsAnInput(let file, let input):
            "cannot write '\(file)': it is \(input), an input of this plan; write the plan file to a new name, e.g. --out plan.plan.json"
        case .standardOutputFailed(let reason):
            "cannot write to standard output (\(reason)); the output is incomplete"
        case .planFileNotFound(let file):
            "plan file '\(file)' does not exist (an argument containing '.' or '/' is a plan file; a tenant name has neither)"
        case .notAPlanFile(let file, let problem): "\(file): \(problem)"
        case .noStateToShow(let tenant, let location, let known):
            "tenant '\(tenant)' has no state in \(location); tenants with state: "
                + (known.isEmpty
                    ? "none (run apply first)"
                    : known.prefix(10).joined(separator: ", ")
                        + (known.count > 10 ? " and \(known.count - 10) more" : ""))
        case .builtWithoutPostgres(let migrate):
            migrate
                ? "state migrate needs the PostgreSQL state backend, which this licensectl was built without; build it with: swift build --traits PostgreSQL"
                : "--state names a PostgreSQL database, but this licensectl was built without the PostgreSQL state backend; build it with: swift build --traits PostgreSQL"
        case .invalidValue(let option, let problem): "\(option): \(problem)"
        }
    }

    /// The same as ``message``.
    public var description: String { message }
}
