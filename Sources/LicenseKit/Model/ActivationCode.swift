/// A vendor activation code in canonical form `XXXX-XXXX-XXXX`, X ∈ `0-9A-F` (docs/formats.md §3.4).
public struct ActivationCode: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The canonical form, `XXXX-XXXX-XXXX`.
    public let canonical: String

    /// Normalizes user input: trims ASCII spaces and tabs (only those, docs/README.md §8 "Inputs"),
    /// upper-cases, accepts the groups separated by dashes, by spaces, or not at all.
    ///
    /// - Throws: ``ActivationCodeError`` for anything else, with a hint when the value looks
    ///   mangled by a spreadsheet (`4,68769E+15`) or like a date.
    public init(parsing text: String) throws(ActivationCodeError) {
        var trimmed = text.trimmingSpacesAndTabs()
        // Every code of every manifest and CSV comes through here: the digits go straight into
        // the canonical text's storage, without intermediate arrays. An empty result means
        // "not a code" (a canonical code is never empty).
        let canonical = trimmed.withUTF8 { bytes -> String in
            String(unsafeUninitializedCapacity: 14) { out -> Int in
                // Groups of four, separated by nothing, single dashes or single spaces,
                // consistently placed.
                var digits = 0
                var group = 0
                var i = 0
                while i < bytes.count {
                    var c = bytes[i]
                    if c >= 97, c <= 102 { c -= 32 }
                    let isHex = (c >= 48 && c <= 57) || (c >= 65 && c <= 70)
                    if isHex {
                        guard digits < 12 else { return 0 }
                        out[digits + digits / 4] = c
                        digits += 1
                        group += 1
                        i += 1
                        continue
                    }
                    if c == 45 || c == 32, group == 4, digits < 12, i + 1 < bytes.count {
                        group = 0
                        i += 1
                        continue
                    }
                    return 0
                }
                guard digits == 12 else { return 0 }
                out[4] = 45
                out[9] = 45
                return 14
            }
        }
        guard !canonical.isEmpty else { throw ActivationCodeError(text: text) }
        self.canonical = canonical
    }

    /// The canonical form `XXXX-XXXX-XXXX` (upper-case); use ``masked`` in human output.
    public var description: String { canonical }

    /// The code with its middle group masked, `96D9-****-59E5`, for human output (docs/formats.md §3.4).
    public var masked: String {
        String(canonical.prefix(5)) + "****" + String(canonical.suffix(5))
    }

    /// The canonical form, or ``masked`` unless `showCodes`.
    public func display(showCodes: Bool) -> String { showCodes ? canonical : masked }

    /// Orders by the canonical form.
    public static func < (lhs: ActivationCode, rhs: ActivationCode) -> Bool { lhs.canonical < rhs.canonical }
}

/// A text that is not an activation code.
public struct ActivationCodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text as given.
    public var text: String

    /// What a code looks like and what was found, with a hint for a spreadsheet's number or date
    /// and for a character that is not part of a code (docs/README.md §8 "Inputs").
    public var message: String {
        var m =
            "expected an activation code XXXX-XXXX-XXXX (12 hex digits 0-9 A-F), found '\(Self.maskingHexDigits(of: text))'"
        let t = text.trimmingASCIIWhitespace()
        if t.contains("E+") || t.contains("e+") {
            m +=
                "; it looks like a spreadsheet turned the code into a number, and the digits it rounded away are lost: take the code from the original file (the vendor's delivery), format the column as text and export again"
        } else if (try? Instant.parseSalesDate(t)) != nil || t.split(separator: "/").count == 3 {
            m += "; it looks like a spreadsheet turned the code into a date: format the column as text and export again"
        } else if let (position, scalar) = Self.firstForeignCharacter(in: text) {
            if scalar.isASCII, scalar.value > 0x20, scalar.value < 0x7F {
                m +=
                    "; character \(position) is '\(Character(scalar))' (\(Self.codePoint(scalar))), not a hex digit 0-9 A-F"
            } else {
                m +=
                    "; character \(position) is \(Self.codePoint(scalar))\(Self.lookAlike(scalar)), which is not part of a code: retype it"
                    + (Self.looksLikeDash(scalar)
                        ? " as '-'" : Self.looksLikeSpace(scalar) ? " as a plain space or remove it" : "")
            }
        }
        return m
    }

    /// The same as ``message``.
    public var description: String { message }

    /// `text` as a message may quote it (docs/README.md §8 "Output": a malformed value holding 12
    /// hex digits is masked like a code): when it holds at least 12 hex digits — counting the
    /// full-width look-alikes `０-９ Ａ-Ｆ ａ-ｆ` — every one of them but the first and the last
    /// 4 becomes `*`, whatever stands between them (`FDAC-B6B7-F6<U+200B>07` →
    /// `FDAC-****-F6<U+200B>07`); anything else stays as written.
    static func maskingHexDigits(of text: String) -> String {
        func isHexLike(_ s: Unicode.Scalar) -> Bool {
            s.properties.isASCIIHexDigit || (0xFF10...0xFF19).contains(s.value)
                || (0xFF21...0xFF26).contains(s.value) || (0xFF41...0xFF46).contains(s.value)
        }
        let count = text.unicodeScalars.reduce(0) { $0 + (isHexLike($1) ? 1 : 0) }
        guard count >= 12 else { return text }
        var seen = 0
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard isHexLike(scalar) else {
                out.append(scalar)
                continue
            }
            seen += 1
            out.append(seen <= 4 || seen > count - 4 ? scalar : "*")
        }
        return String(out)
    }

    /// The first character outside `0-9A-Fa-f`, `-`, space and tab, with its 1-based character
    /// position (docs/formats.md §3.4, docs/README.md §8 "Inputs"), e.g. an en dash (U+2013) or a no-break space (U+00A0)
    /// pasted from a document.
    static func firstForeignCharacter(in text: String) -> (position: Int, scalar: Unicode.Scalar)? {
        for (offset, character) in text.enumerated() {
            let allowed =
                character.unicodeScalars.count == 1
                && character.unicodeScalars.allSatisfy { s in
                    s.isASCII && (s.properties.isASCIIHexDigit || s == "-" || s == " " || s == "\t")
                }
            if !allowed, let scalar = character.unicodeScalars.first { return (offset + 1, scalar) }
        }
        return nil
    }

    /// `U+2013`: at least four upper-case hex digits.
    static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// ` (looks like a dash)`, ` (an invisible or non-breaking space)`, or empty.
    static func lookAlike(_ scalar: Unicode.Scalar) -> String {
        if looksLikeDash(scalar) { return " (looks like a dash)" }
        if looksLikeSpace(scalar) { return " (an invisible or non-breaking space)" }
        return ""
    }

    static func looksLikeDash(_ s: Unicode.Scalar) -> Bool {
        (0x2010...0x2015).contains(s.value) || [0x2212, 0x00AD, 0xFE58, 0xFE63, 0xFF0D].contains(s.value)
    }

    static func looksLikeSpace(_ s: Unicode.Scalar) -> Bool {
        (0x2000...0x200D).contains(s.value) || [0x00A0, 0x202F, 0x205F, 0x2060, 0x3000, 0xFEFF].contains(s.value)
    }
}

extension ActivationCode: Codable {
    /// Decodes a code from a JSON string in any accepted spelling.
    ///
    /// - Throws: `DecodingError` when the string is not an activation code.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try ActivationCode(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    /// Encodes the canonical form as a JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(canonical)
    }
}

extension String {
    /// The text without leading and trailing ASCII spaces and tabs (a code's trimming, docs/README.md §8).
    func trimmingSpacesAndTabs() -> String {
        let u = utf8
        func blank(_ c: UInt8) -> Bool { c == 32 || c == 9 }
        guard let first = u.first, let last = u.last, blank(first) || blank(last) else { return self }
        var start = u.startIndex
        var end = u.endIndex
        while start < end, blank(u[start]) { start = u.index(after: start) }
        while end > start, blank(u[u.index(before: end)]) { end = u.index(before: end) }
        return String(decoding: u[start..<end], as: UTF8.self)
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs, CR and LF.
    func trimmingASCIIWhitespace() -> String {
        let whole = String(self)
        let u = whole.utf8
        func ws(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 }
        // Most values have nothing to trim: no copy then (`String(self)` of a String is free).
        guard let first = u.first, let last = u.last, ws(first) || ws(last) else { return whole }
        var start = u.startIndex
        var end = u.endIndex
        while start < end, ws(u[start]) { start = u.index(after: start) }
        while end > start, ws(u[u.index(before: end)]) { end = u.index(before: end) }
        return String(decoding: u[start..<end], as: UTF8.self)
    }
}
