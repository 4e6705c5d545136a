/// The license types of icom Router Management Cloud (SPEC §1, from the vendor's documentation).
public enum LicenseType: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// 1 router, paid, full functionality.
    case cloudBasic1 = "Cloud Basic 1"
    /// 25 routers, paid, full functionality.
    case cloudBasic25 = "Cloud Basic 25"
    /// 1000 routers, free, limited functionality; expires yearly, renewable; never combined (R1).
    case cloudFree = "Cloud Free"

    /// Routers this license admits while valid.
    public var capacity: Int {
        switch self {
        case .cloudBasic1: 1
        case .cloudBasic25: 25
        case .cloudFree: 1000
        }
    }

    /// Paid licenses combine freely (R1) and invalidate Cloud Free (R2).
    public var isPaid: Bool { self != .cloudFree }

    /// Whether the tenant's first paid activation invalidates it (R2): Cloud Free.
    public var invalidatedByPaid: Bool { !isPaid }

    public var description: String { rawValue }

    /// Parses a type name, ignoring case, spaces, `_` and `-` (`cloud basic 25`, `CLOUD_FREE`).
    ///
    /// - Throws: ``ValueParseError`` carrying the list of valid names.
    public init(parsing text: String) throws(ValueParseError) {
        let key = LicenseType.squash(text)
        guard let match = LicenseType.squashedNames.first(where: { $0.key == key })?.type else {
            throw ValueParseError(message: "expected a license type 'Cloud Basic 1', 'Cloud Basic 25' or 'Cloud Free', found '\(text)'")
        }
        self = match
    }

    static func squash(_ s: String) -> String {
        if let ascii = s.asciiSquashed(dropping: { $0 == 0x20 || $0 == 0x5F || $0 == 0x2D || $0 == 0x09 }) {
            return ascii
        }
        return String(s.lowercased().filter { $0 != " " && $0 != "_" && $0 != "-" && $0 != "\t" })
    }

    /// The squashed names of the types, in `allCases` order (squashed once, not per parse).
    private static let squashedNames: [(type: LicenseType, key: String)] = allCases.map { ($0, squash($0.rawValue)) }
}

extension String {
    /// The text lower-cased with the bytes `dropping` selects removed, when it is all ASCII;
    /// `nil` otherwise (callers then take the Unicode path). For ASCII text this equals
    /// `lowercased()` followed by filtering those characters, without walking `Character`s.
    func asciiSquashed(dropping drop: (UInt8) -> Bool) -> String? {
        var out = [UInt8]()
        out.reserveCapacity(utf8.count)
        for byte in utf8 {
            guard byte < 0x80 else { return nil }
            if drop(byte) { continue }
            out.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
