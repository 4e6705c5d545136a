import ArgumentParser
import Foundation
import LicenseKit

/// `licensectl show TENANT|PLANFILE` (docs/cli.md §6, docs/README.md §8 "Output"): one tenant's recorded state
/// document, without replay, or a saved plan rendered exactly as the `plan` that wrote it printed.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one tenant's recorded licenses and routers, or a saved plan file.",
        discussion: """
            An argument containing '.' or '/' is a plan file (written by `plan --out`, read relative \
            to -C); anything else is a tenant name, shown from its state document as recorded (no \
            replay to the current time; `status TENANT` shows it as of --at).
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown
    }

    @Argument(help: ArgumentHelp("A tenant name, or a plan file (contains '.' or '/').", valueName: "TENANT|PLANFILE"))
    var subject: String

    @Option(name: .customShort("C"), help: ArgumentHelp("The license repo's root directory.", valueName: "DIR"))
    var directory: String = "."

    @Option(name: .customLong("state"), help: StateOptions.stateHelp)
    var state: String?

    @Option(help: "Output format: text, json or markdown.")
    var format: Format = .text

    @Flag(help: "Show full activation codes in text and Markdown output.")
    var showCodes = false

    func run() throws {
        if subject.contains(".") || subject.contains("/") {
            try showPlan()
        } else {
            try showTenant()
        }
    }

    /// Prints the plan file as `plan --format <format>` printed it: the same renderers over the
    /// recorded plan, its diagnostics on stderr.
    private func showPlan() throws {
        let path = subject.hasPrefix("/") ? subject : (directory as NSString).appendingPathComponent(subject)
        guard FileManager.default.fileExists(atPath: path) else {
            try Console.fail(CommandError.planFileNotFound(file: subject).message)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            try Console.fail(CommandError.unreadablePlanFile(file: subject).message)
        }
        let plan: Plan
        do {
            plan = try PlanJSON.decode(Array(data))
        } catch {
            try Console.fail(CommandError.notAPlanFile(file: subject, problem: error.message).message)
        }
        switch format {
        case .text:
            Console.report(HumanDiagnostics(plan).diagnostics)
            Console.out(PlanText.render(plan, showCodes: showCodes, includeDiagnostics: false))
        case .json:
            Console.report(plan.diagnostics)
            PlanJSON.stream(plan, to: Console.out)
        case .markdown:
            Console.report(HumanDiagnostics(plan).diagnostics)
            Console.out(PlanMarkdown.render(plan, showCodes: showCodes))
        }
    }

    /// Prints the tenant's state document as recorded.
    private func showTenant() throws {
        let backend = try StateOptions.backend(state, root: directory)
        let loaded: LoadedState
        do {
            loaded = try backend.load()
        } catch {
            try Console.failOnErrors(error.diagnostics)
            return
        }
        let (states, problems) = (loaded.states, loaded.problems)
        try Console.failOnErrors(problems.filter { backend.tenant(atLocation: $0.location?.file ?? "") == subject })
        guard let prior = states[subject] else {
            try Console.fail(
                CommandError.noStateToShow(
                    tenant: subject, location: backend.tenantsLocation, known: states.keys.sorted()
                ).message)
        }
        switch format {
        case .text: Console.out(StateDocumentRender.text(prior.document, path: prior.location, showCodes: showCodes))
        case .json: Console.out(prior.document.canonicalJSON())
        case .markdown:
            Console.out(StateDocumentRender.markdown(prior.document, path: prior.location, showCodes: showCodes))
        }
    }
}
