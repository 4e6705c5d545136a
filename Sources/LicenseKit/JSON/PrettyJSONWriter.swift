/// Writes pretty JSON text straight into a byte buffer, in exactly the form of
/// ``JSONValue/serialized()``: 2-space indent, `"key": value`, `[]` and `{}` for empty containers,
/// strings escaped per RFC 8259 (`"`, `\`, U+0000–U+001F; `/` and non-ASCII as they are).
///
/// Used on hot paths (the plan of thousands of tenants, docs/benchmarks.md §7) where building a ``JSONValue``
/// tree first costs more than the text itself. The writer does not sort: callers write object
/// members in the order of their keys' UTF-8 bytes, as ``JSONValue`` would.
///
/// ```swift
/// var w = PrettyJSONWriter()
/// w.object { w in
///     w.key("at"); w.instant(at)
///     w.key("tags"); w.array { w in for t in tags { w.element(); w.string(t) } }
/// }
/// let text = w.finish()   // ends in a newline
/// ```
struct PrettyJSONWriter: ~Copyable {
    /// The text written since the last ``raw(_:)`` value (all of it when there was none), UTF-8:
    /// the first ``used`` bytes of a buffer of ``capacity`` bytes that this writer owns (it is
    /// not copyable), so that a key, an instant or a string is one capacity check and one copy
    /// instead of an `Array.append` (uniqueness check, growth check) each.
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes of the buffer written.
    private var used = 0
    /// The text before the buffer's, in order: earlier runs of written text and the raw values,
    /// already `String`s (checked as UTF-8 where they were made, e.g. on another thread), so that
    /// ``finish()`` only copies them.
    private var pieces: [String] = []
    /// Spaces before a member of the innermost open container.
    private var indent = 0
    /// Whether the innermost open container has no member yet.
    private var isEmpty = true
    /// The last two instants written and their 20 bytes: most instants of a plan are its `at`.
    private var instantCache = InstantCache()

    /// An empty writer; `capacity` bytes are reserved up front. `indent` is the indentation of
    /// the value it will write: 0 for a whole document, or ``currentIndent`` of the writer whose
    /// ``raw(_:)`` will take this writer's text.
    init(capacity: Int = 0, indent: Int = 0) {
        self.capacity = Swift.max(capacity, 64)
        base = .allocate(capacity: self.capacity)
        self.indent = indent
    }

    deinit { base.deallocate() }

    /// The indentation of a value written now (inside a container: its members' indentation).
    var currentIndent: Int { indent }

    /// The text written so far as a `String` (without a trailing newline): a value for another
    /// writer's ``raw(_:)``.
    func valueText() -> String {
        let tail = String(decoding: UnsafeBufferPointer(start: base, count: used), as: UTF8.self)
        return pieces.isEmpty ? tail : (pieces + [tail]).joined()
    }

    /// A value written by another writer started at ``currentIndent`` (e.g. on another thread).
    /// Kept as a piece of its own, not copied until ``finish()``.
    mutating func raw(_ value: String) {
        flushBytes()
        pieces.append(value)
    }

    private mutating func flushBytes() {
        guard used > 0 else { return }
        pieces.append(String(decoding: UnsafeBufferPointer(start: base, count: used), as: UTF8.self))
        used = 0
    }

    /// The text with its trailing newline, as a `String`: every piece copied once (appending a
    /// `String` to a `String` does not check the UTF-8 again).
    mutating func finish() -> String {
        let all = finishPieces()
        var text = ""
        text.reserveCapacity(all.reduce(0) { $0 + $1.utf8.count })
        for piece in all { text.append(piece) }
        return text
    }

    /// The text written so far as its pieces, in order, leaving the writer empty but still
    /// inside its open containers: for handing out a large document while it is written.
    mutating func takePieces() -> [String] {
        flushBytes()
        defer { pieces = [] }
        return pieces
    }

    /// The text with its trailing newline as its pieces, in order (joined, they are
    /// ``finish()``): for writing a large document out without holding it twice.
    mutating func finishPieces() -> [String] {
        append(ASCII.newline)
        flushBytes()
        defer { pieces = [] }
        return pieces
    }

    // MARK: Raw bytes

    /// Runs `body` with room for `count` more bytes at `used`; `body` returns how many it wrote
    /// (at most `count`).
    @inline(__always)
    private mutating func write(upTo count: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        if used + count > capacity { grow(count) }
        used += body(base + used)
    }

    private mutating func grow(_ count: Int) {
        let wanted = Swift.max(capacity * 2, used + count)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: wanted)
        bigger.moveInitialize(from: base, count: used)
        base.deallocate()
        base = bigger
        capacity = wanted
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8) {
        write(upTo: 1) { p in
            p.pointee = byte
            return 1
        }
    }

    @inline(__always)
    private mutating func append(_ source: UnsafeBufferPointer<UInt8>) {
        write(upTo: source.count) { p in
            if let base = source.baseAddress { p.update(from: base, count: source.count) }
            return source.count
        }
    }

    // MARK: Containers

    /// An object whose members `body` writes, each starting with ``key(_:)``.
    mutating func object(_ body: (inout PrettyJSONWriter) -> Void) {
        container(open: ASCII.openBrace, close: ASCII.closeBrace, body)
    }

    /// An array whose items `body` writes, each starting with ``element()``.
    mutating func array(_ body: (inout PrettyJSONWriter) -> Void) {
        container(open: ASCII.openBracket, close: ASCII.closeBracket, body)
    }

    private mutating func container(open: UInt8, close: UInt8, _ body: (inout PrettyJSONWriter) -> Void) {
        append(open)
        let outerIsEmpty = isEmpty
        isEmpty = true
        indent += 2
        body(&self)
        indent -= 2
        if isEmpty {
            append(close)
        } else {
            // `\n<indent><close>` in one write.
            let indent = indent
            write(upTo: indent + 2) { p in
                p.pointee = ASCII.newline
                (p + 1).update(repeating: ASCII.space, count: indent)
                p[indent + 1] = close
                return indent + 2
            }
        }
        isEmpty = outerIsEmpty
    }

    /// Starts an object member: separator, indent, `"key": `. Keys are ASCII names.
    mutating func key(_ key: StaticString) {
        // One write of `,\n<indent>"key": `: keys are most of a plan's members (~450,000 per
        // 1,000 tenants).
        let comma = !isEmpty
        isEmpty = false
        let indent = indent
        key.withUTF8Buffer { name in
            write(upTo: 1 + 1 + indent + name.count + 4) { p in
                var i = Self.writeSeparator(at: p, comma: comma, indent: indent)
                p[i] = ASCII.quote
                if let base = name.baseAddress { (p + i + 1).update(from: base, count: name.count) }
                i += 1 + name.count
                p[i] = ASCII.quote
                p[i + 1] = ASCII.colon
                p[i + 2] = ASCII.space
                return i + 3
            }
        }
    }

    /// Starts an object member whose key is only known at run time (escaped like a string).
    /// (A different label from ``key(_:)``: a literal would otherwise pick this `String` overload.)
    mutating func key(dynamic key: String) {
        separator()
        string(key)
        append(ASCII.colon)
        append(ASCII.space)
    }

    /// Starts an array item: separator and indent.
    mutating func element() {
        separator()
    }

    /// `,` unless first, then a newline and the indent, in one write.
    private mutating func separator() {
        let comma = !isEmpty
        isEmpty = false
        let indent = indent
        write(upTo: indent + 2) { p in Self.writeSeparator(at: p, comma: comma, indent: indent) }
    }

    /// Writes `,` when `comma`, then a newline and `indent` spaces at `p`; returns the bytes
    /// written.
    private static func writeSeparator(at p: UnsafeMutablePointer<UInt8>, comma: Bool, indent: Int) -> Int {
        var i = 0
        if comma {
            p.pointee = ASCII.comma
            i = 1
        }
        p[i] = ASCII.newline
        (p + i + 1).update(repeating: ASCII.space, count: indent)
        return i + 1 + indent
    }

    // MARK: Members: a key and its value

    /// `"key": n`.
    mutating func member(_ key: StaticString, _ value: Int) {
        self.key(key)
        int(value)
    }

    /// `"key": "text"`, escaped.
    mutating func member(_ key: StaticString, _ value: String) {
        self.key(key)
        string(value)
    }

    /// `"key": "YYYY-MM-DDTHH:MM:SSZ"`.
    mutating func member(_ key: StaticString, _ value: Instant) {
        self.key(key)
        instant(value)
    }

    /// `"key": true` or `false`.
    mutating func member(_ key: StaticString, _ value: Bool) {
        self.key(key)
        bool(value)
    }

    /// `"key": ` and `text` as it is (already JSON).
    mutating func member(_ key: StaticString, verbatim text: [UInt8]) {
        self.key(key)
        verbatim(text)
    }

    /// The member when `value` is set; nothing when it is `nil` (optional fields are left out).
    mutating func member(_ key: StaticString, ifPresent value: Instant?) {
        if let value { member(key, value) }
    }

    /// The member when `value` is set; nothing when it is `nil`.
    mutating func member(_ key: StaticString, ifPresent value: String?) {
        if let value { member(key, value) }
    }

    // MARK: Scalars

    mutating func null() {
        literal("null")
    }

    mutating func bool(_ value: Bool) {
        literal(value ? "true" : "false")
    }

    private mutating func literal(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    /// Text already in its JSON form (e.g. a quoted name from a table made once), copied as it is.
    mutating func verbatim(_ text: [UInt8]) {
        text.withUnsafeBufferPointer { append($0) }
    }

    /// A decimal integer, as `String(value)` writes it.
    mutating func int(_ value: Int) {
        write(upTo: 20) { p in
            var v = value.magnitude
            var digits = 0
            repeat {
                digits += 1
                v /= 10
            } while v > 0
            var i = 0
            if value < 0 {
                p.pointee = 45
                i = 1
            }
            v = value.magnitude
            var k = i + digits - 1
            repeat {
                p[k] = UInt8(truncatingIfNeeded: 48 + v % 10)
                v /= 10
                k -= 1
            } while v > 0
            return i + digits
        }
    }

    /// An instant as a string, `"YYYY-MM-DDTHH:MM:SSZ"` (UTC, ``Instant/description``).
    mutating func instant(_ value: Instant) {
        let text = instantCache.text(of: value)
        write(upTo: 22) { p in
            p.pointee = ASCII.quote
            withUnsafeBytes(of: text) { raw in
                UnsafeMutableRawPointer(p + 1).copyMemory(from: raw.baseAddress ?? UnsafeRawPointer(p), byteCount: 20)
            }
            p[21] = ASCII.quote
            return 22
        }
    }

    /// A string literal, escaping `"`, `\` and U+0000–U+001F (RFC 8259 §7) as
    /// ``JSONValue/serialized()`` does. Works on the UTF-8 bytes: every byte of a multi-byte
    /// character is ≥ 0x80 and is copied as it is.
    mutating func string(_ value: String) {
        // Most strings (codes, serials, names) need no escape: copied between quotes in one
        // pass that checks each byte; on the first byte to escape, the copy is abandoned.
        let done = value.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            let n = utf8.count
            guard let source = utf8.baseAddress else {
                literal("\"\"")
                return true
            }
            if used + n + 2 > capacity { grow(n + 2) }
            let p = base + used
            p.pointee = ASCII.quote
            var i = 0
            while i < n {
                let byte = source[i]
                if Self.needsEscape(byte) { return false }
                p[i + 1] = byte
                i += 1
            }
            p[n + 1] = ASCII.quote
            used += n + 2
            return true
        }
        if done == true { return }
        var value = value
        append(ASCII.quote)
        value.withUTF8 { utf8 in
            var start = 0
            for (i, byte) in utf8.enumerated() where Self.needsEscape(byte) {
                append(UnsafeBufferPointer(rebasing: utf8[start..<i]))
                appendEscape(byte)
                start = i + 1
            }
            append(UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        append(ASCII.quote)
    }

    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == ASCII.quote || byte == ASCII.backslash
    }

    private mutating func appendEscape(_ byte: UInt8) {
        let short: UInt8? =
            switch byte {
            case ASCII.quote: ASCII.quote
            case ASCII.backslash: ASCII.backslash
            case 0x0A: 110  // n
            case 0x0D: 114  // r
            case 0x09: 116  // t
            case 0x08: 98  // b
            case 0x0C: 102  // f
            default: nil
            }
        append(ASCII.backslash)
        if let short {
            append(short)
        } else {
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            for b in [117, 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]] { append(b) }  // u00XX
        }
    }
}

/// ``Instant/description`` bytes of the last two instants written: a plan's events are mostly
/// at its `at`, with an expiry or a schedule between them.
private struct InstantCache {
    typealias Text = (
        UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
        UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
    )
    private var recent: (seconds: Int64, text: Text)?
    private var older: (seconds: Int64, text: Text)?

    mutating func text(of instant: Instant) -> Text {
        let seconds = instant.secondsSinceEpoch
        if let recent, recent.seconds == seconds { return recent.text }
        if let older, older.seconds == seconds {
            swap(&self.recent, &self.older)
            return older.text
        }
        let text = instant.descriptionBytes()
        older = recent
        recent = (seconds, text)
        return text
    }
}

/// ASCII bytes the writers use.
private enum ASCII {
    static let newline: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22
    static let comma: UInt8 = 0x2C
    static let colon: UInt8 = 0x3A
    static let backslash: UInt8 = 0x5C
    static let openBracket: UInt8 = 0x5B
    static let closeBracket: UInt8 = 0x5D
    static let openBrace: UInt8 = 0x7B
    static let closeBrace: UInt8 = 0x7D
}
