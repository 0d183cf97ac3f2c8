// swift-tools-version: 6.1
// Switchboard's benchmarks: a separate package so the main build and CI never fetch or build
// the benchmark package. Run from this directory with `swift package benchmark` (see README.md).
import PackageDescription

import struct Foundation.URL

/// SwiftPM names a path dependency after its directory, so the main package's identity is
/// whatever the checkout is called ("switchboard", "main", a worktree name...).
let switchboardPackage = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "SwitchboardBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        // The MallocInterposer trait makes the malloc metrics (mallocCountTotal) available.
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "RoutingBenchmarks",
            dependencies: [
                "RoutingFixture",
                .product(name: "SwitchboardCore", package: switchboardPackage),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/RoutingBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "DistributionBenchmarks",
            dependencies: [
                .product(name: "SwitchboardCore", package: switchboardPackage),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/DistributionBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "JSONBenchmarks",
            dependencies: [
                .product(name: "JSONText", package: switchboardPackage),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/JSONBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "StorageBenchmarks",
            dependencies: [
                .product(name: "Storage", package: switchboardPackage),
                .product(name: "SwitchboardCore", package: switchboardPackage),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/StorageBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .target(
            name: "RoutingFixture",
            dependencies: [.product(name: "SwitchboardCore", package: switchboardPackage)],
            path: "Benchmarks/RoutingFixture"
        ),
        .executableTarget(
            name: "RoutingProfile",
            dependencies: ["RoutingFixture", .product(name: "SwitchboardCore", package: switchboardPackage)],
            path: "Benchmarks/RoutingProfile"
        ),
    ],
    swiftLanguageModes: [.v6]
)
