import Foundation
import HorizonCore
import HorizonCrypto
import HorizonDevice
import HorizonNetnsKit
import Testing

private let wireguardGo = "/usr/bin/wireguard-go"
private let interopAvailable = NetworkNamespace.isAvailable
    && FileManager.default.isExecutableFile(atPath: wireguardGo) && FileManager.default.isExecutableFile(atPath: "/usr/bin/wg")

/// A Horizon device in one namespace and wireguard-go (configured with `wg`) in another:
/// the two implementations must handshake and carry traffic both ways.
@Suite(.enabled(if: interopAvailable, "needs root, wireguard-go and wg"), .serialized)
struct DeviceWireGuardGoTests {
    @Test func trafficBothWaysWithWireGuardGo() throws {
        let pair = try DevicePair(peerIsWireGuardGo: true)
        defer { pair.close() }
        try pair.echo(from: pair.a, to: pair.b, address: pair.b.tunnel4)
        try pair.echo(from: pair.b, to: pair.a, address: pair.a.tunnel6, size: 1300)
        let payload = testPattern(4 << 20, seed: 7)
        #expect(try pair.transferTCP(payload, from: pair.a, to: pair.b) == payload)
        #expect(try pair.transferTCP(payload, from: pair.b, to: pair.a, port: 5202) == payload)
        let peer = try #require(pair.a.device?.snapshot().peers.first)
        #expect(peer.lastHandshake != nil && peer.rxBytes > UInt64(payload.count))
        #expect(pair.a.device?.counters.droppedBadMAC == 0)
    }

    /// wireguard-go initiates (it knows our endpoint; we learn its endpoint from it).
    @Test func wireGuardGoInitiates() throws {
        let pair = try DevicePair(aKnowsB: false, peerIsWireGuardGo: true)
        defer { pair.close() }
        try pair.echo(from: pair.b, to: pair.a, address: pair.a.tunnel4)
        #expect(pair.a.device?.snapshot().peers.first?.endpoint == Endpoint(address: IPAddress(pair.b.underlay4)!, port: DevicePair.port))
    }
}
