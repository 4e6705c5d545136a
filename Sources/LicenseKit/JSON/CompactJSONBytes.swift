/// Compact JSON written straight into UTF-8 bytes, for the large texts of an apply (its intent
/// holds every new state document, its journal one line per event: ~50 MB for 1,000 new
/// tenants), where building a ``JSONValue`` tree first cost more than writing the files.
///
/// The caller writes keys in sorted order (as ``JSONValue/serializedCompact()`` would); strings
/// are escaped as ``JSONValue`` escapes them (RFC 8259: `"`, `\` and U+0000–U+001F).
struct CompactJSONBytes {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// The text so far.
    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Appends ASCII punctuation or a key written by the caller, e.g. `{"action":`.
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func int(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    /// Appends text that needs no escaping (a number's digits).
    mutating func unescaped(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Appends `count` spaces (indentation).
    mutating func spaces(_ count: Int) {
        bytes.append(contentsOf: repeatElement(0x20, count: count))
    }

    /// A quoted, escaped string.
    /// `key` (the separator, the quoted name and the colon, e.g. `,"code":`) and the string,
    /// or nothing when `value` is `nil`: absent fields are left out.
    mutating func field(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        raw(key)
        string(value)
    }

    mutating func string(_ value: String) {
        bytes.append(0x22)
        var value = value
        value.withUTF8 { source in
            // Runs without anything to escape are copied in one step.
            var runStart = 0
            for index in source.indices {
                let byte = source[index]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                if runStart < index {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<index]))
                }
                runStart = index + 1
                switch byte {
                case 0x22, 0x5C:
                    bytes.append(0x5C)
                    bytes.append(byte)
                case 0x0A:
                    bytes.append(0x5C)
                    bytes.append(0x6E)
                case 0x0D:
                    bytes.append(0x5C)
                    bytes.append(0x72)
                case 0x09:
                    bytes.append(0x5C)
                    bytes.append(0x74)
                case 0x08:
                    bytes.append(0x5C)
                    bytes.append(0x62)
                case 0x0C:
                    bytes.append(0x5C)
                    bytes.append(0x66)
                default:
                    bytes.append(contentsOf: [
                        0x5C, 0x75, 0x30, 0x30, Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0x0F)],
                    ])
                }
            }
            if runStart < source.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart...])) }
        }
        bytes.append(0x22)
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)
}
