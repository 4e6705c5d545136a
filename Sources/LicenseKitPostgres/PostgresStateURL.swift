import LicenseKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A parsed `--state postgres://…` connection URL (docs/state.md §5.1, docs/README.md §8 "PostgreSQL").
///
/// The libpq URI form: `postgres[ql]://[USER[:PASSWORD]@][HOST][:PORT][/DB][?PARAM=VALUE&…]`,
/// every part percent-decoded. A host starting with `/` (`%2Ftmp%2Fpg`, or `?host=/tmp/pg`) is
/// the folder of the server's Unix socket (`/tmp/pg/.s.PGSQL.5432`); no host means Debian's
/// socket folder `/var/run/postgresql`. Parameters: `owner` (a DNS label naming the license
/// repo, default `default`), `sslmode` (`disable`, `allow`, `prefer` (default), `require`,
/// `verify-ca`, `verify-full`), `sslrootcert`, `host`, `port`, `user`, `password`, `dbname`,
/// `connect_timeout` (seconds); any other parameter is an error (with "did you mean" for a near
/// miss), and so is a parameter given twice. The user defaults to `PGUSER`, then `USER`, then
/// the operating-system user this process runs as (as libpq does); the database to the user;
/// the password to `PGPASSWORD`.
///
/// The password never appears in ``description`` or in any error message.
public struct PostgresStateURL: Sendable, Hashable, CustomStringConvertible {
    /// How a TLS connection is negotiated (libpq's `sslmode`).
    public enum SSLMode: String, Sendable, Hashable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    /// Where the server listens.
    public enum Endpoint: Sendable, Hashable {
        /// A TCP host name or address and a port.
        case tcp(host: String, port: Int)
        /// A Unix socket file (`<folder>/.s.PGSQL.<port>`).
        case unixSocket(path: String)
    }

    /// The server: a host and port, or a Unix socket.
    public var endpoint: Endpoint
    /// The role to connect as.
    public var user: String
    /// From the URL, its `password` parameter or `PGPASSWORD`; never printed.
    public var password: String?
    /// The database name.
    public var database: String
    /// The license repo whose tenants this run reads and writes (`?owner=`, default `default`).
    public var owner: String
    /// `sslmode`: whether TLS is used and required.
    public var sslMode: SSLMode
    /// A PEM file of trusted root certificates for `verify-ca`/`verify-full`.
    public var sslRootCertificate: String?
    /// Seconds to wait for the connection (`connect_timeout`, default 10).
    public var connectTimeout: Int

    /// The folder libpq on Debian uses when a URL names no host.
    public static let defaultSocketFolder = "/var/run/postgresql"

    /// Whether `text` is meant as a PostgreSQL URL (`postgres://` or `postgresql://`) rather
    /// than a state directory.
    public static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses a connection URL.
    ///
    /// - Parameters:
    ///   - text: the URL as given to `--state`, `--from`, `--to` or `LICENSECTL_STATE`.
    ///   - environment: `PGPASSWORD`, `PGUSER` and `USER` are read from it.
    /// - Throws: ``StateStoreError`` with one message naming the faulty part (never the
    ///   password): not a `postgres://` URL, bad percent-encoding, an unknown parameter, a
    ///   port that is not 1–65535, an `owner` that is not a DNS label, an unknown `sslmode`,
    ///   several hosts, a `#fragment`.
    public init(parsing text: String, environment: [String: String]) throws(StateStoreError) {
        func fail(_ problem: PostgresStateURLProblem) -> StateStoreError {
            StateStoreError(.url(Self.redacting(text), problem))
        }
        let rest: Substring
        if text.hasPrefix("postgresql://") {
            rest = text.dropFirst("postgresql://".count)
        } else if text.hasPrefix("postgres://") {
            rest = text.dropFirst("postgres://".count)
        } else {
            throw fail(.notAPostgresURL)
        }
        let (beforeQuery, query) = Self.split(rest, at: "?")
        let (authority, path) = Self.split(beforeQuery, at: "/")
        let (userInfo, hostPort): (Substring?, Substring) = {
            guard let at = authority.lastIndex(of: "@") else { return (nil, authority) }
            return (authority[..<at], authority[authority.index(after: at)...])
        }()

        var user: String?
        var password: String?
        if let userInfo {
            let (name, secret) = Self.split(userInfo, at: ":")
            user = try Self.decode(name, part: "user name", fail: fail)
            if let secret { password = try Self.decode(secret, part: "password", fail: fail) }
        }
        // A fragment (`#…`) means nothing to a connection; libpq would take it into the host,
        // database name or last parameter's value. Only a password may hold a raw `#`, which
        // the `@` after it ends.
        guard !hostPort.contains("#"), path?.contains("#") != true, query?.contains("#") != true else {
            throw fail(.fragment)
        }
        guard !hostPort.contains(",") else { throw fail(.severalHosts) }
        var host: String?
        var portText: String?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw fail(.unclosedIPv6Host) }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            if after.hasPrefix(":") {
                portText = String(after.dropFirst())
            } else if !after.isEmpty {
                throw fail(.afterIPv6Host(found: String(after)))
            }
        } else {
            let (name, port) = Self.split(hostPort, at: ":")
            host = try Self.decode(name, part: "host", fail: fail)
            portText = port.map(String.init)
        }
        var database: String?
        if let path { database = try Self.decode(path, part: "database name", fail: fail) }
        var owner = "default"
        var sslMode = SSLMode.prefer
        var rootCertificate: String?
        var timeout = 10
        if let query, !query.isEmpty {
            var given = Set<String>()
            for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
                let (rawKey, rawValue) = Self.split(pair, at: "=")
                let key = try Self.decode(rawKey, part: "parameter name", fail: fail)
                let value = try Self.decode(rawValue ?? "", part: "value of '\(key)'", fail: fail)
                // One value per parameter: libpq keeps the last one without a word, which
                // silently picks one of two owners.
                if Self.parameters.contains(key), !given.insert(key).inserted {
                    throw fail(.parameterTwice(String(key)))
                }
                switch key {
                case "owner": owner = value
                case "sslmode":
                    guard let mode = SSLMode(rawValue: value) else {
                        throw fail(.sslMode(found: String(value), expected: SSLMode.allCases.map(\.rawValue)))
                    }
                    sslMode = mode
                case "sslrootcert": rootCertificate = value
                case "host": host = value
                case "port": portText = value
                case "user": user = value
                case "password": password = value
                case "dbname": database = value
                case "connect_timeout":
                    guard let seconds = Int(value), seconds >= 0 else {
                        throw fail(.connectTimeout(found: String(value)))
                    }
                    timeout = seconds == 0 ? 10 : seconds
                default:
                    throw fail(
                        .unknownParameter(
                            String(key), didYouMean: DidYouMean.suggestion(for: key, among: Self.parameters)))
                }
            }
        }
        guard Self.isDNSLabel(owner) else {
            throw fail(.owner(found: String(owner)))
        }
        var port = 5432
        if let portText, !portText.isEmpty {
            guard let number = Int(portText), (1...65_535).contains(number) else {
                throw fail(.port(found: String(portText)))
            }
            port = number
        }
        let resolvedUser =
            user.flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["PGUSER"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["USER"].flatMap { $0.isEmpty ? nil : $0 }
            ?? Self.operatingSystemUser()
        guard let resolvedUser else {
            throw fail(.noUser)
        }
        let hostName = host.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultSocketFolder
        endpoint =
            hostName.hasPrefix("/")
            ? .unixSocket(path: (hostName.hasSuffix("/") ? hostName : hostName + "/") + ".s.PGSQL.\(port)")
            : .tcp(host: hostName, port: port)
        self.user = resolvedUser
        self.password = password ?? environment["PGPASSWORD"]
        self.database = database.flatMap { $0.isEmpty ? nil : $0 } ?? resolvedUser
        self.owner = owner
        self.sslMode = sslMode
        self.sslRootCertificate = rootCertificate
        self.connectTimeout = timeout
    }

    /// The URL without its password, e.g. `postgres://ci@db.example.com:5432/licenses?owner=emea`
    /// or, for a Unix socket, `postgres://ci@%2Fvar%2Frun%2Fpostgresql:5432/licenses?owner=emea`;
    /// it parses back to the same endpoint.
    public var description: String {
        var text = "postgres://" + Self.encode(user) + "@"
        switch endpoint {
        case .tcp(let host, let port):
            text += (host.contains(":") ? "[\(host)]" : Self.encode(host)) + ":\(port)"
        case .unixSocket(let path):
            // libpq's form: the socket's folder as the host, its port after it, so that the
            // description parses back to the same socket.
            let file = path.split(separator: "/").last.map(String.init) ?? ""
            if file.hasPrefix(".s.PGSQL."), let port = Int(file.dropFirst(".s.PGSQL.".count)) {
                let folder = String(path.dropLast(file.count + 1))
                text += Self.encode(folder.isEmpty ? "/" : folder) + ":\(port)"
            } else {
                text += Self.encode(path)
            }
        }
        return text + "/" + Self.encode(database) + "?owner=" + owner
    }

    /// Where messages about stored tenant `name` point: `postgres:<owner>/<name>` (docs/README.md §8).
    public func place(ofTenant name: String) -> String { "postgres:\(owner)/\(name)" }

    /// `text` with any password between `//user:` and `@` (and a `password=` parameter, up to
    /// the next `&`, a `#` included) replaced by `***`, for messages about a URL that could not
    /// be parsed.
    public static func redacting(_ text: String) -> String {
        var out = text
        if let scheme = out.range(of: "://") {
            let afterScheme = out[scheme.upperBound...]
            let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? afterScheme.endIndex
            let authority = out[scheme.upperBound..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                out.replaceSubrange(out.index(after: colon)..<at, with: "***")
            }
        }
        if let query = out.firstIndex(of: "?") {
            let parameters = out[out.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false).map
            { pair in
                pair.hasPrefix("password=") ? "password=***" : String(pair)
            }
            out = String(out[...query]) + parameters.joined(separator: "&")
        }
        return out
    }

    /// The parameters a URL may give, each once.
    static let parameters = [
        "owner", "sslmode", "sslrootcert", "host", "port", "user", "password", "dbname", "connect_timeout",
    ]

    /// The name of the user this process runs as (`getpwuid(geteuid())`), as libpq defaults
    /// to when neither the URL nor `PGUSER` names one; `nil` when it has none.
    static func operatingSystemUser() -> String? {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return nil }
        let text = String(cString: name)
        return text.isEmpty ? nil : text
    }

    static func isDNSLabel(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...63).contains(bytes.count), bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else {
            return false
        }
        return bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-") }
    }

    private static func split(_ text: Substring, at separator: Character) -> (Substring, Substring?) {
        guard let index = text.firstIndex(of: separator) else { return (text, nil) }
        return (text[..<index], text[text.index(after: index)...])
    }

    private static func decode(
        _ text: Substring, part: String,
        fail: (PostgresStateURLProblem) -> StateStoreError
    ) throws(StateStoreError) -> String {
        var bytes = [UInt8]()
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard iterator.count >= 2, let high = hexValue(iterator.removeFirst()),
                let low = hexValue(iterator.removeFirst())
            else {
                // The password's own text is not repeated.
                throw fail(.badPercentEscape(part: part))
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw fail(.notUTF8(part: part))
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    private static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let plain =
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || [UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~")].contains(byte)
            out +=
                plain ? String(UnicodeScalar(byte)) : "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
