import ArgumentParser
import Foundation
import LicenseKit

/// `licensectl plan`: reconcile the manifests against state at `--at` and show the diff (docs/rules.md §4, docs/cli.md §6).
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what apply would record: redemptions, activations, expiries, reminders, admissions."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown, github
    }

    @OptionGroup var repo: RepoOptions
    @OptionGroup var state: StateOptions
    @OptionGroup var selection: SelectionOptions

    @Option(
        help:
            "Output format: text, json, markdown (a pull-request comment) or github (every diagnostic as a GitHub Actions annotation, then the text plan)."
    )
    var format: Format = .text

    @Option(
        name: .customLong("out"),
        help: ArgumentHelp(
            "Also write the JSON plan to this file, for `apply PLANFILE`. It holds full codes: treat it as a secret.",
            valueName: "PLANFILE"))
    var out: String?

    @Flag(help: "Exit 2 when the plan has changes (0: no changes, 1: errors).")
    var detailedExitcode = false

    @Flag(help: "Show full activation codes in text and Markdown output.")
    var showCodes = false

    func run() throws {
        let at = try state.instant()
        let workspace = try state.workspace(repo)
        let inputs = workspace.loadInputs()
        let selected = selection.selection()
        try Console.failOnErrors(selected.unknownNames(known: workspace.knownTenants(inputs)))
        let plan = workspace.plan(inputs: inputs, at: at, selection: selected)
        ProcessLifetime.keep(inputs)
        ProcessLifetime.keep(plan)
        // JSON and github keep every diagnostic; human formats consolidate the standing warnings
        // of unchanged tenants (docs/README.md §8 "Output").
        switch format {
        case .json: Console.report(plan.diagnostics)
        case .github: Console.out(HumanDiagnostics(plan).inFull.map { $0.githubAnnotation + "\n" }.joined())
        case .text, .markdown: Console.report(HumanDiagnostics(plan).diagnostics)
        }
        if plan.hasErrors {
            // Machine and pull-request formats still print, so CI can post the errors.
            if format == .json { PlanJSON.stream(plan, to: Console.out) }
            if format == .markdown { Console.out(PlanMarkdown.render(plan, showCodes: showCodes)) }
            if format == .github {
                // The text plan ends with the verdict ("Plan refused: …"): not said twice.
                Console.out(PlanText.render(plan, showCodes: showCodes, includeDiagnostics: false))
            } else {
                Console.err(CommandError.planRefused(errors: plan.diagnostics.errorCount).message + "\n")
            }
            throw ExitCode.failure
        }
        // Without --out the JSON goes out batch by batch as it is written (a plan of 10,000
        // tenants is 250 MB of text); with it, the file comes first and whole, then stdout.
        if out == nil, format == .json {
            PlanJSON.stream(plan, to: Console.out)
            if detailedExitcode, plan.hasChanges { throw ExitCode(2) }
            return
        }
        let json = out != nil || format == .json ? PlanJSON.renderPieces(plan) : []
        ProcessLifetime.keep(json)
        // The plan file first: when it cannot be written the run fails before printing a plan.
        if let out {
            try FileOutput.refuseOverwriting(
                repo.resolve(out), shown: out, inputs: inputs.repo.inputFiles, root: repo.directory,
                stateDirectory: (workspace.backend as? StateStore).map { ($0.statePath, $0.directory) },
                tenantsDirectory: (repo.resolve(repo.tenants), repo.tenants))
            try FileOutput.write(pieces: json, to: repo.resolve(out), shown: out, secret: true)
        }
        switch format {
        case .text, .github: Console.out(PlanText.render(plan, showCodes: showCodes, includeDiagnostics: false))
        case .json: json.forEach(Console.out)
        case .markdown: Console.out(PlanMarkdown.render(plan, showCodes: showCodes))
        }
        if detailedExitcode, plan.hasChanges { throw ExitCode(2) }
    }
}

extension RepoOptions {
    /// A user-given path: absolute, or relative to `-C` (like `git -C`).
    func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path)
    }
}

/// Writes a user-requested output file (`--out`) through ``OutputFile`` (docs/README.md §8 "Output").
enum FileOutput {
    /// - Parameters:
    ///   - path: where to write (resolved against `-C`).
    ///   - shown: the path as the user gave it, for the message.
    ///   - secret: readable by the owner only (a plan file holds full codes).
    /// - Throws: `ExitCode.failure` after printing `licensectl: error: cannot write '…': why`.
    static func write(_ text: String, to path: String, shown: String, secret: Bool = false) throws {
        try write(pieces: [text], to: path, shown: shown, secret: secret)
    }

    /// Refuses an output path that would overwrite what the run reads or records: anything
    /// inside the state directory or the tenants folder, or one of the repo's input files (a
    /// manifest, sales CSV or device list). Paths are compared after symlinks are resolved (of the file when it exists,
    /// else of its folder). A newcomer's `plan --out state/journal.jsonl` once replaced the
    /// journal with the plan (README "Choices where the contract is silent").
    ///
    /// - Parameters:
    ///   - stateDirectory: the state directory's path for system calls and as the user named it;
    ///     `nil` for a backend without one.
    /// - Throws: `ExitCode.failure` after printing `licensectl: error: cannot write '…': why`.
    static func refuseOverwriting(
        _ path: String, shown: String, inputs: [String], root: String, stateDirectory: (path: String, shown: String)?,
        tenantsDirectory: (path: String, shown: String)
    ) throws {
        let target = resolved(path)
        func isInside(_ folder: String) -> Bool {
            guard let real = realPath(folder) else { return false }
            return target == real || target.hasPrefix(real.hasSuffix("/") ? real : real + "/")
        }
        if let stateDirectory, isInside(stateDirectory.path) {
            try Console.fail(
                CommandError.planFileInsideStateDirectory(file: shown, directory: stateDirectory.shown).message)
        }
        if isInside(tenantsDirectory.path) {
            try Console.fail(
                CommandError.planFileInsideTenantsFolder(file: shown, folder: tenantsDirectory.shown).message)
        }
        for input in inputs where realPath((root as NSString).appendingPathComponent(input)) == target {
            try Console.fail(CommandError.planFileIsAnInput(file: shown, input: input).message)
        }
    }

    /// `path` with symlinks resolved: of the file when it exists, else of its folder.
    private static func resolved(_ path: String) -> String {
        if let real = realPath(path) { return real }
        let name = (path as NSString).lastPathComponent
        let folder = (path as NSString).deletingLastPathComponent
        guard let real = realPath(folder.isEmpty ? "." : folder) else { return path }
        return (real as NSString).appendingPathComponent(name)
    }

    private static func realPath(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    /// Writes the pieces, in order, to an `O_EXCL` temporary file beside `path`, then renames it
    /// over `path`; nothing is left behind when any write fails.
    static func write(pieces: [String], to path: String, shown: String, secret: Bool = false) throws {
        do {
            try OutputFile.write(pieces, to: path, mode: secret ? 0o600 : 0o644)
        } catch {
            try Console.fail(CommandError.cannotWrite(file: shown, reason: error.reason).message)
        }
    }
}
