// swift-tools-version: 6.1
// libFuzzer targets for Horizon's parsers, kept out of the root package so the normal build
// never needs the fuzzer runtime. Build and run with scripts/fuzz.
// A target is Sources/Fuzz<Name>/main.swift calling LLVMFuzzerRunDriver (see CLibFuzzer).
import PackageDescription

let package = Package(
    name: "HorizonFuzz",
    dependencies: [.package(name: "Horizon", path: "..")],
    targets: [
        .target(name: "CLibFuzzer"),
        .executableTarget(
            name: "FuzzCoreParsers",
            dependencies: ["CLibFuzzer", .product(name: "HorizonCore", package: "Horizon")]
        ),
        .executableTarget(
            name: "FuzzTUNOffload",
            dependencies: ["CLibFuzzer", .product(name: "HorizonTUN", package: "Horizon")]
        ),
        .executableTarget(
            name: "FuzzWireGuardMessages",
            dependencies: [
                "CLibFuzzer",
                .product(name: "HorizonCore", package: "Horizon"),
                .product(name: "HorizonCrypto", package: "Horizon"),
                .product(name: "HorizonWireGuard", package: "Horizon"),
            ]
        ),
        .executableTarget(
            name: "FuzzEngineReceive",
            dependencies: [
                "CLibFuzzer",
                .product(name: "HorizonCore", package: "Horizon"),
                .product(name: "HorizonCrypto", package: "Horizon"),
                .product(name: "HorizonWireGuard", package: "Horizon"),
            ]
        ),
        .executableTarget(
            name: "FuzzWireGuardConfig",
            dependencies: [
                "CLibFuzzer",
                .product(name: "HorizonDevice", package: "Horizon"),
                .product(name: "HorizonLAN", package: "Horizon"),
            ]
        ),
        .executableTarget(
            name: "FuzzDNSMessage",
            dependencies: [
                "CLibFuzzer",
                .product(name: "HorizonCore", package: "Horizon"),
                .product(name: "HorizonDiscovery", package: "Horizon"),
            ]
        ),
        .executableTarget(
            name: "FuzzLANSwitch",
            dependencies: [
                "CLibFuzzer",
                .product(name: "HorizonLAN", package: "Horizon"),
                .product(name: "HorizonCore", package: "Horizon"),
            ]
        ),
        .executableTarget(
            name: "FuzzRelayChannel",
            dependencies: [
                "CLibFuzzer",
                .product(name: "HorizonDevice", package: "Horizon"),
                .product(name: "HorizonUDP", package: "Horizon"),
            ]
        ),
        .executableTarget(
            name: "FuzzHorizonFrame",
            dependencies: [
                "CLibFuzzer",
                .product(name: "HorizonLAN", package: "Horizon"),
                .product(name: "HorizonCore", package: "Horizon"),
            ]
        ),
        .executableTarget(
            name: "FuzzUAPIRequest",
            dependencies: [
                "CLibFuzzer",
                .product(name: "HorizonDevice", package: "Horizon"),
                .product(name: "HorizonCore", package: "Horizon"),
            ]
        ),
        .executableTarget(
            name: "FuzzSTUN",
            dependencies: [
                "CLibFuzzer",
                .product(name: "HorizonNAT", package: "Horizon"),
                .product(name: "HorizonCore", package: "Horizon"),
            ]
        ),
        .executableTarget(
            name: "FuzzTURNClient",
            dependencies: [
                "CLibFuzzer",
                .product(name: "HorizonNAT", package: "Horizon"),
                .product(name: "HorizonCore", package: "Horizon"),
            ]
        ),
        .executableTarget(
            name: "FuzzTURNServer",
            dependencies: [
                "CLibFuzzer",
                .product(name: "HorizonNAT", package: "Horizon"),
                .product(name: "HorizonCore", package: "Horizon"),
            ]
        ),
        .executableTarget(
            name: "FuzzICEChecks",
            dependencies: [
                "CLibFuzzer",
                .product(name: "HorizonNAT", package: "Horizon"),
                .product(name: "HorizonCore", package: "Horizon"),
            ]
        ),
    ]
)
