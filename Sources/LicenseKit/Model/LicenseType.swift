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

    public var description: String { rawValue }

    /// Parses a type name, ignoring case, spaces, `_` and `-` (`cloud basic 25`, `CLOUD_FREE`).
    ///
    /// - Throws: ``ValueParseError`` carrying the list of valid names.
    public init(parsing text: String) throws(ValueParseError) {
        let key = LicenseType.squash(text)
        guard let match = LicenseType.allCases.first(where: { LicenseType.squash($0.rawValue) == key }) else {
            throw ValueParseError(message: "expected a license type 'Cloud Basic 1', 'Cloud Basic 25' or 'Cloud Free', found '\(text)'")
        }
        self = match
    }

    static func squash(_ s: String) -> String {
        String(s.lowercased().filter { $0 != " " && $0 != "_" && $0 != "-" && $0 != "\t" })
    }
}
