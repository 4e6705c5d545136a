/// A state document that is not a valid tenant document: what is wrong and the byte offset of
/// the value at fault.
struct StateDecodeError: Error, Sendable, Equatable {
    var error: StateDocumentError
    var offset: Int
    var message: String { error.message }
    /// A valid document of a newer `formatVersion`: not to be fixed, only read by a newer build.
    var isNewerVersion: Bool { error.isNewerVersion }
}

// MARK: - Encoding

extension LicenseRecord {
    var jsonValue: JSONValue {
        func instant(_ i: Instant?) -> JSONValue { i.map { .string($0.description) } ?? .null }
        var members: [String: JSONValue] = [
            "code": .string(code.canonical),
            "type": .string(type.rawValue),
            "capacity": .int(capacity),
            "status": .string(status.rawValue),
            "issued": .string(issued.description),
            "term": .string(term.description),
            "activation": activation.map { .string($0.description) } ?? .null,
            "stockExpiresAt": .string(stockExpiresAt.description),
            "redeemedAt": .string(redeemedAt.description),
            "scheduledAt": instant(scheduledAt),
            "activatedAt": instant(activatedAt),
            "expiresAt": instant(expiresAt),
            "invalidatedAt": instant(invalidatedAt),
            "archivedAt": instant(archivedAt),
            "renew": .bool(renew),
            "remindersSent": .array(remindersSent.map { .string($0.description) }),
            "source": .string(source),
        ]
        // Only on adopted licenses (docs/README.md §8): other documents keep their bytes.
        if let adoptedAt { members["adoptedAt"] = .string(adoptedAt.description) }
        return .object(members)
    }
}

extension RouterRecord {
    var jsonValue: JSONValue {
        .object([
            "serial": .string(serial),
            "connectedAt": connectedAt.map { .string($0.description) } ?? .null,
            "status": .string(status.rawValue),
            "reason": reason.map { .string($0.rawValue) } ?? .null,
        ])
    }
}

extension TenantSummary {
    var jsonValue: JSONValue {
        .object([
            "mode": .string(mode.rawValue), "capacity": .int(capacity), "online": .int(online),
            "offline": .int(offline),
        ])
    }
}

extension TenantState {
    var jsonValue: JSONValue {
        .object([
            "formatVersion": .int(formatVersion),
            "tenant": .string(tenant),
            "lineage": .string(lineage),
            "serial": .int(serial),
            "appliedAt": .string(appliedAt.description),
            "paidSince": paidSince.map { .string($0.description) } ?? .null,
            "retiredAt": retiredAt.map { .string($0.description) } ?? .null,
            "licenses": .array(licenses.sorted { $0.code < $1.code }.map(\.jsonValue)),
            "routers": .array(routers.sorted { RouterSerial.precedes($0.serial, $1.serial) }.map(\.jsonValue)),
            "summary": summary.jsonValue,
        ])
    }

    /// The document's canonical text (docs/state.md §5): every field, absent values as `null`, keys
    /// sorted, 2-space indent, licenses sorted by code, routers by serial, a trailing newline.
    /// Equal documents always give identical bytes.
    public func canonicalJSON() -> String { jsonValue.serialized() }

    /// ``canonicalJSON()`` of each document, in order, serialized on all cores (an apply of
    /// 1,000 new tenants writes 28 MB of them).
    public static func canonicalJSON(of documents: [TenantState]) -> [String] {
        documents.concurrentMap { $0.canonicalJSON() }
    }

    /// Each document as compact JSON (one line, no indentation; otherwise the keys and order of
    /// ``canonicalJSON()``), in order, serialized on all cores: what the PostgreSQL backend sends
    /// to be stored as `jsonb` (docs/state.md §5.1), 28 % fewer bytes for the server to parse
    /// than the canonical text. Reads re-serialize canonically, so nothing depends on it.
    public static func compactJSON(of documents: [TenantState]) -> [String] {
        documents.concurrentMap { $0.jsonValue.serializedCompact() }
    }

    /// ``decode(stateFile:path:)`` of each stored document (without a path: no file name
    /// check), in order, decoded on all cores: 1,000 documents of 100 routers are 46 MB of JSON.
    public static func decode(storedDocuments documents: [[UInt8]]) -> [Result<TenantState, Diagnostic>] {
        documents.concurrentMap { bytes in
            do throws(Diagnostic) {
                return .success(try TenantState.decode(stateFile: bytes, path: nil, stored: true))
            } catch {
                return .failure(error)
            }
        }
    }

    /// Decodes a tenant document from the bytes of a state file, validating every field.
    ///
    /// - Parameters:
    ///   - bytes: the file's content.
    ///   - path: the file's path relative to the repo root, used in diagnostics and to check that
    ///     the file name is `<tenant>.json`; `nil` skips the name check.
    /// - Throws: a ``Diagnostic`` at the place of the problem: empty file, not JSON, newer
    ///   `formatVersion`, missing or unknown keys, wrong types, unknown enum values, a file name
    ///   that does not match `tenant` (docs/state.md §5). The advice at its end speaks of a file
    ///   and git, or, for a document `stored` in a database, of the stored document.
    public static func decode(stateFile bytes: [UInt8], path: String?, stored: Bool = false) throws(Diagnostic)
        -> TenantState
    {
        let file = path ?? "<state>"
        func located(_ error: StateDocumentError, _ offset: Int) -> Diagnostic {
            let (line, column) = bytes.lineAndColumn(ofOffset: offset)
            return .error(
                stored ? error.reportedStored : error.reported,
                at: SourceLocation(file: file, line: line, column: column))
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            throw located(.empty, 0)
        }
        let root: JSONNode
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            throw located(.notJSON(reason: error.message), error.offset)
        }
        do throws(StateDecodeError) {
            let state = try TenantState(node: root)
            if let path {
                let name = String(path.split(separator: "/").last ?? Substring(path))
                guard name == state.tenant + ".json" else {
                    let tenantOffset = root.member("tenant")?.offset ?? 0
                    throw StateDecodeError(
                        error: .fileNameMismatch(name: name, tenant: state.tenant), offset: tenantOffset)
                }
            }
            return state
        } catch {
            throw located(error.error, error.offset)
        }
    }
}

extension TenantState: Codable {
    /// Decodes with the same validation as ``decode(stateFile:path:)`` (without locations).
    public init(from decoder: any Decoder) throws {
        let value = try JSONValue(from: decoder)
        do {
            self = try TenantState(node: JSONNode(value: value))
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    /// Encodes every field of docs/state.md §5, absent values as `null`.
    public func encode(to encoder: any Encoder) throws {
        try jsonValue.encode(to: encoder)
    }
}

// MARK: - Decoding

extension JSONNode {
    func member(_ key: String) -> JSONNode? {
        guard case .object(let members) = kind else { return nil }
        return members.first { $0.key == key }?.value
    }
}

/// Reads the members of one JSON object, with the dotted path used in messages.
private struct JSONFields {
    let node: JSONNode
    let path: String
    let members: [(key: String, value: JSONNode)]

    init(_ node: JSONNode, path: String, keys: [String], optional: [String] = []) throws(StateDecodeError) {
        guard case .object(let list) = node.kind else {
            throw StateDecodeError(error: .notAnObject(path: path, found: node.kindName), offset: node.offset)
        }
        self.node = node
        self.path = path
        for (key, value) in list where !keys.contains(key) && !optional.contains(key) {
            throw StateDecodeError(
                error: .unknownKey(field: path.isEmpty ? key : path + "." + key, expected: (keys + optional).sorted()),
                offset: value.offset)
        }
        // The members as listed (the parser refused duplicates): looked up by a scan, which
        // for objects of up to ~20 keys costs less than building a dictionary per object.
        self.members = list
        for key in keys where !list.contains(where: { $0.key == key }) {
            throw StateDecodeError(error: .missingKey(path: path, key: key), offset: node.offset)
        }
    }

    /// Whether the object has `key` (for optional keys).
    func has(_ key: String) -> Bool { members.contains { $0.key == key } }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func node(_ key: String) -> JSONNode {
        members.first { $0.key == key }?.value ?? JSONNode(kind: .null, offset: node.offset)
    }

    func wrong(_ key: String, _ expected: String) -> StateDecodeError {
        let n = node(key)
        var found = n.kindName
        if case .string(let s) = n.kind { found = "'\(s)'" }
        if case .number(let s) = n.kind { found = s }
        return StateDecodeError(
            error: .wrongValue(field: name(key), expected: expected, found: found), offset: n.offset)
    }

    func string(_ key: String) throws(StateDecodeError) -> String {
        guard case .string(let s) = node(key).kind else { throw wrong(key, "a string") }
        return s
    }

    /// An integer in `minimum...2^53` (the range JSON tools read exactly; also keeps `serial + 1`
    /// from overflowing).
    func int(_ key: String, atLeast minimum: Int = 0) throws(StateDecodeError) -> Int {
        guard case .number(let text) = node(key).kind, let n = Int(text), n >= minimum, n <= 1 << 53 else {
            throw wrong(key, "an integer from \(minimum) to 2^53")
        }
        return n
    }

    func bool(_ key: String) throws(StateDecodeError) -> Bool {
        guard case .bool(let b) = node(key).kind else { throw wrong(key, "true or false") }
        return b
    }

    func isNull(_ key: String) -> Bool {
        if case .null = node(key).kind { return true }
        return false
    }

    func instant(_ key: String) throws(StateDecodeError) -> Instant {
        let expected = "an instant YYYY-MM-DDTHH:MM:SSZ"
        guard case .string(let s) = node(key).kind else { throw wrong(key, expected) }
        guard let i = try? Instant.parse(s), i.description == s else { throw wrong(key, expected) }
        return i
    }

    func optionalInstant(_ key: String) throws(StateDecodeError) -> Instant? {
        isNull(key) ? nil : try instant(key)
    }

    func oneOf<T: RawRepresentable>(_ key: String, _ allowed: [T]) throws(StateDecodeError) -> T
    where T.RawValue == String {
        let names = allowed.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        guard case .string(let s) = node(key).kind, let v = T(rawValue: s) else { throw wrong(key, "one of \(names)") }
        return v
    }

    func array(_ key: String) throws(StateDecodeError) -> [JSONNode] {
        guard case .array(let items) = node(key).kind else { throw wrong(key, "an array") }
        return items
    }
}

private let tenantKeys = [
    "formatVersion", "tenant", "lineage", "serial", "appliedAt", "paidSince", "retiredAt",
    "licenses", "routers", "summary",
]
private let licenseKeys = [
    "code", "type", "capacity", "status", "issued", "term", "activation", "stockExpiresAt",
    "redeemedAt", "scheduledAt", "activatedAt", "expiresAt", "invalidatedAt", "archivedAt",
    "renew", "remindersSent", "source",
]
/// Keys a license may have besides ``licenseKeys`` (docs/README.md §8: `adoptedAt` only on adopted ones).
private let optionalLicenseKeys = ["adoptedAt"]
private let routerKeys = ["serial", "connectedAt", "status", "reason"]
private let summaryKeys = ["mode", "capacity", "online", "offline"]

extension TenantState {
    /// Validates and decodes a parsed document. `formatVersion` is checked first so that a newer
    /// document is reported as newer, not as invalid.
    init(node: JSONNode) throws(StateDecodeError) {
        guard case .object = node.kind else {
            throw StateDecodeError(error: .notADocument(found: node.kindName), offset: node.offset)
        }
        if let v = node.member("formatVersion"), case .number(let text) = v.kind, let n = Int(text),
            n > TenantState.currentFormatVersion
        {
            throw StateDecodeError(
                error: .newerFormatVersion(n, reads: TenantState.currentFormatVersion), offset: v.offset)
        }
        let f = try JSONFields(node, path: "", keys: tenantKeys)
        let version = try f.int("formatVersion", atLeast: 1)
        let tenant = try f.string("tenant")
        let lineage = try f.string("lineage")
        guard Self.isUUID(lineage) else { throw f.wrong("lineage", "a UUID such as 3f2a9c4e-…") }
        let serial = try f.int("serial", atLeast: 1)
        let appliedAt = try f.instant("appliedAt")
        let paidSince = try f.optionalInstant("paidSince")
        let retiredAt = try f.optionalInstant("retiredAt")
        var licenses = [LicenseRecord]()
        var codes = Set<ActivationCode>()
        for (i, item) in try f.array("licenses").enumerated() {
            let license = try LicenseRecord(node: item, path: "licenses[\(i)]")
            guard codes.insert(license.code).inserted else {
                throw StateDecodeError(error: .codeTwice(index: i, code: license.code), offset: item.offset)
            }
            if let violation = license.invariantViolation(appliedAt: appliedAt) {
                throw StateDecodeError(
                    error: .license(path: "licenses[\(i)]", field: violation.field, violation.problem),
                    offset: item.member(violation.field)?.offset ?? item.offset)
            }
            licenses.append(license)
        }
        for (key, instant) in [("paidSince", paidSince), ("retiredAt", retiredAt)] {
            if let instant, instant > appliedAt {
                throw StateDecodeError(
                    error: .afterApply(field: key, instant: instant, appliedAt: appliedAt), offset: f.node(key).offset)
            }
        }
        var routers = [RouterRecord]()
        var serials = Set<String>()
        for (i, item) in try f.array("routers").enumerated() {
            let router = try RouterRecord(node: item, path: "routers[\(i)]")
            // One router per upper-cased serial (docs/README.md §8 "Inputs").
            guard serials.insert(RouterSerial.identity(router.serial)).inserted else {
                throw StateDecodeError(error: .serialTwice(index: i, serial: router.serial), offset: item.offset)
            }
            routers.append(router)
        }
        let s = try JSONFields(f.node("summary"), path: "summary", keys: summaryKeys)
        let summary = TenantSummary(
            mode: try s.oneOf("mode", [TenantMode.full, .limited, .disabled]), capacity: try s.int("capacity"),
            online: try s.int("online"), offline: try s.int("offline"))
        self.init(
            formatVersion: version, tenant: tenant, lineage: lineage, serial: serial, appliedAt: appliedAt,
            paidSince: paidSince, retiredAt: retiredAt, licenses: licenses, routers: routers, summary: summary)
        if let violation = routersInvariantViolation() {
            var offset = f.node("summary").offset
            if let i = violation.router, case .array(let items) = f.node("routers").kind, i < items.count {
                offset = items[i].member("status")?.offset ?? items[i].offset
            }
            throw StateDecodeError(error: violation.error, offset: offset)
        }
    }

    /// A broken invariant of the recorded routers (docs/rules.md §4.4, docs/state.md §5), or `nil`: an online router is
    /// connected (its `connectedAt` at or before `appliedAt`); no more routers are online than
    /// the capacity; `summary.online`/`offline` count the routers. `router` is the index to blame,
    /// `nil` for the summary.
    func routersInvariantViolation() -> (router: Int?, error: StateDocumentError)? {
        for (i, router) in routers.enumerated() where router.status == .online {
            guard let connectedAt = router.connectedAt, connectedAt <= appliedAt else {
                return (i, .onlineNotConnected(index: i, appliedAt: appliedAt, connectedAt: router.connectedAt))
            }
        }
        let online = routers.filter { $0.status == .online }.count
        guard summary.online == online, summary.offline == routers.count - online else {
            return (
                nil,
                .summaryCounts(
                    online: summary.online, offline: summary.offline, countedOnline: online,
                    countedOffline: routers.count - online)
            )
        }
        guard online <= summary.capacity else {
            return (nil, .overCapacity(online: online, capacity: summary.capacity))
        }
        return nil
    }
}

extension TenantState {
    /// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` with hex digits (docs/state.md §5 `lineage`, a UUIDv5).
    fileprivate static func isUUID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (i, c) in bytes.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                guard c == 0x2D else { return false }
            } else {
                guard (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46) else {
                    return false
                }
            }
        }
        return true
    }
}

extension LicenseRecord {
    fileprivate init(node: JSONNode, path: String) throws(StateDecodeError) {
        let f = try JSONFields(node, path: path, keys: licenseKeys, optional: optionalLicenseKeys)
        let codeText = try f.string("code")
        guard let code = try? ActivationCode(parsing: codeText), code.canonical == codeText else {
            throw f.wrong("code", "an activation code XXXX-XXXX-XXXX")
        }
        let type = try f.oneOf("type", LicenseType.allCases)
        let capacity = try f.int("capacity")
        guard capacity == type.capacity else {
            throw StateDecodeError(
                error: .capacityMismatch(path: path, capacity: capacity, type: type), offset: f.node("capacity").offset)
        }
        let status = try f.oneOf("status", LicenseStatus.allCases)
        let issued = try f.instant("issued")
        let termText = try f.string("term")
        guard let term = try? Term.parse(termText), term.description == termText else {
            throw f.wrong("term", "an ISO 8601 duration such as P1Y")
        }
        var activation: ActivationRequest?
        if !f.isNull("activation") {
            let text = try f.string("activation")
            guard let a = try? ActivationRequest(parsing: text), a.description == text else {
                throw f.wrong("activation", "'immediately', an instant YYYY-MM-DDTHH:MM:SSZ or null")
            }
            activation = a
        }
        let stockExpiresAt = try f.instant("stockExpiresAt")
        guard stockExpiresAt == issued.adding(.twoYears) else {
            throw StateDecodeError(
                error: .stockExpiresAt(path: path, expected: issued.adding(.twoYears), found: stockExpiresAt),
                offset: f.node("stockExpiresAt").offset)
        }
        var reminders = [Instant]()
        for (i, item) in try f.array("remindersSent").enumerated() {
            guard case .string(let s) = item.kind, let r = try? Instant.parse(s), r.description == s else {
                throw StateDecodeError(
                    error: .reminderNotAnInstant(path: path, index: i, found: item.kindName), offset: item.offset)
            }
            reminders.append(r)
        }
        self.init(
            code: code, type: type, status: status, issued: issued, term: term, activation: activation,
            redeemedAt: try f.instant("redeemedAt"), scheduledAt: try f.optionalInstant("scheduledAt"),
            activatedAt: try f.optionalInstant("activatedAt"), expiresAt: try f.optionalInstant("expiresAt"),
            invalidatedAt: try f.optionalInstant("invalidatedAt"), archivedAt: try f.optionalInstant("archivedAt"),
            renew: try f.bool("renew"), remindersSent: reminders, source: try f.string("source"),
            adoptedAt: f.has("adoptedAt") ? try f.instant("adoptedAt") : nil)
        if adoptedAt != nil, activatedAt == nil {
            throw StateDecodeError(error: .adoptedNotActivated(path: path), offset: f.node("adoptedAt").offset)
        }
        try checkLifecycle(f, path: path)
    }

    /// The instants a status implies (docs/rules.md §4.1): a scheduled license has `scheduledAt`; an active
    /// one `activatedAt` < `expiresAt`; an invalid one `invalidatedAt`. A hand-edited state that
    /// breaks this would otherwise never expire or never activate.
    private func checkLifecycle(_ f: JSONFields, path: String) throws(StateDecodeError) {
        func missing(_ key: String) -> StateDecodeError {
            StateDecodeError(error: .statusNeeds(path: path, key: key, status: status), offset: f.node(key).offset)
        }
        switch status {
        case .scheduled:
            if scheduledAt == nil { throw missing("scheduledAt") }
        case .active:
            guard let activatedAt else { throw missing("activatedAt") }
            guard let expiresAt else { throw missing("expiresAt") }
            guard activatedAt < expiresAt else {
                throw StateDecodeError(
                    error: .license(
                        path: path, field: "expiresAt",
                        .expiresNotAfterActivation(expiresAt: expiresAt, activatedAt: activatedAt)),
                    offset: f.node("expiresAt").offset)
            }
        case .invalid:
            if invalidatedAt == nil { throw missing("invalidatedAt") }
        case .available, .expired:
            break
        }
    }
}

extension LicenseRecord {
    /// A broken invariant of a recorded license (docs/README.md §8 "State", §4.1), or `nil`: the field to
    /// blame and what is wrong with it. A state document breaking one is invalid (docs/rules.md §4.5).
    ///
    /// - `archivedAt` only on terminal (`expired`, `invalid`) licenses;
    /// - `invalidatedAt` only on `invalid` licenses;
    /// - `activatedAt` only on activated (`active`, `expired`, `invalid`) licenses;
    /// - `renew: true` only on Cloud Free;
    /// - instants in order: `redeemedAt`, `activatedAt`, `invalidatedAt`, `archivedAt` and every
    ///   reminder sent at or before the document's `appliedAt`; `activatedAt` before `expiresAt`
    ///   and at or before `invalidatedAt`; `archivedAt` at or after `redeemedAt`;
    /// - the status is the one the apply at `appliedAt` reached (docs/rules.md §4.1, step 1
    ///   replays every event up to and including `at`): `expired` only once its `expiresAt`
    ///   (never activated: `stockExpiresAt`) is at or before `appliedAt`; `active` only while
    ///   its `expiresAt` is after it; `scheduled` only while its `scheduledAt` is after it;
    ///   `available` only while its `stockExpiresAt` is after it. A hand edit of the status
    ///   would otherwise take capacity away without a word, or give it back with back-dated
    ///   events.
    ///
    /// Kept apart from decoding so that new fields add their rules here (adoption's `adoptedAt`:
    /// its `redeemedAt` may lie after its `activatedAt`, which is therefore not checked).
    func invariantViolation(appliedAt: Instant) -> (field: String, problem: LicenseInvariantViolation)? {
        if archivedAt != nil, !status.isTerminal {
            return ("archivedAt", .setOnStatus(field: "archivedAt", status: status))
        }
        if invalidatedAt != nil, status != .invalid {
            return ("invalidatedAt", .setOnStatus(field: "invalidatedAt", status: status))
        }
        if activatedAt != nil, status == .available || status == .scheduled {
            return ("activatedAt", .setOnStatus(field: "activatedAt", status: status))
        }
        if renew, type.isPaid { return ("renew", .renewOnPaid(type)) }
        if let contradiction = statusContradiction(appliedAt: appliedAt) { return ("status", contradiction) }
        for (field, instant) in [
            ("redeemedAt", redeemedAt), ("activatedAt", activatedAt),
            ("invalidatedAt", invalidatedAt), ("archivedAt", archivedAt),
        ] {
            if let instant, instant > appliedAt { return (field, .afterApply(instant: instant, appliedAt: appliedAt)) }
        }
        if let late = remindersSent.first(where: { $0 > appliedAt }) {
            return ("remindersSent", .afterApply(instant: late, appliedAt: appliedAt))
        }
        if let activatedAt, let expiresAt, expiresAt <= activatedAt {
            return ("expiresAt", .expiresNotAfterActivation(expiresAt: expiresAt, activatedAt: activatedAt))
        }
        if let activatedAt, let invalidatedAt, invalidatedAt < activatedAt {
            return (
                "invalidatedAt", .invalidatedBeforeActivation(invalidatedAt: invalidatedAt, activatedAt: activatedAt)
            )
        }
        if let archivedAt, archivedAt < redeemedAt {
            return ("archivedAt", .archivedBeforeRedeemed(archivedAt: archivedAt, redeemedAt: redeemedAt))
        }
        return nil
    }
}

extension LicenseRecord {
    /// Why ``status`` cannot be what the apply at `appliedAt` recorded, or `nil` (see
    /// ``invariantViolation(appliedAt:)``).
    fileprivate func statusContradiction(appliedAt: Instant) -> LicenseInvariantViolation? {
        switch status {
        case .expired:
            let field = activatedAt == nil ? "stockExpiresAt" : "expiresAt"
            let end = activatedAt == nil ? stockExpiresAt : expiresAt
            guard let end, end <= appliedAt else {
                return .expiredTooEarly(field: field, end: end, appliedAt: appliedAt)
            }
        case .active:
            if let expiresAt, expiresAt <= appliedAt {
                return .activeAfterExpiry(expiresAt: expiresAt, appliedAt: appliedAt)
            }
        case .scheduled:
            if let scheduledAt, scheduledAt <= appliedAt {
                return .scheduledAfterStart(scheduledAt: scheduledAt, appliedAt: appliedAt)
            }
        case .available:
            if stockExpiresAt <= appliedAt {
                return .availableAfterStockExpiry(stockExpiresAt: stockExpiresAt, appliedAt: appliedAt)
            }
        case .invalid:
            break
        }
        return nil
    }
}

extension RouterRecord {
    fileprivate init(node: JSONNode, path: String) throws(StateDecodeError) {
        let f = try JSONFields(node, path: path, keys: routerKeys)
        let serialText = try f.string("serial")
        guard (try? RouterSerial.validate(serialText)) != nil else {
            throw f.wrong("serial", "a router serial of 1-64 characters A-Z a-z 0-9 . _ : -")
        }
        let status = try f.oneOf("status", [RouterStatus.online, .offline])
        var reason: RejectionReason?
        if status == .offline {
            reason = try f.oneOf("reason", [RejectionReason.notConnected, .noValidLicense, .capacity])
        } else if !f.isNull("reason") {
            throw f.wrong("reason", "null for an online router")
        }
        self.init(serial: serialText, connectedAt: try f.optionalInstant("connectedAt"), status: status, reason: reason)
    }
}
