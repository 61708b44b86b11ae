import Foundation
import HorizonCore
import HorizonNetnsKit
import HorizonNode
import HorizonPathsLab
import Testing

/// PeerPaths end to end: two nodes behind Linux NATs (iptables, built here), coturn in the
/// public namespace as STUN server and relay, signaling between them in process. Each cell
/// must settle on the path the NATs allow, and WireGuard must carry pings over it.
@Suite(.serialized) struct PeerPathsThroughLinuxNATTests {
    struct Cell: Sendable, CustomTestStringConvertible {
        let a: LinuxNATNetwork.NAT
        let b: LinuxNATNetwork.NAT
        /// Nil: either is right (endpoint-independent <-> symmetric may go direct only by luck).
        let expected: PeerPath.Kind?
        var testDescription: String { "\(a) <-> \(b): \(expected?.rawValue ?? "either")" }
    }

    static let available = NetworkNamespace.isAvailable && NamespacedCoturn.isInstalled
        && FileManager.default.isExecutableFile(atPath: "/usr/sbin/iptables")

    static let matrix: [Cell] = [
        Cell(a: .none, b: .none, expected: .direct),
        Cell(a: .none, b: .masquerade, expected: .direct),
        Cell(a: .none, b: .randomFully, expected: .direct),
        Cell(a: .masquerade, b: .masquerade, expected: .direct),
        Cell(a: .masquerade, b: .randomFully, expected: nil),
        Cell(a: .randomFully, b: .randomFully, expected: .relay),
    ]

    @Test(.enabled(if: available, "needs root, /dev/net/tun, coturn and iptables"), .timeLimit(.minutes(1)), arguments: matrix)
    func pathSettlesAndCarriesWireGuard(cell: Cell) async throws {
        let network = try LinuxNATNetwork([cell.a, cell.b], prefix: "hznat4")
        defer { network.remove() }
        let coturn = try NamespacedCoturn(in: network.publicSide, address: LinuxNATNetwork.publicAddress)
        defer { coturn.stop() }
        try await Task.sleep(for: .milliseconds(500))   // coturn's start-up
        let a = try PathNode(id: "node-a", index: 1, in: network.clients[0])
        let b = try PathNode(id: "node-b", index: 2, in: network.clients[1])
        let (toA, toB) = InProcessSignaling.pair(a.id, b.id)
        do {
            let started = MonotonicTime.now()
            try await a.start(signaling: toA, peers: [b], relays: [.namespacedCoturn])
            try await b.start(signaling: toB, peers: [a], relays: [.namespacedCoturn])
            var paths: [PeerPath?] = [nil, nil]
            while MonotonicTime.now() < started + .seconds(20) {
                paths = [await a.path(to: b), await b.path(to: a)]
                if paths.allSatisfy({ $0 != nil && $0?.kind != PeerPath.Kind.connecting.rawValue }) { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let settled = MonotonicTime.now().since(started)
            let (pathA, pathB) = (try #require(paths[0]), try #require(paths[1]))
            #expect(pathA.kind != "connecting" && pathB.kind != "connecting", "\(cell.testDescription): a \(pathA), b \(pathB)")
            if let expected = cell.expected {
                #expect(pathA.kind == expected.rawValue && pathB.kind == expected.rawValue, "a \(pathA), b \(pathB)")
            }
            print("\(cell.testDescription): a \(pathA.kind) \(pathA.endpoint ?? "-"), b \(pathB.kind) \(pathB.endpoint ?? "-"), settled in \(settled)")
            try a.ping(b)
            try b.ping(a)
        } catch {
            await a.stop()
            await b.stop()
            throw error
        }
        await a.stop()
        await b.stop()
    }
}
