import Foundation
import HorizonCore
import HorizonNetnsKit
import HorizonNode
import HorizonPathsLab

/// Two `PathNode`s behind NATs of the given kinds, coturn between them, signaling in process.
struct PathPair {
    let network: LinuxNATNetwork
    let a: PathNode
    let b: PathNode
    let started: MonotonicTime

    /// Builds the topology, starts both nodes, runs `body`, and removes everything.
    static func withPair<T>(_ natA: LinuxNATNetwork.NAT, _ natB: LinuxNATNetwork.NAT,
                            _ body: (PathPair) async throws -> T) async throws -> T {
        let network = try LinuxNATNetwork([natA, natB], prefix: "hznat4b")
        defer { network.remove() }
        let coturn = try NamespacedCoturn(in: network.publicSide, address: LinuxNATNetwork.publicAddress)
        defer { coturn.stop() }
        try await Task.sleep(for: .milliseconds(500))   // coturn's start-up
        let a = try PathNode(id: "node-a", index: 1, in: network.clients[0])
        let b = try PathNode(id: "node-b", index: 2, in: network.clients[1])
        let (toA, toB) = InProcessSignaling.pair(a.id, b.id)
        let started = MonotonicTime.now()
        try await a.start(signaling: toA, peers: [b], relays: [.namespacedCoturn])
        try await b.start(signaling: toB, peers: [a], relays: [.namespacedCoturn])
        let pair = PathPair(network: network, a: a, b: b, started: started)
        do {
            let result = try await body(pair)
            await a.stop()
            await b.stop()
            return result
        } catch {
            await a.stop()
            await b.stop()
            throw error
        }
    }

    struct NoPath: Error {}

    /// Seconds from start until both sides use a path and a ping crosses it (at most 20 s).
    func settle() async throws -> Double {
        while MonotonicTime.now() < started + .seconds(20) {
            let paths = [await a.path(to: b), await b.path(to: a)]
            if paths.allSatisfy({ $0 != nil && $0?.kind != PeerPath.Kind.connecting.rawValue }),
               (try? Command.run(["ip", "netns", "exec", a.namespace.name, "ping", "-c", "1", "-W", "1", b.overlayAddress])) != nil {
                return Double(MonotonicTime.now().since(started).totalNanoseconds) / 1e9
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw NoPath()
    }

    func kind() async -> String {
        let kinds = Set([await a.path(to: b)?.kind ?? "none", await b.path(to: a)?.kind ?? "none"])
        return kinds.sorted().joined(separator: "+")
    }

    /// iperf3 TCP from a to b over the tunnel, bits per second.
    func throughput(seconds: Int) throws -> Double {
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["ip", "netns", "exec", b.namespace.name, "iperf3", "-s", "-1", "-B", b.overlayAddress]
        server.standardOutput = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { server.terminate() } }
        usleep(300_000)
        let output = try Command.run(["ip", "netns", "exec", a.namespace.name, "iperf3", "-J", "-c", b.overlayAddress, "-t", "\(seconds)"])
        guard let json = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any],
              let end = json["end"] as? [String: Any], let received = end["sum_received"] as? [String: Any],
              let rate = received["bits_per_second"] as? Double else { throw NoPath() }
        return rate
    }
}
