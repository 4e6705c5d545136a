import LicenseKit
import LicenseKitPostgres
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--state postgres://…` parsing (docs/state.md §5.1, docs/README.md §8 "PostgreSQL"): libpq URIs, percent-decoding,
/// owners, passwords that are never printed.
@Suite struct PostgresStateURLTests {
    let environment = ["USER": "runner"]

    @Test func aFullURLGivesEveryPart() throws {
        let url = try PostgresStateURL(
            parsing: "postgres://ci:s3cret@db.example.com:6543/licenses?owner=emea&sslmode=require",
            environment: environment)
        #expect(url.endpoint == .tcp(host: "db.example.com", port: 6543))
        #expect(url.user == "ci")
        #expect(url.password == "s3cret")
        #expect(url.database == "licenses")
        #expect(url.owner == "emea")
        #expect(url.sslMode == .require)
        #expect(url.description == "postgres://ci@db.example.com:6543/licenses?owner=emea")
    }

    @Test func postgresqlSchemeAndDefaults() throws {
        let url = try PostgresStateURL(parsing: "postgresql://db/licenses", environment: environment)
        #expect(url.endpoint == .tcp(host: "db", port: 5432))
        #expect(url.user == "runner")
        #expect(url.password == nil)
        #expect(url.owner == "default")
        #expect(url.sslMode == .prefer)
    }

    @Test func aPercentEncodedSlashHostIsAUnixSocketFolder() throws {
        let url = try PostgresStateURL(parsing: "postgres://u@%2Ftmp%2Fpg/db", environment: environment)
        #expect(url.endpoint == .unixSocket(path: "/tmp/pg/.s.PGSQL.5432"))
        #expect(url.description == "postgres://u@%2Ftmp%2Fpg:5432/db?owner=default")
        let again = try PostgresStateURL(parsing: url.description, environment: environment)
        #expect(again.endpoint == url.endpoint)
    }

    @Test func theHostParameterNamesASocketFolderAndThePortItsFile() throws {
        let url = try PostgresStateURL(
            parsing: "postgres:///db?host=/tmp/pg&port=5433&user=alice", environment: environment)
        #expect(url.endpoint == .unixSocket(path: "/tmp/pg/.s.PGSQL.5433"))
        #expect(url.user == "alice")
        #expect(url.description == "postgres://alice@%2Ftmp%2Fpg:5433/db?owner=default")
    }

    @Test func noHostIsDebiansSocketFolder() throws {
        let url = try PostgresStateURL(parsing: "postgres:///db", environment: environment)
        #expect(url.endpoint == .unixSocket(path: "/var/run/postgresql/.s.PGSQL.5432"))
        #expect(url.database == "db")
    }

    @Test func passwordsArePercentDecodedAndPGPASSWORDIsTheFallback() throws {
        let encoded = try PostgresStateURL(parsing: "postgres://u:p%40ss%2Fw@h/db", environment: environment)
        #expect(encoded.password == "p@ss/w")
        let fromEnvironment = try PostgresStateURL(
            parsing: "postgres://u@h/db", environment: ["PGPASSWORD": "from-env"])
        #expect(fromEnvironment.password == "from-env")
        #expect(!fromEnvironment.description.contains("from-env"))
    }

    /// A `#` in the password, before its `@`, is part of it (as libpq reads it); `%23` is a `#`
    /// anywhere.
    @Test func aHashInThePasswordOrPercentEncodedIsNoFragment() throws {
        let raw = try PostgresStateURL(parsing: "postgres://u:pa#ss@h/db", environment: environment)
        #expect(raw.password == "pa#ss")
        #expect(raw.database == "db")
        let encoded = try PostgresStateURL(parsing: "postgres://u@h/db%23eu?owner=emea", environment: environment)
        #expect(encoded.database == "db#eu")
        #expect(encoded.owner == "emea")
    }

    @Test func ipv6HostsInBrackets() throws {
        let url = try PostgresStateURL(parsing: "postgres://u@[::1]:5433/db", environment: environment)
        #expect(url.endpoint == .tcp(host: "::1", port: 5433))
        #expect(url.description == "postgres://u@[::1]:5433/db?owner=default")
    }

    @Test(arguments: [
        (
            "postgres://u:hunter2@h/db?color=red",
            "state URL postgres://u:***@h/db?color=red: unknown parameter 'color' (expected owner, sslmode, sslrootcert, host, port, user, password, dbname or connect_timeout)"
        ),
        (
            "postgres://u:hunter2@h/db?owner=Team_A",
            "state URL postgres://u:***@h/db?owner=Team_A: owner: expected a DNS label (1 to 63 of a-z, 0-9 and '-', not starting or ending with '-'), found 'Team_A'"
        ),
        (
            "postgres://u@h/db?owner=-a",
            "state URL postgres://u@h/db?owner=-a: owner: expected a DNS label (1 to 63 of a-z, 0-9 and '-', not starting or ending with '-'), found '-a'"
        ),
        (
            "postgres://u@h:99999/db",
            "state URL postgres://u@h:99999/db: port: expected a number from 1 to 65535, found '99999'"
        ),
        (
            "postgres://u@h/db?sslmode=on",
            "state URL postgres://u@h/db?sslmode=on: sslmode: expected one of disable, allow, prefer, require, verify-ca, verify-full, found 'on'"
        ),
        (
            "postgres://u:hun%2@h/db",
            "state URL postgres://u:***@h/db: password: '%' must be followed by two hex digits"
        ),
        ("postgres://u@h1,h2/db", "state URL postgres://u@h1,h2/db: several hosts are not supported; give one host"),
        (
            "postgres://u@h/db?password=hunter2&x=1",
            "state URL postgres://u@h/db?password=***&x=1: unknown parameter 'x' (expected owner, sslmode, sslrootcert, host, port, user, password, dbname or connect_timeout)"
        ),
        // Found by a newcomer's attack run: the second value silently won, and a near miss of
        // a parameter name got no hint.
        (
            "postgres://u:hunter2@h/db?owner=a&owner=b",
            "state URL postgres://u:***@h/db?owner=a&owner=b: parameter 'owner' is given more than once; give it once"
        ),
        (
            "postgres://u@h/db?ownr=a",
            "state URL postgres://u@h/db?ownr=a: unknown parameter 'ownr' (did you mean 'owner'?) (expected owner, sslmode, sslrootcert, host, port, user, password, dbname or connect_timeout)"
        ),
        (
            "postgres://u@h/db?ssl_mode=require",
            "state URL postgres://u@h/db?ssl_mode=require: unknown parameter 'ssl_mode' (did you mean 'sslmode'?) (expected owner, sslmode, sslrootcert, host, port, user, password, dbname or connect_timeout)"
        ),
        // Newcomer run 7: a fragment was taken into the database name or a parameter's value
        // without a word. The password is not shown, in the URL nor in the fragment.
        (
            "postgres://u:hunter2@h/db#emea",
            "state URL postgres://u:***@h/db#emea: a '#' starts a URL fragment, which a PostgreSQL URL does not take; remove the '#' and what follows it, or write a '#' that belongs to a value (a password, a database name) as %23"
        ),
        (
            "postgres://u:hunter2@h/db?owner=emea#top",
            "state URL postgres://u:***@h/db?owner=emea#top: a '#' starts a URL fragment, which a PostgreSQL URL does not take; remove the '#' and what follows it, or write a '#' that belongs to a value (a password, a database name) as %23"
        ),
        (
            "postgres://u@h:5432#x",
            "state URL postgres://u@h:5432#x: a '#' starts a URL fragment, which a PostgreSQL URL does not take; remove the '#' and what follows it, or write a '#' that belongs to a value (a password, a database name) as %23"
        ),
        (
            "postgres://u@h/db?password=hun#ter2",
            "state URL postgres://u@h/db?password=***: a '#' starts a URL fragment, which a PostgreSQL URL does not take; remove the '#' and what follows it, or write a '#' that belongs to a value (a password, a database name) as %23"
        ),
    ])
    func badURLsSayWhatIsWrongWithoutThePassword(text: String, message: String) {
        #expect(throws: StateStoreError(message)) {
            try PostgresStateURL(parsing: text, environment: environment)
        }
    }

    /// Without a user in the URL, `PGUSER` or `USER`: the operating-system user this process
    /// runs as, as libpq does (it used to be an error).
    @Test func withoutAnyUserNameTheOperatingSystemUserIsUsed() throws {
        let name = try #require(getpwuid(geteuid())?.pointee.pw_name.map { String(cString: $0) })
        let url = try PostgresStateURL(parsing: "postgres://%2Ftmp%2Fpg/licenses", environment: [:])
        #expect(url.user == name)
        #expect(url.database == "licenses")
        #expect(try PostgresStateURL(parsing: "postgres://h", environment: [:]).database == name)
    }

    @Test func anOwnerOf63CharactersIsALabelAndOf64IsNot() throws {
        let longest = String(repeating: "a", count: 63)
        #expect(
            try PostgresStateURL(parsing: "postgres://u@h/db?owner=\(longest)", environment: environment).owner
                == longest)
        #expect(throws: StateStoreError.self) {
            try PostgresStateURL(parsing: "postgres://u@h/db?owner=\(longest)a", environment: environment)
        }
    }

    @Test func storedTenantsArePlacedByOwner() throws {
        let url = try PostgresStateURL(parsing: "postgres://u@h/db?owner=emea", environment: environment)
        #expect(url.place(ofTenant: "acme") == "postgres:emea/acme")
        #expect(PostgresStateURL.isPostgresURL("postgresql://x"))
        #expect(!PostgresStateURL.isPostgresURL("state"))
    }
}
