import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Seeded random interruptions of running applies, for the crash tests of both state backends:
/// each round starts a licensectl, waits a random part of the time an uninterrupted run takes,
/// interrupts it (SIGKILL, or the database server stopped), waits for its end and checks what it
/// left. The same seed gives the same delays.
struct SeededInterruptions {
    private var rng: SplitMix64
    /// Seconds an uninterrupted run takes.
    let referenceSeconds: Double
    /// The part of ``referenceSeconds`` to wait, drawn uniformly in steps of 1/1000.
    let fractions: ClosedRange<Double>

    init(seed: UInt64, referenceSeconds: Double, fractions: ClosedRange<Double>) {
        rng = SplitMix64(seed: seed)
        self.referenceSeconds = referenceSeconds
        self.fractions = fractions
    }

    /// The next delay, in seconds.
    mutating func nextDelay() -> Double {
        let span = fractions.upperBound - fractions.lowerBound
        return referenceSeconds * (fractions.lowerBound + Double(rng.next() % 1000) / 1000 * span)
    }

    /// `rounds` rounds: `start(round)` starts a licensectl and gives what `check` needs; after
    /// the round's delay `interrupt` interrupts it; `check` gets the ended run and a label
    /// (`round 2, <what> after 1.234 s`) for its expectations.
    mutating func run<Context>(
        rounds: Int, interruption what: String,
        start: (Int) throws -> (RunningCommand, Context),
        interrupt: (RunningCommand) -> Void,
        check: (Context, CLIRun, String) throws -> Void
    ) throws {
        for round in 0..<rounds {
            let delay = nextDelay()
            let (running, context) = try start(round)
            Thread.sleep(forTimeInterval: delay)
            interrupt(running)
            let run = running.wait()
            try check(context, run, "round \(round), \(what) after \(String(format: "%.3f", delay)) s")
        }
    }

    /// ``run(rounds:interruption:start:interrupt:check:)`` with SIGKILL: a run either died by
    /// SIGKILL or ended before it and exited 0 (expected here, before `check`).
    ///
    /// - Returns: how many runs were killed.
    mutating func sigkill<Context>(
        rounds: Int, start: (Int) throws -> (RunningCommand, Context),
        check: (Context, CLIRun, String) throws -> Void
    ) throws -> Int {
        var died = 0
        try run(rounds: rounds, interruption: "SIGKILL", start: start) { running in
            _ = kill(running.pid, SIGKILL)
        } check: { context, run, label in
            if run.signaled {
                died += 1
                #expect(run.status == SIGKILL, "\(label)")
            } else {
                #expect(run.status == 0, "\(label): \(run)")
            }
            try check(context, run, label)
        }
        return died
    }
}
