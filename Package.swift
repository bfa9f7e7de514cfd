// swift-tools-version: 6.1
// snapferry: keeps encrypted Aurora clusters snapshotted, shared and restored
// across AWS accounts. Module map: see README.md ("Architecture").
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableExperimentalFeature("StrictConcurrency=complete"),
]

let package = Package(
    name: "snapferry",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "snapferry", targets: ["snapferry"]),
        .executable(name: "snapferry-sim", targets: ["snapferry-sim"]),
        .executable(name: "snapferry-bench", targets: ["snapferry-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        // Already in the graph through async-http-client; named for TLSConfiguration (AWS_CA_BUNDLE).
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        // The daemon: one service group with graceful shutdown and SIGHUP, and a real Prometheus client.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Pure core: cron, retention, names, durations, planner. Foundation only:
        // no sockets, no SQLite, no clock reads (`now` is always a parameter).
        .target(name: "SnapferryCore", swiftSettings: strict),
        // The fleet file: YAML model, located validation. Pure (no I/O but the caller's bytes).
        .target(
            name: "SnapferryConfig",
            dependencies: ["SnapferryCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict),
        // SigV4 signer: (request, credential, date) -> signed request. Crypto only.
        .target(
            name: "AWSSigV4",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        // AWS wire layer: transport, Query/XML and JSON 1.1 codecs, errors, retry, rate
        // limiting, credential providers, and the RDSAPI / STSAPI / KMSAPI protocols with live clients.
        .target(
            name: "AWSKit",
            dependencies: [
                "AWSSigV4", "SnapferryCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict),
        // The AWS simulator: the rules moto lacks (time, quotas, faults, cross-account), as an
        // actor world on an injected clock, with in-process RDSAPI/STSAPI/KMSAPI clients.
        .target(
            name: "AWSSimulator",
            dependencies: ["AWSKit", "AWSSigV4", "SnapferryCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict),
        // The simulator served over HTTP in AWS's wire formats (Query/XML, JSON 1.1) plus /_sim admin.
        .target(
            name: "SimServer",
            dependencies: ["AWSSimulator", "AWSKit", "AWSSigV4", "SnapferryCore",
                           .product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: strict),
        .executableTarget(
            name: "snapferry-sim",
            dependencies: ["SimServer", "AWSSimulator", "SnapferryCore",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict),
        // State on SQLite (GRDB over the system libsqlite3): journal, owned-snapshot inventory, audit.
        .target(
            name: "SnapferryStore",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        // The engine: fleet-wide AWS access, planner execution, journaling (grows with the issues).
        .target(
            name: "SnapferryEngine",
            dependencies: ["SnapferryCore", "SnapferryConfig", "AWSKit", "AWSSigV4", "SnapferryStore"],
            swiftSettings: strict),
        // sd_notify / sd_watchdog_enabled from the system libsystemd.
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        // The daemon: scheduler, systemd notification, state lock, metrics, HTTP (/metrics, /status, page), log formats.
        .target(
            name: "SnapferryDaemon",
            dependencies: [
                "SnapferryCore", "SnapferryConfig", "SnapferryEngine", "SnapferryStore", "AWSKit", "CSystemd",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict),
        // The benchmark: real engines and daemon scheduler against the in-process simulator on virtual
        // time, a naive strategy beside them, and the bounds they are measured against.
        .target(
            name: "SnapferryBench",
            dependencies: ["SnapferryCore", "SnapferryConfig", "SnapferryEngine", "SnapferryStore", "SnapferryDaemon",
                           "AWSKit", "AWSSigV4", "AWSSimulator", "SimServer", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .executableTarget(
            name: "snapferry-bench",
            dependencies: ["SnapferryBench", .product(name: "Logging", package: "swift-log"),
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict),
        .executableTarget(
            name: "snapferry",
            dependencies: [
                "SnapferryCore", "SnapferryConfig", "SnapferryEngine", "SnapferryStore", "AWSKit", "SnapferryDaemon",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        .testTarget(name: "SnapferryCoreTests", dependencies: ["SnapferryCore"],
                    resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(name: "SnapferryConfigTests", dependencies: ["SnapferryConfig", "SnapferryCore", .product(name: "Yams", package: "Yams")],
                    resources: [.copy("Fixtures")], swiftSettings: strict),
        // Test-only helpers: starting moto_server / snapferry-sim as bounded child processes.
        .target(name: "SnapferryTestSupport", dependencies: ["AWSKit", "AWSSigV4", "SnapferryCore", "AWSSimulator", "SnapferryEngine", "SnapferryConfig"],
                path: "Tests/SnapferryTestSupport", swiftSettings: strict),
        .testTarget(name: "AWSKitTests", dependencies: ["AWSKit", "SnapferryCore", "SnapferryTestSupport", "AWSSigV4",
                                                        .product(name: "Crypto", package: "swift-crypto"),
                                                        .product(name: "NIOCore", package: "swift-nio"),
                                                        .product(name: "NIOPosix", package: "swift-nio"),
                                                        .product(name: "NIOHTTP1", package: "swift-nio")],
                    swiftSettings: strict),
        .testTarget(name: "AWSSimulatorTests", dependencies: ["AWSSimulator", "AWSKit", "SnapferryCore"],
                    swiftSettings: strict),
        .testTarget(name: "SimServerTests", dependencies: ["SimServer", "AWSSimulator", "AWSKit", "AWSSigV4", "SnapferryCore",
                                                          .product(name: "Hummingbird", package: "hummingbird")],
                    swiftSettings: strict),
        // Runs the built `snapferry` binary as an operator would (exit codes, output, peers).
        .testTarget(name: "SnapferryCLITests", dependencies: ["SnapferryTestSupport"], swiftSettings: strict),
        .testTarget(name: "SnapferryEngineTests",
                    dependencies: ["SnapferryEngine", "SnapferryConfig", "SnapferryCore", "SnapferryStore", "AWSKit",
                                   "AWSSimulator", "SnapferryTestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "SnapferryDaemonTests",
                    dependencies: ["SnapferryDaemon", "SnapferryEngine", "SnapferryConfig", "SnapferryCore", "SnapferryStore",
                                   "AWSKit", "AWSSimulator", "SnapferryTestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "SnapferryBenchTests", dependencies: ["SnapferryBench", "AWSSimulator"], swiftSettings: strict),
        .testTarget(name: "SnapferryStoreTests", dependencies: ["SnapferryStore"], swiftSettings: strict),
        .testTarget(name: "AWSSigV4Tests", dependencies: ["AWSSigV4"],
                    resources: [.copy("Fixtures")], swiftSettings: strict),
    ]
)

