// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "licensectl",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "licensectl", targets: ["licensectl"]),
        .executable(name: "licensectl-bench", targets: ["licensectl-bench"]),
        .library(name: "LicenseKit", targets: ["LicenseKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(
            name: "LicenseKit",
            dependencies: [
                "CYAML",
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "licensectl",
            dependencies: [
                "LicenseKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "licensectl-bench",
            dependencies: [
                "LicenseKit",
                "CYAML",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "LicenseKitTests",
            dependencies: ["LicenseKit", "licensectl-bench"],
            exclude: ["Plan/Golden", "Output/Golden"]
        ),
        .testTarget(name: "licensectlTests", dependencies: ["LicenseKit"], exclude: ["ForecastGolden", "Golden"]),
    ],
    swiftLanguageModes: [.v6]
)
