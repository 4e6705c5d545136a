import TestSupport  // SplitMix64, the seeded generator the benchmark uses
import Testing

@testable import LicenseKit

/// Properties over seeded, generated tenants (docs/rules.md §1 R8, §2 determinism, §4.7 replay invariance).
@Suite struct ReconcilerPropertyTests {
    static let seeds: [UInt64] = (0..<200).map { UInt64($0) &* 0x2545_F491_4F6C_DD1D &+ 1 }
    static let t0 = Fx.t("2025-12-31T06:00:00Z")

    /// A tenant whose activations are all future schedules at t0 (or immediate at t0), no renew.
    static func generate(_ seed: UInt64, name: String = "acme", codeBase: Int = 0) -> TenantManifest {
        var rng = SplitMix64(seed: seed)
        func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
        func instant(after base: Instant, days: ClosedRange<Int>) -> Instant {
            Instant(secondsSinceEpoch: base.secondsSinceEpoch + Int64(int(days)) * 86_400 + Int64(int(0...86_399)))
        }
        var licenses: [DesiredLicense] = []
        var n = codeBase
        let hasFree = int(0...2) == 0
        if hasFree {
            n += 1
            licenses.append(Fx.lic(n, .cloudFree, issued: "2025-06-01", activate: .immediately))
        }
        for _ in 0..<int(0...20) {
            n += 1
            let type: LicenseType = int(0...3) == 0 ? .cloudBasic25 : .cloudBasic1
            let issued = Fx.t("2025-06-01").addingDays(int(0...180)).dateString
            // With Cloud Free active at t0, paid licenses may only be scheduled later (R2).
            let activation: ActivationRequest? =
                switch int(0...4) {
                case 0: nil
                case 1: hasFree ? nil : .immediately
                default: .at(instant(after: t0, days: 1...400))
                }
            let term = [Term.oneYear, Term(months: 6), Term(months: 1, days: 15)][int(0...2)]
            licenses.append(Fx.lic(n, type, issued: issued, term: term, activate: activation))
        }
        let routers = (0..<int(0...40)).map { i -> DesiredRouter in
            let connected: Instant? = int(0...5) == 0 ? nil : instant(after: t0, days: -30...500)
            return DesiredRouter(serial: "\(name)-\(i)", connectedAt: connected, source: Fx.loc(300 + i))
        }
        return Fx.tenant(name, licenses, routers: routers)
    }

    struct Observed: Equatable {
        var code: ActivationCode
        var status: LicenseStatus
        var scheduledAt, activatedAt, expiresAt, invalidatedAt: Instant?
    }

    static func observed(_ plan: Plan) -> (licenses: [Observed], routers: [RouterRecord]) {
        let doc = Fx.tenantPlan(plan)?.newState
        let licenses = (doc?.licenses ?? []).map {
            Observed(
                code: $0.code, status: $0.status, scheduledAt: $0.scheduledAt, activatedAt: $0.activatedAt,
                expiresAt: $0.expiresAt, invalidatedAt: $0.invalidatedAt)
        }
        return (licenses, doc?.routers ?? [])
    }

    @Test(arguments: seeds)
    func r8_onlineCountIsMinOfCapacityAndConnected(seed: UInt64) {
        let manifest = Self.generate(seed)
        var rng = SplitMix64(seed: seed ^ 0xABCDEF)
        let first = Fx.apply(Fx.repo(manifest), at: Self.t0.description)
        let at = Self.t0.addingDays(Int.random(in: 0...600, using: &rng))
        let plan = Fx.apply(Fx.repo(manifest), first.states, at: at.description).plan
        guard let after = Fx.tenantPlan(plan)?.after else {
            Issue.record("no tenant")
            return
        }
        let connected = manifest.routers.filter { ($0.connectedAt.map { $0 <= at }) ?? false }.count
        #expect(after.online.count == min(after.capacity, connected))
        #expect(after.online.count + after.offline.count == manifest.routers.count)
    }

    @Test(arguments: seeds.prefix(50))
    func samePlanForSameInputsWhateverTheStateOrder(seed: UInt64) {
        let tenants = ["a", "b", "c", "d"].enumerated().map { i, name in
            Self.generate(seed &+ UInt64(i), name: name, codeBase: 100 * (i + 1))
        }
        let repo = LicenseRepo(tenants: tenants, inputsDigest: Fx.digest, diagnostics: [])
        let first = Fx.apply(repo, at: Self.t0.description)
        var reversed: [String: PriorState] = [:]
        for key in first.states.keys.sorted().reversed() { reversed[key] = first.states[key] }
        let at = Self.t0.addingDays(200)
        let a = Reconciler.plan(repo: repo, states: first.states, at: at)
        let b = Reconciler.plan(repo: repo, states: reversed, at: at)
        #expect(a == b)
    }

    @Test(arguments: seeds)
    func replayInvariance_applyAtT1ThenT2EqualsOnceAtT2(seed: UInt64) {
        let manifest = Self.generate(seed)
        var rng = SplitMix64(seed: seed ^ 0x5EED)
        let repo = Fx.repo(manifest)
        let start = Fx.apply(repo, at: Self.t0.description)
        let t1 = Instant(
            secondsSinceEpoch: Self.t0.secondsSinceEpoch + Int64.random(in: 1...(300 * 86_400), using: &rng))
        let t2 = Instant(secondsSinceEpoch: t1.secondsSinceEpoch + Int64.random(in: 0...(400 * 86_400), using: &rng))
        let viaT1 = Fx.apply(repo, start.states, at: t1.description)
        let twoSteps = Fx.apply(repo, viaT1.states, at: t2.description).plan
        let oneStep = Fx.apply(repo, start.states, at: t2.description).plan
        #expect(Fx.errors(twoSteps).isEmpty)
        #expect(Fx.errors(oneStep).isEmpty)
        let a = Self.observed(twoSteps)
        let b = Self.observed(oneStep)
        #expect(a.licenses == b.licenses)
        #expect(a.routers == b.routers)
        #expect(Fx.tenantPlan(twoSteps)?.after == Fx.tenantPlan(oneStep)?.after)
    }

    /// A tenant brought in from the platform (docs/rules.md §4.8): `scheduled` holds paid licenses
    /// scheduled at t0 (or left available), `full` adds the running licenses with their history —
    /// maybe a Cloud Free first (its `expires` sometimes the platform's own), then paid
    /// activations, all before t0, some inside the Free's validity, some already expired.
    static func generateAdopted(_ seed: UInt64) -> (scheduled: TenantManifest, full: TenantManifest) {
        var rng = SplitMix64(seed: seed ^ 0xAD0B7)
        func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
        func seconds() -> Int64 { Int64(int(0...86_399)) }
        var scheduled: [DesiredLicense] = []
        var n = 0
        for _ in 0..<int(0...4) {
            n += 1
            let activation: ActivationRequest? =
                int(0...2) == 0
                ? nil : .at(Instant(secondsSinceEpoch: t0.secondsSinceEpoch + Int64(int(1...400)) * 86_400 + seconds()))
            scheduled.append(
                Fx.lic(n, int(0...1) == 0 ? .cloudBasic1 : .cloudBasic25, issued: "2025-12-01", activate: activation))
        }
        var adopted: [DesiredLicense] = []
        func history(_ n: Int, _ type: LicenseType, activated: Instant, term: Term, expires: Instant?) -> DesiredLicense
        {
            let issued = activated.addingDays(-int(0...300))
            let issuedDay = Instant(secondsSinceEpoch: issued.secondsSinceEpoch - issued.secondsSinceEpoch % 86_400)
            let place = Fx.loc(10 + n, column: 18)
            return DesiredLicense(
                code: Fx.code(n), type: type, issued: issuedDay, term: term, source: Fx.loc(10 + n),
                activationSource: place,
                adopted: AdoptedHistory(activatedAt: activated, expiresAt: expires, source: place))
        }
        var earliest = Instant(secondsSinceEpoch: t0.secondsSinceEpoch - Int64(int(300...700)) * 86_400 + seconds())
        if int(0...1) == 0 {
            n += 1
            let expires: Instant? = int(0...2) == 0 ? earliest.addingDays(int(200...500)) : nil
            adopted.append(history(n, .cloudFree, activated: earliest, term: .oneYear, expires: expires))
            earliest = earliest.addingDays(1)
        }
        for _ in 0..<int(0...6) {
            n += 1
            let span = max(1, Int((t0.secondsSinceEpoch - earliest.secondsSinceEpoch) / 86_400) - 1)
            let activated = Instant(
                secondsSinceEpoch: earliest.secondsSinceEpoch + Int64(int(0...span)) * 86_400 + seconds())
            let term = [Term.oneYear, Term(years: 2), Term(months: 6)][int(0...2)]
            adopted.append(
                history(
                    n, int(0...1) == 0 ? .cloudBasic1 : .cloudBasic25, activated: min(activated, t0), term: term,
                    expires: nil))
        }
        let routers = (0..<int(0...30)).map { i -> DesiredRouter in
            let connected: Instant? =
                int(0...5) == 0
                ? nil : Instant(secondsSinceEpoch: t0.secondsSinceEpoch + Int64(int(-600...400)) * 86_400)
            return DesiredRouter(serial: "adopt-\(i)", connectedAt: connected, source: Fx.loc(300 + i))
        }
        return (
            Fx.tenant("acme", scheduled, routers: routers), Fx.tenant("acme", scheduled + adopted, routers: routers)
        )
    }

    /// docs/rules.md §4.7 extended to adoption (§4.8): adopting at t1 and applying again at t2 gives the
    /// same statuses, dates and admissions as adopting at t2.
    @Test(arguments: seeds)
    func replayInvariance_adoptAtT1ThenApplyAtT2EqualsAdoptingAtT2(seed: UInt64) {
        let tenant = Self.generateAdopted(seed)
        var rng = SplitMix64(seed: seed ^ 0xADD)
        let start = Fx.apply(Fx.repo(tenant.scheduled), at: Self.t0.description)
        let repo = Fx.repo(tenant.full)
        let t1 = Instant(
            secondsSinceEpoch: Self.t0.secondsSinceEpoch + Int64.random(in: 1...(300 * 86_400), using: &rng))
        let t2 = Instant(secondsSinceEpoch: t1.secondsSinceEpoch + Int64.random(in: 0...(400 * 86_400), using: &rng))
        let viaT1 = Fx.apply(repo, start.states, at: t1.description)
        let twoSteps = Fx.apply(repo, viaT1.states, at: t2.description).plan
        let oneStep = Fx.apply(repo, start.states, at: t2.description).plan
        #expect(Fx.errors(viaT1.plan).isEmpty)
        #expect(Fx.errors(twoSteps).isEmpty)
        #expect(Fx.errors(oneStep).isEmpty)
        let a = Self.observed(twoSteps)
        let b = Self.observed(oneStep)
        #expect(a.licenses == b.licenses)
        #expect(a.routers == b.routers)
        #expect(Fx.tenantPlan(twoSteps)?.after == Fx.tenantPlan(oneStep)?.after)
        #expect(Fx.tenantPlan(twoSteps)?.newState?.paidSince == Fx.tenantPlan(oneStep)?.newState?.paidSince)
    }
}
