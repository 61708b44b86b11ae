// swift-tools-version: 6.1
// Horizon: a self-hosted network gateway and peer-to-peer VPN.
// Layering (docs/ARCHITECTURE.md): data-plane targets never depend on Vapor or Fluent;
// Tests/ArchitectureTests checks that against this manifest.
import PackageDescription

// HORIZON_DATA_PLANE_ONLY=1 drops the broker (Vapor + Fluent) from the graph, so the
// data plane builds and tests in about a minute on its own. Use a separate scratch path
// for it (e.g. `--scratch-path .build-dataplane`) so the full build stays warm.
let dataPlaneOnly = Context.environment["HORIZON_DATA_PLANE_ONLY"] == "1"

let package = Package(
    name: "Horizon",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "horizon", targets: ["HorizonCLI"]),
        .executable(name: "horizon-wg", targets: ["HorizonWGCLI"]),
        .executable(name: "horizon-tunnel", targets: ["HorizonTunnelCLI"]),
        // Libraries exist for the Fuzz/ package, which links the parsers it exercises.
        .library(name: "HorizonCore", targets: ["HorizonCore"]),
        .library(name: "HorizonTUN", targets: ["HorizonTUN"]),
        .library(name: "HorizonCrypto", targets: ["HorizonCrypto"]),
        .library(name: "HorizonWireGuard", targets: ["HorizonWireGuard"]),
        .library(name: "HorizonDevice", targets: ["HorizonDevice"]),
        .library(name: "HorizonLAN", targets: ["HorizonLAN"]),
        .library(name: "HorizonNAT", targets: ["HorizonNAT"]),
        .library(name: "HorizonUDP", targets: ["HorizonUDP"]),
        .library(name: "HorizonDiscovery", targets: ["HorizonDiscovery"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        // The broker's API, generated from openapi.yaml for both ends (server in the broker,
        // client in the node), over async-http-client on the node's side.
        .package(url: "https://github.com/apple/swift-openapi-generator", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // The node agent's local API (HTTP on a Unix socket) and its HTTP client.
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.25.0"),
        // TLS for the node's signaling WebSocket to an https broker.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
    ],
    targets: [
        // Layer 0
        .systemLibrary(
            name: "CLibCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(name: "HorizonCore"),
        .target(name: "CHorizonLinux"),
        .target(name: "CHorizonChaCha20"),

        // Layer 1
        .target(
            name: "HorizonCrypto",
            dependencies: [
                "HorizonCore",
                "CLibCrypto",
                "CHorizonChaCha20",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "HorizonProtocol", dependencies: ["HorizonCore"]),

        // Layer 2
        .target(name: "HorizonWireGuard", dependencies: ["HorizonCore", "HorizonCrypto"]),
        .target(name: "HorizonTUN", dependencies: ["CHorizonLinux", "HorizonCore"]),
        .target(name: "HorizonUDP", dependencies: ["CHorizonLinux", "HorizonCore"]),
        // Microbenchmark of the packet-path crypto and the handshake; run by hand in release, never by tests.
        .executableTarget(name: "HorizonCryptoBench", dependencies: ["HorizonCore", "HorizonCrypto", "HorizonWireGuard"]),

        // Layer 3
        .target(name: "HorizonDevice", dependencies: ["HorizonCore", "HorizonCrypto", "HorizonWireGuard", "HorizonTUN", "HorizonUDP", "HorizonLAN"]),
        // STUN (RFC 8489) codec, responder, server and client; TURN attributes and ChannelData framing.
        .target(name: "HorizonNAT", dependencies: ["HorizonCore", "HorizonUDP", "CLibCrypto"]),

        // LAN emulation: the Ethernet switch each node runs for its virtual LANs (sans-IO).
        .target(name: "HorizonLAN", dependencies: ["HorizonCore"]),
        // DNS-SD over mDNS: the services members announce on a LAN (sans-IO).
        .target(name: "HorizonDiscovery", dependencies: ["HorizonCore"]),

        // `horizon tunnel` and `horizon-wg`: an interface host from a wg-quick file or for wg(8),
        // and the host's network changes. No Foundation, no NIO: these processes stay small.
        .target(name: "HorizonTunnel", dependencies: ["HorizonCore", "HorizonDevice"]),

        // Layer 4
        // The node's typed client of the broker API, generated from the same openapi.yaml.
        .target(
            name: "HorizonBrokerClient",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .target(
            name: "HorizonNode",
            dependencies: [
                "HorizonCore", "HorizonCrypto", "HorizonProtocol", "HorizonDevice", "HorizonTunnel", "HorizonBrokerClient", "HorizonNAT", "HorizonUDP", "HorizonLAN", "HorizonDiscovery",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // Path signaling with peers over the broker's WebSocket (Paths/).
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),

        // Layer 5: thin executables
        .executableTarget(
            name: "HorizonCLI",
            dependencies: [
                "HorizonCore", "HorizonCrypto", "HorizonNode", "HorizonDiscovery", "HorizonNAT", "HorizonUDP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // The wireguard-go drop-in: `horizon-wg [-f] INTERFACE`, driven by wg(8) and wg-quick(8).
        .executableTarget(
            name: "HorizonWGCLI",
            dependencies: [
                "HorizonCore", "HorizonDevice", "HorizonTunnel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // `horizon tunnel` execs this (see TunnelCommand): the tunnel process without the node
        // agent's Foundation, NIO and TLS, so an idle tunnel stays small.
        .executableTarget(name: "HorizonTunnelCLI", dependencies: ["HorizonCore", "HorizonDevice", "HorizonTunnel"]),

        // Test support and tests
        .target(name: "HorizonTestKit", dependencies: ["HorizonCore"]),
        .testTarget(name: "HorizonCoreTests", dependencies: ["HorizonCore"]),
        .testTarget(name: "HorizonCryptoTests", dependencies: ["HorizonCrypto", "HorizonCore"]),
        .testTarget(name: "HorizonWireGuardTests", dependencies: ["HorizonCore", "HorizonCrypto", "HorizonWireGuard", "HorizonTestKit"]),
        .testTarget(name: "HorizonLANTests", dependencies: ["HorizonLAN", "HorizonCore", "HorizonTestKit"]),
        .testTarget(name: "HorizonDiscoveryTests", dependencies: ["HorizonDiscovery", "HorizonCore"]),
        .testTarget(name: "HorizonNodeTests", dependencies: [
            "HorizonNode", "HorizonCore", "HorizonDevice", "HorizonBrokerClient", .product(name: "NIOHTTP1", package: "swift-nio"),
            // A WebSocket server standing in for the broker's signal socket (WebSocketSignalingTests).
            "HorizonNAT", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOWebSocket", package: "swift-nio"),
        ]),
        .testTarget(name: "HorizonDeviceLANTests", dependencies: ["HorizonDevice", "HorizonLAN", "HorizonCore", "HorizonTestKit"]),
        .testTarget(name: "HorizonDeviceTests", dependencies: ["HorizonDevice", "HorizonCore", "HorizonCrypto", "HorizonWireGuard", "HorizonNetnsKit", "HorizonTestKit"]),
        .testTarget(name: "ArchitectureTests"),
        // Root-only fixtures (network namespaces, a TUN-to-TUN relay) for the I/O tests and benchmark.
        .target(name: "HorizonNetnsKit", dependencies: ["HorizonCore", "HorizonTUN", "CHorizonLinux"]),
        .testTarget(name: "HorizonTUNTests", dependencies: ["HorizonTUN", "HorizonNetnsKit"]),
        .testTarget(name: "HorizonUDPTests", dependencies: ["HorizonUDP", "HorizonCore"]),
        .testTarget(name: "HorizonNATTests", dependencies: ["HorizonNAT", "HorizonUDP", "HorizonCore"]),
        // NAT traversal on a live device's WireGuard port (root, namespaces).
        // ... and PeerPaths (HorizonNode's path finding) between two devices behind those NATs.
        .testTarget(name: "HorizonNATDeviceTests", dependencies: [
            "HorizonNAT", "HorizonDevice", "HorizonUDP", "HorizonCore", "HorizonCrypto", "HorizonNetnsKit", "HorizonNode", "HorizonPathsLab",
        ]),
        // Root-only: nodes with PeerPaths in namespaces behind NATs, for those tests and HorizonNATBench.
        .target(name: "HorizonPathsLab", dependencies: [
            "HorizonNode", "HorizonDevice", "HorizonCore", "HorizonCrypto", "HorizonNetnsKit", "HorizonBrokerClient", "HorizonNAT", "HorizonUDP",
        ]),
        // Not a test: set-up time per NAT matrix cell and relayed vs direct throughput (bench/nat.sh).
        .executableTarget(name: "HorizonNATBench", dependencies: [
            "HorizonPathsLab", "HorizonNode", "HorizonNetnsKit", "HorizonCore", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "HorizonTunnelTests", dependencies: ["HorizonNode", "HorizonDevice", "HorizonCore", "HorizonNetnsKit"]),
        .testTarget(name: "HorizonUAPIServerTests", dependencies: ["HorizonDevice", "HorizonCore", "HorizonNetnsKit"]),
        // Not a test: prints TUN and UDP batching/offload throughput (see its --help).
        .executableTarget(name: "HorizonIOBench", dependencies: ["HorizonTUN", "HorizonUDP", "HorizonCore", "HorizonNetnsKit"]),
        // One WireGuard peer through a TURN relay, as a process (tests/integration/nat_*).
        .executableTarget(name: "HorizonTURNProxy", dependencies: [
            "HorizonNAT", "HorizonCore", "HorizonUDP", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Not a test: brings one Device up from a config file for iperf3 measurements (bench/).
        .executableTarget(name: "HorizonDeviceBench", dependencies: ["HorizonDevice", "HorizonCore"]),
        // Not a test: the receive loop's ChannelData unwrapping pass per datagram, next to an AEAD open.
        .executableTarget(name: "HorizonRelayUnwrapBench", dependencies: ["HorizonDevice", "HorizonUDP", "HorizonCrypto", "HorizonCore"]),
    ]
)

// The control plane: Vapor + Fluent live only below this line.
if !dataPlaneOnly {
    package.dependencies += [
        .package(url: "https://github.com/vapor/vapor", from: "4.110.0"),
        .package(url: "https://github.com/vapor/fluent", from: "4.12.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver", from: "4.8.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver", from: "2.10.0"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.30.0"),
        .package(url: "https://github.com/vapor/swift-openapi-vapor", from: "1.2.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // YAML → JSON for serving the OpenAPI document; the generator already depends on it.
        .package(url: "https://github.com/jpsim/Yams", "5.0.1"..<"7.0.0"),
    ]
    package.products += [
        .executable(name: "horizon-broker", targets: ["HorizonBrokerCLI"]),
    ]
    package.targets += [
        .target(
            name: "HorizonBroker",
            dependencies: [
                "HorizonCore", "HorizonProtocol",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIVapor", package: "swift-openapi-vapor"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Yams", package: "Yams"),
            ],
            // openapi.yaml is both the generator's input and the document served at /openapi.json.
            resources: [.copy("openapi.yaml")],
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .executableTarget(
            name: "HorizonBrokerCLI",
            dependencies: [
                "HorizonBroker", "HorizonCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Not a test: netmap fan-out load generator for bench/broker.sh (loopback only).
        .executableTarget(
            name: "HorizonBrokerBench",
            dependencies: [
                .product(name: "Vapor", package: "vapor"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "HorizonBrokerTests",
            dependencies: [
                "HorizonBroker", "HorizonCore", "HorizonProtocol", "HorizonBrokerClient",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
    ]
}
