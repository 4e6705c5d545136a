// swift-tools-version: 6.1
import PackageDescription

/// The static libraries of the Swift runtime and Foundation (Swift 6.3 on Linux), linked as one
/// group into release builds of `licensectl`. The system's libcurl (`notify --webhook`, module
/// CCurl; FoundationNetworking sits on it too) stays a shared library (`libcurl4`; linking it
/// needs `libcurl4-openssl-dev`).
let staticFoundationLibraries = [
    "FoundationNetworking", "_CFURLSessionInterface", "curl",
    "Foundation", "CoreFoundation", "FoundationInternationalization", "_FoundationICU", "FoundationEssentials",
    "_FoundationCShims", "_FoundationCollections", "swiftSynchronization", "swift_StringProcessing",
    "swift_RegexParser", "swiftDispatch", "dispatch", "BlocksRuntime", "swift_Concurrency", "swiftCore",
]

let package = Package(
    name: "licensectl",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "licensectl", targets: ["licensectl"]),
        .executable(name: "licensectl-bench", targets: ["licensectl-bench"]),
        .library(name: "LicenseKit", targets: ["LicenseKit"]),
    ],
    // The PostgreSQL state backend (SPEC §5.1) pulls in SwiftNIO and its TLS stack: a cold
    // debug build several times longer. It is a trait, off by default, so that a newcomer's
    // first `swift run licensectl plan` stays quick; tests and release builds pass
    // `--traits PostgreSQL`.
    traits: [
        .trait(
            name: "PostgreSQL", description: "The PostgreSQL state backend (postgres:// --state), over postgres-nio."),
        .default(enabledTraits: []),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // libcurl's easy interface for `notify --webhook`: curl_easy_perform waits in poll(2),
        // where URLSession on Linux woke every millisecond while a webhook did not answer.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(
            name: "LicenseKit",
            dependencies: [
                "CYAML",
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The PostgreSQL state backend; empty unless the `PostgreSQL` trait is enabled.
        .target(
            name: "LicenseKitPostgres",
            dependencies: [
                "LicenseKit",
                .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["PostgreSQL"])),
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["PostgreSQL"])),
            ]
        ),
        .executableTarget(
            name: "licensectl",
            dependencies: [
                "LicenseKit",
                "LicenseKitPostgres",
                "CCurl",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // Release builds on Linux carry the Swift runtime and Foundation inside the binary:
            // it runs on a CI runner without a Swift toolchain and starts ~10 ms sooner (no
            // dynamic linking of a dozen Swift libraries: a twentieth of a 1,000-tenant plan).
            // What `swift build --static-swift-stdlib` does, for this target only; static
            // Foundation's own dependencies are named because the other modules were compiled
            // against the shared toolchain, whose modules do not list them.
            linkerSettings: [
                .unsafeFlags(
                    ["-static-stdlib", "-Xlinker", "--start-group"]
                        + staticFoundationLibraries.flatMap { ["-Xlinker", "-l" + $0] }
                        + ["-Xlinker", "--end-group"],
                    .when(platforms: [.linux], configuration: .release))
            ]
        ),
        .executableTarget(
            name: "licensectl-bench",
            dependencies: [
                "LicenseKit",
                "CYAML",
                "TestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Synthetic license repos, the seeded generator and throwaway PostgreSQL clusters, shared
        // by the benchmark and the test targets (a regular library without `import Testing`, so
        // the tests need not depend on the bench executable, nor the bench link Testing).
        .target(name: "TestSupport", dependencies: ["LicenseKit"], path: "Tests/TestSupport"),
        // Golden-file comparison shared by the two test targets. A library of its own because it
        // imports Testing, which the benchmark executable must not link.
        .target(name: "GoldenFiles", path: "Tests/GoldenFiles"),
        // The state backend conformance checks, written against the StateBackend protocol only;
        // each backend's test target runs them on its own fixture (docs/architecture.md).
        .target(
            name: "StateBackendConformance", dependencies: ["LicenseKit", "TestSupport"],
            path: "Tests/StateBackendConformance"),
        .testTarget(
            name: "LicenseKitTests",
            dependencies: ["LicenseKit", "TestSupport", "GoldenFiles", "StateBackendConformance"],
            exclude: ["Plan/Golden", "Output/Golden"]
        ),
        // Swift Testing's part of the throwaway PostgreSQL clusters (a cluster per suite or on
        // demand); the cluster itself (initdb + pg_ctl on a Unix socket) is TestSupport's
        // ThrowawayPostgres, which the benchmark starts too.
        .target(name: "PostgresTestSupport", dependencies: ["TestSupport"], path: "Tests/PostgresTestSupport"),
        .testTarget(
            name: "LicenseKitPostgresTests",
            dependencies: ["LicenseKit", "LicenseKitPostgres", "PostgresTestSupport", "StateBackendConformance"],
            exclude: ["Fixtures"]
        ),
        // End-to-end tests of the built executable; those that are not about files run on both
        // state backends (a PostgreSQL cluster from PostgresTestSupport with the trait).
        .testTarget(
            name: "licensectlTests", dependencies: ["LicenseKit", "TestSupport", "GoldenFiles", "PostgresTestSupport"],
            exclude: ["ForecastGolden", "Golden", "Scripts"]),
    ],
    swiftLanguageModes: [.v6]
)
