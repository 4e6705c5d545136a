import ArgumentParser
import LicenseKit

/// `licensectl init TENANT`: writes `tenants/TENANT.yaml` for a tenant already running in the
/// platform, from its license list and device list (docs/rules.md §4.8; README "Bring in a running fleet").
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write the manifest of a tenant already running in the platform (never overwrites).",
        discussion: """
            Writes TENANTS/TENANT.yaml importing the license list CSV (its activated_at/expires_at \
            columns adopt running licenses with the platform's dates) and the device list. Paths \
            are relative to -C and must lie inside the repo. Review the result with `licensectl plan`.
            """
    )

    @Argument(help: ArgumentHelp("The tenant name (a DNS label).", valueName: "TENANT"))
    var tenant: String

    @Option(
        name: .customLong("licenses"),
        help: ArgumentHelp(
            "The tenant's license list CSV (sales CSV columns, with activated_at/expires_at), relative to -C.",
            valueName: "FILE"))
    var licenses: String

    @Option(
        name: .customLong("devices"),
        help: ArgumentHelp("The tenant's device list CSV, relative to -C.", valueName: "FILE"))
    var devices: String?

    @Option(name: .customLong("contact"), help: ArgumentHelp("A reminder recipient (repeatable).", valueName: "ADDR"))
    var contacts: [String] = []

    @Option(
        name: .customLong("label"),
        help: ArgumentHelp("A metadata label KEY=VALUE (repeatable).", valueName: "KEY=VALUE"))
    var labels: [String] = []

    @Option(
        name: .customLong("column"),
        help: ArgumentHelp(
            "The license list's own header for a column, e.g. activation_code=Aktivierungscode (repeatable).",
            valueName: "COLUMN=HEADER"))
    var columns: [String] = []

    @Option(
        name: .customLong("device-column"),
        help: ArgumentHelp(
            "The device list's own header for a column, e.g. serial=Seriennummer (repeatable).",
            valueName: "COLUMN=HEADER"))
    var deviceColumns: [String] = []

    @OptionGroup var repo: RepoOptions

    func validate() throws {
        for (option, values) in [("--label", labels), ("--column", columns), ("--device-column", deviceColumns)] {
            for value in values where !value.contains("=") {
                throw ValidationError(CommandError.pairWithoutEquals(option: option, value: value).message)
            }
        }
    }

    private static func pairs(_ values: [String]) -> [(String, String)] {
        values.map { value in
            let parts = value.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
    }

    func run() throws {
        let request = TenantInit.Request(
            name: tenant, root: repo.directory, tenantsDirectory: repo.tenants, licenses: licenses,
            devices: devices, contacts: contacts, labels: Self.pairs(labels).map { (key: $0.0, value: $0.1) },
            licenseColumns: Self.pairs(columns).map { (column: $0.0, header: $0.1) },
            deviceColumns: Self.pairs(deviceColumns).map { (column: $0.0, header: $0.1) })
        let diagnostics = DiagnosticsEngine()
        guard let outcome = TenantInit.run(request, diagnostics: diagnostics) else {
            try Console.failOnErrors(diagnostics.emitted)
            throw ExitCode.failure
        }
        Console.report(outcome.warnings)
        let waiting = outcome.licenses - outcome.running
        Console.out(
            """
            Wrote \(outcome.path): \(outcome.licenses) license\(outcome.licenses == 1 ? "" : "s") \
            (\(outcome.running) running in the platform, \(waiting) to redeem as available), \
            \(outcome.routers) router\(outcome.routers == 1 ? "" : "s").

            \(outcome.text)
            """)
    }
}
