import ArgumentParser
import Foundation
import LicenseKit

/// `licensectl validate`: reads the license repo and reports every problem (docs/cli.md §6).
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the tenant manifests and the CSV files they import; report every problem."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, github
    }

    @OptionGroup var repo: RepoOptions

    @Option(help: "Output format: text (stderr, compiler-style), json or github (stdout).")
    var format: Format = .text

    func run() throws {
        let loaded = LicenseRepoLoader.load(root: repo.directory, tenantsDirectory: repo.tenants)
        let diagnostics = loaded.diagnostics
        switch format {
        case .text:
            var out = ""
            for diagnostic in diagnostics { out += diagnostic.description + "\n" }
            let errors = diagnostics.errorCount
            let warnings = diagnostics.warningCount
            let tenants = loaded.tenants.count
            out +=
                "\(tenants) \(tenants == 1 ? "tenant" : "tenants"), "
                + "\(errors) \(errors == 1 ? "error" : "errors"), \(warnings) \(warnings == 1 ? "warning" : "warnings")\n"
            Console.err(out)
        case .json:
            let json = try JSONValue(encoding: ["diagnostics": diagnostics])
            Console.out(json.serialized())
        case .github:
            let out = diagnostics.map { $0.githubAnnotation + "\n" }.joined()
            Console.out(out)
        }
        if diagnostics.errorCount > 0 { throw ExitCode.failure }
    }
}
