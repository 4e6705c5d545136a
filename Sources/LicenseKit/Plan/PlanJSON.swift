import Foundation

/// The JSON plan of docs/plan-json.md §6 (`plan --format json`, `plan --out PLANFILE`), and reading it back
/// for `apply PLANFILE`.
///
/// The text is deterministic: keys sorted, 2-space indent, `"key": value`, trailing newline.
/// Codes are full (canonical), never masked: a plan file is a secret (docs/formats.md §3.4, docs/plan-json.md §6). An event
/// carries `at`, `action` and only the fields that are set (`code`, `serial`, `scheduledAt`,
/// `from`, `expiresAt`, `slot`, `reason`).
public enum PlanJSON {
    /// The plan as JSON text, ending in a newline.
    ///
    /// Written straight into bytes (see ``PlanJSON/write(_:into:)``), the same text as
    /// `value(plan).serialized()` at a fraction of the cost (docs/benchmarks.md §7).
    public static func render(_ plan: Plan) -> String {
        var writer = writer(for: plan)
        return writer.finish()
    }

    /// ``render(_:)`` in pieces, in order: joined, they are exactly `render(plan)`. A caller that
    /// writes the pieces one by one (to stdout, to a file) never holds the whole text, nor a
    /// second copy of it (25 MB of JSON per 1,000 tenants of 100 routers, docs/benchmarks.md §7).
    public static func renderPieces(_ plan: Plan) -> [String] {
        var writer = writer(for: plan)
        return writer.finishPieces()
    }

    /// ``render(_:)`` handed to `emit` piece by piece while it is written: the tenants in
    /// batches of `batch`, each batch written in parallel and handed out before the next, so
    /// that a plan of 10,000 tenants (250 MB of JSON) is never held whole. Joined, the pieces
    /// are exactly `render(plan)`.
    public static func stream(_ plan: Plan, batch: Int = 256, to emit: (String) -> Void) {
        var writer = PrettyJSONWriter(capacity: 4096 + 256 * plan.diagnostics.count)
        write(plan, into: &writer, batch: Swift.max(1, batch), streaming: true, emit: emit)
        writer.finishPieces().forEach(emit)
    }

    /// A writer holding the whole plan; the tenants are pieces of their own (``tenantTexts``).
    private static func writer(for plan: Plan) -> PrettyJSONWriter {
        var writer = PrettyJSONWriter(capacity: 4096 + 256 * plan.diagnostics.count)
        write(plan, into: &writer)
        return writer
    }

    /// The plan as a ``JSONValue`` (e.g. to embed it in another document), through its
    /// `Codable` conformance: the same members as ``render(_:)``.
    public static func value(_ plan: Plan) -> JSONValue {
        do {
            return try JSONValue(encoding: plan)
        } catch {
            // The plan's Codable conformance encodes strings, integers and booleans only; it
            // cannot fail. Should it ever, say so in the output rather than crash.
            return .object(["error": .string("cannot encode the plan: \(error)")])
        }
    }

    // MARK: Writing, members in the UTF-8 order of their keys

    /// `{at, diagnostics, formatVersion, inputsDigest, selection?, summary, tenants}`.
    static func write(_ plan: Plan, into w: inout PrettyJSONWriter) {
        write(plan, into: &w, batch: Int.max, streaming: false) { _ in }
    }

    /// ``write(_:into:)``; when `streaming`, what is written so far goes to `emit` after each
    /// batch of `batch` tenants.
    private static func write(
        _ plan: Plan, into w: inout PrettyJSONWriter, batch: Int, streaming: Bool,
        emit: (String) -> Void
    ) {
        w.object { w in
            w.member("at", plan.at)
            w.key("diagnostics")
            w.array { w in
                for diagnostic in plan.diagnostics {
                    w.element()
                    write(diagnostic, into: &w)
                }
            }
            w.member("formatVersion", plan.formatVersion)
            w.member("inputsDigest", plan.inputsDigest)
            if let selection = plan.selection {
                w.key("selection")
                w.object { w in
                    w.member("shard", ifPresent: selection.shard?.description)
                    if !selection.targets.isEmpty {
                        w.key("targets")
                        w.array { w in
                            for target in selection.targets {
                                w.element()
                                w.string(target)
                            }
                        }
                    }
                }
            }
            w.key("summary")
            writeSummary(of: plan, into: &w)
            w.key("tenants")
            w.array { w in
                var start = 0
                while start < plan.tenants.count {
                    let end = plan.tenants.count - start > batch ? start + batch : plan.tenants.count
                    for tenant in tenantTexts(plan.tenants[start..<end], indent: w.currentIndent) {
                        w.element()
                        w.raw(tenant)
                    }
                    if streaming { w.takePieces().forEach(emit) }
                    start = end
                }
            }
        }
    }

    /// Each tenant's object as text at `indent`, written in parallel on all cores: the tenants
    /// are most of a large plan's bytes.
    static func tenantTexts(_ tenants: ArraySlice<TenantPlan>, indent: Int) -> [String] {
        tenants.concurrentMap { t in
            // A little more than the text takes (an event ~160 bytes, an online serial ~30, an
            // offline router ~100): growing the buffer would double it.
            let estimate = 1024 + 176 * t.events.count + 32 * t.after.online.count + 112 * t.after.offline.count
            var w = PrettyJSONWriter(capacity: estimate, indent: indent)
            write(t, into: &w)
            return w.valueText()
        }
    }

    /// `{column, file, line, message, severity, standing?}`; the place keys are `null` without a
    /// place; `standing` (`{kind, tenant}`) marks a warning that repeats a standing condition of
    /// a tenant, so that `show PLANFILE` consolidates it as `plan` did.
    static func write(_ d: Diagnostic, into w: inout PrettyJSONWriter) {
        w.object { w in
            w.key("column")
            if let l = d.location { w.int(l.column) } else { w.null() }
            w.key("file")
            if let l = d.location { w.string(l.file) } else { w.null() }
            w.key("line")
            if let l = d.location { w.int(l.line) } else { w.null() }
            w.member("message", d.message)
            w.member("severity", d.severity.rawValue)
            if let standing = d.standing {
                w.key("standing")
                w.object { w in
                    w.member("kind", standing.kind.rawValue)
                    w.member("tenant", standing.tenant)
                }
            }
        }
    }

    /// ``Plan/summary``: `{actions, changed, errors, tenants, warnings}`, `actions` holding the
    /// actions that occur, by name. Counted over an array instead of a dictionary of names.
    static func writeSummary(of plan: Plan, into w: inout PrettyJSONWriter) {
        var counts = [Int](repeating: 0, count: Action.allCases.count)
        var changed = 0
        for tenant in plan.tenants {
            if tenant.changed { changed += 1 }
            for event in tenant.events { counts[event.action.planOrder] += 1 }
        }
        w.object { w in
            w.key("actions")
            w.object { w in
                for action in actionsByName where counts[action.rank] > 0 {
                    w.key(dynamic: action.rawValue)
                    w.int(counts[action.rank])
                }
            }
            w.member("changed", changed)
            w.member("errors", plan.diagnostics.errorCount)
            w.member("tenants", plan.tenants.count)
            w.member("warnings", plan.diagnostics.warningCount)
        }
    }

    /// Every action, ordered by the UTF-8 bytes of its JSON name.
    private static let actionsByName: [Action] =
        Action.allCases.sorted { $0.rawValue.utf8.lexicographicallyPrecedes($1.rawValue.utf8) }

    /// `{after, before?, changed, events, prior, tenant}`; `prior` is `null` without state, and
    /// `before` (the recorded summary) is present only with state.
    static func write(_ t: TenantPlan, into w: inout PrettyJSONWriter) {
        w.object { w in
            w.key("after")
            w.object { w in
                w.member("capacity", t.after.capacity)
                w.key("licenses")
                w.object { w in
                    let l = t.after.licenses
                    w.member("active", l.active)
                    w.member("available", l.available)
                    w.member("expired", l.expired)
                    w.member("invalid", l.invalid)
                    w.member("scheduled", l.scheduled)
                }
                w.member("mode", t.after.mode.rawValue)
                w.key("offline")
                w.array { w in
                    for router in t.after.offline {
                        w.element()
                        w.object { w in
                            w.member("reason", verbatim: Self.quoted(router.reason))
                            w.member("serial", router.serial)
                        }
                    }
                }
                w.key("online")
                w.array { w in
                    for serial in t.after.online {
                        w.element()
                        w.string(serial)
                    }
                }
            }
            if let before = t.before {
                w.key("before")
                w.object { w in
                    w.member("capacity", before.capacity)
                    w.member("mode", before.mode.rawValue)
                    w.member("offline", before.offline)
                    w.member("online", before.online)
                }
            }
            w.member("changed", t.changed)
            w.key("events")
            w.array { w in
                for event in t.events {
                    w.element()
                    write(event, into: &w)
                }
            }
            w.key("prior")
            if let prior = t.prior {
                w.object { w in
                    w.member("lineage", prior.lineage)
                    w.member("serial", prior.serial)
                }
            } else {
                w.null()
            }
            w.member("tenant", t.tenant)
        }
    }

    /// `{action, activatedAt?, at, code?, expiresAt?, from?, invalidatedAt?, invalidatedBy?,
    /// reason?, scheduledAt?, serial?, slot?, status?}`: only the fields that are set, keys sorted.
    static func write(_ e: PlanEvent, into w: inout PrettyJSONWriter) {
        w.object { w in
            w.member("action", verbatim: actionNames[e.action.planOrder])
            w.member("activatedAt", ifPresent: e.activatedAt)
            w.member("at", e.at)
            w.member("code", ifPresent: e.code?.canonical)
            w.member("expiresAt", ifPresent: e.expiresAt)
            w.member("from", ifPresent: e.from)
            w.member("invalidatedAt", ifPresent: e.invalidatedAt)
            w.member("invalidatedBy", ifPresent: e.invalidatedBy?.canonical)
            if let reason = e.reason {
                w.member("reason", verbatim: Self.quoted(reason))
            }
            w.member("scheduledAt", ifPresent: e.scheduledAt)
            w.member("serial", ifPresent: e.serial)
            w.member("slot", ifPresent: e.slot)
            w.member("status", ifPresent: e.status?.rawValue)
        }
    }

    /// Each action's JSON string (quotes included), by ``Action/planOrder``: copied, not escaped.
    private static let actionNames: [[UInt8]] = Action.allCases.map(quotedName)

    /// Each rejection reason's JSON string (quotes included).
    private static let reasonNames: (notConnected: [UInt8], noValidLicense: [UInt8], capacity: [UInt8]) =
        (
            quotedName(RejectionReason.notConnected), quotedName(RejectionReason.noValidLicense),
            quotedName(RejectionReason.capacity)
        )

    private static func quoted(_ reason: RejectionReason) -> [UInt8] {
        switch reason {
        case .notConnected: reasonNames.notConnected
        case .noValidLicense: reasonNames.noValidLicense
        case .capacity: reasonNames.capacity
        }
    }

    /// `"<rawValue>"` as bytes, escaped as ``PrettyJSONWriter/string(_:)`` would.
    private static func quotedName<T: RawRepresentable<String>>(_ value: T) -> [UInt8] {
        var w = PrettyJSONWriter()
        w.string(value.rawValue)
        return Array(w.valueText().utf8)
    }

    // MARK: Reading

    /// Reads a JSON plan written by ``render(_:)``.
    ///
    /// Fields that the JSON does not carry (`before`, `newState`, `contacts` of each tenant) are
    /// empty in the result.
    ///
    /// - Throws: ``PlanDecodeError``: "stale plan: formatVersion N, this licensectl reads 1" for
    ///   a plan of another `formatVersion` (docs/plan-json.md §6); "not a licensectl plan: …" for bytes that
    ///   are not JSON or not a plan.
    public static func decode(_ bytes: [UInt8]) throws(PlanDecodeError) -> Plan {
        let root: JSONValue
        do {
            root = try JSONValue.parse(bytes)
        } catch {
            throw .notJSON(error.description)
        }
        guard case .object = root else {
            throw .notAnObject
        }
        guard case .int(let version)? = root["formatVersion"] else {
            throw .noFormatVersion
        }
        guard version == Plan.currentFormatVersion else {
            throw .otherFormatVersion(version, reads: Plan.currentFormatVersion)
        }
        do {
            return try JSONDecoder().decode(Plan.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw .notAPlan(describe(error))
        } catch {
            throw .notAPlan("\(error)")
        }
    }

    /// `tenants[0].events[2].action: …` — where the decoder stopped and why.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            var out = ""
            for key in keys {
                if let i = key.intValue { out += "[\(i)]" } else { out += (out.isEmpty ? "" : ".") + key.stringValue }
            }
            return out.isEmpty ? "top level" : out
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context.codingPath)
            return "missing key '\(key.stringValue)' in \(parent)"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(type), found null"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
