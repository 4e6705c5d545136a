import ArgumentParser
import LicenseKit

/// `licensectl status [TENANT …]`: each tenant as of `--at`, from recorded state only (SPEC §6).
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show mode, capacity, licenses and router admission per tenant, from recorded state."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "Tenants to show (default: all).")
    var tenants: [String] = []

    @OptionGroup var repo: RepoOptions
    @OptionGroup var state: StateOptions

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    func run() throws {
        let at = try state.instant()
        let store = StateStore(root: repo.directory, directory: state.state)
        let states: [String: PriorState]
        do {
            states = try store.loadAll()
        } catch {
            try Console.failOnErrors(error.diagnostics)
            return
        }
        let unknown = tenants.filter { states[$0] == nil }
        if !unknown.isEmpty {
            try Console.failOnErrors(unknown.map { .error("tenant '\($0)' has no state in \(state.state)/tenants") })
        }
        let names = tenants.isEmpty ? states.keys.sorted() : tenants
        let early = names.compactMap { name -> Diagnostic? in
            guard let document = states[name]?.document, at < document.appliedAt else { return nil }
            return .error("--at \(at) is earlier than the appliedAt of tenant '\(name)', \(document.appliedAt)",
                          at: states[name].map { SourceLocation(file: $0.path, line: 1) })
        }
        try Console.failOnErrors(early)
        let reports = names.compactMap { states[$0].map { TenantStatusReport(state: $0.document, at: at) } }
        switch format {
        case .text: Console.out(StatusRender.text(reports, at: at))
        case .json: Console.out(StatusRender.json(reports, at: at))
        }
    }
}
