import Crypto

/// The `lineage` of a tenant's state (docs/state.md §5): a name-based UUID, version 5 (RFC 4122 §4.3,
/// SHA-1), of `"<tenant>\n<at>\n<inputsDigest>"` in the namespace ``namespace``, where `at` is the
/// instant of the tenant's first apply as `YYYY-MM-DDTHH:MM:SSZ`.
public enum Lineage {
    /// licensectl's fixed namespace UUID for lineages, `6c696365-6e73-6563-746c-2d7631000001`
    /// (the ASCII bytes of "licensectl-v1" followed by 00 00 01); never changes.
    public static let namespace: [UInt8] = [
        0x6c, 0x69, 0x63, 0x65, 0x6e, 0x73, 0x65, 0x63, 0x74, 0x6c, 0x2d, 0x76, 0x31, 0x00, 0x00, 0x01,
    ]

    /// The lineage UUID in lowercase 8-4-4-4-12 form.
    public static func make(tenant: String, firstAppliedAt at: Instant, inputsDigest: String) -> String {
        uuidV5(namespace: namespace, name: "\(tenant)\n\(at)\n\(inputsDigest)")
    }

    /// RFC 4122 §4.3: SHA-1 over namespace bytes + name bytes; first 16 bytes, version 5, variant 10.
    static func uuidV5(namespace: [UInt8], name: String) -> String {
        var hasher = Insecure.SHA1()
        hasher.update(data: namespace)
        hasher.update(data: Array(name.utf8))
        var bytes = Array(hasher.finalize().prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(36)
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
