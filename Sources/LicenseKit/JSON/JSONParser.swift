/// A strict, located JSON parser shared by the plan and state readers.

extension JSONValue: Codable {
    /// Decodes any JSON value.
    ///
    /// - Throws: `DecodingError` when the decoder holds no JSON value.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? c.decode(Int.self) {
            self = .int(n)
        } else if let d = try? c.decode(Double.self) {
            self = .double(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    /// Encodes the value as JSON.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let n): try c.encode(n)
        case .double(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

/// A parsed JSON value with the byte offset where it starts, for located diagnostics.
struct JSONNode: Sendable {
    indirect enum Kind: Sendable {
        case null
        case bool(Bool)
        /// The number's text as written (validated against the RFC 8259 grammar).
        case number(String)
        case string(String)
        case array([JSONNode])
        /// Members in file order; keys are unique (duplicates are a parse error).
        case object([(key: String, value: JSONNode)])
    }

    var kind: Kind
    /// Byte offset of the value's first byte in the parsed text.
    var offset: Int

    /// "a string", "an object", … for messages.
    var kindName: String {
        switch kind {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// A node for a value that did not come from text (offset 0).
    init(value: JSONValue) {
        offset = 0
        switch value {
        case .null: kind = .null
        case .bool(let b): kind = .bool(b)
        case .int(let n): kind = .number(String(n))
        case .double(let d): kind = .number(String(d))
        case .string(let s): kind = .string(s)
        case .array(let a): kind = .array(a.map(JSONNode.init(value:)))
        case .object(let o): kind = .object(o.map { (key: $0.key, value: JSONNode(value: $0.value)) })
        }
    }

    init(kind: Kind, offset: Int) {
        self.kind = kind
        self.offset = offset
    }
}

/// A strict RFC 8259 parser: one value, optional surrounding white space, valid UTF-8, no
/// duplicate keys, nesting at most 256 deep.
struct JSONParser {
    private let bytes: [UInt8]
    private var i = 0
    private static let maxDepth = 256

    /// Parses exactly one JSON value.
    ///
    /// - Throws: ``JSONParseError`` with a message such as `unexpected end of file` and its offset.
    static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONNode {
        var p = JSONParser(bytes: bytes)
        p.skipWhitespace()
        let node = try p.value(depth: 0)
        p.skipWhitespace()
        guard p.i == bytes.count else { throw p.fail("unexpected text after the end of the JSON value") }
        return node
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func fail(_ message: String) -> JSONParseError {
        if i >= bytes.count { return JSONParseError(message: "unexpected end of file", offset: bytes.count) }
        return JSONParseError(message: message, offset: i)
    }

    private mutating func skipWhitespace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private mutating func expect(_ word: String) throws(JSONParseError) {
        let start = i
        for c in word.utf8 {
            guard i < bytes.count, bytes[i] == c else {
                i = start
                throw fail("expected a value")
            }
            i += 1
        }
    }

    private mutating func value(depth: Int) throws(JSONParseError) -> JSONNode {
        guard depth < JSONParser.maxDepth else { throw fail("nesting deeper than \(JSONParser.maxDepth)") }
        guard i < bytes.count else { throw fail("expected a value") }
        let start = i
        switch bytes[i] {
        case 0x6E:
            try expect("null")
            return JSONNode(kind: .null, offset: start)
        case 0x74:
            try expect("true")
            return JSONNode(kind: .bool(true), offset: start)
        case 0x66:
            try expect("false")
            return JSONNode(kind: .bool(false), offset: start)
        case 0x22: return JSONNode(kind: .string(try string()), offset: start)
        case 0x2D, 0x30...0x39: return JSONNode(kind: .number(try number()), offset: start)
        case 0x5B:
            i += 1
            var items = [JSONNode]()
            skipWhitespace()
            if i < bytes.count, bytes[i] == 0x5D {
                i += 1
                return JSONNode(kind: .array(items), offset: start)
            }
            while true {
                skipWhitespace()
                items.append(try value(depth: depth + 1))
                skipWhitespace()
                guard i < bytes.count else { throw fail("") }
                if bytes[i] == 0x2C {
                    i += 1
                    continue
                }
                if bytes[i] == 0x5D {
                    i += 1
                    return JSONNode(kind: .array(items), offset: start)
                }
                throw fail("expected ',' or ']'")
            }
        case 0x7B:
            i += 1
            var members = [(key: String, value: JSONNode)]()
            // Duplicate keys: compared in place while an object is small (a state file's
            // objects have up to ~20 keys), hashed beyond.
            var seen = Set<String>()
            skipWhitespace()
            if i < bytes.count, bytes[i] == 0x7D {
                i += 1
                return JSONNode(kind: .object(members), offset: start)
            }
            while true {
                skipWhitespace()
                guard i < bytes.count, bytes[i] == 0x22 else { throw fail("expected a key in double quotes") }
                let keyOffset = i
                let key = try string()
                let duplicate: Bool
                if members.count < 24 {
                    duplicate = members.contains { $0.key == key }
                } else {
                    if seen.isEmpty { seen = Set(members.map(\.key)) }
                    duplicate = !seen.insert(key).inserted
                }
                guard !duplicate else {
                    throw JSONParseError(message: "duplicate key '\(key)'", offset: keyOffset)
                }
                skipWhitespace()
                guard i < bytes.count, bytes[i] == 0x3A else { throw fail("expected ':'") }
                i += 1
                skipWhitespace()
                members.append((key, try value(depth: depth + 1)))
                skipWhitespace()
                guard i < bytes.count else { throw fail("") }
                if bytes[i] == 0x2C {
                    i += 1
                    continue
                }
                if bytes[i] == 0x7D {
                    i += 1
                    return JSONNode(kind: .object(members), offset: start)
                }
                throw fail("expected ',' or '}'")
            }
        default:
            throw fail("expected a value")
        }
    }

    private mutating func number() throws(JSONParseError) -> String {
        let start = i
        func digits(_ p: inout JSONParser) -> Int {
            var n = 0
            while p.i < p.bytes.count, (0x30...0x39).contains(p.bytes[p.i]) {
                p.i += 1
                n += 1
            }
            return n
        }
        if bytes[i] == 0x2D { i += 1 }
        guard i < bytes.count, (0x30...0x39).contains(bytes[i]) else { throw fail("expected a digit") }
        if bytes[i] == 0x30 { i += 1 } else { _ = digits(&self) }
        if i < bytes.count, bytes[i] == 0x2E {
            i += 1
            guard digits(&self) > 0 else { throw fail("expected a digit") }
        }
        if i < bytes.count, bytes[i] == 0x65 || bytes[i] == 0x45 {
            i += 1
            if i < bytes.count, bytes[i] == 0x2B || bytes[i] == 0x2D { i += 1 }
            guard digits(&self) > 0 else { throw fail("expected a digit") }
        }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard i < bytes.count else { throw fail("") }
            let c = bytes[i]
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x41...0x46: d = c - 0x41 + 10
            case 0x61...0x66: d = c - 0x61 + 10
            default: throw fail("expected 4 hex digits after \\u")
            }
            v = v << 4 | UInt32(d)
            i += 1
        }
        return v
    }

    private mutating func string() throws(JSONParseError) -> String {
        i += 1  // opening quote
        // Most strings (keys, codes, instants, serials) have no escape: found whole, they become
        // a String in one step, without copying byte by byte.
        var end = i
        var ascii = true
        while end < bytes.count {
            let c = bytes[end]
            if c == 0x22 || c == 0x5C || c < 0x20 { break }
            if c >= 0x80 { ascii = false }
            end += 1
        }
        if end < bytes.count, bytes[end] == 0x22 {
            let text: String? = bytes.withUnsafeBufferPointer { b in
                let slice = UnsafeBufferPointer(rebasing: b[i..<end])
                return ascii ? String(decoding: slice, as: UTF8.self) : String(validating: slice, as: UTF8.self)
            }
            i = end + 1
            guard let text else { throw fail("invalid UTF-8 in a string") }
            return text
        }
        var out = [UInt8]()
        while true {
            guard i < bytes.count else { throw fail("") }
            let c = bytes[i]
            switch c {
            case 0x22:
                i += 1
                guard let s = String(validating: out, as: UTF8.self) else {
                    throw fail("invalid UTF-8 in a string")
                }
                return s
            case 0x5C:
                i += 1
                guard i < bytes.count else { throw fail("") }
                let e = bytes[i]
                i += 1
                switch e {
                case 0x22, 0x5C, 0x2F: out.append(e)
                case 0x62: out.append(0x08)
                case 0x66: out.append(0x0C)
                case 0x6E: out.append(0x0A)
                case 0x72: out.append(0x0D)
                case 0x74: out.append(0x09)
                case 0x75:
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard i + 1 < bytes.count, bytes[i] == 0x5C, bytes[i + 1] == 0x75 else {
                            throw fail("unpaired surrogate in \\u escape")
                        }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate in \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw fail("unpaired surrogate in \\u escape") }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default:
                    i -= 1
                    throw fail("invalid escape sequence")
                }
            case 0x00..<0x20:
                throw fail("control character in a string")
            default:
                out.append(c)
                i += 1
            }
        }
    }
}

extension Array where Element == UInt8 {
    /// 1-based line and column (in Unicode scalars) of a byte offset.
    func lineAndColumn(ofOffset offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        var k = 0
        let end = Swift.min(offset, count)
        while k < end {
            let c = self[k]
            if c == 0x0A {
                line += 1
                column = 1
            } else if c & 0xC0 != 0x80 {
                column += 1
            }
            k += 1
        }
        return (line, column)
    }
}

extension JSONValue {
    /// The value of a parsed node (offsets dropped). Integers that fit in `Int` become
    /// ``int(_:)``, other numbers ``double(_:)``.
    init(node: JSONNode) {
        switch node.kind {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let text): self = Int(text).map(JSONValue.int) ?? .double(Double(text) ?? 0)
        case .string(let s): self = .string(s)
        case .array(let items): self = .array(items.map(JSONValue.init(node:)))
        case .object(let members):
            self = .object(
                Dictionary(members.map { ($0.key, JSONValue(node: $0.value)) }, uniquingKeysWith: { a, _ in a }))
        }
    }
}
