import ArgumentParser
import Foundation
import LicenseKit

#if PostgreSQL
import LicenseKitPostgres
#endif

/// `licensectl state`: commands on recorded state itself (docs/state.md §5.1).
struct StateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Work with recorded state.",
        subcommands: [StateMigrateCommand.self]
    )
}

/// `licensectl state migrate --from SRC --to DST`: copy a state directory into PostgreSQL or
/// back (docs/state.md §5.1).
struct StateMigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy state between a state directory and PostgreSQL (byte-identical documents, journal in order).",
        discussion:
            "The destination must hold no state for the owner. A postgres:// URL takes its password from the URL or PGPASSWORD; it is never printed."
    )

    @Option(name: .customShort("C"), help: ArgumentHelp("The license repo's root directory.", valueName: "DIR"))
    var directory: String = "."

    @Option(
        help: ArgumentHelp(
            "The state to copy: a state directory (relative to -C) or a postgres:// URL.", valueName: "SRC"))
    var from: String

    @Option(
        help: ArgumentHelp(
            "Where to copy it: a state directory (relative to -C) or a postgres:// URL.", valueName: "DST"))
    var to: String

    // `.unconditional`: `--lock-timeout -1` is refused as negative, not taken for an option.
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Wait up to this many seconds (0 to 86400) for a state directory's lock (default: 0, fail at once).",
            valueName: "SECONDS"))
    var lockTimeout: String = "0"

    func validate() throws {
        do {
            _ = try Seconds.parse(lockTimeout, option: "--lock-timeout", upTo: 86_400)
        } catch {
            throw ValidationError(error.message)
        }
    }

    /// `--lock-timeout` in seconds (``validate()`` has checked it).
    private var seconds: Double { (try? Seconds.parse(lockTimeout, option: "--lock-timeout", upTo: 86_400)) ?? 0 }

    func run() throws {
        #if PostgreSQL
        let environment = ProcessInfo.processInfo.environment
        let (directory, from, to, lockTimeout) = (directory, from, to, seconds)
        let holder = LockHolder.current(start: Instant.now())
        try StateOptions.refuseMistypedURL(from, option: "--from")
        try StateOptions.refuseMistypedURL(to, option: "--to")
        do {
            let source = try StateLocation.parse(from, root: directory, environment: environment)
            let destination = try StateLocation.parse(to, root: directory, environment: environment)
            let copied = try StateMigration.migrate(
                from: source, to: destination, holder: holder, lockTimeout: lockTimeout)
            Console.out(
                "Migrated \(copied.documents.count) tenant(s) and \(copied.journal.count) journal line(s) from \(source) to \(destination).\n"
            )
        } catch {
            try Console.failOnErrors(error.diagnostics)
        }
        #else
        try Console.fail(CommandError.builtWithoutPostgres(migrate: true).message)
        #endif
    }
}
