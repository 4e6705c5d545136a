import Foundation
import LicenseKit

/// Options of the synthetic license repo (issue 6: 1,000 tenants × 100 routers × 20 codes), shared
/// by the benchmark (`licensectl-bench`) and the tests.
public struct SyntheticRepoOptions: Sendable, Equatable {
    /// Tenants `t-00001` … in the repo (at least 1 is written).
    public var tenants = 1000
    /// Routers per tenant, listed inline in its manifest.
    public var routersPerTenant = 100
    /// Codes per tenant: the first half (rounded up) as manifest `licenses` entries, the rest in
    /// the tenant's semicolon sales CSV.
    public var codesPerTenant = 20
    /// The seed: the same seed gives byte-identical files.
    public var seed: UInt64 = 1
    /// Extra columns in every sales CSV row, which licensectl ignores (docs/formats.md §3.2) — vendors'
    /// exports carry customer, site, article and price columns: 10 of them make the 1,000-tenant
    /// repo's CSVs about 4 MB, the issue's figure.
    public var extraSalesColumns = 0
    /// The plan's `at`; every issue date lies within the two years before it.
    public var at = Instant(year: 2026, month: 11, day: 29) ?? Instant(secondsSinceEpoch: 0)

    /// The issue's sizes by default; every argument overrides one of them.
    public init(
        tenants: Int = 1000, routersPerTenant: Int = 100, codesPerTenant: Int = 20, seed: UInt64 = 1,
        extraSalesColumns: Int = 0
    ) {
        self.tenants = tenants
        self.routersPerTenant = routersPerTenant
        self.codesPerTenant = codesPerTenant
        self.seed = seed
        self.extraSalesColumns = extraSalesColumns
    }
}

/// One tenant's files and what its first plan must show.
public struct TenantFixture: Sendable {
    /// The tenant name, `t-00001` for tenant 1.
    public var name: String
    /// `tenants/<name>.yaml`, relative to the repo root.
    public var manifestPath: String
    /// The manifest's text (YAML).
    public var manifest: String
    /// `fixtures/sales/<name>.csv`; `nil` when the tenant has no imported codes.
    public var salesPath: String?
    /// The sales CSV's text; `nil` when the tenant has no imported codes.
    public var sales: String?
    /// Every code of the tenant, canonical, manifest entries first.
    public var codes: [String]
    /// Every router serial of the tenant, in manifest order.
    public var serials: [String]
    /// The counts the tenant's first plan at `options.at` must show.
    public var expected: PlanCounts
}

/// A generated repo on disk.
public struct SyntheticRepo: Sendable {
    /// The repo root, as given to ``SyntheticRepoGenerator/write(_:into:)``.
    public var root: String
    /// The options the repo was generated with.
    public var options: SyntheticRepoOptions
    /// Manifest paths, absolute, sorted.
    public var manifestPaths: [String]
    /// Bytes of YAML over all manifests.
    public var yamlBytes: Int
    /// Bytes of CSV over all sales files.
    public var csvBytes: Int
    /// Number of sales CSV files written.
    public var csvFiles: Int
    /// Codes over all tenants.
    public var codes: Int
    /// Routers over all tenants.
    public var routers: Int
    /// The counts the repo's first plan at `options.at` must show (sum over the tenants).
    public var expected: PlanCounts
}

/// Deterministic synthetic license repos (docs/formats.md §3.1, §3.2) whose first plan has no errors.
///
/// Per tenant `t-00001`: `tenants/t-00001.yaml` with labels, contacts, half of the codes as
/// `licenses` entries (type, issued, term, activate: immediately, a past or future date or
/// absent), the routers inline (most connected in the past year, some not connected, a few
/// connecting after `at`), and an import of `fixtures/sales/t-00001.csv`
/// (`activation_code;license_type;issued;term;order`, `DD.MM.YYYY`) holding the other half,
/// some of whose codes the manifest reschedules. Mostly Cloud Basic 1, some Cloud Basic 25;
/// about 1 tenant in 20 runs on Cloud Free, activated now, with its paid codes only scheduled
/// later (so R2 never makes an error). Codes and serials are unique across the repo.
public enum SyntheticRepoGenerator {
    /// The plan's `at` of the default options, as given to `--at`.
    public static let atText = "2026-11-29T00:00:00Z"

    /// Writes the repo into `root` (created if missing; must not hold a `tenants` folder).
    public static func write(_ options: SyntheticRepoOptions, into root: String) throws -> SyntheticRepo {
        let fm = FileManager.default
        let tenantsDir = root + "/tenants"
        let salesDir = root + "/fixtures/sales"
        guard !fm.fileExists(atPath: tenantsDir) else {
            throw BenchError("\(root) already has a tenants folder; give an empty or new directory")
        }
        try fm.createDirectory(atPath: tenantsDir, withIntermediateDirectories: true)
        try fm.createDirectory(atPath: salesDir, withIntermediateDirectories: true)
        var repo = SyntheticRepo(
            root: root, options: options, manifestPaths: [], yamlBytes: 0, csvBytes: 0,
            csvFiles: 0, codes: 0, routers: 0, expected: PlanCounts())
        for index in 1...max(options.tenants, 1) {
            let tenant = fixture(index, options)
            let manifest = Data(tenant.manifest.utf8)
            try manifest.write(to: URL(fileURLWithPath: root + "/" + tenant.manifestPath))
            repo.manifestPaths.append(root + "/" + tenant.manifestPath)
            repo.yamlBytes += manifest.count
            if let path = tenant.salesPath, let sales = tenant.sales {
                let data = Data(sales.utf8)
                try data.write(to: URL(fileURLWithPath: root + "/" + path))
                repo.csvBytes += data.count
                repo.csvFiles += 1
            }
            repo.codes += tenant.codes.count
            repo.routers += tenant.serials.count
            repo.expected.add(tenant.expected)
        }
        return repo
    }

    /// The canonical code `XXXX-XXXX-XXXX` of a tenant's code: a bijection of (tenant, index),
    /// so unique across the repo.
    public static func code(tenant: Int, index: Int, seed: UInt64) -> String {
        let value = scramble48(UInt64(tenant) << 12 | UInt64(index), key: seed &* 0x2545_F491_4F6C_DD1D)
        let hex = hex12(value)
        return "\(hex.prefix(4))-\(hex.dropFirst(4).prefix(4))-\(hex.suffix(4))"
    }

    /// A router serial (12 hex digits): a bijection of (tenant, index), unique across the repo.
    public static func serial(tenant: Int, index: Int, seed: UInt64) -> String {
        hex12(scramble48(UInt64(tenant) << 16 | UInt64(index), key: ~seed &* 0x9E37_79B9_7F4A_7C15))
    }

    private static func hex12(_ value: UInt64) -> String {
        let s = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 12 - s.count)) + s
    }

    /// The name of tenant `index`: `t-` and five digits (`t-00042`).
    public static func tenantName(_ index: Int) -> String {
        let digits = String(index)
        return "t-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    /// What a license entry asks for, as the generator decided it.
    private enum Activation {
        case immediately
        case date(Instant, text: String)

        var text: String {
            switch self {
            case .immediately: "immediately"
            case .date(_, let text): text
            }
        }

        /// The activation instant in a first plan at `at`: `at` itself for `immediately` and for
        /// past instants (docs/formats.md §3.1), the instant for future ones.
        func effective(at: Instant) -> Instant {
            switch self {
            case .immediately: at
            case .date(let instant, _): max(instant, at)
            }
        }
    }

    private struct License {
        var code: String
        var type: LicenseType
        var issued: Instant
        var term: Term
        var writeTerm: Bool
        var activation: Activation?
        var renew: Bool?
    }

    /// One tenant's files; a pure function of (index, options).
    public static func fixture(_ index: Int, _ options: SyntheticRepoOptions) -> TenantFixture {
        var rng = SplitMix64(seed: options.seed, stream: UInt64(index))
        let at = options.at
        let name = tenantName(index)
        let manifestCount = (options.codesPerTenant + 1) / 2
        let freeTenant = manifestCount > 0 && rng.percent(5)

        func issuedDate() -> Instant { at.addingDays(-rng.within(1...700)).date.instant }
        func term(for type: LicenseType) -> Term {
            if type == .cloudFree { return .oneYear }
            switch rng.below(20) {
            case 0, 1: return Term(years: 2)
            case 2: return Term(months: 6)
            case 3: return Term(years: 1, months: 6)
            default: return .oneYear
            }
        }
        func futureDate(before stockExpiry: Instant) -> Activation? {
            let room = Int((stockExpiry.secondsSinceEpoch - at.secondsSinceEpoch) / 86_400) - 1
            guard room >= 1 else { return nil }
            let instant = at.addingDays(rng.within(1...min(180, room)))
            return .date(instant, text: instant.dateString)
        }
        func pastDate(after issued: Instant) -> Activation {
            let span = Int((at.secondsSinceEpoch - issued.secondsSinceEpoch) / 86_400)
            let day = issued.addingDays(rng.below(max(span, 1)))
            if rng.percent(50) { return .date(day, text: day.dateString) }
            let instant = Instant(secondsSinceEpoch: day.secondsSinceEpoch + Int64(rng.below(86_400)))
            return .date(min(instant, at.addingDays(-1)), text: min(instant, at.addingDays(-1)).description)
        }
        func paidType() -> LicenseType { rng.percent(25) ? .cloudBasic25 : .cloudBasic1 }

        // Manifest licenses. A Cloud Free tenant activates its Free code now and only schedules
        // paid ones (R2: no paid activation at or before the Free one).
        var licenses: [License] = []
        for i in 0..<manifestCount {
            let type: LicenseType = freeTenant && i == 0 ? .cloudFree : paidType()
            let issued = issuedDate()
            let stockExpiry = issued.adding(.twoYears)
            let activation: Activation?
            if type == .cloudFree {
                activation = .immediately
            } else if freeTenant {
                activation = rng.percent(50) ? futureDate(before: stockExpiry) : nil
            } else {
                switch rng.below(100) {
                case 0..<35: activation = .immediately
                case 35..<50: activation = pastDate(after: issued)
                case 50..<65: activation = futureDate(before: stockExpiry)
                default: activation = nil
                }
            }
            let t = term(for: type)
            licenses.append(
                License(
                    code: code(tenant: index, index: i, seed: options.seed), type: type, issued: issued, term: t,
                    writeTerm: t != .oneYear || rng.percent(50), activation: activation,
                    renew: type == .cloudFree ? rng.percent(50) : nil))
        }

        // Imported codes; the import may activate them all now, and the manifest overrides the
        // activation of a few with a later date.
        var imported: [License] = []
        let importActivation: Activation? = !freeTenant && rng.percent(50) ? .immediately : nil
        for i in manifestCount..<options.codesPerTenant {
            let type = paidType()
            imported.append(
                License(
                    code: code(tenant: index, index: i, seed: options.seed), type: type, issued: issuedDate(),
                    term: term(for: type), writeTerm: true, activation: importActivation, renew: nil))
        }
        var overrides: [(code: String, activation: Activation)] = []
        if !imported.isEmpty, rng.percent(30) {
            for _ in 0..<rng.within(1...2) {
                let i = rng.below(imported.count)
                guard !overrides.contains(where: { $0.code == imported[i].code }),
                    let later = futureDate(before: imported[i].issued.adding(.twoYears))
                else { continue }
                imported[i].activation = later
                overrides.append((imported[i].code, later))
            }
        }

        // Routers: ~10 % never connected, ~2 % connecting after `at`, the rest in the past year,
        // some written with a +02:00 offset.
        var routers: [(serial: String, connectedAt: Instant?, text: String?)] = []
        for r in 0..<options.routersPerTenant {
            let serial = serial(tenant: index, index: r, seed: options.seed)
            let roll = rng.below(100)
            if roll < 10 {
                routers.append((serial, nil, nil))
                continue
            }
            let instant =
                roll < 12
                ? Instant(secondsSinceEpoch: at.secondsSinceEpoch + Int64(rng.within(3600...30 * 86_400)))
                : Instant(secondsSinceEpoch: at.secondsSinceEpoch - Int64(rng.within(60...365 * 86_400)))
            let text = rng.percent(5) ? withOffset(instant, hours: 2) : instant.description
            routers.append((serial, instant, text))
        }

        // The manifest.
        var y = "# Tenant \(name), generated by licensectl-bench (seed \(options.seed))\n"
        y += "apiVersion: licensectl/v1\nkind: Tenant\nmetadata:\n  name: \(name)\n  labels:\n"
        y += "    team: \(["ot", "it", "field", "noc"][rng.below(4)])\n"
        y += "    region: \(["eu-west", "eu-central", "us-east", "apac"][rng.below(4)])\n"
        y += "spec:\n"
        if rng.percent(90) { y += "  contacts: [ops@\(name).example, noc@\(name).example]\n" }
        let salesPath = imported.isEmpty ? nil : "fixtures/sales/\(name).csv"
        if let salesPath {
            y += "  imports:\n    - file: ../\(salesPath)\n"
            if let importActivation { y += "      activate: \(importActivation.text)\n" }
        }
        if !licenses.isEmpty || !overrides.isEmpty {
            y += "  licenses:\n"
            for l in licenses {
                y += "    - code: \(l.code)\n      type: \(l.type.rawValue)\n      issued: \(l.issued.dateString)\n"
                if l.writeTerm { y += "      term: \(l.term)\n" }
                if let a = l.activation { y += "      activate: \(a.text)\n" }
                if let renew = l.renew { y += "      renew: \(renew)\n" }
            }
            for o in overrides { y += "    - code: \(o.code)\n      activate: \(o.activation.text)\n" }
        }
        if !routers.isEmpty {
            y += "  routers:\n"
            for r in routers {
                y += "    - serial: \(r.serial)\n"
                if let text = r.text { y += "      connectedAt: \(text)\n" }
            }
        }

        // The sales CSV.
        var sales: String?
        if !imported.isEmpty {
            let extras = (0..<options.extraSalesColumns).map { k in
                extraColumnNames[k % extraColumnNames.count]
                    + (k < extraColumnNames.count ? "" : "_\(k / extraColumnNames.count + 1)")
            }
            var c = "activation_code;license_type;issued;term;order" + extras.map { ";" + $0 }.joined() + "\n"
            for (n, l) in imported.enumerated() {
                let d = l.issued.date
                let date = pad(d.day, 2) + "." + pad(d.month, 2) + "." + pad(d.year, 4)
                c += "\(l.code);\(l.type.rawValue);\(date);\(l.term);SO-\(d.year)-\(pad(index * 100 + n, 6))"
                for k in 0..<options.extraSalesColumns {
                    c += ";" + extraValue(k % extraColumnNames.count, tenant: name, row: n, license: l.type.rawValue)
                }
                c += "\n"
            }
            sales = c
        }

        // The first plan's expected outcome (docs/rules.md §1 R8, §4.1, §4.4).
        var e = PlanCounts()
        e.tenants = 1
        let all = licenses + imported
        e.actions["redeem"] = all.count
        var paidCapacity = 0
        var freeActive = false
        for l in all {
            guard let a = l.activation else { continue }
            if a.effective(at: at) > at {
                e.actions["schedule", default: 0] += 1
            } else {
                e.actions["activate", default: 0] += 1
                if l.type.isPaid { paidCapacity += l.type.capacity } else { freeActive = true }
            }
        }
        let mode = paidCapacity > 0 ? "full" : freeActive ? "limited" : "disabled"
        let capacity = paidCapacity > 0 ? paidCapacity : freeActive ? LicenseType.cloudFree.capacity : 0
        e.modes[mode] = 1
        e.capacity = capacity
        // Which routers are admitted depends on connectedAt order (R8); how many does not.
        let connected = routers.filter { r in r.connectedAt.map { $0 <= at } ?? false }.count
        let notConnected = routers.count - connected
        e.online = min(capacity, connected)
        let overCapacity = connected - e.online
        if notConnected > 0 { e.offline["not-connected"] = notConnected }
        if overCapacity > 0 { e.offline[capacity == 0 ? "no-valid-license" : "capacity"] = overCapacity }
        if e.online > 0 { e.actions["admit"] = e.online }
        if routers.count > e.online { e.actions["reject"] = routers.count - e.online }

        return TenantFixture(
            name: name, manifestPath: "tenants/\(name).yaml", manifest: y, salesPath: salesPath, sales: sales,
            codes: all.map(\.code), serials: routers.map(\.serial), expected: e)
    }

    /// Ignored columns of a vendor's export, in the order they are added.
    public static let extraColumnNames = [
        "customer", "site", "article", "description", "unit_price", "currency", "sales_rep", "contract",
        "delivery", "remarks",
    ]

    /// A plausible value of ignored column `k` (30-45 characters).
    private static func extraValue(_ k: Int, tenant: String, row: Int, license: String) -> String {
        switch k {
        case 0: return "Customer \(tenant) Automation GmbH & Co. KG"
        case 1: return "Site \(row + 1), Industriestrasse \(10 + row), 70565 Stuttgart"
        case 2: return "ICR-RMC-\(license.uppercased().replacingOccurrences(of: " ", with: "-"))-12M"
        case 3: return "icom Router Management \(license), 12 months"
        case 4: return "\(100 + row * 7 % 90).00"
        case 5: return "EUR"
        case 6: return "sales-rep-\(row % 7)@vendor.example"
        case 7: return "Framework agreement FA-2025-\(pad(row * 37 % 1000, 4)) / \(tenant)"
        case 8: return "Electronic delivery of activation codes by e-mail"
        default: return "Imported by the customer portal, no remarks"
        }
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    /// RFC 3339 with a `+HH:00` offset for the same instant.
    private static func withOffset(_ instant: Instant, hours: Int) -> String {
        let local = Instant(secondsSinceEpoch: instant.secondsSinceEpoch + Int64(hours * 3600)).description
        return String(local.dropLast()) + "+" + pad(hours, 2) + ":00"
    }
}

extension CivilDate {
    fileprivate var instant: Instant { Instant(secondsSinceEpoch: Int64(daysSinceEpoch) * 86_400) }
}
