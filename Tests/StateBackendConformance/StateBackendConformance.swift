import Foundation
import LicenseKit
import TestSupport
import Testing

/// The contract every ``StateBackend`` keeps (docs/state.md "State backends"), written against
/// the protocol only. Each backend's test target runs every check on its own
/// ``BackendFixture`` (`@Test(arguments: StateBackendConformance.checks)`); adding a backend is
/// adding its fixture and that one test.
public enum StateBackendConformance {
    /// Every check, by name.
    public static let checks: [String] = [
        "freshStateIsEmptyAndReadingCreatesNothing",
        "locationsNameTheTenantAndMapBack",
        "aCommitIsReadBackByteIdenticalWithItsJournal",
        "aPlanWithoutChangesWritesNothing",
        "aPlanWithErrorsIsRefusedAndWritesNothing",
        "aSecondLockerIsRefusedNamingTheHolderUntilTheLeaseEnds",
        "anUnreadableDocumentIsOneProblemAtItsLocation",
        "aCrashAtAnyStepRecoversToTheUninterruptedResult",
        "applySessionAppliesOnceAndRefusesAStalePlanFile",
    ]

    /// Runs the check `name` on a fresh backend of `fixture`.
    public static func run(_ name: String, on fixture: BackendFixture) throws {
        switch name {
        case "freshStateIsEmptyAndReadingCreatesNothing": try freshStateIsEmptyAndReadingCreatesNothing(fixture)
        case "locationsNameTheTenantAndMapBack": try locationsNameTheTenantAndMapBack(fixture)
        case "aCommitIsReadBackByteIdenticalWithItsJournal": try aCommitIsReadBackByteIdenticalWithItsJournal(fixture)
        case "aPlanWithoutChangesWritesNothing": try aPlanWithoutChangesWritesNothing(fixture)
        case "aPlanWithErrorsIsRefusedAndWritesNothing": try aPlanWithErrorsIsRefusedAndWritesNothing(fixture)
        case "aSecondLockerIsRefusedNamingTheHolderUntilTheLeaseEnds":
            try aSecondLockerIsRefusedNamingTheHolderUntilTheLeaseEnds(fixture)
        case "anUnreadableDocumentIsOneProblemAtItsLocation": try anUnreadableDocumentIsOneProblemAtItsLocation(fixture)
        case "aCrashAtAnyStepRecoversToTheUninterruptedResult":
            try aCrashAtAnyStepRecoversToTheUninterruptedResult(fixture)
        case "applySessionAppliesOnceAndRefusesAStalePlanFile":
            try applySessionAppliesOnceAndRefusesAStalePlanFile(fixture)
        default: Issue.record("no conformance check named \(name)")
        }
    }

    static func freshStateIsEmptyAndReadingCreatesNothing(_ fixture: BackendFixture) throws {
        let subject = try fixture.make()
        defer { subject.cleanup() }
        let loaded = try subject.backend.load()
        #expect(loaded.states.isEmpty)
        #expect(loaded.problems.isEmpty)
        #expect(loaded.pendingApply == nil)
        #expect(try subject.backend.history() == [])
        #expect(!subject.backend.locksBeforePlanning)
        #expect(try subject.backend.load().states.isEmpty)
    }

    static func locationsNameTheTenantAndMapBack(_ fixture: BackendFixture) throws {
        let subject = try fixture.make()
        defer { subject.cleanup() }
        for tenant in ["acme", "acme-water", "a1"] {
            let location = subject.backend.location(ofTenant: tenant)
            #expect(location.contains(tenant))
            #expect(subject.backend.tenant(atLocation: location) == tenant)
        }
        #expect(subject.backend.tenant(atLocation: "tenants/acme.yaml") == nil)
    }

    static func aCommitIsReadBackByteIdenticalWithItsJournal(_ fixture: BackendFixture) throws {
        let subject = try fixture.make()
        defer { subject.cleanup() }
        let backend = subject.backend
        let lease = try backend.lock(tenants: ["acme"], timeout: 0, holder: holder)
        #expect(try lease.recover() == false)
        let result = try lease.commit(first)
        lease.release()
        #expect(result.written == [backend.location(ofTenant: "acme")])
        #expect(result.journalLines == 2)

        let loaded = try backend.load()
        let acme = try #require(loaded.states["acme"])
        #expect(acme.location == backend.location(ofTenant: "acme"))
        #expect(acme.document == ConformanceSample.document())
        #expect(acme.document.canonicalJSON() == ConformanceSample.document().canonicalJSON())
        let journal = try backend.history()
        #expect(
            journal == [
                #"{"action":"redeem","apply":"2026-11-29T00:00:00Z","at":"2026-11-29T00:00:00Z","code":"96D9-3718-59E5","seq":1,"tenant":"acme"}"#,
                #"{"action":"activate","apply":"2026-11-29T00:00:00Z","at":"2026-11-29T00:00:00Z","code":"96D9-3718-59E5","expiresAt":"2027-11-29T00:00:00Z","seq":2,"tenant":"acme"}"#,
            ])
        // A later apply replaces the document and appends to the journal.
        let next = try backend.lock(tenants: sampleTenants, timeout: 0, holder: holder)
        let again = try next.commit(second)
        next.release()
        #expect(again.written == ["acme", "beta", "gamma"].map(backend.location(ofTenant:)))
        #expect(try backend.load().states.mapValues(\.document.serial) == ["acme": 2, "beta": 1, "gamma": 1])
        #expect(try backend.history().count == 8)
    }

    static func aPlanWithoutChangesWritesNothing(_ fixture: BackendFixture) throws {
        let subject = try fixture.make()
        defer { subject.cleanup() }
        let lease = try subject.backend.lock(tenants: ["acme"], timeout: 0, holder: holder)
        let result = try lease.commit(ConformanceSample.plan([ConformanceSample.document()], changed: false))
        lease.release()
        #expect(result.written == [])
        #expect(result.journalLines == 0)
        #expect(try subject.backend.load().states.isEmpty)
        #expect(try subject.backend.history() == [])
    }

    static func aPlanWithErrorsIsRefusedAndWritesNothing(_ fixture: BackendFixture) throws {
        let subject = try fixture.make()
        defer { subject.cleanup() }
        var plan = first
        plan.diagnostics = [.error("a broken manifest")]
        let lease = try subject.backend.lock(tenants: ["acme"], timeout: 0, holder: holder)
        defer { lease.release() }
        #expect(throws: StateStoreError("the plan has errors; nothing was written")) { try lease.commit(plan) }
        #expect(try subject.backend.load().states.isEmpty)
    }

    static func aSecondLockerIsRefusedNamingTheHolderUntilTheLeaseEnds(_ fixture: BackendFixture) throws {
        let subject = try fixture.make()
        defer { subject.cleanup() }
        let backend = subject.backend
        let lease = try backend.lock(tenants: ["acme"], timeout: 0, holder: holder)
        #expect(lease.isHeld)
        let other = LockHolder(host: "ci-2", pid: 7, start: start)
        do {
            let second = try backend.lock(tenants: ["acme"], timeout: 0, holder: other)
            second.release()
            Issue.record("a second lock on the same tenant was granted")
        } catch {
            #expect(error.description.contains("locked by \(holder)"), "\(error)")
        }
        lease.release()
        #expect(!lease.isHeld)
        let after = try backend.lock(tenants: ["acme"], timeout: 0, holder: other)
        after.release()
    }

    static func anUnreadableDocumentIsOneProblemAtItsLocation(_ fixture: BackendFixture) throws {
        let subject = try fixture.make()
        defer { subject.cleanup() }
        for plan in [first, second] {
            let lease = try subject.backend.lock(tenants: sampleTenants, timeout: 0, holder: holder)
            _ = try lease.commit(plan)
            lease.release()
        }
        try subject.corrupt("beta")
        let loaded = try subject.backend.load()
        #expect(loaded.states.keys.sorted() == ["acme", "gamma"])
        #expect(loaded.problems.count == 1)
        #expect(loaded.problems.first?.severity == .error)
        #expect(loaded.problems.first?.location?.file == subject.backend.location(ofTenant: "beta"))
        #expect(
            loaded.problems.first.flatMap { $0.location.flatMap { subject.backend.tenant(atLocation: $0.file) } }
                == "beta")
    }

    /// A crash at every step of a commit: what is read afterwards is the old or the new state
    /// of each document, never a mix inside one; after recovery (and, if nothing was recorded,
    /// the same apply again) the state and journal equal an uninterrupted run's.
    static func aCrashAtAnyStepRecoversToTheUninterruptedResult(_ fixture: BackendFixture) throws {
        let reference = try fixture.make()
        defer { reference.cleanup() }
        for plan in [first, second] {
            let lease = try reference.backend.lock(tenants: sampleTenants, timeout: 0, holder: holder)
            _ = try lease.commit(plan)
            lease.release()
        }
        let expected = try reference.backend.load().states.mapValues(\.document)
        let expectedJournal = try reference.backend.history()

        for step in reference.crashSteps {
            let subject = try fixture.make()
            defer { subject.cleanup() }
            let setup = try subject.backend.lock(tenants: sampleTenants, timeout: 0, holder: holder)
            _ = try setup.commit(first)
            setup.release()
            let old = try subject.backend.load().states.mapValues(\.document)

            let crashing = subject.crashing(step)
            #expect(throws: StateStoreError.self, "\(fixture) \(step)") {
                let lease = try crashing.lock(tenants: sampleTenants, timeout: 0, holder: holder)
                defer { lease.release() }
                _ = try lease.commit(second)
            }

            let seen = try subject.backend.load()
            #expect(seen.problems.isEmpty, "\(step)")
            for (tenant, document) in seen.states {
                #expect(document.document == old[tenant] || document.document == expected[tenant], "\(step): \(tenant)")
            }
            let next = try subject.backend.lock(tenants: sampleTenants, timeout: 0, holder: holder)
            _ = try next.recover()
            if try next.load().states.mapValues(\.document) == old { _ = try next.commit(second) }
            next.release()
            #expect(try subject.backend.load().states.mapValues(\.document) == expected, "\(fixture) \(step)")
            #expect(try subject.backend.history() == expectedJournal, "\(fixture) \(step): each event once")
        }
    }

    /// The apply workflow over the backend: the summary line, a second apply with nothing to
    /// do, and a plan file made stale by an apply in between.
    static func applySessionAppliesOnceAndRefusesAStalePlanFile(_ fixture: BackendFixture) throws {
        let subject = try fixture.make()
        defer { subject.cleanup() }
        var options = SyntheticRepoOptions()
        options.tenants = 3
        options.routersPerTenant = 4
        options.codesPerTenant = 3
        let repo = try SyntheticRepoGenerator.write(options, into: subject.root)
        let workspace = Workspace(root: repo.root, backend: subject.backend)
        let at = options.at
        let planFile = repo.root + "/plan.json"
        try Data(PlanJSON.render(workspace.plan(at: at)).utf8).write(to: URL(fileURLWithPath: planFile))

        var reports = [String]()
        let callbacks = ApplySession.Callbacks(
            now: { at }, confirm: nil,
            report: { report in
                if case .complete(let summary) = report { reports.append(summary.line) }
            })
        let session = ApplySession(workspace: workspace, options: .init(at: at, holder: holder))
        let outcome = try session.run(callbacks)
        guard case .applied(let summary) = outcome else {
            Issue.record("expected an apply, got \(outcome)")
            return
        }
        #expect(summary.tenantsWritten == 3)
        #expect(summary.eventsJournaled == (try subject.backend.history().count))
        #expect(
            reports == ["Apply complete at \(at): 3 tenant(s) written, \(summary.eventsJournaled) event(s) journaled."])
        #expect(try session.run(callbacks) == .noChanges)

        let stale = ApplySession(
            workspace: workspace,
            options: .init(
                planFile: .init(shown: "plan.json", path: planFile), holder: holder))
        do {
            _ = try stale.run(callbacks)
            Issue.record("a stale plan file was applied")
        } catch {
            #expect(error.note == "Apply refused; nothing was written. Run plan again.")
            #expect(error.diagnostics.first?.message.hasPrefix("stale plan") == true, "\(error.diagnostics)")
        }
    }
}

/// This test run's holder of every lock.
let holder = LockHolder(host: "conformance", pid: 4242, start: ConformanceSample.start)

/// How to make a fresh, empty backend of one kind for each check.
public struct BackendFixture: Sendable, CustomStringConvertible {
    public var name: String
    public var make: @Sendable () throws -> BackendUnderTest

    public init(name: String, make: @escaping @Sendable () throws -> BackendUnderTest) {
        self.name = name
        self.make = make
    }

    public var description: String { name }
}

/// One fresh backend of a fixture.
public struct BackendUnderTest {
    /// A temporary folder for the check's repo (removed by ``cleanup``).
    public var root: String
    public var backend: any StateBackend
    /// The same state through a backend that stops after `step` of a lock or commit, as a
    /// crash there would, by throwing.
    public var crashing: (String) -> any StateBackend
    /// Every step of a commit after which a crash can happen.
    public var crashSteps: [String]
    /// Makes the stored document of a tenant unreadable.
    public var corrupt: (String) throws -> Void
    public var cleanup: () -> Void

    public init(
        root: String, backend: any StateBackend, crashing: @escaping (String) -> any StateBackend, crashSteps: [String],
        corrupt: @escaping (String) throws -> Void, cleanup: @escaping () -> Void
    ) {
        self.root = root
        self.backend = backend
        self.crashing = crashing
        self.crashSteps = crashSteps
        self.corrupt = corrupt
        self.cleanup = cleanup
    }
}
