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
}
