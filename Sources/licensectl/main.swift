import ArgumentParser
import LicenseKit

struct Licensectl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "licensectl",
        abstract: "Manage icom Router Management Cloud licenses the GitOps way.",
        version: "0.1.0",
        subcommands: [PlanCommand.self, ApplyCommand.self, StatusCommand.self, ForecastCommand.self, Validate.self, Schema.self]
    )
}

Licensectl.main()
