import ArgumentParser
import Foundation
import LicenseKit
import TestSupport

/// `licensectl-bench`: generates a synthetic license repo and times `licensectl` on it against
/// the libyaml floor (docs/benchmarks.md §7, issue 6). Progress goes to stderr, the Markdown report to stdout.
@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "licensectl-bench",
        abstract: "Benchmark licensectl validate/plan against a bare libyaml event pass (docs/benchmarks.md §7).",
        discussion: """
            Build licensectl first, in the same configuration:
              swift build -c release --product licensectl
              swift run -c release licensectl-bench [--scale]
            Progress goes to stderr; the Markdown report to stdout.
            """)

    @Option(help: "Tenants in the synthetic repo.")
    var tenants = 1000

    @Option(help: "Routers per tenant (inline in the manifest).")
    var routers = 100

    @Option(help: "Activation codes per tenant: half in the manifest, half in its sales CSV.")
    var codes = 20

    @Option(
        help:
            "Extra columns per sales CSV row, ignored by licensectl (vendors' exports are wide; 10 make the 1,000-tenant CSVs about 4 MB)."
    )
    var csvExtraColumns = 0

    @Option(help: "Seed of the generator (SplitMix64); same seed, same bytes.")
    var seed: UInt64 = 1

    @Option(help: "Runs of each stage; the report gives medians.")
    var runs = 5

    @Option(help: "Generate the repo into this directory and keep it (the 10× repo goes to DIR-x10).")
    var keep: String?

    @Flag(help: "Also run a repo with 10× the tenants, for the linearity and memory targets.")
    var scale = false

    @Option(help: "The licensectl binary (default: next to this executable).")
    var licensectl: String?

    @Flag(help: "Skip the PyYAML reference even when python3 with yaml is installed.")
    var noPython = false

    @Flag(
        help: """
            Also time apply and the everyday plan with PostgreSQL state, against the same runs with \
            a state directory, on a throwaway server started for the run (Debian's postgresql \
            package, or PG_BINDIR; licensectl built with --traits PostgreSQL).
            """)
    var postgres = false

    /// Serves as the spawn helper when asked to; otherwise starts the helper while this process
    /// is still small (see ``SpawnHelper``), then runs the benchmark.
    static func main() {
        if CommandLine.arguments.dropFirst().first == SpawnHelper.flag {
            SpawnHelper.serve()
            return
        }
        SpawnHelper.start()
        main(nil)
    }

    func validate() throws {
        guard tenants >= 1 else { throw ValidationError("--tenants must be at least 1") }
        guard (0...65_535).contains(routers) else { throw ValidationError("--routers must be 0…65535") }
        guard (0...4095).contains(codes) else { throw ValidationError("--codes must be 0…4095") }
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
    }

    func run() throws {
        do {
            try Runner(command: self).run()
        } catch let error as BenchError {
            FileHandle.standardError.write(Data("licensectl-bench: error: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
    }
}

/// Log a progress line to stderr.
func progress(_ message: String) {
    FileHandle.standardError.write(Data("licensectl-bench: \(message)\n".utf8))
}

/// One benchmark run, start to end.
struct Runner {
    var command: BenchCommand
    let fm = FileManager.default

    func run() throws {
        let machine = MachineInfo.current()
        let binary = try locateLicensectl()
        progress("licensectl: \(binary)")
        let scratch = try makeTemporaryDirectory()
        defer { try? fm.removeItem(atPath: scratch) }

        var sizes = [command.tenants]
        if command.scale { sizes.append(command.tenants * 10) }
        let python = command.noPython ? nil : try pythonWithYAML(scratch: scratch)
        var server: PostgresServer?
        if command.postgres {
            progress("starting a throwaway PostgreSQL server")
            server = try PostgresServer.start(scratch: scratch)
        }
        defer { server?.stop() }

        var results: [RepoResults] = []
        var contexts: [InProcessContext] = []
        var inProcessWired = false
        for (n, tenantCount) in sizes.enumerated() {
            let options = SyntheticRepoOptions(
                tenants: tenantCount, routersPerTenant: command.routers, codesPerTenant: command.codes,
                seed: command.seed, extraSalesColumns: command.csvExtraColumns)
            let root: String
            if let keep = command.keep {
                root = n == 0 ? keep : keep + "-x10"
            } else {
                root = scratch + "/repo-\(tenantCount)"
            }
            progress("generating \(tenantCount) tenants into \(root)")
            let (genSeconds, repo) = try timed { try SyntheticRepoGenerator.write(options, into: root) }
            progress(
                String(
                    format: "generated in %.1f s: %@ MB YAML, %@ MB CSV", genSeconds,
                    Report.megabytes(repo.yamlBytes), Report.megabytes(repo.csvBytes)))
            results.append(try measure(repo, binary: binary, python: n == 0 ? python : nil, scratch: scratch))
            contexts.append(
                InProcessContext(
                    root: root, tenantsDirectory: "tenants", at: options.at, runs: command.runs, expected: repo.expected
                ))
        }
        // The in-process stages last: loading a repo inside this process grows its heap by
        // hundreds of megabytes, which slowed the larger repo's whole-process runs that followed.
        for (n, context) in contexts.enumerated() {
            let inProcess = try inProcessStages(context)
            inProcessWired = inProcessWired || !inProcess.isEmpty
            results[n].stages += inProcess
        }
        // The everyday plan, on the first repo only (state for the 10x repo would be ~0.5 GB):
        // after one apply, a week later.
        // With --postgres, each timed run of these two stages is followed by the same run with
        // PostgreSQL state, so that both see the same load (docs/benchmarks.md "PostgreSQL").
        if let first = results.first {
            results[0].stages += try measureApply(first.repo, binary: binary, scratch: scratch, server: server)
            results[0].stages += try measureWithState(first.repo, binary: binary, scratch: scratch, server: server)
        }
        let note =
            command.noPython
            ? nil
            : python == nil
                ? "PyYAML reference: skipped (python3 with the yaml module and its C loader not found)." : nil
        #if DEBUG
        let debugBuild = true
        #else
        let debugBuild = false
        #endif
        print(
            Report.markdown(
                machine: machine, debugBuild: debugBuild, runs: command.runs, results: results,
                inProcessWired: inProcessWired, pythonNote: note), terminator: "")
    }

    /// Verifies, warms up, then times every stage `runs` times, interleaved.
    private func measure(_ repo: SyntheticRepo, binary: String, python: String?, scratch: String) throws -> RepoResults
    {
        let stderrPath = scratch + "/stderr.txt"
        let planArgs = ["plan", "-C", repo.root, "--at", SyntheticRepoGenerator.atText, "--format", "json"]
        let validateArgs = ["validate", "-C", repo.root]

        // The generated files written back to disk first: otherwise the kernel's writeback of
        // tens of megabytes competes for the cores during the timed runs (it starts ~30 s after
        // the writes, in the middle of the 10× repo's runs).
        sync()
        // Correctness first (issue 6): one untimed run of each, checked; it also warms the cache.
        let floorEvents = try LibYAMLFloor.readAndParse(repo.manifestPaths)
        let validate = try ChildProcess.run(binary, validateArgs, stderrPath: stderrPath)
        try expectExit(validate, in: [0], what: "licensectl validate -C \(repo.root)")
        let planOut = scratch + "/plan.json"
        let plan = try ChildProcess.run(binary, planArgs, stdoutPath: planOut, stderrPath: stderrPath)
        try expectExit(plan, in: [0, 2], what: "licensectl \(planArgs.joined(separator: " "))")
        let counts = try PlanCounts(planJSON: try Data(contentsOf: URL(fileURLWithPath: planOut)))
        try repo.expected.expectMatch(counts, what: "the plan of licensectl")
        try? fm.removeItem(atPath: planOut)
        progress("plan checked: \(counts)")

        let buffers = try repo.manifestPaths.map { (path: $0, bytes: try LibYAMLFloor.readFile($0)) }
        var floor = StageResult(name: Report.floorStage, seconds: [])
        var parseOnly = StageResult(name: Report.parseOnlyStage, seconds: [])
        var validateStage = StageResult(name: Report.validateStage, seconds: [], peakRSSBytes: 0)
        var planStage = StageResult(name: Report.planStage, seconds: [], peakRSSBytes: 0)
        var pyStage = StageResult(name: Report.pyyamlStage, seconds: [], peakRSSBytes: 0)
        for i in 1...command.runs {
            progress("run \(i) of \(command.runs)")
            let (s, events) = try timed { try LibYAMLFloor.readAndParse(repo.manifestPaths) }
            guard events == floorEvents else { throw BenchError("libyaml floor: event count changed") }
            floor.seconds.append(s)
            parseOnly.seconds.append(try timed { try LibYAMLFloor.parseAll(buffers) }.seconds)
            try time(binary, validateArgs, exits: [0], into: &validateStage, stderrPath: stderrPath)
            try time(binary, planArgs, exits: [0, 2], into: &planStage, stderrPath: stderrPath)
            if let python {
                try time(
                    "/usr/bin/env", ["python3", python, repo.root + "/tenants"], exits: [0], into: &pyStage,
                    stderrPath: stderrPath)
            }
        }
        var stages = [floor, parseOnly, validateStage, planStage]
        if python != nil { stages.append(pyStage) }
        return RepoResults(repo: repo, floorEvents: floorEvents, stages: stages)
    }

    /// `apply --yes` on the repo without state (issue 12 item 6): one new state document per
    /// tenant and every event journaled, timed `runs` times; the state directory is moved aside
    /// (and synced) before each run, so that every run writes every file, and the moved copies
    /// are deleted after the last run. Not deleted before each run: ext4 does not reuse the
    /// inode of a file deleted in the last seconds, and searching past 1,000 of them for each
    /// new file cost the apply after `rm -rf state` a fifth of its CPU time in the kernel
    /// (`recently_deleted`, seen with `perf record`), which no apply of a CI job pays. Leaves the
    /// state of the last run, which ``measureWithState(_:binary:scratch:server:)`` then finds
    /// applied. With a `server`, each run is followed by the same apply into a new, empty
    /// database of it (issue 13 "Speed").
    private func measureApply(_ repo: SyntheticRepo, binary: String, scratch: String, server: PostgresServer?)
        throws -> [StageResult]
    {
        let stderrPath = scratch + "/stderr.txt"
        let stdoutPath = scratch + "/apply.txt"
        let args = ["apply", "-C", repo.root, "--at", SyntheticRepoGenerator.atText, "--yes"]
        var stage = StageResult(name: Report.applyStage(tenants: repo.options.tenants), seconds: [], peakRSSBytes: 0)
        var postgresStage = StageResult(
            name: Report.postgresApplyStage(tenants: repo.options.tenants), seconds: [], peakRSSBytes: 0)
        let expected = ": \(repo.options.tenants) tenant(s) written, \(repo.expected.events) event(s) journaled."
        // The plan again, run by run next to the applies: the ratio apply/plan then compares
        // timings taken under the same load (on a shared machine the load changes in a minute).
        var planStage = StageResult(name: Report.interleavedPlanStage, seconds: [], peakRSSBytes: 0)
        let planArgs = ["plan", "-C", repo.root, "--at", SyntheticRepoGenerator.atText, "--format", "json"]
        let aside = scratch + "/applied"
        try fm.createDirectory(atPath: aside, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: aside) }
        for run in 1...command.runs {
            if rename(repo.root + "/state", aside + "/state-\(run)") != 0, errno != ENOENT {
                try? fm.removeItem(atPath: repo.root + "/state")
            }
            sync()
            try time(binary, planArgs, exits: [0, 2], into: &planStage, stderrPath: stderrPath)
            try timeApply(
                args, expected: expected, into: &stage, binary: binary, stdoutPath: stdoutPath, stderrPath: stderrPath)
            if let server {
                let url = try server.freshDatabase()
                server.checkpoint()
                sync()
                try timeApply(
                    args + ["--state", url], expected: expected, into: &postgresStage, binary: binary,
                    stdoutPath: stdoutPath, stderrPath: stderrPath)
            }
            if run == 1 {
                progress(
                    "apply checked: \(repo.options.tenants) tenant(s) written, \(repo.expected.events) event(s) journaled"
                )
            }
        }
        try? fm.removeItem(atPath: stdoutPath)
        return server == nil ? [planStage, stage] : [planStage, stage, postgresStage]
    }

    /// One timed `apply`, checked to have written every tenant and event.
    private func timeApply(
        _ args: [String], expected: String, into stage: inout StageResult, binary: String, stdoutPath: String,
        stderrPath: String
    ) throws {
        let child = try ChildProcess.run(binary, args, stdoutPath: stdoutPath, stderrPath: stderrPath)
        try expectExit(child, in: [0], what: "licensectl \(Report.redacted(args).joined(separator: " "))")
        let output = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
        guard output.contains(expected) else {
            throw BenchError("apply did not write every tenant and event: \(output.suffix(200))")
        }
        stage.seconds.append(child.seconds)
        stage.peakRSSBytes = max(stage.peakRSSBytes ?? 0, child.peakRSSBytes)
    }

    /// `plan --format json` a week after one `apply` at the bench's `at` (so with one state
    /// file per tenant), timed `runs` times after one checked run: every router and tenant
    /// planned, no errors. Run last: the repo then has state. With a `server`, the same apply
    /// goes into a new database of it, and each timed plan is followed by the same plan with
    /// that database as `--state`, checked to give the same counts.
    private func measureWithState(_ repo: SyntheticRepo, binary: String, scratch: String, server: PostgresServer?)
        throws -> [StageResult]
    {
        let stderrPath = scratch + "/stderr.txt"
        let applyArgs = ["apply", "-C", repo.root, "--at", SyntheticRepoGenerator.atText, "--yes"]
        let apply = try ChildProcess.run(binary, applyArgs, stderrPath: stderrPath)
        try expectExit(apply, in: [0], what: "licensectl apply -C \(repo.root)")
        let args = ["plan", "-C", repo.root, "--at", Report.statePlanAt, "--format", "json"]
        var postgresArgs: [String]?
        if let server {
            let url = try server.freshDatabase()
            let intoPostgres = try ChildProcess.run(binary, applyArgs + ["--state", url], stderrPath: stderrPath)
            try expectExit(intoPostgres, in: [0], what: "licensectl apply -C \(repo.root) --state postgres://…")
            server.checkpoint()
            postgresArgs = args + ["--state", url]
        }
        sync()
        let counts = try checkedPlan(args, repo: repo, binary: binary, scratch: scratch)
        progress("plan with state checked: \(counts)")
        if let postgresArgs {
            let postgresCounts = try checkedPlan(postgresArgs, repo: repo, binary: binary, scratch: scratch)
            guard postgresCounts == counts else {
                throw BenchError("the plan with PostgreSQL state differs: \(postgresCounts), directory: \(counts)")
            }
            progress("plan with PostgreSQL state checked: the same counts")
        }
        var stage = StageResult(name: Report.statePlanStage, seconds: [], peakRSSBytes: 0)
        var postgresStage = StageResult(name: Report.postgresStatePlanStage, seconds: [], peakRSSBytes: 0)
        for _ in 1...command.runs {
            try time(binary, args, exits: [0, 2], into: &stage, stderrPath: stderrPath)
            if let postgresArgs {
                try time(binary, postgresArgs, exits: [0, 2], into: &postgresStage, stderrPath: stderrPath)
            }
        }
        return postgresArgs == nil ? [stage] : [stage, postgresStage]
    }

    /// One untimed plan with state, checked to be whole (every router and tenant, no errors).
    private func checkedPlan(_ args: [String], repo: SyntheticRepo, binary: String, scratch: String) throws
        -> PlanCounts
    {
        let planOut = scratch + "/plan-state.json"
        let plan = try ChildProcess.run(binary, args, stdoutPath: planOut, stderrPath: scratch + "/stderr.txt")
        try expectExit(plan, in: [0, 2], what: "licensectl \(Report.redacted(args).joined(separator: " "))")
        let counts = try PlanCounts(planJSON: try Data(contentsOf: URL(fileURLWithPath: planOut)))
        try? fm.removeItem(atPath: planOut)
        guard counts.errors == 0, counts.routers == repo.routers, counts.tenants == repo.options.tenants else {
            throw BenchError("the plan with state is not whole: \(counts)")
        }
        return counts
    }

    /// One timed whole-process run of a stage, its exit code checked.
    private func time(
        _ executable: String, _ args: [String], exits: [Int32], into stage: inout StageResult,
        stderrPath: String
    ) throws {
        let child = try ChildProcess.run(executable, args, stderrPath: stderrPath)
        try expectExit(child, in: exits, what: ([executable] + Report.redacted(args)).joined(separator: " "))
        stage.seconds.append(child.seconds)
        stage.peakRSSBytes = max(stage.peakRSSBytes ?? 0, child.peakRSSBytes)
    }

    private func expectExit(_ run: ChildRun, in codes: [Int32], what: String) throws {
        guard codes.contains(run.exitCode) else {
            throw BenchError(
                """
                \(what) exited with \(run.exitCode) (expected \(codes.map(String.init).joined(separator: " or "))); \
                its stderr ends with:
                \(ChildProcess.stderrTail(run))
                """)
        }
    }

    /// `licensectl` in the same build directory as this executable, unless `--licensectl` is given.
    private func locateLicensectl() throws -> String {
        if let path = command.licensectl {
            guard fm.isExecutableFile(atPath: path) else { throw BenchError("--licensectl \(path): not an executable") }
            return path
        }
        let me =
            (try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? Bundle.main.executablePath ?? CommandLine.arguments[0]
        let candidate = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("licensectl").path
        guard fm.isExecutableFile(atPath: candidate) else {
            throw BenchError(
                """
                no licensectl binary at \(candidate).
                Build it in the same configuration first, then run the benchmark:
                  swift build -c release --product licensectl
                  swift run -c release licensectl-bench
                (`swift build -c release` builds both; one `swift build` takes only one --product;
                or give a binary with --licensectl PATH.)
                """)
        }
        return candidate
    }

    private func makeTemporaryDirectory() throws -> String {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent(
            "licensectl-bench-\(getpid())-\(UUID().uuidString.prefix(8))")
        try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes the PyYAML reference script and returns its path, or `nil` when python3, its yaml
    /// module or the C loader is missing.
    private func pythonWithYAML(scratch: String) throws -> String? {
        let probe = try? ChildProcess.run(
            "/usr/bin/env", ["python3", "-c", "import yaml; yaml.CSafeLoader"], stderrPath: scratch + "/probe.txt")
        guard probe?.exitCode == 0 else { return nil }
        let script = """
            import os, sys, yaml
            root = sys.argv[1]
            for name in sorted(os.listdir(root)):
                with open(os.path.join(root, name), "rb") as f:
                    yaml.load(f.read(), Loader=yaml.CSafeLoader)

            """
        let path = scratch + "/pyyaml_reference.py"
        try script.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }
}
