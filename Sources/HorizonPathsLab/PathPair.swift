import Foundation
import HorizonCore
import HorizonNetnsKit
import HorizonNAT
import HorizonNode
import HorizonUDP

/// Two `PathNode`s behind NATs of the given kinds (`LinuxNATNetwork`), coturn between them as
/// STUN server and relay, signaling in process: the NAT tests' and the benchmark's set-up.
public struct PathPair: Sendable {
    public let network: LinuxNATNetwork
    public let a: PathNode
    public let b: PathNode
    /// When both nodes were handed their peer.
    public let started: MonotonicTime

    /// Which TURN relay runs in the public namespace (both as `NamespacedCoturn` credentials).
    public enum Relay: Sendable {
        case coturn
        /// Horizon's own (`TURNRelayServer`, what `horizon relay` runs).
        case horizon
    }

    /// Builds the topology, starts both nodes, runs `body`, and removes everything, also
    /// when `body` throws.
    public static func with<T: Sendable>(_ natA: LinuxNATNetwork.NAT, _ natB: LinuxNATNetwork.NAT, prefix: String = "hznat4",
                                         relay: Relay = .coturn, options: PeerPaths.Options = PeerPaths.Options(),
                                         _ body: (PathPair) async throws -> T) async throws -> T {
        let network = try LinuxNATNetwork([natA, natB], prefix: prefix)
        defer { network.remove() }
        let stopRelay = try start(relay, in: network.publicSide)
        defer { stopRelay() }
        let a = try PathNode(id: "node-a", index: 1, in: network.clients[0])
        let b = try PathNode(id: "node-b", index: 2, in: network.clients[1])
        let (toA, toB) = InProcessSignaling.pair(a.id, b.id)
        let started = MonotonicTime.now()
        do {
            try await a.start(signaling: toA, peers: [b], relays: [.namespacedCoturn], options: options)
            try await b.start(signaling: toB, peers: [a], relays: [.namespacedCoturn], options: options)
            let result = try await body(PathPair(network: network, a: a, b: b, started: started))
            await a.stop()
            await b.stop()
            return result
        } catch {
            await a.stop()
            await b.stop()
            throw error
        }
    }

    private static func start(_ relay: Relay, in namespace: NetworkNamespace) throws -> @Sendable () -> Void {
        switch relay {
        case .coturn:
            let coturn = try NamespacedCoturn(in: namespace, address: LinuxNATNetwork.publicAddress)
            usleep(500_000)   // coturn's start-up
            return { coturn.stop() }
        case .horizon:
            // Started from the namespace's thread, so its threads (and the relayed sockets they
            // open) live there too.
            let server = try namespace.run {
                let server = try TURNRelayServer(
                    listen: UDPAddress(ip: IPAddress(LinuxNATNetwork.publicAddress)!, port: 3478),
                    configuration: TURNServerConfiguration(realm: "horizon.test", users: [NamespacedCoturn.username: NamespacedCoturn.password]))
                server.start()
                return server
            }
            return { server.stop() }
        }
    }

    /// Both sides' paths once neither is "connecting" (nil after `timeout`).
    public func paths(within timeout: Duration = .seconds(45), where accept: (PeerPath, PeerPath) -> Bool = { _, _ in true })
        async -> (PeerPath, PeerPath)? {
        let deadline = MonotonicTime.now() + timeout
        while MonotonicTime.now() < deadline {
            if let x = await a.path(to: b), let y = await b.path(to: a),
               x.kind != PeerPath.Kind.connecting.rawValue, y.kind != PeerPath.Kind.connecting.rawValue, accept(x, y) {
                return (x, y)
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// Seconds from start until both sides use a path and a ping crosses it; nil if not within 20 s.
    public func setUpTime() async -> Double? {
        let deadline = started + .seconds(20)
        while MonotonicTime.now() < deadline {
            if await paths(within: .milliseconds(1)) != nil,
               (try? Command.run(["ip", "netns", "exec", a.namespace.name, "ping", "-c", "1", "-W", "1", b.overlayAddress])) != nil {
                return Double(MonotonicTime.now().since(started).totalNanoseconds) / 1e9
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// "direct", "relay", or both joined with "+" when the sides disagree.
    public func kind() async -> String {
        let kinds = Set([await a.path(to: b)?.kind ?? "none", await b.path(to: a)?.kind ?? "none"])
        return kinds.sorted().joined(separator: "+")
    }

    /// iperf3 TCP from a to b over the tunnel, bits per second.
    public func throughput(seconds: Int) throws -> Double {
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["ip", "netns", "exec", b.namespace.name, "iperf3", "-s", "-1", "-B", b.overlayAddress]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { server.terminate() } }
        usleep(300_000)
        let output = try Command.run(["ip", "netns", "exec", a.namespace.name, "iperf3", "-J", "-c", b.overlayAddress, "-t", "\(seconds)"])
        guard let json = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any],
              let end = json["end"] as? [String: Any], let received = end["sum_received"] as? [String: Any],
              let rate = received["bits_per_second"] as? Double else { throw ThroughputError(output: output) }
        return rate
    }

    public struct ThroughputError: Error {
        public let output: String
    }
}
