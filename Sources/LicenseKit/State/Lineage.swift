import Crypto

extension TenantState {
    /// The namespace of lineage UUIDs: UUIDv5 of the RFC 4122 URL namespace and
    /// `https://licensectl/lineage`, so lineages never collide with other UUIDv5 users.
    static let lineageNamespace: [UInt8] = uuidV5(
        namespace: [0x6B, 0xA7, 0xB8, 0x11, 0x9D, 0xAD, 0x11, 0xD1, 0x80, 0xB4, 0x00, 0xC0, 0x4F, 0xD4, 0x30, 0xC8],
        name: "https://licensectl/lineage")

    /// A tenant's `lineage` (SPEC §5): the UUIDv5 (RFC 4122, lowercase text) of the tenant name,
    /// the `at` of its first apply (`YYYY-MM-DDTHH:MM:SSZ`) and the plan's inputs digest, joined
    /// by newlines, in the licensectl lineage namespace. Deterministic: the same inputs give the
    /// same lineage on every machine.
    public static func lineage(tenant: String, firstAppliedAt: Instant, inputsDigest: String) -> String {
        let bytes = uuidV5(namespace: lineageNamespace, name: "\(tenant)\n\(firstAppliedAt)\n\(inputsDigest)")
        let hex = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }
        return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(separator: "-")
    }

    static func uuidV5(namespace: [UInt8], name: String) -> [UInt8] {
        var hash = Array(Insecure.SHA1.hash(data: namespace + Array(name.utf8)).prefix(16))
        hash[6] = (hash[6] & 0x0F) | 0x50
        hash[8] = (hash[8] & 0x3F) | 0x80
        return hash
    }
}
