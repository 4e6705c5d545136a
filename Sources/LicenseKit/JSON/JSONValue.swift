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
        var out = CompactJSONBytes(capacity: 4096)
        write(into: &out, indent: 0)
        out.raw("\n")
        return out.text
    }

    /// The compact text form, one line without a trailing newline (e.g. a JSON Lines record).
    public func serializedCompact() -> String {
        var out = CompactJSONBytes(capacity: 256)
        writeCompact(into: &out)
        return out.text
    }

    private static func sortedKeys(_ members: [String: JSONValue]) -> [String] {
        members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    // Written as UTF-8 bytes, not appended to a `String` piece by piece: an apply of 1,000 new
    // tenants serializes 28 MB of state documents, and `String.append` was most of that time.
    private func write(into out: inout CompactJSONBytes, indent: Int) {
        switch self {
        case .array(let items) where !items.isEmpty:
            out.raw("[\n")
            for (i, item) in items.enumerated() {
                out.spaces(indent + 2)
                item.write(into: &out, indent: indent + 2)
                out.raw(i + 1 < items.count ? ",\n" : "\n")
            }
            out.spaces(indent)
            out.raw("]")
        case .object(let members) where !members.isEmpty:
            out.raw("{\n")
            let keys = JSONValue.sortedKeys(members)
            for (i, key) in keys.enumerated() {
                out.spaces(indent + 2)
                out.string(key)
                out.raw(": ")
                members[key]?.write(into: &out, indent: indent + 2)
                out.raw(i + 1 < keys.count ? ",\n" : "\n")
            }
            out.spaces(indent)
            out.raw("}")
        default:
            writeCompact(into: &out)
        }
    }

    private func writeCompact(into out: inout CompactJSONBytes) {
        switch self {
        case .null: out.raw("null")
        case .bool(let b): out.raw(b ? "true" : "false")
        case .int(let i): out.int(i)
        case .double(let d):
            // JSON has no NaN or infinity; integral doubles keep a fraction so they read back as doubles.
            if !d.isFinite {
                out.raw("null")
            } else if d == d.rounded(), abs(d) < 1e15 {
                out.unescaped(String(format: "%.1f", d))
            } else {
                out.unescaped("\(d)")
            }
        case .string(let s): out.string(s)
        case .array(let items):
            out.raw("[")
            for (i, item) in items.enumerated() {
                if i > 0 { out.raw(",") }
                item.writeCompact(into: &out)
            }
            out.raw("]")
        case .object(let members):
            out.raw("{")
            for (i, key) in JSONValue.sortedKeys(members).enumerated() {
                if i > 0 { out.raw(",") }
                out.string(key)
                out.raw(":")
                members[key]?.writeCompact(into: &out)
            }
            out.raw("}")
        }
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
