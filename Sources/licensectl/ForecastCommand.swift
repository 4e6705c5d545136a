import ArgumentParser
import Foundation
import LicenseKit

/// `licensectl forecast`: the future events up to `--days` from the plan's result at `--at`,
/// with capacity and the routers rejected after each change (docs/cli.md §6).
struct ForecastCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract: "List future expiries, activations and reminders, and the routers they would reject.",
        discussion: """
            Starts from what `plan` would leave at --at and runs time forward: scheduled activations, \
            expiries, stock expiries, reminders, Cloud Free renewals, and routers connecting at a \
            future connectedAt. Today's connected routers are assumed to stay connected. All events \
            at one instant take effect together before admission is judged. --format html writes \
            the fleet report: one self-contained page with a sortable table and charts.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown, svg, html
    }

    @Argument(help: ArgumentHelp("Tenants to forecast (default: all).", valueName: "TENANT"))
    var tenants: [String] = []

    @OptionGroup var repo: RepoOptions
    @OptionGroup var state: StateOptions
    @OptionGroup var selection: SelectionOptions

    // `.unconditional`: `--days -1` reaches the range check instead of being taken for a flag.
    @Option(parsing: .unconditional, help: ArgumentHelp("The horizon in days after --at.", valueName: "N"))
    var days: Int = 90

    @Option(
        help:
            "Output format: text, json (full codes, like the plan JSON), markdown (a pull-request or issue comment), svg (a chart) or html (the fleet report: one self-contained page with a sortable table and charts)."
    )
    var format: Format = .text

    @Flag(
        help:
            "Exit 2 when a router online or not yet connected at --at would be rejected (capacity or no valid license) within the horizon; routers already rejected at --at do not count (0 otherwise, 1 on errors)."
    )
    var failOnRejection = false

    @Flag(help: "Show full activation codes in text, Markdown and SVG output.")
    var showCodes = false

    func validate() throws {
        guard (0...36_500).contains(days) else {
            throw ValidationError(CommandError.daysOutOfRange(found: days).message)
        }
    }

    func run() throws {
        let at = try state.instant()
        let workspace = try state.workspace(repo)
        let inputs = workspace.loadInputs()
        // docs/README.md §8 "Selections": --target, --shard and TENANT arguments intersect.
        let selected = selection.selection(arguments: tenants)
        try Console.failOnErrors(selected.unknownNames(known: workspace.knownTenants(inputs)))
        let plan = workspace.plan(inputs: inputs, at: at, selection: selected)
        if plan.hasErrors {
            Console.report(plan.diagnostics)
            Console.err(CommandError.forecastRefused(at: at, errors: plan.diagnostics.errorCount).message + "\n")
            throw ExitCode.failure
        }
        // The forecast prints no plan warnings, but an empty shard is said (docs/cli.md §5.2).
        if let notice = workspace.emptyShardNotice(plan, inputs: inputs, selection: selected) {
            Console.report([notice])
        }
        let forecasts = Forecaster.forecast(
            plan: plan, at: at, days: days,
            tenants: selected.isRestricting ? plan.tenants.map(\.tenant) : nil)
        switch format {
        case .text: Console.out(ForecastText.render(forecasts, at: at, days: days, showCodes: showCodes))
        case .json: Console.out(ForecastJSON.render(forecasts, at: at, days: days))
        case .markdown: Console.out(ForecastMarkdown.render(forecasts, at: at, days: days, showCodes: showCodes))
        case .svg: Console.out(ForecastChart.render(forecasts, at: at, days: days, showCodes: showCodes))
        case .html:
            Console.out(FleetReport.render(FleetReport.rows(plan: plan, forecasts: forecasts), at: at, days: days))
        }
        // docs/README.md §8: only routers online or not connected at `at` fail the run.
        if failOnRejection, forecasts.contains(where: { $0.firstRejectionAt != nil }) {
            throw ExitCode(2)
        }
    }
}
