import Foundation
import HorizonCore
import HorizonDevice
import HorizonNetnsKit
import Testing

/// Two Horizon devices in two namespaces, talking WireGuard over a veth: real kernel
/// traffic through the whole data path.
@Suite(.enabled(if: NetworkNamespace.isAvailable, "needs root and /dev/net/tun"), .serialized)
struct DeviceTunnelTests {
    @Test func echoBothWaysInsideIPv4AndIPv6OverIPv4() throws {
        let pair = try DevicePair()
        defer { pair.close() }
        try pair.echo(from: pair.a, to: pair.b, address: pair.b.tunnel4)
        try pair.echo(from: pair.b, to: pair.a, address: pair.a.tunnel4)
        try pair.echo(from: pair.a, to: pair.b, address: pair.b.tunnel6)
        try pair.echo(from: pair.b, to: pair.a, address: pair.a.tunnel6, size: 1300)

        let snapshot = pair.a.device.snapshot()
        let peer = try #require(snapshot.peers.first)
        #expect(snapshot.peers.count == 1 && peer.publicKey == pair.b.publicKey)
        #expect(snapshot.listenPort == DevicePair.port && snapshot.privateKey == pair.a.privateKey)
        #expect(peer.endpoint == Endpoint(address: IPAddress(pair.b.underlay4)!, port: DevicePair.port))
        let handshake = try #require(peer.lastHandshake)
        let now = Date().timeIntervalSince1970
        #expect(abs(Double(handshake.components.seconds) - now) < 60, "last handshake is a recent wall-clock time")
        #expect(peer.txBytes > 12 * 84 && peer.rxBytes > 12 * 84)
        #expect(Set(peer.allowedIPs) == [IPPrefix("10.78.0.2/32")!, IPPrefix("fd78::2/128")!])

        // Threads add their counts once a batch is done, which may be just after the echo returned.
        var counters = pair.a.device.counters
        for _ in 0..<100 where counters.txPackets < 12 || counters.rxPackets < 12 {
            usleep(10_000)
            counters = pair.a.device.counters
        }
        #expect(counters.rxPackets >= 12 && counters.txPackets >= 12)
        #expect(counters.droppedBadMAC == 0 && counters.droppedReplay == 0 && counters.droppedSourceNotAllowed == 0)
        #expect(counters.engine.handshakesCompleted >= 1)
    }
}

extension DeviceTunnelTests {
    /// A multi-megabyte TCP stream arrives intact: TSO splitting, sealing, GSO sends,
    /// GRO receives, opening and coalescing all carry real kernel TCP.
    @Test func tcpTransferArrivesIntact() throws {
        let pair = try DevicePair()
        defer { pair.close() }
        let payload = testPattern(8 << 20, seed: 42)
        let received = try pair.transferTCP(payload, from: pair.a, to: pair.b)
        #expect(received.count == payload.count)
        #expect(received == payload)
        let counters = pair.b.device.counters
        #expect(counters.rxBytes > UInt64(payload.count))
        #expect(counters.droppedBadMAC == 0 && counters.droppedInvalidPacket == 0)
    }

    @Test func tunnelOverIPv6Underlay() throws {
        let pair = try DevicePair(outerIPv6: true)
        defer { pair.close() }
        try pair.echo(from: pair.a, to: pair.b, address: pair.b.tunnel4)
        try pair.echo(from: pair.b, to: pair.a, address: pair.a.tunnel6, size: 1200)
        let endpoint = try #require(pair.a.device.snapshot().peers.first?.endpoint)
        #expect(endpoint == Endpoint(address: IPAddress(pair.b.underlay6)!, port: DevicePair.port))
    }

    /// a starts without b's endpoint, learns it from b's handshake, and follows b when b
    /// moves to another port.
    @Test func endpointRoamsToWhereThePeerWritesFrom() throws {
        let pair = try DevicePair(aKnowsB: false)
        defer { pair.close() }
        #expect(pair.a.device.snapshot().peers.first?.endpoint == nil)
        try pair.echo(from: pair.b, to: pair.a, address: pair.a.tunnel4)
        #expect(pair.a.device.snapshot().peers.first?.endpoint == Endpoint(address: IPAddress(pair.b.underlay4)!, port: DevicePair.port))

        try pair.apply([.listenPort(51999)], on: pair.b)
        #expect(pair.b.device.snapshot().listenPort == 51999)
        try pair.echo(from: pair.b, to: pair.a, address: pair.a.tunnel4)
        #expect(pair.a.device.snapshot().peers.first?.endpoint == Endpoint(address: IPAddress(pair.b.underlay4)!, port: 51999))
        try pair.echo(from: pair.a, to: pair.b, address: pair.b.tunnel6)
    }

    /// Deleting the interface stops the device, which says why.
    @Test func interfaceDeletionClosesTheDevice() throws {
        let pair = try DevicePair()
        defer { pair.close() }
        let device: Device = pair.a.device
        try pair.a.namespace.ip("link", "del", device.interfaceName)
        let reason = Reason()
        let done = DispatchSemaphore(value: 0)
        Thread {
            reason.value = device.waitUntilClosed()
            done.signal()
        }.start()
        #expect(done.wait(timeout: .now() + 5) == .success, "the device noticed within 5 s")
        #expect(reason.value == .interfaceDeleted)
    }

    /// Peers' traffic only flows while configured: removing the peer stops it, and a
    /// packet for a destination no peer owns is counted as unroutable.
    @Test func removedPeerNoLongerRoutes() throws {
        let pair = try DevicePair()
        defer { pair.close() }
        try pair.echo(from: pair.a, to: pair.b, address: pair.b.tunnel4)
        try pair.apply([.peer(pair.b.publicKey), .removePeer], on: pair.a)
        #expect(pair.a.device.snapshot().peers.isEmpty)
        #expect(throws: (any Error).self) { try pair.echo(from: pair.a, to: pair.b, address: pair.b.tunnel4, count: 1) }
        #expect(pair.a.device.counters.droppedNoRoute >= 1)
    }
}

private final class Reason: @unchecked Sendable {
    var value: DeviceCloseReason?
}

extension DeviceTunnelTests {
    /// The interface MTU raised at run time (beyond the underlay's 1500: the kernel
    /// fragments the outer datagrams) is followed: big packets and TCP still get through.
    @Test func followsAnMTUChangeToJumbo() throws {
        let pair = try DevicePair()
        defer { pair.close() }
        try pair.echo(from: pair.a, to: pair.b, address: pair.b.tunnel4)
        for side in [pair.a, pair.b] {
            try side.namespace.ip("link", "set", side.device.interfaceName, "mtu", "9000")
        }
        usleep(1_500_000)
        try pair.echo(from: pair.a, to: pair.b, address: pair.b.tunnel4, size: 8000)
        try pair.echo(from: pair.b, to: pair.a, address: pair.a.tunnel6, size: 8500)
        let payload = testPattern(2 << 20, seed: 9)
        #expect(try pair.transferTCP(payload, from: pair.a, to: pair.b) == payload)
    }
}

extension DeviceTunnelTests {
    /// Cryptokey routing on receive: an authenticated packet whose source is not among
    /// the sending peer's allowed IPs is dropped and counted.
    @Test func packetFromAnAddressThePeerDoesNotOwnIsDropped() throws {
        let pair = try DevicePair()
        defer { pair.close() }
        try pair.echo(from: pair.a, to: pair.b, address: pair.b.tunnel4)
        try pair.b.namespace.ip("addr", "add", "10.78.0.99/24", "dev", pair.b.device.interfaceName)
        let spoofer = try pair.b.namespace.run { try UDPEcho.socket(bindTo: "10.78.0.99", port: 0) }
        defer { close(spoofer) }
        #expect(throws: (any Error).self) { try UDPEcho.roundTrip(spoofer, [1, 2, 3], to: pair.a.tunnel4, port: 7) }
        #expect(pair.a.device.counters.droppedSourceNotAllowed >= 1)
    }
}
