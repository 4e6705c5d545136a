/// A manifest's licenses looked up by code, for step 2 and its checks: codes are keyed by their
/// 12 hex digits as one integer and found by binary search, instead of hashing their text. For
/// a code given twice, the last one counts (as a dictionary built in order would keep it).
struct DesiredLicenses {
    let licenses: [DesiredLicense]
    /// (key, position in `licenses`) sorted by key; one entry per key, the last position.
    private let byKey: [(key: UInt64, position: Int)]

    init(licenses: [DesiredLicense]) {
        self.licenses = licenses
        var entries = licenses.indices.map { (key: Self.key(licenses[$0].code), position: $0) }
        entries.sort { ($0.key, $0.position) < ($1.key, $1.position) }
        var unique: [(key: UInt64, position: Int)] = []
        unique.reserveCapacity(entries.count)
        for entry in entries {
            if let last = unique.last, last.key == entry.key {
                unique[unique.count - 1] = entry
            } else {
                unique.append(entry)
            }
        }
        byKey = unique
    }

    /// The position in ``licenses`` of the (last) license with `code`.
    func position(of code: ActivationCode) -> Int? {
        let key = Self.key(code)
        var low = 0
        var high = byKey.count
        while low < high {
            let mid = (low + high) / 2
            if byKey[mid].key < key { low = mid + 1 } else { high = mid }
        }
        guard low < byKey.count, byKey[low].key == key else { return nil }
        assert(licenses[byKey[low].position].code == code, "two codes with one key")
        return byKey[low].position
    }

    func contains(_ code: ActivationCode) -> Bool { position(of: code) != nil }

    subscript(code: ActivationCode) -> DesiredLicense? {
        position(of: code).map { licenses[$0] }
    }

    /// The 12 hex digits of a code as a 48-bit integer. An ``ActivationCode`` is always canonical
    /// (`XXXX-XXXX-XXXX`, X ∈ `0-9A-F`, docs/formats.md §3.4), so distinct codes have distinct keys.
    private static func key(_ code: ActivationCode) -> UInt64 {
        var key: UInt64 = 0
        for byte in code.canonical.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): key = key << 4 | UInt64(byte - 48)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): key = key << 4 | UInt64(byte - 55)
            default: assert(byte == UInt8(ascii: "-"), "an activation code is canonical")
            }
        }
        return key
    }
}
