import Foundation

/// A place in a file of the license repo: a path relative to the repo root, 1-based line and
/// column (column counted in Unicode scalars; 1 when only the line is known).
public struct SourceLocation: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The file's path relative to the repo root (or a backend location such as `postgres:<owner>/<t>`).
    public var file: String
    /// The 1-based line.
    public var line: Int
    /// The 1-based column, counted in Unicode scalars.
    public var column: Int

    /// A place in `file` at 1-based `line` and `column`.
    public init(file: String, line: Int, column: Int = 1) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`.
    public var description: String { "\(file):\(line):\(column)" }

    /// `file:line`, the short form recorded in state as a license's `source`.
    public var fileAndLine: String { "\(file):\(line)" }

    /// Orders by file, then line, then column.
    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}

/// One problem found in the inputs, the state or the plan.
///
/// Errors refuse the run (exit 1, nothing written); warnings are reported and the run goes on.
/// Printed compiler-style as `file:line:column: error: message`, or
/// `licensectl: error: message` without a place (docs/cli.md §6).
public struct Diagnostic: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// How bad a diagnostic is: an error fails the command, a warning is printed only.
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        case error
        case warning

        /// Errors before warnings.
        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs == .error && rhs == .warning
        }
    }

    /// Error or warning.
    public var severity: Severity
    /// The message, with every code-like value masked (see ``maskingCodes(in:keeping:)``): set
    /// through the initializers or assigned, it never holds 12 hex digits of a code in a row.
    public var message: String {
        didSet { message = Diagnostic.maskingCodes(in: message) }
    }
    /// Where the problem is; `nil` for a problem of the run (printed as `licensectl: error: …`).
    public var location: SourceLocation?
    /// Set on warnings that repeat a standing condition of one tenant; human output consolidates
    /// them for unchanged tenants (docs/README.md §8 "Output"). In the plan JSON as `standing`
    /// (`{kind, tenant}`, docs/plan-json.md).
    public var standing: StandingCondition?

    /// - Parameters:
    ///   - keeping: values quoted in `message` that are identifiers, not secrets, and stay as
    ///     written even when they hold 12 hex digits (router serials such as `00A0BA123456`).
    public init(
        _ severity: Severity, _ message: String, at location: SourceLocation? = nil, keeping: [String] = [],
        standing: StandingCondition? = nil
    ) {
        self.severity = severity
        self.message = Diagnostic.maskingCodes(in: message, keeping: keeping)
        self.location = location
        self.standing = standing
    }

    /// An error; activation codes in `message` are masked (docs/README.md §8 "Output") except
    /// the texts in `keeping`.
    public static func error(_ message: String, at location: SourceLocation? = nil, keeping: [String] = [])
        -> Diagnostic
    {
        Diagnostic(.error, message, at: location, keeping: keeping)
    }

    /// A warning; activation codes in `message` are masked (docs/README.md §8 "Output") except
    /// the texts in `keeping`.
    public static func warning(_ message: String, at location: SourceLocation? = nil, keeping: [String] = [])
        -> Diagnostic
    {
        Diagnostic(.warning, message, at: location, keeping: keeping)
    }

    /// `text` with every code-like value masked as docs/formats.md §3.4 masks a code (docs/README.md §8 "Output":
    /// diagnostics, in every format, never show a code).
    ///
    /// A code-like value is a run of hex digits (`0-9`, `A-F`, `a-f`) joined by single dashes,
    /// spaces or other short separators that holds at least 12 hex digits and either a decimal
    /// digit or the shape of three groups of 4 (so English words such as "a bad face added"
    /// stay). A space joins only a group that starts a word, and only until 12 digits are found;
    /// any other separator (`–`, `—`, `−`, NBSP, zero-width space, `.`, `_`, `/`, `--`: up to 4
    /// bytes that are not letters, digits or quotes) joins only after a group of at least 4 hex
    /// digits and only until 12 digits are found (so a list of dates stays); UUIDs (`8-4-4-4-12`) and
    /// digests after `sha256:` are not code-like. Of such a run the
    /// first and the last 4 hex digits stay and every other hex digit becomes `*`, separators and
    /// spelling kept: `96D9-3718-59E5` → `96D9-****-59E5`, `0d951c95602f` → `0d95****602f`,
    /// `="0D95-1C95-602F"` → `="0D95-****-602F"`, `0D95-1C95-602FX` → `0D95-****-602FX`. A run
    /// equal to one of `keeping` stays as written. Idempotent.
    public static func maskingCodes(in text: String, keeping: [String] = []) -> String {
        func isHexByte(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)
        }
        // Nearly every message has fewer than 12 hex digits in all: no copy, no walk by runs.
        var total = 0
        for b in text.utf8 where isHexByte(b) {
            total += 1
            if total == 12 { break }
        }
        guard total == 12 else { return text }
        var bytes = Array(text.utf8)
        // UUIDs (a lineage, a temporary folder's name) are not codes: their bytes end runs.
        var protected = [Bool](repeating: false, count: bytes.count)
        if bytes.count >= 36 {
            for start in 0...(bytes.count - 36) where isUUID(bytes, at: start, isHex: isHexByte) {
                for k in start..<(start + 36) { protected[k] = true }
            }
        }
        // A digest (`sha256:2b606813dfcb…`) is not a code either.
        let label = Array("sha256:".utf8)
        var k = 0
        while k + label.count <= bytes.count {
            if bytes[k..<(k + label.count)].elementsEqual(label) {
                k += label.count
                while k < bytes.count, isHexByte(bytes[k]) {
                    protected[k] = true
                    k += 1
                }
            } else {
                k += 1
            }
        }
        // Paths and tenant names are not codes: a user must be able to paste them.
        protectNames(bytes, &protected)
        func isHex(_ k: Int) -> Bool { !protected[k] && isHexByte(bytes[k]) }
        var changed = false
        var i = 0
        while i < bytes.count {
            guard isHex(i) else {
                i += 1
                continue
            }
            // Hex digits inside a longer word (`site-003-20261229T…`, `decade`) start no run:
            // skip the rest of that word.
            if startsInsideWord(bytes, at: i) {
                while i < bytes.count, isASCIIAlphanumeric(bytes[i]) || isJoinedWordSeparator(bytes, at: i) {
                    i += 1
                }
                continue
            }
            let start = i
            var digits: [Int] = []
            var hasDecimal = false
            // Hex digits per group (between separators): 4-4-4 is a code's shape whatever joins it.
            var groups = [0]
            // Whether the current group of hex digits starts a word: only such a group joins the
            // next across a space ("code 96D9-…" must not take the "e" of "code" along).
            var groupStartsWord = i == 0 || !isWordByte(bytes[i - 1])
            while i < bytes.count {
                let b = bytes[i]
                if isHex(i) {
                    digits.append(i)
                    groups[groups.count - 1] += 1
                    if b <= 0x39 { hasDecimal = true }
                    i += 1
                } else if b == 0x2D, i + 1 < bytes.count, isHex(i + 1) {
                    i += 1
                    groups.append(0)
                    groupStartsWord = true
                } else if b == 0x20, groupStartsWord, digits.count < 12, i + 1 < bytes.count, isHex(i + 1) {
                    i += 1
                    groups.append(0)
                } else if digits.count < 12, groups[groups.count - 1] >= 4,
                    let length = codeSeparatorLength(bytes, at: i, startsWord: groupStartsWord),
                    isHex(i + length)
                {
                    i += length
                    groups.append(0)
                    groupStartsWord = true
                } else {
                    break
                }
            }
            guard digits.count >= 12 else { continue }
            let run = bytes[start..<i]
            let canonical = digits.count == 12 && groups == [4, 4, 4]
            guard hasDecimal || canonical else { continue }
            if !keeping.isEmpty, keeping.contains(where: { $0.utf8.elementsEqual(run) }) { continue }
            for position in digits[4..<(digits.count - 4)] { bytes[position] = 0x2A }
            changed = true
        }
        return changed ? String(decoding: bytes, as: UTF8.self) : text
    }

    /// The length in bytes of a separator that joins two groups of a mistyped code at
    /// `bytes[start]` (docs/README.md §8: a malformed value holding 12 hex digits is masked too), or nil:
    /// up to 4 bytes of characters that are neither letters, digits, quotes, `*` nor control
    /// characters, followed by a hex digit — `–`, `—`, `−`, NBSP, zero-width space, `.`, `_`,
    /// `/`, `--`. A separator with a space in it joins only a group that starts a word (as a
    /// single space does). The single `-` and the single space are handled by the caller.
    private static func codeSeparatorLength(_ bytes: [UInt8], at start: Int, startsWord: Bool) -> Int? {
        var k = start
        var hasSpace = false
        while k < bytes.count, k - start <= 4 {
            let b = bytes[k]
            if b < 0x80 {
                if isWordByte(b) {
                    break
                }
                if b < 0x20 || b == 0x7F || b == 0x22 || b == 0x27 || b == 0x60 || b == 0x2A { return nil }
                if b == 0x20 { hasSpace = true }
                k += 1
                continue
            }
            // A non-ASCII character: decode it (2–4 bytes) and judge its properties.
            let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
            guard k + length <= bytes.count,
                let scalar = String(decoding: bytes[k..<(k + length)], as: UTF8.self).unicodeScalars.first,
                scalar.value != 0xFFFD
            else { return nil }
            let p = scalar.properties
            if p.isAlphabetic || p.numericType != nil || p.isQuotationMark || p.generalCategory == .control {
                return nil
            }
            if p.isWhitespace { hasSpace = true }
            k += length
        }
        let length = k - start
        guard length > 0, length <= 4, k < bytes.count, !hasSpace || startsWord else { return nil }
        return length
    }

    /// Marks as protected the bytes of paths and tenant names in `bytes`, which masking leaves
    /// as written (a path or name that merely has the shape of a code must stay pasteable):
    ///
    /// - a path: a token (between whitespace, quotes, brackets, `,` and `;`) that holds `/` or
    ///   `.` and a letter that is not a hex digit (`tenants/cafe-2024-0001.yaml:6:9`,
    ///   `ob/site-003-20261229T051700Z.eml`, `cafe-2024-0001.json`); a value whose parts are all
    ///   hex digits (`AAAA/BBBB/0031`, `AAAA.BBBB.0031`) is no path and stays masked;
    /// - a quoted DNS label after `tenant '`, `tenant name '` or `did you mean '` (tenant names
    ///   are DNS labels and suggestions come from known names, keys or columns, never from codes);
    ///   an upper-case or otherwise malformed quoted value (a code pasted as a name) is masked;
    /// - a list of tenant names after `known tenants: ` or `tenants with state: ` (to the end).
    static func protectNames(_ bytes: [UInt8], _ protected: inout [Bool]) {
        func isDelimiter(_ b: UInt8) -> Bool {
            b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x22 || b == 0x27 || b == 0x60 || b == 0x28
                || b == 0x29 || b == 0x5B || b == 0x5D || b == 0x2C || b == 0x3B || b == 0x3C || b == 0x3E
        }
        func isNonHexLetter(_ b: UInt8) -> Bool {
            (b >= 0x47 && b <= 0x5A) || (b >= 0x67 && b <= 0x7A)
        }
        var start = 0
        while start < bytes.count {
            guard !isDelimiter(bytes[start]) else {
                start += 1
                continue
            }
            var end = start
            var hasSeparator = false
            var hasLetter = false
            while end < bytes.count, !isDelimiter(bytes[end]) {
                let b = bytes[end]
                if b == 0x2F || (b == 0x2E && end + 1 < bytes.count && !isDelimiter(bytes[end + 1])) {
                    hasSeparator = true
                }
                if isNonHexLetter(b) { hasLetter = true }
                end += 1
            }
            if hasSeparator, hasLetter {
                for k in start..<end { protected[k] = true }
            }
            start = end
        }
        for marker in ["known tenants: ", "tenants with state: "] {
            let m = Array(marker.utf8)
            guard bytes.count > m.count else { continue }
            for k in 0...(bytes.count - m.count) where bytes[k..<(k + m.count)].elementsEqual(m) {
                for j in (k + m.count)..<bytes.count { protected[j] = true }
                break
            }
        }
        for marker in ["tenant '", "tenant name '", "did you mean '"] {
            let m = Array(marker.utf8)
            var k = 0
            while k + m.count <= bytes.count {
                guard bytes[k..<(k + m.count)].elementsEqual(m) else {
                    k += 1
                    continue
                }
                k += m.count
                // Only a closed quote around a DNS label (`a-z`, `0-9`, `-`) is a name: a code
                // pasted as a tenant name (upper-case, or with other characters) stays masked.
                var end = k
                while end < bytes.count, bytes[end] != 0x27 { end += 1 }
                let isLabel = bytes[k..<end].allSatisfy { b in
                    (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2D
                }
                if end < bytes.count, isLabel {
                    for j in k..<end { protected[j] = true }
                }
                k = end
            }
        }
    }

    /// Whether the hex digit at `bytes[i]` continues a longer word: an ASCII letter or digit
    /// stands before it, or a `-`/`_` that follows one (`site-003-2026…`, `cafe-2024-0001-x`
    /// is one word from its start).
    static func startsInsideWord(_ bytes: [UInt8], at i: Int) -> Bool {
        guard i > 0 else { return false }
        let before = bytes[i - 1]
        if isASCIIAlphanumeric(before) { return true }
        return (before == 0x2D || before == 0x5F) && i > 1 && isASCIIAlphanumeric(bytes[i - 2])
    }

    /// A `-` or `_` between two ASCII letters or digits.
    static func isJoinedWordSeparator(_ bytes: [UInt8], at i: Int) -> Bool {
        (bytes[i] == 0x2D || bytes[i] == 0x5F) && i > 0 && i + 1 < bytes.count && isASCIIAlphanumeric(bytes[i - 1])
            && isASCIIAlphanumeric(bytes[i + 1])
    }

    /// An ASCII letter or digit.
    static func isASCIIAlphanumeric(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }

    /// An ASCII letter or digit, or a byte of a non-ASCII character.
    private static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b >= 0x80
    }

    /// Whether `bytes[start...]` begins with a UUID (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`) that
    /// no hex digit touches on either side.
    private static func isUUID(_ bytes: [UInt8], at start: Int, isHex: (UInt8) -> Bool) -> Bool {
        if start > 0, isHex(bytes[start - 1]) { return false }
        if start + 36 < bytes.count, isHex(bytes[start + 36]) { return false }
        for k in 0..<36 {
            let b = bytes[start + k]
            if k == 8 || k == 13 || k == 18 || k == 23 {
                guard b == 0x2D else { return false }
            } else {
                guard isHex(b) else { return false }
            }
        }
        return true
    }

    /// A warning about a standing condition of `tenant` (docs/rules.md §4.5, consolidated by §8 "Output").
    public static func warning(
        _ message: String, at location: SourceLocation?, standing kind: StandingCondition.Kind,
        tenant: String, keeping: [String] = []
    ) -> Diagnostic {
        Diagnostic(
            .warning, message, at: location, keeping: keeping, standing: StandingCondition(kind: kind, tenant: tenant))
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
            s.unicodeScalars.contains(where: isControl)
        else { return s }
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
        return
            "::\(severity.rawValue) file=\(escapeProperty(location.file)),line=\(location.line),col=\(location.column)::\(escapeData(message))"
    }

    enum CodingKeys: String, CodingKey { case severity, file, line, column, message, standing }

    /// Decodes a diagnostic of the plan JSON (docs/plan-json.md §6).
    ///
    /// - Throws: `DecodingError` for a missing key or a value of the wrong type.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        severity = try c.decode(Severity.self, forKey: .severity)
        // The plan file's messages were masked when they were made, identifiers such as serials
        // kept (``init(_:_:at:keeping:standing:)``); masking them again here would hide those
        // identifiers and `show PLANFILE` would differ from the plan. A canonical code that a
        // hand-edited file put in a message is still masked.
        message = maskingActivationCodes(in: try c.decode(String.self, forKey: .message))
        if let file = try c.decodeIfPresent(String.self, forKey: .file) {
            location = SourceLocation(
                file: file, line: try c.decodeIfPresent(Int.self, forKey: .line) ?? 1,
                column: try c.decodeIfPresent(Int.self, forKey: .column) ?? 1)
        }
        standing = try c.decodeIfPresent(StandingCondition.self, forKey: .standing)
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
        try c.encodeIfPresent(standing, forKey: .standing)
    }
}

/// A warning's standing condition: which kind, in which tenant (docs/README.md §8 "Output": warning
/// consolidation).
public struct StandingCondition: Sendable, Hashable, Codable {
    /// The kinds that human output consolidates for unchanged tenants: the four of docs/README.md §8,
    /// and routers whose `connectedAt` lies after `at` (a standing condition of the manifest
    /// too; a synthetic 300-tenant fleet printed ~600 of them; README).
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
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

    /// A standing condition of `kind` about `tenant`.
    public init(kind: Kind, tenant: String) {
        self.kind = kind
        self.tenant = tenant
    }
}

/// The one way diagnostics are gathered: every stage reports into an engine, so that one run
/// reports all problems, not the first. Thread-safe: parsers running in parallel report into one
/// engine.
public final class DiagnosticsEngine: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Diagnostic] = []

    /// An engine without diagnostics.
    public init() {}

    /// Records `diagnostic`.
    public func emit(_ diagnostic: Diagnostic) {
        lock.lock()
        storage.append(diagnostic)
        lock.unlock()
    }

    /// Records `diagnostics`, in their order.
    public func emit(contentsOf diagnostics: some Sequence<Diagnostic>) {
        lock.lock()
        storage.append(contentsOf: diagnostics)
        lock.unlock()
    }

    /// How many diagnostics were recorded: a stage compares it before and after a step to learn
    /// whether the step reported anything.
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return storage.count
    }

    /// The diagnostics in the order they were recorded.
    public var emitted: [Diagnostic] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }

    /// Records an error (see ``Diagnostic/error(_:at:keeping:)``).
    public func error(_ message: String, at location: SourceLocation? = nil, keeping: [String] = []) {
        emit(.error(message, at: location, keeping: keeping))
    }

    /// Records a warning (see ``Diagnostic/warning(_:at:keeping:)``).
    public func warning(_ message: String, at location: SourceLocation? = nil, keeping: [String] = []) {
        emit(.warning(message, at: location, keeping: keeping))
    }

    /// All diagnostics in a stable order: by file, line, column, severity, message; those without
    /// a place last.
    public var diagnostics: [Diagnostic] {
        lock.lock()
        defer { lock.unlock() }
        return storage.sortedForOutput()
    }

    /// Whether an error (not only warnings) was recorded.
    public var hasErrors: Bool {
        lock.lock()
        defer { lock.unlock() }
        return storage.contains { $0.severity == .error }
    }
}

extension Array where Element == Diagnostic {
    /// Deterministic order for output: placed ones by place, then severity and message; unplaced last.
    ///
    /// Files are ranked once and compared as integers, not as path strings: a plan over a big
    /// fleet carries thousands of warnings.
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
            keys.append(
                DiagnosticSortKey(
                    file: location.flatMap { ranks[$0.file] } ?? Int.max, line: location?.line ?? 0,
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

    /// How many are errors.
    public var errorCount: Int { filter { $0.severity == .error }.count }
    /// How many are warnings.
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
