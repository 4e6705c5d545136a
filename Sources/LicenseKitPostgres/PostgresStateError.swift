import LicenseKit

/// What the PostgreSQL state backend (docs/state.md §5.1) cannot parse, reach, lock or write, as
/// ``PostgresStateURL``, ``Session``, ``PostgresStateStore``, ``PostgresStateLease`` and
/// ``StateMigration`` report it inside a ``StateStoreError``. Each case renders its message;
/// `url` is the state URL as shown (password redacted), `reason` the server's or driver's text
/// on one line, codes are masked.
package enum PostgresStateError: Error, Sendable, Equatable {
    // The state URL and the connection.
    /// A state URL that cannot be used (`url` as the user gave it, redacted).
    case url(String, PostgresStateURLProblem)
    /// The server cannot be reached or refuses the connection; `tried` says where libpq would
    /// have looked (empty, or starting with `; `).
    case cannotConnect(url: String, reason: String, tried: String)
    /// The TLS configuration cannot be set up.
    case cannotSetUpTLS(url: String, reason: String)
    /// A statement failed.
    case server(url: String, reason: String)
    /// A stored document whose `tenant` is not its row's name.
    case tenantMismatch(stored: String, row: String)
    /// The schema is newer than this build reads (`reads`).
    case newerSchema(url: String, version: Int, reads: Int)

    // Locks.
    /// Another run holds a tenant's lock.
    case tenantLocked(tenant: String, holder: String)
    /// Another run still holds a tenant's lock after waiting `seconds` (as shown, `30`, `1.5`).
    case tenantStillLocked(tenant: String, holder: String, seconds: String)
    /// A foreign lock timed out, but its holder has ended since.
    case lockHolderEnded(url: String)
    /// A foreign session holds a lock (`what`: the row or table, `who`: the session, `advice`:
    /// how long it was waited for and what to do).
    case lockedBySession(what: String, who: String, advice: String)

    // The connection.
    /// The connection ended under `run`'s transaction (`reason`: the server's or transport's
    /// text, `nil` when the connection just closed); `committing`: while the server committed
    /// it, so it may or may not have been recorded. Otherwise nothing was recorded.
    case connectionLost(url: String, reason: String?, run: PostgresRun, committing: Bool)

    /// A read outside an apply's transaction waited `seconds` (as shown) for a table a foreign
    /// session locked.
    case readLockedBySession(url: String, what: String, who: String, seconds: String)

    // Writing.
    /// The plan to write has errors.
    case planHasErrors
    /// A changed tenant was planned against another state (`then`/`now`: its serial, `nil`
    /// when it had none).
    case stalePlan(tenant: String, then: Int?, now: Int?)
    /// A code of the plan appears twice in it (`code` masked).
    case codeTwiceInPlan(code: String, tenant: String)
    /// The destination of `state migrate` holds state of `owner` already.
    case destinationNotEmpty(url: String, owner: String, tenants: Int, journalLines: Int)
    /// `state migrate` between two directories.
    case migrateNeedsPostgres
    /// The source of `state migrate` holds no state.
    case nothingToCopy(source: String)

    // Internal errors and tests.
    /// A write through a lease that has ended.
    case leaseEnded
    /// A changed tenant of the plan without its new document.
    case noNewState(tenant: String)
    /// A changed tenant that this apply did not lock.
    case notLocked(tenant: String)
    /// Asynchronous work ended without a result.
    case noResult
    /// A crash simulated by the tests after `step` (`reason`: the injected fault).
    case simulatedCrash(step: String, reason: String)

    /// The message, e.g. `tenant 'acme' is locked by pid 42 on ci-7 since …; wait or retry with --lock-timeout`.
    package var message: String {
        switch self {
        case .url(let url, let problem): "state URL \(url): \(problem.message)"
        case .cannotConnect(let url, let reason, let tried): "cannot connect to \(url): \(reason)\(tried)"
        case .cannotSetUpTLS(let url, let reason): "state URL \(url): cannot set up TLS (\(reason))"
        case .server(let url, let reason): "PostgreSQL state \(url): \(reason)"
        case .tenantMismatch(let stored, let row):
            "stored document names tenant '\(stored)', not '\(row)'; the state was not changed"
        case .newerSchema(let url, let version, let reads):
            "PostgreSQL state \(url) has schema version \(version), newer than this licensectl reads (\(reads)); upgrade licensectl"
        case .tenantLocked(let tenant, let holder):
            "tenant '\(tenant)' is locked by \(holder); wait or retry with --lock-timeout"
        case .tenantStillLocked(let tenant, let holder, let seconds):
            "tenant '\(tenant)' is still locked by \(holder) after waiting \(seconds) seconds; wait or retry with a longer --lock-timeout"
        case .lockHolderEnded(let url):
            "a lock on the PostgreSQL state \(url) is held by another session that has just ended; retry"
        case .lockedBySession(let what, let who, let advice): "\(what) is locked by \(who); \(advice)"
        case .readLockedBySession(let url, let what, let who, let seconds):
            "PostgreSQL state \(url): \(what) is locked by \(who); reading waited \(seconds) seconds for it: end that transaction, then run licensectl again"
        case .connectionLost(let url, let reason, .apply, false):
            "PostgreSQL state \(url): the connection to the server was lost during the apply\(Self.parenthesized(reason)); nothing was recorded: the server rolled the apply's transaction back. Start the server (or restore the connection) and run apply again"
        case .connectionLost(let url, let reason, .apply, true):
            "PostgreSQL state \(url): the connection to the server was lost while the apply committed\(Self.parenthesized(reason)); it may or may not have been recorded. Start the server (or restore the connection) and run apply again: it plans against what was recorded, and has no changes if the apply was"
        case .connectionLost(let url, let reason, .migrate, false):
            "PostgreSQL state \(url): the connection to the server was lost during state migrate\(Self.parenthesized(reason)); nothing was copied: the server rolled the copy's transaction back. Start the server (or restore the connection) and run state migrate again"
        case .connectionLost(let url, let reason, .migrate, true):
            "PostgreSQL state \(url): the connection to the server was lost while state migrate committed\(Self.parenthesized(reason)); the copy may or may not have been recorded. Start the server (or restore the connection) and run licensectl status with this --state: if it lists the tenants, the copy is complete; else run state migrate again"
        case .planHasErrors: "the plan has errors; nothing was written"
        case .stalePlan(let tenant, nil, let now?):
            "stale plan: tenant '\(tenant)' had no state when planned, now it has serial \(now)"
        case .stalePlan(let tenant, let then?, nil):
            "stale plan: tenant '\(tenant)' had state serial \(then) when planned, now it has none"
        case .stalePlan(let tenant, let then, let now):
            "stale plan: tenant '\(tenant)' was applied since (serial \(then.map(String.init) ?? "none") → \(now.map(String.init) ?? "none"))"
        case .codeTwiceInPlan(let code, let tenant):
            "code \(code) of tenant '\(tenant)' appears twice in the plan; a code is redeemed into exactly one tenant"
        case .destinationNotEmpty(let url, let owner, let tenants, let journalLines):
            "\(url) already holds state for owner '\(owner)' (\(tenants) tenant(s), \(journalLines) journal line(s)); migrate only into an empty destination"
        case .migrateNeedsPostgres:
            "state migrate copies between a state directory and PostgreSQL: give a postgres:// URL as --from or --to"
        case .nothingToCopy(let source): "\(source) holds no state; nothing was copied"
        case .leaseEnded: "internal error: the PostgreSQL state lease has ended"
        case .noNewState(let tenant): "internal error: tenant '\(tenant)' is changed but has no new state document"
        case .notLocked(let tenant): "internal error: tenant '\(tenant)' is not locked by this apply"
        case .noResult: "internal error: asynchronous work ended without a result"
        case .simulatedCrash(let step, let reason): "simulated crash after \(step): \(reason)"
        }
    }

    /// This error as a diagnostic without a location.
    package var diagnostic: Diagnostic { .error(message) }

    /// ` (reason)`, or nothing.
    private static func parenthesized(_ reason: String?) -> String { reason.map { " (\($0))" } ?? "" }
}

/// The runs of licensectl that write PostgreSQL state in one transaction (docs/state.md §5.1).
package enum PostgresRun: Sendable, Equatable {
    /// `licensectl apply`.
    case apply
    /// `licensectl state migrate` into PostgreSQL.
    case migrate
}

/// Why a `postgres://` state URL cannot be used (docs/state.md §5.1), rendered after
/// `state URL <url>: ` inside ``PostgresStateError/url(_:_:)``. Values the user gave are quoted;
/// a password's text never is.
package enum PostgresStateURLProblem: Error, Sendable, Equatable {
    /// Neither `postgres://` nor `postgresql://`.
    case notAPostgresURL
    /// A comma-separated host list.
    case severalHosts
    /// `[` without `]`.
    case unclosedIPv6Host
    /// Something else than `:PORT` after `[host]`.
    case afterIPv6Host(found: String)
    /// A query parameter given twice.
    case parameterTwice(String)
    /// An unknown `sslmode` (`expected`: the modes).
    case sslMode(found: String, expected: [String])
    /// A `connect_timeout` that is not a whole number of seconds.
    case connectTimeout(found: String)
    /// An unknown query parameter, with a close known one if any.
    case unknownParameter(String, didYouMean: String?)
    /// An `owner` that is not a DNS label.
    case owner(found: String)
    /// A port outside 1...65535.
    case port(found: String)
    /// No user in the URL nor in `PGUSER`.
    case noUser
    /// A `%` not followed by two hex digits in `part` (`user`, `password`, …).
    case badPercentEscape(part: String)
    /// A `part` that is not UTF-8 once decoded.
    case notUTF8(part: String)
    /// A `#fragment` after the host, database name or parameters.
    case fragment

    /// What is wrong, e.g. `port: expected a number from 1 to 65535, found '0'`.
    package var message: String {
        switch self {
        case .notAPostgresURL: "expected a URL starting with postgres:// or postgresql://"
        case .severalHosts: "several hosts are not supported; give one host"
        case .unclosedIPv6Host: "an IPv6 host needs a closing ']'"
        case .afterIPv6Host(let found): "expected ':PORT' after the IPv6 host, found '\(found)'"
        case .parameterTwice(let key): "parameter '\(key)' is given more than once; give it once"
        case .sslMode(let found, let expected):
            "sslmode: expected one of \(expected.joined(separator: ", ")), found '\(found)'"
        case .connectTimeout(let found): "connect_timeout: expected a whole number of seconds, found '\(found)'"
        case .unknownParameter(let key, let suggestion):
            "unknown parameter '\(key)'\(suggestion.map { " (did you mean '\($0)'?)" } ?? "") (expected owner, sslmode, sslrootcert, host, port, user, password, dbname or connect_timeout)"
        case .owner(let found):
            "owner: expected a DNS label (1 to 63 of a-z, 0-9 and '-', not starting or ending with '-'), found '\(found)'"
        case .port(let found): "port: expected a number from 1 to 65535, found '\(found)'"
        case .noUser: "no user name: give one in the URL (postgres://USER@HOST/DB) or set PGUSER"
        case .badPercentEscape(let part): "\(part): '%' must be followed by two hex digits"
        case .notUTF8(let part): "\(part): not UTF-8 after percent-decoding"
        case .fragment:
            "a '#' starts a URL fragment, which a PostgreSQL URL does not take; remove the '#' and what follows it, or write a '#' that belongs to a value (a password, a database name) as %23"
        }
    }
}

extension StateStoreError {
    /// One typed error of the PostgreSQL backend, without a location.
    package init(_ error: PostgresStateError) {
        self.init(error.message)
    }
}
