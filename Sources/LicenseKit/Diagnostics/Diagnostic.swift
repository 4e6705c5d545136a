import Foundation

/// A place in a file of the license repo: a path relative to the repo root, 1-based line and
/// column (column counted in Unicode scalars; 1 when only the line is known).
public struct SourceLocation: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int = 1) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`.
    public var description: String { "\(file):\(line):\(column)" }

    /// `file:line`, the short form recorded in state as a license's `source`.
    public var fileAndLine: String { "\(file):\(line)" }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}

/// One problem found in the inputs, the state or the plan.
///
/// Errors refuse the run (exit 1, nothing written); warnings are reported and the run goes on.
/// Printed compiler-style as `file:line:column: error: message`, or
/// `licensectl: error: message` without a place (SPEC §6).
public struct Diagnostic: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        case error
        case warning

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs == .error && rhs == .warning
        }
    }

    public var severity: Severity
    public var message: String
    public var location: SourceLocation?
    /// Set on warnings that repeat a standing condition of one tenant; human output consolidates
    /// them for unchanged tenants (SPEC §8 "Output"). Not part of the JSON shape.
    public var standing: StandingCondition?

    public init(_ severity: Severity, _ message: String, at location: SourceLocation? = nil,
                standing: StandingCondition? = nil) {
        self.severity = severity
        self.message = message
        self.location = location
        self.standing = standing
    }

    public static func error(_ message: String, at location: SourceLocation? = nil) -> Diagnostic {
        Diagnostic(.error, message, at: location)
    }

    public static func warning(_ message: String, at location: SourceLocation? = nil) -> Diagnostic {
        Diagnostic(.warning, message, at: location)
    }

    /// A warning about a standing condition of `tenant` (SPEC §4.5, consolidated by §8 "Output").
    public static func warning(_ message: String, at location: SourceLocation?, standing kind: StandingCondition.Kind,
                               tenant: String) -> Diagnostic {
        Diagnostic(.warning, message, at: location, standing: StandingCondition(kind: kind, tenant: tenant))
    }

    /// `file:line:column: severity: message`, or `licensectl: severity: message`. Control
    /// characters from the input (a newline, ESC, NUL in a CSV value) are shown escaped, so a
    /// file cannot forge diagnostic lines or terminal sequences.
    public var description: String {
        var out = ""
        appendDescription(to: &out)
        return out
    }

    /// Appends ``description`` to `out` piece by piece, without building intermediate strings
    /// (a plan over a big fleet prints thousands of warnings).
    public func appendDescription(to out: inout String) {
        if let location {
            out += location.file
            out += ":"
            out += String(location.line)
            out += ":"
            out += String(location.column)
        } else {
            out += "licensectl"
        }
        out += severity == .error ? ": error: " : ": warning: "
        out += Diagnostic.escapingControlCharacters(message)
    }

    /// `s` with C0/C1 control characters and DEL written as `\u{XX}`.
    static func escapingControlCharacters(_ s: String) -> String {
        // C0 controls and DEL are single bytes and C1 controls start with 0xC2 in UTF-8: a
        // message without those bytes (nearly all) needs no walk over its scalars.
        guard s.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 }),
              s.unicodeScalars.contains(where: isControl) else { return s }
        var out = ""
        for scalar in s.unicodeScalars {
            if isControl(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// A GitHub Actions workflow command (`::error file=…,line=…,col=…::message`).
    public var githubAnnotation: String {
        func escapeData(_ s: String) -> String {
            s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
                .replacingOccurrences(of: "\n", with: "%0A")
        }
        func escapeProperty(_ s: String) -> String {
            escapeData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
        }
        guard let location else { return "::\(severity.rawValue)::\(escapeData(message))" }
        return "::\(severity.rawValue) file=\(escapeProperty(location.file)),line=\(location.line),col=\(location.column)::\(escapeData(message))"
    }

    enum CodingKeys: String, CodingKey { case severity, file, line, column, message }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        severity = try c.decode(Severity.self, forKey: .severity)
        message = try c.decode(String.self, forKey: .message)
        if let file = try c.decodeIfPresent(String.self, forKey: .file) {
            location = SourceLocation(
                file: file, line: try c.decodeIfPresent(Int.self, forKey: .line) ?? 1,
                column: try c.decodeIfPresent(Int.self, forKey: .column) ?? 1)
        }
    }

    /// `{"severity","file","line","column","message"}`; place keys are null without a place.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(severity, forKey: .severity)
        try c.encode(message, forKey: .message)
        if let location {
            try c.encode(location.file, forKey: .file)
            try c.encode(location.line, forKey: .line)
            try c.encode(location.column, forKey: .column)
        } else {
            try c.encodeNil(forKey: .file)
            try c.encodeNil(forKey: .line)
            try c.encodeNil(forKey: .column)
        }
    }
}

/// A warning's standing condition: which kind, in which tenant (SPEC §8 "Output": warning
/// consolidation).
public struct StandingCondition: Sendable, Hashable {
    /// The kinds that human output consolidates for unchanged tenants: the four of SPEC §8,
    /// and routers whose `connectedAt` lies after `at` (a standing condition of the manifest
    /// too; a synthetic 300-tenant fleet printed ~600 of them; README).
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case rejectedRouters = "rejected routers"
        case stockExpiring = "stock expiring"
        case cloudFreeNearExpiry = "Cloud Free near expiry without renew"
        case remindersWithoutContacts = "reminders without contacts"
        case routersConnectingLater = "routers connecting after at"
    }

    /// Which condition the warning repeats.
    public var kind: Kind
    /// The tenant it is about (its plan's `changed` decides whether it is consolidated).
    public var tenant: String

    public init(kind: Kind, tenant: String) {
        self.kind = kind
        self.tenant = tenant
    }
}

/// Collects diagnostics from every stage so that one run reports all problems, not the first.
/// Thread-safe: parsers running in parallel report into one engine.
public final class DiagnosticsEngine: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Diagnostic] = []

    public init() {}

    public func emit(_ diagnostic: Diagnostic) {
        lock.lock()
        storage.append(diagnostic)
        lock.unlock()
    }

    public func error(_ message: String, at location: SourceLocation? = nil) {
        emit(.error(message, at: location))
    }

    public func warning(_ message: String, at location: SourceLocation? = nil) {
        emit(.warning(message, at: location))
    }

    /// All diagnostics in a stable order: by file, line, column, severity, message; those without
    /// a place last.
    public var diagnostics: [Diagnostic] {
        lock.lock()
        defer { lock.unlock() }
        return storage.sortedForOutput()
    }

    public var hasErrors: Bool {
        lock.lock()
        defer { lock.unlock() }
        return storage.contains { $0.severity == .error }
    }
}

extension Array where Element == Diagnostic {
    /// Deterministic order for output: placed ones by place, then severity and message; unplaced last.
    ///
    /// Files are ranked once and compared as integers: a plan over a big fleet carries thousands
    /// of warnings, and comparing their paths as strings took ~5 ms per sort.
    public func sortedForOutput() -> [Diagnostic] {
        var ranks: [String: Int] = [:]
        for diagnostic in self {
            if let file = diagnostic.location?.file, ranks[file] == nil { ranks[file] = 0 }
        }
        for (rank, file) in ranks.keys.sorted().enumerated() { ranks[file] = rank }
        var keys: [DiagnosticSortKey] = []
        keys.reserveCapacity(count)
        for (index, diagnostic) in enumerated() {
            let location = diagnostic.location
            keys.append(DiagnosticSortKey(file: location.flatMap { ranks[$0.file] } ?? Int.max, line: location?.line ?? 0,
                            column: location?.column ?? 0, severity: diagnostic.severity == .error ? 0 : 1,
                            index: index))
        }
        keys.sort { a, b in
            if a.file != b.file { return a.file < b.file }
            if a.line != b.line { return a.line < b.line }
            if a.column != b.column { return a.column < b.column }
            if a.severity != b.severity { return a.severity < b.severity }
            let (ma, mb) = (self[a.index].message, self[b.index].message)
            if ma != mb { return ma < mb }
            return a.index < b.index
        }
        return keys.map { self[$0.index] }
    }

    public var errorCount: Int { filter { $0.severity == .error }.count }
    public var warningCount: Int { filter { $0.severity == .warning }.count }
}

/// A diagnostic's place as integers (its file ranked among the files), for sorting.
private struct DiagnosticSortKey {
    var file: Int
    var line: Int
    var column: Int
    var severity: Int
    var index: Int
}
