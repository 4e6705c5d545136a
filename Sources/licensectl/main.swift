import ArgumentParser
import Foundation
import LicenseKit

struct Licensectl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "licensectl",
        abstract: "Manage icom Router Management Cloud licenses the GitOps way.",
        version: BuildInfo.description,
        subcommands: [
            PlanCommand.self, ApplyCommand.self, StatusCommand.self, ShowCommand.self, ForecastCommand.self,
            NotifyCommand.self, Validate.self, InitCommand.self, Schema.self,
            StateCommand.self,
        ]
    )
}

// Usage errors exit 1 like every other error (docs/cli.md §6: 0 success, 1 errors, 2 changes), not
// swift-argument-parser's EX_USAGE 64, so that CI scripts can test for 1.
func failUsage(_ message: String) -> Never {
    Console.err(message + "\n")
    exit(Console.finish(1))
}

/// `--help`, `help COMMAND` and `--version` print through ``Console``, so that a failed write to
/// stdout is exit 1 like every other write (docs/README.md §8 "Output").
func finishIfHelpOrVersion(_ error: any Error) {
    guard Licensectl.exitCode(for: error) == .success else { return }
    Console.out(Licensectl.fullMessage(for: error) + "\n")
    exit(Console.finish(0))
}

var command: any ParsableCommand
do {
    command = try Licensectl.parseAsRoot()
} catch {
    if Licensectl.exitCode(for: error) == .validationFailure { failUsage(Licensectl.fullMessage(for: error)) }
    finishIfHelpOrVersion(error)
    Licensectl.exit(withError: error)
}
do {
    try command.run()
} catch {
    if Licensectl.exitCode(for: error) == .validationFailure {
        failUsage("licensectl: error: " + Licensectl.message(for: error))
    }
    finishIfHelpOrVersion(error)
    // A failed write to stdout or stderr turns any outcome into exit 1 (docs/README.md §8 "Output").
    let code = Licensectl.exitCode(for: error).rawValue
    if Console.finish(code) != code { exit(1) }
    Licensectl.exit(withError: error)
}
// Every write was checked: a failed one makes this exit 1, never 0 (docs/README.md §8 "Output").
exit(Console.finish(0))
