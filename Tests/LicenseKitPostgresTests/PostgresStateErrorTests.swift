#if PostgreSQL
import LicenseKit
import LicenseKitPostgres
import Testing

/// Each case of the PostgreSQL backend's typed errors renders the message the backend printed
/// before it was typed (issue 12), with real values; the CLI and store tests hold them end to end.
@Suite struct PostgresStateErrorTests {
    static let url = "postgres://ci@db.example.com/licenses?owner=emea"

    @Test(arguments: [
        (
            PostgresStateError.url("postgres://ci:***@db:0/x", .port(found: "0")),
            "state URL postgres://ci:***@db:0/x: port: expected a number from 1 to 65535, found '0'"
        ),
        (
            .cannotConnect(
                url: url, reason: "Connection refused",
                tried: "; tried db.example.com port 5432: is the server running and accepting TCP connections?"),
            "cannot connect to postgres://ci@db.example.com/licenses?owner=emea: Connection refused; tried db.example.com port 5432: is the server running and accepting TCP connections?"
        ),
        (
            .cannotSetUpTLS(url: url, reason: "no such file"),
            "state URL postgres://ci@db.example.com/licenses?owner=emea: cannot set up TLS (no such file)"
        ),
        (
            .server(url: url, reason: "permission denied for schema licensectl (SQLSTATE 42501)"),
            "PostgreSQL state postgres://ci@db.example.com/licenses?owner=emea: permission denied for schema licensectl (SQLSTATE 42501)"
        ),
        (
            .tenantMismatch(stored: "acme", row: "acme-water"),
            "stored document names tenant 'acme', not 'acme-water'; the state was not changed"
        ),
        (
            .newerSchema(url: url, version: 3, reads: 2),
            "PostgreSQL state postgres://ci@db.example.com/licenses?owner=emea has schema version 3, newer than this licensectl reads (2); upgrade licensectl"
        ),
        (
            .tenantLocked(tenant: "acme", holder: "pid 42 on ci-7 since 2026-11-29T10:00:00Z"),
            "tenant 'acme' is locked by pid 42 on ci-7 since 2026-11-29T10:00:00Z; wait or retry with --lock-timeout"
        ),
        (
            .tenantStillLocked(tenant: "acme", holder: "pid 42 on ci-7 since 2026-11-29T10:00:00Z", seconds: "1.5"),
            "tenant 'acme' is still locked by pid 42 on ci-7 since 2026-11-29T10:00:00Z after waiting 1.5 seconds; wait or retry with a longer --lock-timeout"
        ),
        (
            .lockHolderEnded(url: url),
            "a lock on the PostgreSQL state postgres://ci@db.example.com/licenses?owner=emea is held by another session that has just ended; retry"
        ),
        (
            .lockedBySession(
                what: "tenant 'acme'", who: "PostgreSQL session 4711 (psql, user ci)",
                advice: "end that transaction, or wait for it with --lock-timeout"),
            "tenant 'acme' is locked by PostgreSQL session 4711 (psql, user ci); end that transaction, or wait for it with --lock-timeout"
        ),
        (
            .readLockedBySession(
                url: url, what: "table licensectl.tenants", who: "PostgreSQL session 4711 (psql, user ci)",
                seconds: "60"),
            "PostgreSQL state postgres://ci@db.example.com/licenses?owner=emea: table licensectl.tenants is locked by PostgreSQL session 4711 (psql, user ci); reading waited 60 seconds for it: end that transaction, then run licensectl again"
        ),
        // Newcomer run 7: a server stopped mid-apply said only "the connection was lost".
        (
            .connectionLost(url: url, reason: nil, run: .apply, committing: false),
            "PostgreSQL state postgres://ci@db.example.com/licenses?owner=emea: the connection to the server was lost during the apply; nothing was recorded: the server rolled the apply's transaction back. Start the server (or restore the connection) and run apply again"
        ),
        (
            .connectionLost(
                url: url, reason: "terminating connection due to administrator command (SQLSTATE 57P01)", run: .apply,
                committing: true),
            "PostgreSQL state postgres://ci@db.example.com/licenses?owner=emea: the connection to the server was lost while the apply committed (terminating connection due to administrator command (SQLSTATE 57P01)); it may or may not have been recorded. Start the server (or restore the connection) and run apply again: it plans against what was recorded, and has no changes if the apply was"
        ),
        (
            .connectionLost(url: url, reason: "Connection reset by peer", run: .migrate, committing: false),
            "PostgreSQL state postgres://ci@db.example.com/licenses?owner=emea: the connection to the server was lost during state migrate (Connection reset by peer); nothing was copied: the server rolled the copy's transaction back. Start the server (or restore the connection) and run state migrate again"
        ),
        (
            .connectionLost(url: url, reason: nil, run: .migrate, committing: true),
            "PostgreSQL state postgres://ci@db.example.com/licenses?owner=emea: the connection to the server was lost while state migrate committed; the copy may or may not have been recorded. Start the server (or restore the connection) and run licensectl status with this --state: if it lists the tenants, the copy is complete; else run state migrate again"
        ),
        (.planHasErrors, "the plan has errors; nothing was written"),
        (
            .stalePlan(tenant: "acme", then: nil, now: 3),
            "stale plan: tenant 'acme' had no state when planned, now it has serial 3"
        ),
        (
            .stalePlan(tenant: "acme", then: 2, now: nil),
            "stale plan: tenant 'acme' had state serial 2 when planned, now it has none"
        ),
        (
            .stalePlan(tenant: "acme", then: 2, now: 4),
            "stale plan: tenant 'acme' was applied since (serial 2 → 4)"
        ),
        (
            .codeTwiceInPlan(code: "96D9-****-59E5", tenant: "acme"),
            "code 96D9-****-59E5 of tenant 'acme' appears twice in the plan; a code is redeemed into exactly one tenant"
        ),
        (
            .destinationNotEmpty(url: url, owner: "emea", tenants: 2, journalLines: 14),
            "postgres://ci@db.example.com/licenses?owner=emea already holds state for owner 'emea' (2 tenant(s), 14 journal line(s)); migrate only into an empty destination"
        ),
        (
            .migrateNeedsPostgres,
            "state migrate copies between a state directory and PostgreSQL: give a postgres:// URL as --from or --to"
        ),
        (.nothingToCopy(source: "state"), "state holds no state; nothing was copied"),
        (.leaseEnded, "internal error: the PostgreSQL state lease has ended"),
        (.noNewState(tenant: "acme"), "internal error: tenant 'acme' is changed but has no new state document"),
        (.notLocked(tenant: "acme"), "internal error: tenant 'acme' is not locked by this apply"),
        (.noResult, "internal error: asynchronous work ended without a result"),
        (
            .simulatedCrash(step: "documents", reason: "injected"),
            "simulated crash after documents: injected"
        ),
    ])
    func renders(error: PostgresStateError, message: String) {
        #expect(error.message == message)
        #expect(StateStoreError(error).diagnostics.map(\.message) == [message])
    }

    @Test(arguments: [
        (PostgresStateURLProblem.notAPostgresURL, "expected a URL starting with postgres:// or postgresql://"),
        (.severalHosts, "several hosts are not supported; give one host"),
        (.unclosedIPv6Host, "an IPv6 host needs a closing ']'"),
        (.afterIPv6Host(found: "x"), "expected ':PORT' after the IPv6 host, found 'x'"),
        (.parameterTwice("owner"), "parameter 'owner' is given more than once; give it once"),
        (
            .sslMode(found: "on", expected: ["disable", "require"]),
            "sslmode: expected one of disable, require, found 'on'"
        ),
        (.connectTimeout(found: "-1"), "connect_timeout: expected a whole number of seconds, found '-1'"),
        (
            .unknownParameter("ownr", didYouMean: "owner"),
            "unknown parameter 'ownr' (did you mean 'owner'?) (expected owner, sslmode, sslrootcert, host, port, user, password, dbname or connect_timeout)"
        ),
        (
            .unknownParameter("colour", didYouMean: nil),
            "unknown parameter 'colour' (expected owner, sslmode, sslrootcert, host, port, user, password, dbname or connect_timeout)"
        ),
        (
            .owner(found: "-emea"),
            "owner: expected a DNS label (1 to 63 of a-z, 0-9 and '-', not starting or ending with '-'), found '-emea'"
        ),
        (.port(found: "70000"), "port: expected a number from 1 to 65535, found '70000'"),
        (.noUser, "no user name: give one in the URL (postgres://USER@HOST/DB) or set PGUSER"),
        (.badPercentEscape(part: "password"), "password: '%' must be followed by two hex digits"),
        (.notUTF8(part: "user"), "user: not UTF-8 after percent-decoding"),
        (
            .fragment,
            "a '#' starts a URL fragment, which a PostgreSQL URL does not take; remove the '#' and what follows it, or write a '#' that belongs to a value (a password, a database name) as %23"
        ),
    ])
    func urlProblems(problem: PostgresStateURLProblem, message: String) {
        #expect(problem.message == message)
    }

    /// The parser reports through the typed cases: a bad port renders the case's message.
    @Test func theParserThrowsTheTypedCase() {
        #expect(throws: StateStoreError(.url("postgres://ci@db:0/x", .port(found: "0")))) {
            try PostgresStateURL(parsing: "postgres://ci@db:0/x", environment: [:])
        }
    }
}
#endif
