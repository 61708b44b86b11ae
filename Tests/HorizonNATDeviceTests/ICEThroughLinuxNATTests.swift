import Foundation
import HorizonCore
import HorizonNAT
import HorizonNetnsKit
import HorizonUDP
import Testing

/// Connectivity checks on real devices' WireGuard ports through Linux NATs built with
/// iptables, coturn as STUN server and relay: the path chosen per pair of NATs, then a
/// WireGuard session over it (pings through the tunnel, through the relay when relayed).
@Suite(.serialized) struct ICEThroughLinuxNATTests {
    struct Cell: Sendable, CustomTestStringConvertible {
        let a: LinuxNATNetwork.NAT
        let b: LinuxNATNetwork.NAT
        let direct: Bool
        var testDescription: String { "\(a) <-> \(b): \(direct ? "direct" : "relayed")" }
    }

    static let available = NetworkNamespace.isAvailable && FileManager.default.isExecutableFile(atPath: "/usr/bin/turnserver")
        && FileManager.default.isExecutableFile(atPath: "/usr/sbin/iptables")

    @Test(.enabled(if: available, "needs root, /dev/net/tun, coturn and iptables"),
          arguments: [Cell(a: .masquerade, b: .masquerade, direct: true),
                      Cell(a: .none, b: .randomFully, direct: true),
                      Cell(a: .randomFully, b: .randomFully, direct: false)])
    func pathAndTunnel(cell: Cell) throws {
        let network = try LinuxNATNetwork([cell.a, cell.b])
        defer { network.remove() }
        let coturn = try NamespacedCoturn(in: network.publicSide, address: LinuxNATNetwork.publicAddress)
        defer { coturn.stop() }
        usleep(500_000)   // coturn's start-up
        let server = UDPAddress(ip: IPAddress(LinuxNATNetwork.publicAddress)!, port: 3478)
        let a = try NATClient(in: network.clients[0], hostIP: "10.0.1.2", server: server)
        defer { a.close() }
        let b = try NATClient(in: network.clients[1], hostIP: "10.0.2.2", server: server)
        defer { b.close() }
        try a.permit(b.candidates)
        try b.permit(a.candidates)

        let credentials = [ICECredentials.random(), ICECredentials.random()]
        let now = MonotonicTime.now()
        var checkers = [
            try ICEChecker(role: .controlling, tieBreaker: .random(in: 0...UInt64.max), local: credentials[0], remote: credentials[1],
                           localCandidates: a.candidates, remoteCandidates: b.candidates, now: now),
            try ICEChecker(role: .controlled, tieBreaker: .random(in: 0...UInt64.max), local: credentials[1], remote: credentials[0],
                           localCandidates: b.candidates, remoteCandidates: a.candidates, now: now),
        ]
        let clients = [a, b]
        // Bounded: checks settle within ~5 s; stop 1 s after both sides selected.
        let deadline = now + .seconds(12)
        var settledAt: MonotonicTime?
        while MonotonicTime.now() < deadline {
            let t = MonotonicTime.now()
            for i in 0..<2 { _ = clients[i].step(&checkers[i], now: t) }
            if settledAt == nil, checkers.allSatisfy({ $0.selectedPair != nil }) { settledAt = t }
            if let settledAt, t >= settledAt + .seconds(1) { break }
            usleep(5_000)
        }
        let pairA = try #require(checkers[0].selectedPair, "\(cell.testDescription): a selected nothing")
        let pairB = try #require(checkers[1].selectedPair, "\(cell.testDescription): b selected nothing")
        #expect(pairA.isDirect == cell.direct && pairB.isDirect == cell.direct, "a \(pairA), b \(pairB)")

        try a.useWireGuard(pairA, peer: b.key.publicKey, tunnel: "10.90.0.1", peerTunnel: "10.90.0.2")
        try b.useWireGuard(pairB, peer: a.key.publicKey, tunnel: "10.90.0.2", peerTunnel: "10.90.0.1")
        try Command.run(["ip", "netns", "exec", network.clients[0].name, "ping", "-c", "3", "-i", "0.2", "-W", "3", "10.90.0.2"])
        try Command.run(["ip", "netns", "exec", network.clients[1].name, "ping", "-c", "3", "-i", "0.2", "-W", "3", "10.90.0.1"])
        #expect((a.device.counters.rxPackets > 0) && (b.device.counters.rxPackets > 0))
        #expect(cell.direct || a.proxy.counters.toRelay + b.proxy.counters.toRelay > 0)
    }
}
