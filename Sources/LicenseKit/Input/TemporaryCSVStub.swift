// TEMPORARY: stands in for Sources/LicenseKit/Input/CSV/ until it lands on main. Delete before
// merging main.
public struct SalesCodeRecord: Sendable, Hashable {
    public var code: ActivationCode
    public var type: LicenseType
    public var issued: Instant
    public var term: Term
    public var order: String?
    public var location: SourceLocation
}
public enum SalesCSVReader {
    public static func read(_ bytes: [UInt8], path: String, diagnostics: DiagnosticsEngine) -> [SalesCodeRecord] { [] }
}
public struct DeviceRecord: Sendable, Hashable {
    public var serial: String
    public var connectedAt: Instant?
    public var location: SourceLocation
}
public enum DeviceListReader {
    public static func read(_ bytes: [UInt8], path: String, diagnostics: DiagnosticsEngine) -> [DeviceRecord] { [] }
}
