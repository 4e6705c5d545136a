extension SourceLocation {
    /// ``fileAndLine`` (`file:line`), made in one buffer instead of by interpolation: every
    /// newly redeemed license records it (`FastPathTests` compares both).
    var bufferedFileAndLine: String {
        var file = self.file
        let line = self.line
        return file.withUTF8 { name in
            var digits = 1
            var rest = line.magnitude / 10
            while rest > 0 {
                digits += 1
                rest /= 10
            }
            let count = name.count + 1 + (line < 0 ? 1 : 0) + digits
            return String(unsafeUninitializedCapacity: count) { out in
                var i = 0
                for byte in name {
                    out[i] = byte
                    i += 1
                }
                out[i] = UInt8(ascii: ":")
                i += 1
                if line < 0 {
                    out[i] = UInt8(ascii: "-")
                    i += 1
                }
                var v = line.magnitude
                var k = i + digits - 1
                repeat {
                    out[k] = UInt8(truncatingIfNeeded: 48 + v % 10)
                    v /= 10
                    k -= 1
                } while v > 0
                return count
            }
        }
    }
}
