// swift-tools-version: 6.1
// Switchboard: an omnichannel routing and work-distribution engine.
// Module ladder (design.md, "Code layout"): SwitchboardCore is the pure domain; Wire and
// ZeroMQ sit beside it; Messaging and Storage build on them; the process modules
// (Ingress, Router, Distributor, Presence) build on those and never on each other.
import PackageDescription

let package = Package(
    name: "Switchboard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "switchboard", targets: ["switchboard"]),
        .executable(name: "router", targets: ["router"]),
        .executable(name: "distributor", targets: ["distributor"]),
        .executable(name: "presence", targets: ["presence"]),
        .executable(name: "ingress-chat", targets: ["ingress-chat"]),
        .executable(name: "ingress-sms", targets: ["ingress-sms"]),
        .executable(name: "ingress-facebook", targets: ["ingress-facebook"]),
        .executable(name: "ingress-whatsapp", targets: ["ingress-whatsapp"]),
        .executable(name: "ingress-twitter", targets: ["ingress-twitter"]),
        .executable(name: "ingress-custom", targets: ["ingress-custom"]),
        .library(name: "SwitchboardCore", targets: ["SwitchboardCore"]),
        .library(name: "JSONText", targets: ["JSONText"]),  // for Benchmarks/
        .library(name: "Storage", targets: ["Storage"]),  // for Benchmarks/
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // Latency percentiles of `switchboard bench` (only the switchboard executable uses it).
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        // Starting child processes (ProcessSupervisor): Foundation's Process crashed in a
        // process with thousands of descriptors open (decisions §27).
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    ],
    targets: [
        // MARK: libraries, bottom rung first

        .systemLibrary(name: "CZeroMQ", path: "Sources/CZeroMQ"),
        .target(name: "ZeroMQ", dependencies: ["CZeroMQ"]),
        // Compact JSON text written by hand where JSONEncoder costs too much: agent frames
        // (presence, AgentClient) and the distributor's stored records.
        .target(name: "JSONText"),
        .target(
            name: "SwitchboardCore",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                // Pure data structures (no I/O): the distribution core's waiting lines and timers.
                .product(name: "HeapModule", package: "swift-collections"),
            ]
        ),
        .target(
            name: "Wire",
            dependencies: [
                "SwitchboardCore",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            exclude: ["Protos"]  // .proto sources; scripts/generate-protos.sh writes Generated/
        ),
        .target(
            name: "Messaging",
            dependencies: [
                "ZeroMQ", "Wire",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        .target(
            name: "Storage",
            dependencies: [
                "SwitchboardCore", "JSONText", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "ProcessRuntime",
            dependencies: [
                "SwitchboardCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),

        // A client of the agent protocol: the demo's simulated agents, benchmarks, tests.
        .target(
            name: "AgentClient",
            dependencies: [
                "JSONText",
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Test support shared by the test targets (not linked into any executable).
        .target(
            name: "SwitchboardTestSupport",
            dependencies: ["ZeroMQ", "ProcessRuntime", .product(name: "Metrics", package: "swift-metrics")]),

        // MARK: process modules (never import each other)

        .target(
            name: "Ingress",
            dependencies: processModuleDependencies + [
                "JSONText",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),  // the live chat widget's socket
            ]
        ),
        .target(name: "Router", dependencies: processModuleDependencies),
        .target(name: "Distributor", dependencies: processModuleDependencies),
        .target(
            name: "Presence",
            dependencies: processModuleDependencies + [
                "JSONText",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket")
            ]
        ),

        // `switchboard fuzz` and its test: feeds every adapter and every inter-process decoder
        // seeded random and mutated inputs. Drives the adapters in process through their real
        // routers (HummingbirdTesting's router mode) and the chat socket over loopback.
        .target(
            name: "Fuzzing",
            dependencies: [
                "SwitchboardCore", "Wire", "Storage", "Ingress", "Presence", "Router", "Distributor", "Messaging", "ZeroMQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            ]
        ),

        // MARK: executables (thin: parse arguments, load config, run services)

        .executableTarget(name: "router", dependencies: executableDependencies("Router")),
        .executableTarget(name: "distributor", dependencies: executableDependencies("Distributor")),
        .executableTarget(name: "presence", dependencies: executableDependencies("Presence")),
        .executableTarget(name: "ingress-chat", dependencies: executableDependencies("Ingress")),
        .executableTarget(name: "ingress-sms", dependencies: executableDependencies("Ingress")),
        .executableTarget(name: "ingress-facebook", dependencies: executableDependencies("Ingress")),
        .executableTarget(name: "ingress-whatsapp", dependencies: executableDependencies("Ingress")),
        .executableTarget(name: "ingress-twitter", dependencies: executableDependencies("Ingress")),
        .executableTarget(name: "ingress-custom", dependencies: executableDependencies("Ingress")),
        .executableTarget(
            name: "switchboard",
            dependencies: [
                "SwitchboardCore", "ProcessRuntime", "Ingress", "AgentClient", "Fuzzing",
                // bench: submits at the router's socket and the raw baseline pipeline
                "Wire", "ZeroMQ", "Messaging", "Storage",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                // bench: the agents' timed steps
                .product(name: "HeapModule", package: "swift-collections"),
                // chaos: the fake provider agent replies are sent to
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),

        // MARK: tests: one target per library, plus end-to-end tests of the executables

        .testTarget(name: "ZeroMQTests", dependencies: ["ZeroMQ", "SwitchboardTestSupport"]),
        .testTarget(name: "WireTests", dependencies: ["Wire", "SwitchboardCore", "Fuzzing"]),
        .testTarget(name: "SwitchboardCoreTests", dependencies: ["SwitchboardCore"]),
        .testTarget(name: "MessagingTests", dependencies: ["Messaging", "ZeroMQ", "Wire", "SwitchboardTestSupport"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "ZeroMQ", "SwitchboardTestSupport"]),
        .testTarget(
            name: "ProcessRuntimeTests",
            dependencies: [
                "ProcessRuntime", "SwitchboardTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .testTarget(
            name: "IngressTests",
            dependencies: [
                "Ingress", "SwitchboardTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(name: "RouterTests", dependencies: ["Router"]),
        .testTarget(name: "AgentClientTests", dependencies: ["AgentClient", "SwitchboardTestSupport"]),
        .testTarget(name: "JSONTextTests", dependencies: ["JSONText", "Fuzzing"]),
        .testTarget(name: "FuzzingTests", dependencies: ["Fuzzing", "Wire", "SwitchboardCore"]),
        .testTarget(
            name: "DistributorTests",
            dependencies: ["Distributor", "SwitchboardCore", "Storage", "Wire", "ZeroMQ", "Messaging", "SwitchboardTestSupport"]
        ),
        .testTarget(
            name: "PresenceTests",
            dependencies: [
                "Presence", "SwitchboardTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            ]
        ),
        // The `switchboard` command's pure parts (chaos's checks and kill plan).
        .testTarget(name: "SwitchboardCommandTests", dependencies: ["switchboard"]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "SwitchboardCore", "Ingress", "Wire", "SwitchboardTestSupport", "AgentClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),  // the browser test's DevTools socket
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

/// What every process module builds on: the rungs below it, plus the server libraries.
var processModuleDependencies: [Target.Dependency] {
    [
        "SwitchboardCore", "Wire", "ZeroMQ", "Messaging", "Storage", "ProcessRuntime",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Metrics", package: "swift-metrics"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "GRDB", package: "GRDB.swift"),
    ]
}

/// An executable imports its process module, the shared process runtime and argument parsing.
func executableDependencies(_ processModule: Target.Dependency) -> [Target.Dependency] {
    [processModule, "ProcessRuntime", .product(name: "ArgumentParser", package: "swift-argument-parser")]
}

// Release builds of our own modules use full cross-module optimization: the hot paths cross
// module boundaries on every message (Wire, Storage, ZeroMQ, the core), and letting the
// optimizer inline and specialize across them cut the system's CPU per conversation by about
// 7 % in `switchboard bench` (decisions §39). Tests and `scripts/run-local.sh` build debug,
// where the flag does nothing.
for target in package.targets where target.type != .system && target.type != .test {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
        .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
    ]
}
