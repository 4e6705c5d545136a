/// Writes pretty JSON text straight into a byte buffer, in exactly the form of
/// ``JSONValue/serialized()``: 2-space indent, `"key": value`, `[]` and `{}` for empty containers,
/// strings escaped per RFC 8259 (`"`, `\`, U+0000–U+001F; `/` and non-ASCII as they are).
///
/// Used on hot paths (the plan of thousands of tenants, SPEC §7) where building a ``JSONValue``
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
struct PrettyJSONWriter {
    /// The text written since the last ``raw(_:)`` value (all of it when there was none), UTF-8.
    private(set) var bytes: [UInt8] = []
    /// The text before ``bytes``, in order: earlier runs of written text and the raw values,
    /// already `String`s (checked as UTF-8 where they were made, e.g. on another thread), so that
    /// ``finish()`` only copies them.
    private var pieces: [String] = []
    /// Spaces before a member of the innermost open container.
    private var indent = 0
    /// Whether the innermost open container has no member yet.
    private var isEmpty = true

    /// An empty writer; `capacity` bytes are reserved up front. `indent` is the indentation of
    /// the value it will write: 0 for a whole document, or ``currentIndent`` of the writer whose
    /// ``raw(_:)`` will take this writer's text.
    init(capacity: Int = 0, indent: Int = 0) {
        bytes.reserveCapacity(capacity)
        self.indent = indent
    }

    /// The indentation of a value written now (inside a container: its members' indentation).
    var currentIndent: Int { indent }

    /// The text written so far as a `String` (without a trailing newline): a value for another
    /// writer's ``raw(_:)``.
    func valueText() -> String {
        let tail = String(decoding: bytes, as: UTF8.self)
        return pieces.isEmpty ? tail : (pieces + [tail]).joined()
    }

    /// A value written by another writer started at ``currentIndent`` (e.g. on another thread).
    /// Kept as a piece of its own, not copied until ``finish()``.
    mutating func raw(_ value: String) {
        flushBytes()
        pieces.append(value)
    }

    private mutating func flushBytes() {
        guard !bytes.isEmpty else { return }
        pieces.append(String(decoding: bytes, as: UTF8.self))
        bytes = []
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

    /// The text with its trailing newline as its pieces, in order (joined, they are
    /// ``finish()``): for writing a large document out without holding it twice.
    mutating func finishPieces() -> [String] {
        bytes.append(ascii.newline)
        flushBytes()
        defer { pieces = [] }
        return pieces
    }

    // MARK: Containers

    /// An object whose members `body` writes, each starting with ``key(_:)``.
    mutating func object(_ body: (inout PrettyJSONWriter) -> Void) {
        container(open: ascii.openBrace, close: ascii.closeBrace, body)
    }

    /// An array whose items `body` writes, each starting with ``element()``.
    mutating func array(_ body: (inout PrettyJSONWriter) -> Void) {
        container(open: ascii.openBracket, close: ascii.closeBracket, body)
    }

    private mutating func container(open: UInt8, close: UInt8, _ body: (inout PrettyJSONWriter) -> Void) {
        bytes.append(open)
        let outerIsEmpty = isEmpty
        isEmpty = true
        indent += 2
        body(&self)
        indent -= 2
        if !isEmpty { newlineAndIndent() }
        bytes.append(close)
        isEmpty = outerIsEmpty
    }

    /// Starts an object member: separator, indent, `"key": `. Keys are ASCII names.
    mutating func key(_ key: StaticString) {
        // One append of `,\n<indent>"key": ` built on the stack, instead of seven: keys are
        // most of a plan's appends (~450,000 per 1,000 tenants).
        let comma = !isEmpty
        isEmpty = false
        let count = (comma ? 1 : 0) + 1 + indent + key.utf8CodeUnitCount + 4
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { piece in
            var i = 0
            func put(_ byte: UInt8) {
                piece[i] = byte
                i += 1
            }
            if comma { put(ascii.comma) }
            put(ascii.newline)
            for _ in 0..<indent { put(ascii.space) }
            put(ascii.quote)
            key.withUTF8Buffer { for byte in $0 { put(byte) } }
            put(ascii.quote)
            put(ascii.colon)
            put(ascii.space)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: piece[..<i]))
        }
    }

    /// Starts an object member whose key is only known at run time (escaped like a string).
    /// (A different label from ``key(_:)``: a literal would otherwise pick this `String` overload.)
    mutating func key(dynamic key: String) {
        separator()
        string(key)
        bytes.append(ascii.colon)
        bytes.append(ascii.space)
    }

    /// Starts an array item: separator and indent.
    mutating func element() {
        separator()
    }

    private mutating func separator() {
        if isEmpty { isEmpty = false } else { bytes.append(ascii.comma) }
        newlineAndIndent()
    }

    private mutating func newlineAndIndent() {
        bytes.append(ascii.newline)
        var left = indent
        while left > 0 {
            let n = min(left, PrettyJSONWriter.spaces.utf8CodeUnitCount)
            PrettyJSONWriter.spaces.withUTF8Buffer { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[..<n])) }
            left -= n
        }
    }

    /// Indentation is copied from here, a block at a time.
    private static let spaces: StaticString = "                                                                "

    // MARK: Scalars

    mutating func null() {
        literal("null")
    }

    mutating func bool(_ value: Bool) {
        literal(value ? "true" : "false")
    }

    private mutating func literal(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// A decimal integer, as `String(value)` writes it.
    mutating func int(_ value: Int) {
        if value < 0 { bytes.append(45) }
        var v = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(48 + v % 10)
                v /= 10
                count += 1
            } while v > 0
            bytes.append(contentsOf: buffer[(20 - count)...])
        }
    }

    /// An instant as a string, `"YYYY-MM-DDTHH:MM:SSZ"` (UTC, ``Instant/description``).
    mutating func instant(_ value: Instant) {
        bytes.append(ascii.quote)
        value.writeDescription(into: &bytes)
        bytes.append(ascii.quote)
    }

    /// A string literal, escaping `"`, `\` and U+0000–U+001F (RFC 8259 §7) as
    /// ``JSONValue/serialized()`` does. Works on the UTF-8 bytes: every byte of a multi-byte
    /// character is ≥ 0x80 and is copied as it is.
    mutating func string(_ value: String) {
        bytes.append(ascii.quote)
        var value = value
        value.withUTF8 { utf8 in
            func needsEscape(_ byte: UInt8) -> Bool { byte < 0x20 || byte == ascii.quote || byte == ascii.backslash }
            // Most strings (codes, serials, names) need no escape: one copy.
            guard utf8.contains(where: needsEscape) else {
                bytes.append(contentsOf: utf8)
                return
            }
            var start = 0
            for (i, byte) in utf8.enumerated() where needsEscape(byte) {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
                appendEscape(byte)
                start = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(ascii.quote)
    }

    private mutating func appendEscape(_ byte: UInt8) {
        let short: UInt8? = switch byte {
        case ascii.quote: ascii.quote
        case ascii.backslash: ascii.backslash
        case 0x0A: 110  // n
        case 0x0D: 114  // r
        case 0x09: 116  // t
        case 0x08: 98  // b
        case 0x0C: 102  // f
        default: nil
        }
        bytes.append(ascii.backslash)
        if let short {
            bytes.append(short)
        } else {
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [117, 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])  // u00XX
        }
    }
}

/// ASCII bytes the writers use.
private enum ascii {
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
