import Foundation
import LicenseKit
import TestSupport

/// What an in-process stage gets: the generated repo, the plan's `at`, the number of runs, and
/// the counts its plan must have.
struct InProcessContext {
    /// The repo root (what `-C` would be).
    var root: String
    /// `tenants`, relative to ``root``.
    var tenantsDirectory: String
    var at: Instant
    var runs: Int
    var expected: PlanCounts

    /// Runs `body` ``runs`` times; returns the timings under `name` and the last result.
    func measure<T>(_ name: String, _ body: () throws -> T) rethrows -> (StageResult, T) {
        var seconds: [Double] = []
        var last: T?
        for _ in 0..<max(runs, 1) {
            let (s, value) = try timed(body)
            seconds.append(s)
            last = value
        }
        guard let last else { preconditionFailure("runs ≥ 1") }
        return (StageResult(name: name, seconds: seconds), last)
    }

    /// Throws unless the plan has exactly the expected event, router, capacity and mode counts.
    func expect(_ plan: Plan) throws {
        try expected.expectMatch(PlanCounts(plan: plan), what: "the in-process plan")
    }

    /// Throws unless the rendered plan JSON has exactly the expected counts.
    func expect(planJSON: String) throws {
        try expected.expectMatch(try PlanCounts(planJSON: Data(planJSON.utf8)), what: "the in-process plan JSON")
    }
}

/// The stages timed inside this process, on one generated repo; the runner adds their rows to
/// the table after the whole-process ones, with ratios to the same libyaml floor. An empty
/// result means no in-process rows.
///
/// This is the one place that calls the library's pipeline: load (manifests and CSV, in
/// parallel), reconcile, render JSON, and the three together; the plan is checked against the
/// generator's expected counts so that a fast wrong answer fails the run.
func inProcessStages(_ context: InProcessContext) throws -> [StageResult] {
    let workspace = Workspace(root: context.root, tenantsDirectory: context.tenantsDirectory)
    let (load, inputs) = context.measure("load manifests + CSV (in process)") { workspace.loadInputs() }
    let (reconcile, plan) = context.measure("reconcile (in process)") { workspace.plan(inputs: inputs, at: context.at) }
    let (render, json) = context.measure("render JSON (in process)") { PlanJSON.render(plan) }
    let (total, _) = context.measure("plan: load + reconcile + render (in process)") {
        PlanJSON.render(workspace.plan(at: context.at))
    }
    try context.expect(plan)
    try context.expect(planJSON: json)
    guard PlanJSON.renderPieces(plan).joined() == json else {
        throw BenchError("PlanJSON.renderPieces joined differs from PlanJSON.render")
    }
    return [load, reconcile, render, total]
}
