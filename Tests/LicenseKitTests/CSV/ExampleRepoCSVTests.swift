import Foundation
import Testing

@testable import LicenseKit

/// The example license repo shipped at the package root (`tenants/`, `fixtures/`): its CSV files
/// read without a diagnostic, with the counts the README's walkthrough relies on.
@Suite struct ExampleRepoCSVTests {
    /// The package root: three folders up from this file (Tests/LicenseKitTests/CSV/).
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(path)))
    }

    static func sales(_ path: String) throws -> [SalesCodeRecord] {
        let engine = DiagnosticsEngine()
        let records = SalesCSVReader.read(try bytes(path), path: path, diagnostics: engine)
        #expect(engine.diagnostics == [], "\(path)")
        return records
    }

    static func devices(_ path: String) throws -> [DeviceRecord] {
        let engine = DiagnosticsEngine()
        let records = DeviceListReader.read(try bytes(path), path: path, diagnostics: engine)
        #expect(engine.diagnostics == [], "\(path)")
        return records
    }

    static let salesFiles = [
        "fixtures/sales/acme-water-2024-12.csv",
        "fixtures/sales/acme-water-2025-01.csv",
        "fixtures/sales/stadtwerke-nord-2024-12.csv",
        "fixtures/platform/baltic-ports-licenses.csv",
    ]
    static let deviceFiles = ["fixtures/devices/harbor-lights.csv", "fixtures/devices/stadtwerke-nord.csv"]
    static let manifests = [
        "tenants/acme-water.yaml", "tenants/harbor-lights.yaml", "tenants/stadtwerke-nord.yaml",
        "tenants/emea/nordlicht-ferries.yaml", "tenants/baltic-ports.yaml",
    ]

    /// baltic-ports' device list: the portal's German export, read with the manifest's `columns`.
    static func balticDevices() throws -> [DeviceRecord] {
        let path = "fixtures/platform/baltic-ports-devices.csv"
        let place = SourceLocation(file: "tenants/baltic-ports.yaml", line: 1)
        let mapping = ColumnMapping(entries: [
            .init(column: "serial", header: "Seriennummer", location: place),
            .init(column: "connected_at", header: "Online seit", location: place),
        ])
        let engine = DiagnosticsEngine()
        let records = DeviceListReader.read(try bytes(path), path: path, mapping: mapping, diagnostics: engine)
        #expect(engine.diagnostics == [])
        return records
    }

    @Test func balticPortsLicenseListIsThePlatformsExportWithActivationAndExpiryDates() throws {
        let records = try Self.sales("fixtures/platform/baltic-ports-licenses.csv")
        #expect(records.count == 4)
        #expect(records.map(\.type) == [.cloudFree, .cloudBasic1, .cloudBasic25, .cloudBasic1])
        // Every code runs (or ran) in the platform; Valid Until is the platform's activated + term.
        for record in records {
            let activated = try #require(record.activatedAt)
            #expect(record.expiresAt == activated.adding(record.term))
            #expect(record.issued <= activated && activated < record.issued.adding(.twoYears))
        }
        // The first paid activation lies inside the Cloud Free's validity: R2 invalidated it.
        let free = try #require(records.first?.activatedAt)
        let firstPaid = try #require(records.dropFirst().compactMap(\.activatedAt).min())
        #expect(free < firstPaid && firstPaid < (records.first?.expiresAt ?? free))
        // All of it before the example's first apply (2025-01-01), so that every example plan adopts it.
        #expect(
            records.allSatisfy {
                ($0.activatedAt ?? .init(secondsSinceEpoch: .max)) <= (try? Instant.parse("2025-01-01")) ?? free
            })
        let devices = try Self.balticDevices()
        #expect(devices.count == 24)
        #expect(
            devices.allSatisfy {
                ($0.connectedAt ?? .init(secondsSinceEpoch: .max)) <= (try? Instant.parse("2025-01-01")) ?? free
            })
    }

    @Test func acmeWaterSalesFilesHoldTheWorkedExamplesTenCloudBasic1Codes() throws {
        let december = try Self.sales("fixtures/sales/acme-water-2024-12.csv")
        let january = try Self.sales("fixtures/sales/acme-water-2025-01.csv")
        #expect(december.count == 2)
        #expect(january.count == 8)
        #expect(Set((december + january).map(\.type)) == [.cloudBasic1])
        #expect(Set(december.map(\.issued.dateString)) == ["2024-12-02"])
        #expect(Set(january.map(\.issued.dateString)) == ["2024-12-20"])
        #expect(Set(december.map(\.order)) == ["SO-2024-11873"])
    }

    @Test func stadtwerkeNordFileIsAGermanSpreadsheetExportAndReadsEightTwoYearCodes() throws {
        let path = "fixtures/sales/stadtwerke-nord-2024-12.csv"
        let raw = try Self.bytes(path)
        #expect(raw.starts(with: [0xEF, 0xBB, 0xBF]))
        let text = String(decoding: raw, as: UTF8.self)
        #expect(text.contains("Activation Code;Product;Issue Date;Duration;Order Number\r\n"))
        #expect(text.contains(";16.12.2024;"))
        let records = try Self.sales(path)
        #expect(records.filter { $0.type == .cloudBasic25 }.count == 3)
        #expect(records.filter { $0.type == .cloudBasic1 }.count == 5)
        #expect(Set(records.map(\.term)) == [Term(years: 2)])
        #expect(Set(records.map(\.issued.dateString)) == ["2024-12-16"])
        #expect(records.map(\.location.line) == Array(2...9))
    }

    @Test(arguments: [("fixtures/devices/harbor-lights.csv", 40, 34), ("fixtures/devices/stadtwerke-nord.csv", 70, 64)])
    func deviceListsReadWithTheirConnectedRouters(path: String, routers: Int, connected: Int) throws {
        let records = try Self.devices(path)
        #expect(records.count == routers)
        #expect(records.filter { $0.connectedAt != nil }.count == connected)
        let today = try Instant.parse("2026-11-29")
        #expect(records.allSatisfy { ($0.connectedAt ?? today) <= today })
    }

    /// Values of `key:` lines in a manifest (a plain scan; the YAML reader has its own tests).
    static func values(of key: String, in path: String) throws -> [String] {
        let text = String(decoding: try bytes(path), as: UTF8.self)
        return text.split(separator: "\n").compactMap { line in
            var s = line.drop { $0 == " " || $0 == "-" }
            guard s.hasPrefix(key + ": ") else { return nil }
            s = s.dropFirst(key.count + 2)
            return String(s.prefix { $0 != " " && $0 != "#" })
        }
    }

    @Test func everyCodeAndEverySerialOfTheExampleRepoIsUnique() throws {
        var codes: [ActivationCode] = []
        for file in Self.salesFiles { codes += try Self.sales(file).map(\.code) }
        var serials: [String] = []
        for file in Self.deviceFiles { serials += try Self.devices(file).map(\.serial) }
        serials += try Self.balticDevices().map(\.serial)
        for manifest in Self.manifests {
            codes += try Self.values(of: "code", in: manifest).map { try ActivationCode(parsing: $0) }
            // (baltic-ports' `columns: {serial: Seriennummer}` names a header, not a router.)
            serials += try Self.values(of: "serial", in: manifest).filter { $0 != "Seriennummer" }
        }
        // stadtwerke-nord overrides the activation of one code of its own import.
        #expect(codes.count == 2 + 8 + 8 + 4 + 2 + 1 + 3)
        #expect(Set(codes).count == codes.count - 1)
        #expect(serials.count == 40 + 70 + 24 + 10 + 3)
        #expect(Set(serials).count == serials.count)
    }
}
