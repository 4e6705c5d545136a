import Foundation

/// A JSON value (RFC 8259) with a deterministic text form: object keys sorted by their UTF-8
/// bytes, 2-space indent, `"key": value`, empty containers as `[]` / `{}`.
///
/// Foundation's `JSONEncoder` with `.prettyPrinted` writes `"key" : value` and spreads empty
/// containers over two lines, so the plan (docs/cli.md §6) and the state documents (docs/state.md §5) are written
/// through this type instead; ``init(encoding:)`` turns any `Encodable` into a value.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// An integer number (counts, serials, line numbers).
    case int(Int)
    /// A number with a fraction or exponent; written with a fraction, non-finite as `null`.
    case double(Double)
    case string(String)
    case array([JSONValue])
    /// Members; written in key order, so insertion order does not matter.
    case object([String: JSONValue])

    /// The value of an `Encodable`, as its `Codable` conformance encodes it (optional properties
    /// set to `nil` are absent, as with `JSONEncoder`).
    ///
    /// - Throws: `EncodingError` from the value's `encode(to:)`; ``JSONParseError`` never in practice.
    public init<T: Encodable>(encoding value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        self = try JSONValue.parse(Array(try encoder.encode(value)))
    }

    /// The value at `key` of an object; `nil` for other values or a missing key.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    // MARK: Writing

    /// The pretty text form: 2-space indent, keys sorted by UTF-8 bytes, `"key": value`, and a
    /// trailing newline. Strings are escaped per RFC 8259 (`"`, `\`, control characters); `/` and
    /// non-ASCII characters are written as they are.
    public func serialized() -> String {
        var out = ""
        write(into: &out, indent: 0)
        out.append("\n")
        return out
    }

    /// The compact text form, one line without a trailing newline (e.g. a JSON Lines record).
    public func serializedCompact() -> String {
        var out = ""
        writeCompact(into: &out)
        return out
    }

    private static func sortedKeys(_ members: [String: JSONValue]) -> [String] {
        members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    private func write(into out: inout String, indent: Int) {
        switch self {
        case .array(let items) where !items.isEmpty:
            let inner = String(repeating: " ", count: indent + 2)
            out.append("[\n")
            for (i, item) in items.enumerated() {
                out.append(inner)
                item.write(into: &out, indent: indent + 2)
                out.append(i + 1 < items.count ? ",\n" : "\n")
            }
            out.append(String(repeating: " ", count: indent))
            out.append("]")
        case .object(let members) where !members.isEmpty:
            let inner = String(repeating: " ", count: indent + 2)
            out.append("{\n")
            let keys = JSONValue.sortedKeys(members)
            for (i, key) in keys.enumerated() {
                out.append(inner)
                JSONValue.writeString(key, into: &out)
                out.append(": ")
                members[key]?.write(into: &out, indent: indent + 2)
                out.append(i + 1 < keys.count ? ",\n" : "\n")
            }
            out.append(String(repeating: " ", count: indent))
            out.append("}")
        default:
            writeCompact(into: &out)
        }
    }

    private func writeCompact(into out: inout String) {
        switch self {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .int(let i): out.append(String(i))
        case .double(let d):
            // JSON has no NaN or infinity; integral doubles keep a fraction so they read back as doubles.
            if !d.isFinite {
                out.append("null")
            } else if d == d.rounded(), abs(d) < 1e15 {
                out.append(String(format: "%.1f", d))
            } else {
                out.append("\(d)")
            }
        case .string(let s): JSONValue.writeString(s, into: &out)
        case .array(let items):
            out.append("[")
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(",") }
                item.writeCompact(into: &out)
            }
            out.append("]")
        case .object(let members):
            out.append("{")
            for (i, key) in JSONValue.sortedKeys(members).enumerated() {
                if i > 0 { out.append(",") }
                JSONValue.writeString(key, into: &out)
                out.append(":")
                members[key]?.writeCompact(into: &out)
            }
            out.append("}")
        }
    }

    /// Writes `s` as a JSON string literal, escaping `"`, `\` and U+0000–U+001F (RFC 8259 §7).
    static func writeString(_ s: String, into out: inout String) {
        out.append("\"")
        var s = s
        // Byte by byte over UTF-8 (every byte to escape is ASCII): an apply's intent escapes
        // ~50 MB of documents and journal lines, and appending scalar by scalar cost seconds.
        let escaped: String? = s.withUTF8 { bytes -> String? in
            guard bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else { return nil }
            var buffer = [UInt8]()
            buffer.reserveCapacity(bytes.count + bytes.count / 4 + 8)
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            for byte in bytes {
                switch byte {
                case 0x22, 0x5C:
                    buffer.append(0x5C)
                    buffer.append(byte)
                case 0x0A:
                    buffer.append(0x5C)
                    buffer.append(0x6E)  // \n
                case 0x0D:
                    buffer.append(0x5C)
                    buffer.append(0x72)  // \r
                case 0x09:
                    buffer.append(0x5C)
                    buffer.append(0x74)  // \t
                case 0x08:
                    buffer.append(0x5C)
                    buffer.append(0x62)  // \b
                case 0x0C:
                    buffer.append(0x5C)
                    buffer.append(0x66)  // \f
                case ..<0x20:
                    // \u00XX
                    buffer.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
                default: buffer.append(byte)
                }
            }
            return String(decoding: buffer, as: UTF8.self)
        }
        out.append(escaped ?? s)
        out.append("\"")
    }

    // MARK: Reading

    /// Parses one JSON text (RFC 8259): UTF-8, optional surrounding white space, nesting at
    /// most 512 deep. Integers that fit in `Int` become ``int(_:)``, other numbers ``double(_:)``.
    ///
    /// - Throws: ``JSONParseError`` with the byte offset of the first problem (invalid UTF-8,
    ///   a syntax error, a duplicate key, trailing data).
    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        JSONValue(node: try JSONParser.parse(bytes))
    }
}

/// A text that is not valid JSON: what was wrong and at which byte offset (0-based).
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public var message: String
    /// The 0-based byte offset where it was found.
    public var offset: Int

    /// An error with `message` at byte `offset`.
    public init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    /// `invalid JSON at byte N: message`.
    public var description: String { "invalid JSON at byte \(offset): \(message)" }
}
