/// Router serial numbers (SPEC §3.1): 1–64 characters of `[A-Za-z0-9._:-]`, unique across all
/// tenants. Kept as given (never reinterpreted as a number: `012` stays "012").
public enum RouterSerial {
    /// Returns the serial unchanged when valid.
    ///
    /// - Throws: ``ValueParseError`` saying what is allowed.
    public static func validate(_ text: String) throws(ValueParseError) -> String {
        var copy = text
        // Over the contiguous UTF-8 bytes: walking String.UTF8View costs several times more.
        let valid = copy.withUTF8 { bytes in isValid(bytes) }
        guard valid else {
            throw ValueParseError(message: "expected a router serial of 1-64 characters A-Z a-z 0-9 . _ : -, found '\(text)'")
        }
        return text
    }

    /// Whether the UTF-8 bytes are a valid serial: 1-64 of `[A-Za-z0-9._:-]`.
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        (1...64).contains(bytes.count) && bytes.allSatisfy(isAllowed)
    }

    private static func isAllowed(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 46 || c == 95 || c == 58 || c == 45
    }

    /// The indices `0..<count` ordered by serial (String order, which for a serial's ASCII is
    /// byte order), equal serials in index order.
    ///
    /// Compares the first 16 bytes of each serial as two integers and the strings themselves
    /// only when those are equal: sorting 100 routers by `String <` cost ~1,000 instructions per
    /// router.
    static func sortedIndices(_ count: Int, serial: (Int) -> String) -> [Int] {
        struct Key {
            var high: UInt64
            var low: UInt64
            var index: Int
        }
        var keys: [Key] = []
        keys.reserveCapacity(count)
        for index in 0..<count {
            var text = serial(index)
            let (high, low) = text.withUTF8 { prefixWords($0) }
            keys.append(Key(high: high, low: low, index: index))
        }
        keys.sort { a, b in
            if a.high != b.high { return a.high < b.high }
            if a.low != b.low { return a.low < b.low }
            let (sa, sb) = (serial(a.index), serial(b.index))
            if sa != sb { return sa < sb }
            return a.index < b.index
        }
        return keys.map(\.index)
    }

    /// The first 16 bytes as two big-endian words, zero-padded: comparing the words compares
    /// those bytes lexicographically.
    static func prefixWords(_ bytes: UnsafeBufferPointer<UInt8>) -> (high: UInt64, low: UInt64) {
        (prefixWord(bytes, from: 0), prefixWord(bytes, from: 8))
    }

    /// Bytes `from..<from + 8` big-endian, zero-padded past the end: comparing these words
    /// compares the bytes lexicographically (a serial holds no zero byte).
    private static func prefixWord(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> UInt64 {
        var word: UInt64 = 0
        for i in start..<(start + 8) {
            word = word << 8 | UInt64(i < bytes.count ? bytes[i] : 0)
        }
        return word
    }
}
