import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The machine the figures come from (docs/benchmarks.md §7: ratios measured in one run on one machine).
struct MachineInfo: Sendable {
    var cpuModel: String
    var cores: Int
    var memoryBytes: UInt64
    var system: String
    var loadAverage: String

    static func current() -> MachineInfo {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model =
            cpuinfo.split(separator: "\n")
            .first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
        var name = utsname()
        uname(&name)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
        }
        let load = ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "")
            .split(separator: " ").prefix(3).joined(separator: " ")
        return MachineInfo(
            cpuModel: model, cores: ProcessInfo.processInfo.activeProcessorCount,
            memoryBytes: ProcessInfo.processInfo.physicalMemory,
            system: "\(field(name.sysname)) \(field(name.release)) \(field(name.machine))",
            loadAverage: load.isEmpty ? "unknown" : load)
    }
}

/// The results for one generated repo.
struct RepoResults: Sendable {
    var repo: SyntheticRepo
    var floorEvents: Int
    /// First row: the floor (read + parse); then the other stages.
    var stages: [StageResult]

    var floor: StageResult { stages[0] }

    func stage(_ name: String) -> StageResult? { stages.first { $0.name == name } }
}

/// Markdown a README can quote.
enum Report {
    static let planStage = "`licensectl plan --format json` (whole process)"
    static let validateStage = "`licensectl validate` (whole process)"
    static let floorStage = "**libyaml event pass, 1 thread, read + parse (the floor)**"
    static let parseOnlyStage = "libyaml event pass, 1 thread, parse only (files already in memory)"
    static let pyyamlStage = "PyYAML `CSafeLoader` over the manifests (whole process, reference)"
    /// A week after the bench's `at`: reminders, expiries and scheduled activations fall due.
    static let statePlanAt = "2026-12-06T00:00:00Z"
    /// `apply --yes` writing one new state document per tenant (no state before).
    static func applyStage(tenants: Int) -> String {
        "`licensectl apply --yes`, \(grouped(tenants)) new tenants (whole process)"
    }
    /// ``planStage`` timed once before each apply (see `measureApply`).
    static let interleavedPlanStage = "`licensectl plan --format json` (whole process), timed between the applies"
    static let statePlanStage = "`licensectl plan --format json` with state: a week after one `apply` (whole process)"
    /// ``applyStage(tenants:)`` with `--state postgres://…` (a new, empty database each run).
    static func postgresApplyStage(tenants: Int) -> String {
        "`licensectl apply --yes`, \(grouped(tenants)) new tenants into PostgreSQL (whole process)"
    }
    /// ``statePlanStage`` with the same state in PostgreSQL.
    static let postgresStatePlanStage =
        "`licensectl plan --format json` with PostgreSQL state: a week after one `apply` (whole process)"

    /// Command-line arguments with the password of a `postgres://` URL replaced by `***`, for
    /// messages.
    static func redacted(_ arguments: [String]) -> [String] {
        arguments.map { argument in
            guard argument.hasPrefix("postgres://"), let at = argument.firstIndex(of: "@"),
                let colon = argument[argument.index(argument.startIndex, offsetBy: 11)..<at].firstIndex(of: ":")
            else { return argument }
            return String(argument[...colon]) + "***" + String(argument[at...])
        }
    }

    static func markdown(
        machine: MachineInfo, debugBuild: Bool, runs: Int, results: [RepoResults],
        inProcessWired: Bool, pythonNote: String?
    ) -> String {
        var out = "## Performance\n\n"
        out += "Machine: \(machine.cpuModel), \(machine.cores) cores (nproc), "
        out += "\(String(format: "%.1f", Double(machine.memoryBytes) / 1_073_741_824)) GiB RAM, \(machine.system); "
        out += "load average at start \(machine.loadAverage).  \n"
        out += "Build: \(debugBuild ? "**debug — these figures are not meaningful; use `-c release`**" : "release"). "
        out += "Medians of \(runs) run\(runs == 1 ? "" : "s") each, stages interleaved; "
        out += "first plan (no state), `--at \(SyntheticRepoGenerator.atText)`, output to /dev/null. "
        out += "MB = 10⁶ bytes, MiB = 2²⁰ bytes.\n"

        for result in results {
            let r = result.repo
            let o = r.options
            out +=
                "\n### \(grouped(o.tenants)) tenants × \(o.routersPerTenant) routers × \(o.codesPerTenant) codes (seed \(o.seed))\n\n"
            out += "\(grouped(r.manifestPaths.count)) manifests, \(megabytes(r.yamlBytes)) MB of YAML "
            out += "(\(grouped(result.floorEvents)) libyaml events); \(grouped(r.csvFiles)) sales CSVs, "
            out += "\(megabytes(r.csvBytes)) MB of CSV; \(grouped(r.codes)) codes, \(grouped(r.routers)) routers. "
            out += "Checked plan: \(grouped(r.expected.events)) events, \(grouped(r.expected.online)) routers online, "
            out += "\(grouped(r.expected.routers - r.expected.online)) offline, 0 errors.\n\n"
            out += "| stage | median (s) | × floor | peak RSS (MiB) |\n|---|---:|---:|---:|\n"
            for stage in result.stages {
                let ratio = stage.median / result.floor.median
                out += "| \(stage.name) | \(seconds(stage.median)) | "
                out += "\(String(format: "%.2f", ratio)) | \(stage.peakRSSBytes.map { mebibytes($0) } ?? "–") |\n"
            }
        }
        if !inProcessWired { out += "\nIn-process stages: not wired into this build of the benchmark.\n" }
        if let pythonNote { out += "\n\(pythonNote)\n" }

        out += "\n### Targets (issues 6, 12, 13)\n\n| target | measured | result |\n|---|---|---|\n"
        if let base = results.first, let plan = base.stage(planStage) {
            let ratio = plan.median / base.floor.median
            out += "| plan ≤ 2.5× the libyaml floor (\(grouped(base.repo.options.tenants)) tenants) | "
            out += "\(String(format: "%.2f", ratio))× | \(ratio <= 2.5 ? "PASS" : "FAIL") |\n"
            if let apply = base.stage(applyStage(tenants: base.repo.options.tenants)) {
                let nextTo = base.stage(interleavedPlanStage) ?? plan
                out += "| apply of \(grouped(base.repo.options.tenants)) new tenants ≤ 1 s (issue 12) | "
                out +=
                    "\(seconds(apply.median)) s, \(String(format: "%.2f", apply.median / nextTo.median))× the plan | "
                out += "\(apply.median <= 1 ? "PASS" : "FAIL") |\n"
            }
            let tenants = base.repo.options.tenants
            if let apply = base.stage(applyStage(tenants: tenants)),
                let postgres = base.stage(postgresApplyStage(tenants: tenants))
            {
                let ratio = postgres.median / apply.median
                out +=
                    "| apply of \(grouped(tenants)) new tenants into PostgreSQL ≤ 1.0× into the directory (issue 13) | "
                out += "\(String(format: "%.2f", ratio))× | \(ratio <= 1.0 ? "PASS" : "FAIL") |\n"
            }
            if let directory = base.stage(statePlanStage), let postgres = base.stage(postgresStatePlanStage) {
                let ratio = postgres.median / directory.median
                out += "| everyday plan with PostgreSQL state ≤ 1.5× with directory state (issue 13) | "
                out += "\(String(format: "%.2f", ratio))× | \(ratio <= 1.5 ? "PASS" : "FAIL") |\n"
            }
            if let py = base.stage(pyyamlStage) {
                let speedup = py.median / plan.median
                out += "| plan several times (≥ 3×) faster than PyYAML's C loader (aim, reference) | "
                out +=
                    speedup >= 1
                    ? "\(String(format: "%.1f", speedup))× faster" : "\(String(format: "%.1f", 1 / speedup))× slower"
                out += " | \(speedup >= 3 ? "PASS" : "FAIL") |\n"
            }
        }
        if results.count > 1, let base = results.first?.stage(planStage), let last = results.last,
            let scaled = last.stage(planStage)
        {
            let factor = Double(last.repo.options.tenants) / Double(results[0].repo.options.tenants)
            let growth = scaled.median / base.median
            let limit = 1.1 * factor
            out += "| \(grouped(last.repo.options.tenants)) tenants ≤ \(String(format: "%g", limit))× the "
            out +=
                "\(grouped(results[0].repo.options.tenants))-tenant plan time | \(String(format: "%.2f", growth))× | "
            out += "\(growth <= limit ? "PASS" : "FAIL") |\n"
            let rss = scaled.peakRSSBytes ?? Int.max
            out +=
                "| peak RSS of plan at \(grouped(last.repo.options.tenants)) tenants < 1 GiB | \(mebibytes(rss)) MiB | "
            out += "\(rss < 1 << 30 ? "PASS" : "FAIL") |\n"
        } else {
            out += "| 10× tenants ≤ 11× the plan time | not measured (run with `--scale`) | – |\n"
            out += "| peak RSS of plan at 10× tenants < 1 GiB | not measured (run with `--scale`) | – |\n"
        }
        return out
    }

    static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return out
    }

    /// Three decimals, or four significant digits below 0.1 s (small repos).
    static func seconds(_ s: Double) -> String {
        s < 0.1 ? String(format: "%.4g", s) : String(format: "%.3f", s)
    }

    static func megabytes(_ bytes: Int) -> String { String(format: "%.2f", Double(bytes) / 1e6) }
    static func mebibytes(_ bytes: Int) -> String { String(format: "%.0f", Double(bytes) / 1_048_576) }
}
