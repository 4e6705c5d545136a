import Foundation
import TestSupport
import Testing

/// A throwaway PostgreSQL cluster for tests: TestSupport's ``ThrowawayPostgres`` (the cluster
/// the benchmark starts too) with test durability (`fsync=off`), in a new folder under `/tmp`
/// (`PostgresCluster.start()`); ``stop()`` stops it and deletes the folder. What this target
/// adds is Swift Testing's part: a cluster per suite (``PostgresClusterTrait``) or on demand
/// (``LazyPostgresClusterTrait``), reached through ``suiteCluster()``.
public typealias PostgresCluster = ThrowawayPostgres

extension ThrowawayPostgres {
    /// The cluster of the running suite (set by the ``PostgresClusterTrait`` scope).
    @TaskLocal public static var current: ThrowawayPostgres?

    /// The cluster of a suite that starts one only when a test asks for it (set by the
    /// ``LazyPostgresClusterTrait`` scope).
    @TaskLocal public static var onDemand: OnDemandCluster?

    /// The running suite's cluster: ``current``, else the ``onDemand`` one (started now if
    /// needed).
    ///
    /// - Throws: ``ClusterError`` when the suite has no cluster trait or the cluster cannot
    ///   start.
    public static func suiteCluster() throws -> ThrowawayPostgres {
        if let current { return current }
        guard let onDemand else {
            throw ClusterError("the suite has no PostgreSQL cluster: add .postgresCluster or .postgresClusterOnDemand")
        }
        return try onDemand.cluster()
    }
}

/// Starts one ``PostgresCluster`` around a whole suite and stops it afterwards, also when a
/// test fails or throws: `@Suite(.postgresCluster)`; tests read ``PostgresCluster/current``.
public struct PostgresClusterTrait: SuiteTrait, TestScoping {
    public var isRecursive: Bool { false }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let cluster = try PostgresCluster.start()
        defer { cluster.stop() }
        try await PostgresCluster.$current.withValue(cluster) {
            try await function()
        }
    }
}

extension Trait where Self == PostgresClusterTrait {
    /// A throwaway PostgreSQL cluster for the suite (see ``PostgresCluster``).
    public static var postgresCluster: Self { PostgresClusterTrait() }
}

/// A cluster started by the first test that asks for it (``PostgresCluster/suiteCluster()``),
/// stopped when its suite ends.
public final class OnDemandCluster: @unchecked Sendable {
    private let lock = NSLock()
    private var started: Result<PostgresCluster, ClusterError>?

    /// The cluster, started on the first call (a failure to start is remembered and thrown
    /// again).
    public func cluster() throws -> PostgresCluster {
        try lock.withLock {
            if let started { return try started.get() }
            let result: Result<PostgresCluster, ClusterError>
            do {
                result = .success(try PostgresCluster.start())
            } catch let error as ClusterError {
                result = .failure(error)
            } catch {
                result = .failure(ClusterError("\(error)"))
            }
            started = result
            return try result.get()
        }
    }

    func stop() {
        if case .success(let cluster) = lock.withLock({ started }) { cluster.stop() }
    }
}

/// Around a suite whose tests run on several state backends: a ``PostgresCluster`` is started
/// only when one of its tests asks for it, and stopped when the suite ends.
public struct LazyPostgresClusterTrait: SuiteTrait, TestScoping {
    public var isRecursive: Bool { false }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let onDemand = OnDemandCluster()
        defer { onDemand.stop() }
        try await PostgresCluster.$onDemand.withValue(onDemand) {
            try await function()
        }
    }
}

extension Trait where Self == LazyPostgresClusterTrait {
    /// A throwaway PostgreSQL cluster for the suite, started by the first test that uses it.
    public static var postgresClusterOnDemand: Self { LazyPostgresClusterTrait() }
}
