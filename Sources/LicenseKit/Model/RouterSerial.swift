/// Router serial numbers (docs/formats.md §3.1): 1–64 characters of `[A-Za-z0-9._:-]`, unique across all
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
            throw ValueParseError(
                message: "expected a router serial of 1-64 characters A-Z a-z 0-9 . _ : -, found '\(text)'"
                    + foreignCharacterHint(text))
        }
        return text
    }

    /// ``validate(_:)`` for a serial read from a manifest or a device list: a serial with the
    /// shape of an activation code (`XXXX-XXXX-XXXX`, hexadecimal, either case) is also refused
    /// (docs/formats.md §3.3 "Serials"): it is a code pasted into the serial column, a secret that
    /// plan and status would otherwise print in full. State keeps using ``validate(_:)``.
    ///
    /// - Throws: ``ValueParseError`` saying what is allowed, or that the value is a code.
    public static func validateInput(_ text: String) throws(ValueParseError) -> String {
        let serial = try validate(text)
        if hasActivationCodeShape(serial) {
            throw ValueParseError(
                message:
                    "expected a router serial, found '\(serial.uppercased())', which has the shape of an activation code"
                    + " (XXXX-XXXX-XXXX): a code pasted where the router's serial belongs; write the router's serial"
                    + " here, and put the code into a sales CSV or a manifest's licenses entry")
        }
        return serial
    }

    /// Whether `serial` is three groups of four hexadecimal digits joined by `-`
    /// (docs/formats.md §3.4), in either case.
    static func hasActivationCodeShape(_ serial: String) -> Bool {
        hasActivationCodeShape(Array(serial.utf8))
    }

    /// ``hasActivationCodeShape(_:)`` over a serial's UTF-8 bytes.
    static func hasActivationCodeShape<Bytes: RandomAccessCollection<UInt8>>(_ serial: Bytes) -> Bool {
        guard serial.count == 14 else { return false }
        let bytes = Array(serial)
        return bytes.indices.allSatisfy { i in
            let b = bytes[i]
            if i == 4 || i == 9 { return b == 0x2D }
            return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)
        }
    }

    /// `; character 3 is U+0410, …` for the first character a serial cannot hold, named by its
    /// code point and 1-based position as a code's is (docs/README.md §8 "Inputs"): a
    /// look-alike letter (Cyrillic `А`), dash or space pasted from a document is otherwise
    /// invisible in the message. Empty when every character is allowed (a length error).
    static func foreignCharacterHint(_ text: String) -> String {
        for (offset, character) in text.enumerated() {
            guard let scalar = character.unicodeScalars.first,
                character.unicodeScalars.count > 1 || !scalar.isASCII || !isAllowed(UInt8(scalar.value))
            else { continue }
            let code = ActivationCodeError.codePoint(scalar)
            if scalar.isASCII, scalar.value > 0x20, scalar.value < 0x7F {
                return "; character \(offset + 1) is '\(Character(scalar))' (\(code)), which a serial cannot hold"
            }
            if scalar.isASCII {
                return
                    "; character \(offset + 1) is \(code)\(scalar == " " ? " (a space)" : ""), which a serial cannot hold"
            }
            return
                "; character \(offset + 1) is \(code)\(ActivationCodeError.lookAlike(scalar)), not an ASCII letter, digit or . _ : -: retype it"
        }
        return ""
    }

    /// Whether the UTF-8 bytes are a valid serial: 1-64 of `[A-Za-z0-9._:-]`.
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        (1...64).contains(bytes.count) && bytes.allSatisfy(isAllowed)
    }

    private static func isAllowed(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 46 || c == 95 || c == 58
            || c == 45
    }

    /// A router's identity: its serial upper-cased (docs/formats.md §3.1, docs/README.md §8 "Inputs": serials are unique
    /// case-insensitively; output keeps the spelling). The serial itself when it has no
    /// lower-case letter (the usual case, no copy).
    public static func identity(_ serial: String) -> String {
        guard serial.utf8.contains(where: { $0 >= 97 && $0 <= 122 }) else { return serial }
        return String(decoding: serial.utf8.map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }, as: UTF8.self)
    }

    /// Whether `a` orders before `b`: their upper-cased bytes compared (docs/README.md §8 "Inputs").
    public static func precedes(_ a: String, _ b: String) -> Bool {
        // Native strings: over their contiguous bytes (admission and state documents compare
        // every serial of a tenant; the iterator below is several times slower).
        if let result = a.utf8.withContiguousStorageIfAvailable({ x in
            b.utf8.withContiguousStorageIfAvailable { y in precedes(x, y) }
        }), let result {
            return result
        }
        var i = a.utf8.makeIterator()
        var j = b.utf8.makeIterator()
        while true {
            switch (i.next(), j.next()) {
            case (nil, nil): return false
            case (nil, _): return true
            case (_, nil): return false
            case (let x?, let y?):
                let ux = x >= 97 && x <= 122 ? x - 32 : x
                let uy = y >= 97 && y <= 122 ? y - 32 : y
                if ux != uy { return ux < uy }
            }
        }
    }

    /// ``precedes(_:_:)`` over UTF-8 bytes.
    static func precedes(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = Swift.min(x.count, y.count)
        var k = 0
        while k < n {
            let (cx, cy) = (x[k], y[k])
            if cx != cy {
                let ux = cx >= 97 && cx <= 122 ? cx - 32 : cx
                let uy = cy >= 97 && cy <= 122 ? cy - 32 : cy
                if ux != uy { return ux < uy }
            }
            k += 1
        }
        return x.count < y.count
    }

    /// Whether two serials name the same router (equal when upper-cased).
    public static func same(_ a: String, _ b: String) -> Bool {
        a == b || (a.utf8.count == b.utf8.count && !precedes(a, b) && !precedes(b, a))
    }

    /// The indices `0..<count` ordered by serial (upper-cased bytes, docs/README.md §8 "Inputs"), equal
    /// serials (in any spelling) in index order.
    ///
    /// Compares the first 16 bytes of each serial as two integers and the strings themselves
    /// only when those are equal, instead of sorting by `String <`.
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
            if sa != sb {
                if RouterSerial.precedes(sa, sb) { return true }
                if RouterSerial.precedes(sb, sa) { return false }
            }
            return a.index < b.index
        }
        return keys.map(\.index)
    }

    /// The first 16 bytes as two big-endian words, zero-padded: comparing the words compares
    /// those bytes lexicographically.
    static func prefixWords(_ bytes: UnsafeBufferPointer<UInt8>) -> (high: UInt64, low: UInt64) {
        (prefixWord(bytes, from: 0), prefixWord(bytes, from: 8))
    }

    /// Bytes `from..<from + 8` upper-cased, big-endian, zero-padded past the end: comparing
    /// these words compares the upper-cased bytes lexicographically (a serial holds no zero byte).
    private static func prefixWord(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> UInt64 {
        var word: UInt64 = 0
        for i in start..<(start + 8) {
            let c = i < bytes.count ? bytes[i] : 0
            word = word << 8 | UInt64(c >= 97 && c <= 122 ? c - 32 : c)
        }
        return word
    }
}
