/// What a manifest asks for a license's activation (docs/formats.md §3.1, docs/rules.md §4.2): `immediately` or an instant.
/// Absent (`nil` where used) means the license stays `available`.
///
/// Encoded in JSON as the string `"immediately"` or an instant `YYYY-MM-DDTHH:MM:SSZ`.
public enum ActivationRequest: Sendable, Hashable, Codable, CustomStringConvertible {
    case immediately
    case at(Instant)

    /// `immediately` or the instant in RFC 3339 form.
    public var description: String {
        switch self {
        case .immediately: "immediately"
        case .at(let instant): instant.description
        }
    }

    /// Parses `immediately`, a date or an RFC 3339 date-time (docs/rules.md §2).
    public init(parsing text: String) throws(ValueParseError) {
        if text == "immediately" {
            self = .immediately
            return
        }
        let expected = "expected 'immediately', a date YYYY-MM-DD or a date-time with an offset, found '\(text)'"
        if text.lowercased() == "immediately" {
            throw ValueParseError(message: expected + "; write 'immediately' in lower case")
        }
        do {
            self = .at(try Instant.parse(text))
        } catch {
            // The date parser's own reason when it is a specific one (a missing offset, a day
            // that does not exist, a leap second, a year out of range), not its general form.
            let general = error.kind == .unrecognizedForm
            throw ValueParseError(message: expected + (general ? "" : " (\(error.message))"))
        }
    }

    /// Decodes `immediately` or an instant from a JSON string.
    ///
    /// - Throws: `DecodingError` when the string is neither.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try ActivationRequest(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    /// Encodes ``description`` as a JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// One license a tenant's manifest declares, after merging its imports and `licenses` entries
/// (docs/formats.md §3.1, docs/rules.md §4.2). Validated: the code is canonical, the type known, the term valid.
public struct DesiredLicense: Sendable, Hashable {
    /// The activation code.
    public var code: ActivationCode
    /// The license type.
    public var type: LicenseType
    /// The issue date, 00:00:00Z (UTC).
    public var issued: Instant
    /// ISO 8601 duration; `P1Y` unless given (always `P1Y` for Cloud Free).
    public var term: Term
    /// The normalized activation request; `nil` = stay `available`.
    public var activation: ActivationRequest?
    /// Cloud Free only: renew automatically (docs/rules.md §4.1 `renew`).
    public var renew: Bool
    /// Free-text order number from the sales CSV, kept for audit.
    public var order: String?
    /// Where the code is defined: the CSV row or the manifest entry (`file:line:column`).
    public var source: SourceLocation
    /// Where the `activate` value was given (the manifest entry or the import), for diagnostics.
    public var activationSource: SourceLocation?
    /// A license already running in the platform (docs/rules.md §4.8): its recorded history, from
    /// `activated`/`expires` or the CSV's `activated_at`/`expires_at`; `nil` for a request.
    /// When set, ``activation`` is `.at(adopted.activatedAt)` (docs/README.md §8: the same request).
    public var adopted: AdoptedHistory?

    /// A desired license; `source` is where the manifest or CSV declares it.
    public init(
        code: ActivationCode, type: LicenseType, issued: Instant, term: Term = .oneYear,
        activation: ActivationRequest? = nil, renew: Bool = false, order: String? = nil,
        source: SourceLocation, activationSource: SourceLocation? = nil, adopted: AdoptedHistory? = nil
    ) {
        self.code = code
        self.type = type
        self.issued = issued
        self.term = term
        self.activation = activation
        self.renew = renew
        self.order = order
        self.source = source
        self.activationSource = activationSource
        self.adopted = adopted
        if let adopted { self.activation = .at(adopted.activatedAt) }
    }

    /// `issued + P2Y`: after this instant the code can no longer be redeemed or activated (R5).
    public var stockExpiresAt: Instant { issued.adding(.twoYears) }
}

/// The platform's history of a license that already runs there (docs/rules.md §4.8): when it was
/// activated and, where it is not `activatedAt + term`, when it expires. Instants are UTC.
///
/// Held in one shared box, so that ``DesiredLicense`` grows by a pointer only: hundreds of
/// thousands of desired licenses, nearly all of them without a history, stay as small as before.
public struct AdoptedHistory: Sendable, Hashable {
    private final class Storage: Sendable {
        let activatedAt: Instant
        let expiresAt: Instant?
        let source: SourceLocation
        let expiresSource: SourceLocation?

        init(activatedAt: Instant, expiresAt: Instant?, source: SourceLocation, expiresSource: SourceLocation?) {
            self.activatedAt = activatedAt
            self.expiresAt = expiresAt
            self.source = source
            self.expiresSource = expiresSource
        }
    }

    private let storage: Storage

    /// The platform's activation instant (`activated` / `activated_at`), ≤ the plan's `at`.
    public var activatedAt: Instant { storage.activatedAt }
    /// The platform's expiry (`expires` / `expires_at`); `nil` = `activatedAt + term`.
    public var expiresAt: Instant? { storage.expiresAt }
    /// Where `activated` (or the CSV row with `activated_at`) stands, for diagnostics.
    public var source: SourceLocation { storage.source }
    /// Where `expires` (or the CSV row with `expires_at`) stands, for diagnostics.
    public var expiresSource: SourceLocation? { storage.expiresSource }

    /// A running license's history: activated at `activatedAt`, expiring at `expiresAt` when the
    /// platform gave it (else activation + term), each with its place.
    public init(
        activatedAt: Instant, expiresAt: Instant? = nil, source: SourceLocation,
        expiresSource: SourceLocation? = nil
    ) {
        storage = Storage(activatedAt: activatedAt, expiresAt: expiresAt, source: source, expiresSource: expiresSource)
    }

    /// The expiry the license runs to: `expires`, else `activatedAt + term` (docs/rules.md §4.8).
    public func expiry(term: Term) -> Instant { expiresAt ?? activatedAt.adding(term) }

    /// Equal when the instants are (places are not compared).
    public static func == (a: AdoptedHistory, b: AdoptedHistory) -> Bool {
        a.storage === b.storage
            || (a.activatedAt == b.activatedAt && a.expiresAt == b.expiresAt
                && a.source == b.source && a.expiresSource == b.expiresSource)
    }

    /// Hashes the instants (places are not hashed).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(activatedAt)
        hasher.combine(expiresAt)
        hasher.combine(source)
        hasher.combine(expiresSource)
    }
}

/// One router a tenant's manifest declares (its `routers` and its device list, merged).
public struct DesiredRouter: Sendable, Hashable {
    /// 1–64 of `[A-Za-z0-9._:-]`, unique across all tenants.
    public var serial: String
    /// When it connected (UTC); `nil` = not connected.
    public var connectedAt: Instant?
    /// Where the manifest or device list declares the router.
    public var source: SourceLocation

    /// A router with its serial, connection instant (UTC) and place.
    public init(serial: String, connectedAt: Instant?, source: SourceLocation) {
        self.serial = serial
        self.connectedAt = connectedAt
        self.source = source
    }
}

/// A validated Tenant manifest (docs/formats.md §3.1): one YAML document of `kind: Tenant`.
public struct TenantManifest: Sendable, Hashable {
    /// DNS label, unique across the repo.
    public var name: String
    /// Free-form string labels (`metadata.labels`).
    public var labels: [String: String]
    /// Reminder recipients (e-mail addresses).
    public var contacts: [String]
    /// Licenses sorted by code.
    public var licenses: [DesiredLicense]
    /// Routers sorted by serial.
    public var routers: [DesiredRouter]
    /// Where `metadata.name` stands.
    public var source: SourceLocation

    /// A validated tenant manifest.
    public init(
        name: String, labels: [String: String] = [:], contacts: [String] = [],
        licenses: [DesiredLicense] = [], routers: [DesiredRouter] = [], source: SourceLocation
    ) {
        self.name = name
        self.labels = labels
        self.contacts = contacts
        self.licenses = licenses.sorted { $0.code < $1.code }
        self.routers = routers.sorted { RouterSerial.precedes($0.serial, $1.serial) }
        self.source = source
    }
}

/// Everything the license repo declares, as read by ``LicenseRepoLoader``: the tenants sorted by
/// name, the SHA-256 digest over every manifest and every CSV they read, and the diagnostics.
public struct LicenseRepo: Sendable {
    /// The tenants, sorted by name.
    public var tenants: [TenantManifest]
    /// `sha256:<64 hex>` over the manifests and the CSV files they read (docs/cli.md §6 `inputsDigest`).
    public var inputsDigest: String
    /// Every problem found while reading, sorted with `sortedForOutput()`.
    public var diagnostics: [Diagnostic]
    /// The repo-relative paths of the files the digest covers (manifests, sales CSVs, device
    /// lists), in path order: what an output file must never overwrite.
    public var inputFiles: [String]

    /// A loaded repo.
    public init(tenants: [TenantManifest], inputsDigest: String, diagnostics: [Diagnostic], inputFiles: [String] = []) {
        self.tenants = tenants.sorted { $0.name < $1.name }
        self.inputsDigest = inputsDigest
        self.diagnostics = diagnostics
        self.inputFiles = inputFiles
    }
}
