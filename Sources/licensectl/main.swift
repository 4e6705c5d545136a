import ArgumentParser
import Foundation
import LicenseKit

struct Licensectl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "licensectl",
        abstract: "Manage icom Router Management Cloud licenses the GitOps way.",
        version: "0.1.0",
        subcommands: [PlanCommand.self, ApplyCommand.self, StatusCommand.self, ForecastCommand.self, Validate.self, Schema.self,
                      StateCommand.self]
    )
}

// Usage errors exit 1 like every other error (SPEC §6: 0 success, 1 errors, 2 changes), not
// swift-argument-parser's EX_USAGE 64, so that CI scripts can test for 1.
func failUsage(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    Licensectl.exit(withError: ExitCode.failure)
}

var command: any ParsableCommand
do {
    command = try Licensectl.parseAsRoot()
} catch {
    if Licensectl.exitCode(for: error) == .validationFailure { failUsage(Licensectl.fullMessage(for: error)) }
    Licensectl.exit(withError: error)
}
do {
    try command.run()
} catch {
    if Licensectl.exitCode(for: error) == .validationFailure { failUsage("licensectl: error: " + Licensectl.message(for: error)) }
    Licensectl.exit(withError: error)
}
