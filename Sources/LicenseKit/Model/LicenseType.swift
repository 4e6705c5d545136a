/// The license types of icom Router Management Cloud (docs/rules.md §1, from the vendor's documentation).
public enum LicenseType: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// 1 router, paid, full functionality.
    case cloudBasic1 = "Cloud Basic 1"
    /// 25 routers, paid, full functionality.
    case cloudBasic25 = "Cloud Basic 25"
    /// 1000 routers, free, limited functionality; expires yearly, renewable; never combined (R1).
    case cloudFree = "Cloud Free"

    /// How this type behaves under the platform's rules: the one place a type is described
    /// (docs/rules.md §1). Adding a type is a new case here with its policy; the rules consult
    /// the policy, never the case.
    public var policy: LicensePolicy {
        switch self {
        case .cloudBasic1: .paid(capacity: 1)
        case .cloudBasic25: .paid(capacity: 25)
        case .cloudFree:
            LicensePolicy(
                capacity: 1000, isPaid: false, exclusive: true, invalidatedByPaid: true,
                fixedTerm: .oneYear, renewable: true, mode: .limited)
        }
    }

    /// Routers this license admits while valid.
    public var capacity: Int { policy.capacity }

    /// Paid licenses combine freely (R1) and invalidate Cloud Free (R2).
    public var isPaid: Bool { policy.isPaid }

    /// Whether the tenant's first paid activation invalidates it (R2): Cloud Free.
    public var invalidatedByPaid: Bool { policy.invalidatedByPaid }

    /// The platform's name (`Cloud Basic 1`, `Cloud Free` …).
    public var description: String { rawValue }

    /// Parses a type name, ignoring case, spaces, `_` and `-` (`cloud basic 25`, `CLOUD_FREE`).
    ///
    /// - Throws: ``ValueParseError`` carrying the list of valid names.
    public init(parsing text: String) throws(ValueParseError) {
        let key = LicenseType.squash(text)
        guard let match = LicenseType.squashedNames.first(where: { $0.key == key })?.type else {
            throw ValueParseError(message: "expected a license type \(LicenseType.namesList), found '\(text)'")
        }
        self = match
    }

    static func squash(_ s: String) -> String {
        if let ascii = s.asciiSquashed(dropping: { $0 == 0x20 || $0 == 0x5F || $0 == 0x2D || $0 == 0x09 }) {
            return ascii
        }
        return String(s.lowercased().filter { $0 != " " && $0 != "_" && $0 != "-" && $0 != "\t" })
    }

    /// The names quoted for messages: `'Cloud Basic 1', 'Cloud Basic 25' or 'Cloud Free'`.
    static let namesList: String = {
        let quoted = allCases.map { "'\($0.rawValue)'" }
        return quoted.dropLast().joined(separator: ", ") + (quoted.count > 1 ? " or " : "") + (quoted.last ?? "")
    }()

    /// The squashed names of the types, in `allCases` order (squashed once, not per parse).
    private static let squashedNames: [(type: LicenseType, key: String)] = allCases.map { ($0, squash($0.rawValue)) }
}

/// What a license type is under the platform's rules (docs/rules.md §1): one value per
/// ``LicenseType``, consulted by the rules (capacity and mode, R1, R2, R4, `renew`) instead of
/// comparing types.
public struct LicensePolicy: Sendable, Hashable {
    /// Routers a license of this type admits while valid.
    public var capacity: Int
    /// Paid: combines with every other paid license (capacities add up, R1) and its first
    /// activation sets the tenant's `paidSince` (R2).
    public var isPaid: Bool
    /// At most one license of such a type is non-terminal in a tenant at a time (R1).
    public var exclusive: Bool
    /// Invalidated by the tenant's first paid activation, and refused at or after it (R2).
    public var invalidatedByPaid: Bool
    /// The only term a license of this type can have (`nil`: any term, `P1Y` by default).
    public var fixedTerm: Term?
    /// Whether `renew: true` is allowed: renewed by one term in its last 30 days (docs/rules.md §4.1).
    public var renewable: Bool
    /// The tenant's mode while its valid licenses are of this type (paid ones together: `full`).
    public var mode: TenantMode

    /// Describes a type; see each property for its rule.
    public init(
        capacity: Int, isPaid: Bool, exclusive: Bool, invalidatedByPaid: Bool,
        fixedTerm: Term?, renewable: Bool, mode: TenantMode
    ) {
        self.capacity = capacity
        self.isPaid = isPaid
        self.exclusive = exclusive
        self.invalidatedByPaid = invalidatedByPaid
        self.fixedTerm = fixedTerm
        self.renewable = renewable
        self.mode = mode
    }

    /// A paid type: combinable, any term, not renewable, `full` mode.
    public static func paid(capacity: Int) -> LicensePolicy {
        LicensePolicy(
            capacity: capacity, isPaid: true, exclusive: false, invalidatedByPaid: false,
            fixedTerm: nil, renewable: false, mode: .full)
    }
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
