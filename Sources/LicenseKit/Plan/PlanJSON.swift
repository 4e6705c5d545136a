import Foundation

/// The JSON plan of SPEC §6 (`plan --format json`, `plan --out PLANFILE`), and reading it back
/// for `apply PLANFILE`.
///
/// The text is deterministic: keys sorted, 2-space indent, `"key": value`, trailing newline.
/// Codes are full (canonical), never masked: a plan file is a secret (SPEC §3.4, §6). An event
/// carries `at`, `action` and only the fields that are set (`code`, `serial`, `scheduledAt`,
/// `from`, `expiresAt`, `slot`, `reason`).
public enum PlanJSON {
    /// The plan as JSON text, ending in a newline.
    public static func render(_ plan: Plan) -> String {
        value(plan).serialized()
    }

    /// The plan as a ``JSONValue`` (e.g. to embed it in another document).
    public static func value(_ plan: Plan) -> JSONValue {
        do {
            return try JSONValue(encoding: plan)
        } catch {
            // The plan's Codable conformance encodes strings, integers and booleans only; it
            // cannot fail. Should it ever, say so in the output rather than crash.
            return .object(["error": .string("cannot encode the plan: \(error)")])
        }
    }

    /// Reads a JSON plan written by ``render(_:)``.
    ///
    /// Fields that the JSON does not carry (`before`, `newState`, `contacts` of each tenant) are
    /// empty in the result.
    ///
    /// - Throws: ``PlanDecodeError``: "stale plan: formatVersion N, this licensectl reads 1" for
    ///   a plan of another `formatVersion` (SPEC §6); "not a licensectl plan: …" for bytes that
    ///   are not JSON or not a plan.
    public static func decode(_ bytes: [UInt8]) throws(PlanDecodeError) -> Plan {
        let root: JSONValue
        do {
            root = try JSONValue.parse(bytes)
        } catch {
            throw PlanDecodeError(message: "not a licensectl plan: \(error.description)")
        }
        guard case .object = root else {
            throw PlanDecodeError(message: "not a licensectl plan: expected a JSON object at the top")
        }
        guard case .int(let version)? = root["formatVersion"] else {
            throw PlanDecodeError(message: "not a licensectl plan: no integer 'formatVersion'")
        }
        guard version == Plan.currentFormatVersion else {
            throw PlanDecodeError(
                message: "stale plan: formatVersion \(version), this licensectl reads \(Plan.currentFormatVersion)")
        }
        do {
            return try JSONDecoder().decode(Plan.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw PlanDecodeError(message: "not a licensectl plan: \(describe(error))")
        } catch {
            throw PlanDecodeError(message: "not a licensectl plan: \(error)")
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

/// A plan file that cannot be applied: `message` says why (SPEC §6 "stale plan").
public struct PlanDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The whole message, e.g. `stale plan: formatVersion 2, this licensectl reads 1`.
    public var message: String

    public init(message: String) { self.message = message }

    public var description: String { message }
}
