import Foundation
import HorizonCore
import HorizonNAT
import HorizonUDP
import Testing

/// What a relay must do for `TURNSession`, run against coturn and against Horizon's own
/// relay: allocation with long-term credentials, permission, data both ways as indications
/// and over a channel, refresh and release.
enum TURNSessionScenario {
    static func run(server: UDPAddress, credentials: TURNCredentials, timing: TURNClient.Timing) throws {
        let loopback = IPAddress.v4(IPv4Address(127, 0, 0, 1))
        let peer = try UDPPeer()
        let inbox = DataInbox()
        let session = try TURNSession(server: server, credentials: credentials, localAddress: loopback, timing: timing) { inbox.put($0, $1) }
        defer { session.close() }

        let allocation = try session.allocate()
        #expect(allocation.relayed.ip == loopback && allocation.relayed != server)
        #expect(allocation.mapped == UDPAddress(ip: loopback, port: try #require(session.socket).port))
        #expect(allocation.lifetime > .zero)

        // Without a permission the relay drops the peer's data; with one it passes both ways
        // (Send and Data indications).
        peer.send([9, 9, 9], to: allocation.relayed)
        #expect(inbox.take(milliseconds: 300) == nil)
        try session.createPermission(for: peer.address.ip)
        #expect(session.send(Array("to the peer".utf8), to: peer.address))
        let atPeer = try #require(peer.receive())
        #expect(atPeer.source == allocation.relayed && atPeer.bytes == Array("to the peer".utf8))
        peer.send(Array("to the client".utf8), to: allocation.relayed)
        let atClient = try #require(inbox.take())
        #expect(atClient.0 == peer.address && atClient.1 == Array("to the client".utf8))

        // Over a channel (ChannelData both ways), a full-size WireGuard-like datagram.
        let channel = try session.bindChannel(to: peer.address)
        #expect(ChannelDataHeader.bindableChannels.contains(channel))
        let big = (0..<1452).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        session.send(big, to: peer.address)
        #expect(peer.receive()?.bytes == big)
        peer.send(big, to: allocation.relayed)
        #expect(inbox.take()?.1 == big)

        #expect(try session.refresh() > .zero)
        try session.release()
        #expect(session.allocation == nil)
        peer.send([1], to: allocation.relayed)
        #expect(inbox.take(milliseconds: 300) == nil)
    }
}
