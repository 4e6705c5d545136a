import ArgumentParser
import LicenseKit

/// `licensectl status [TENANT …]`: each tenant as of `--at`, from recorded state only (docs/cli.md §6).
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show mode, capacity, licenses and router admission per tenant, from recorded state."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "Tenants to show in detail, with their routers (default: a table of all).")
    var tenants: [String] = []

    @OptionGroup var repo: RepoOptions
    @OptionGroup var state: StateOptions
    @OptionGroup var selection: SelectionOptions

    @Option(help: "Output format: text or json (every selected tenant in full, routers included).")
    var format: Format = .text

    func run() throws {
        let at = try state.instant()
        let backend = try state.backend(root: repo.directory)
        let loaded: LoadedState
        do {
            loaded = try backend.load()
        } catch {
            try Console.failOnErrors(error.diagnostics)
            return
        }
        let (states, problems) = (loaded.states, loaded.problems)
        // docs/README.md §8 "Selections": --target, --shard and TENANT arguments intersect; a state file
        // that cannot be read fails only runs that include its tenant.
        let selected = selection.selection(arguments: tenants)
        let unknown = Array(Set(selected.targets + tenants)).sorted().filter { name in
            states[name] == nil && !problems.contains { backend.tenant(atLocation: $0.location?.file ?? "") == name }
        }
        if !unknown.isEmpty {
            try Console.failOnErrors(
                unknown.map { .error(SelectionError.noState($0, location: backend.tenantsLocation).message) })
        }
        try Console.failOnErrors(
            problems.filter { d in
                guard let name = backend.tenant(atLocation: d.location?.file ?? "") else { return true }
                return selected.contains(name)
            })
        let names = states.keys.sorted().filter(selected.contains)
        // State applied after --at is shown as recorded (status only reads), with a warning.
        Console.report(
            names.compactMap { name -> Diagnostic? in
                guard let prior = states[name], at < prior.document.appliedAt else { return nil }
                return .warning(
                    "tenant '\(name)' was applied at \(prior.document.appliedAt), after --at \(at); shown as recorded then",
                    at: SourceLocation(file: prior.location, line: 1))
            })
        if names.isEmpty, selected.isRestricting, format == .text {
            Console.out("licensectl status at \(at)\n\nNo tenant of this selection has state.\n")
            return
        }
        let reports = names.compactMap { states[$0].map { TenantStatusReport(state: $0.document, at: at) } }
        switch format {
        case .text where tenants.isEmpty: Console.out(StatusRender.table(reports, at: at))
        case .text: Console.out(StatusRender.text(reports, at: at))
        case .json: Console.out(StatusRender.json(reports, at: at))
        }
    }
}
