/// A manifest's licenses looked up by code, for step 2 and its checks: codes are keyed by their
/// 12 hex digits as one integer and found by binary search, instead of hashing their text. For
/// a code given twice, the last one counts (as a dictionary built in order would keep it).
struct DesiredLicenses {
    let licenses: [DesiredLicense]
    /// (key, position in `licenses`) sorted by key; one entry per key.
    private var byKey: [(key: UInt64, position: Int)] = []
    /// Whether every code packed to a distinct key; otherwise lookups compare codes one by one.
    private var packed = true

    init(licenses: [DesiredLicense]) {
        self.licenses = licenses
        byKey.reserveCapacity(licenses.count)
        for (i, d) in licenses.enumerated() {
            guard let key = Self.key(d.code) else {
                packed = false
                return
            }
            byKey.append((key, i))
        }
        byKey.sort { ($0.key, $0.position) < ($1.key, $1.position) }
        // One entry per key, the last position; a key shared by different codes cannot be
        // told apart by key (it cannot happen: the key is the code's hex digits).
        var unique: [(key: UInt64, position: Int)] = []
        unique.reserveCapacity(byKey.count)
        for entry in byKey {
            if let last = unique.last, last.key == entry.key {
                guard licenses[last.position].code == licenses[entry.position].code else {
                    packed = false
                    return
                }
                unique[unique.count - 1] = entry
            } else {
                unique.append(entry)
            }
        }
        byKey = unique
    }

    /// The position in ``licenses`` of the (last) license with `code`.
    func position(of code: ActivationCode) -> Int? {
        guard packed, let key = Self.key(code) else {
            return licenses.lastIndex { $0.code == code }
        }
        var low = 0
        var high = byKey.count
        while low < high {
            let mid = (low + high) / 2
            if byKey[mid].key < key { low = mid + 1 } else { high = mid }
        }
        guard low < byKey.count, byKey[low].key == key else { return nil }
        let position = byKey[low].position
        return licenses[position].code == code ? position : nil
    }

    func contains(_ code: ActivationCode) -> Bool { position(of: code) != nil }

    subscript(code: ActivationCode) -> DesiredLicense? {
        position(of: code).map { licenses[$0] }
    }

    /// The 12 hex digits of a canonical code `XXXX-XXXX-XXXX` as a 48-bit integer; `nil` for
    /// text of another shape.
    private static func key(_ code: ActivationCode) -> UInt64? {
        let key = code.canonical.utf8.withContiguousStorageIfAvailable { utf8 -> UInt64? in
            var key: UInt64 = 0
            var digits = 0
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): key = key << 4 | UInt64(byte - 48)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): key = key << 4 | UInt64(byte - 55)
                case UInt8(ascii: "-"): continue
                default: return nil
                }
                digits += 1
            }
            return digits == 12 ? key : nil
        }
        return key ?? nil
    }
}
