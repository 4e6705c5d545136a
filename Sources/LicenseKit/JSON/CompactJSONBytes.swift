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
        var value = value
        value.withUTF8 { source in
            // Two passes, the escaped length and then every byte written in place: an apply's
            // intent escapes 28 MB of documents, whose many quotes cut the text into short runs
            // that cost more to append one by one than to copy byte by byte.
            var length = source.count + 2
            for byte in source where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                switch byte {
                case 0x22, 0x5C, 0x0A, 0x0D, 0x09, 0x08, 0x0C: length += 1
                default: length += 5
                }
            }
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: length))
            let hex = Self.hex
            bytes.withUnsafeMutableBufferPointer { buffer in
                var out = start
                buffer[out] = 0x22
                out += 1
                for byte in source {
                    let escape: UInt8
                    switch byte {
                    case 0x22, 0x5C: escape = byte
                    case 0x0A: escape = 0x6E  // \n
                    case 0x0D: escape = 0x72  // \r
                    case 0x09: escape = 0x74  // \t
                    case 0x08: escape = 0x62  // \b
                    case 0x0C: escape = 0x66  // \f
                    case ..<0x20:
                        // \u00XX
                        buffer[out] = 0x5C
                        buffer[out + 1] = 0x75
                        buffer[out + 2] = 0x30
                        buffer[out + 3] = 0x30
                        buffer[out + 4] = hex[Int(byte >> 4)]
                        buffer[out + 5] = hex[Int(byte & 0x0F)]
                        out += 6
                        continue
                    default:
                        buffer[out] = byte
                        out += 1
                        continue
                    }
                    buffer[out] = 0x5C
                    buffer[out + 1] = escape
                    out += 2
                }
                buffer[out] = 0x22
            }
        }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)
}
