import Foundation
import HorizonCore
import HorizonNAT
import HorizonUDP
import Synchronization
import Testing

/// `TURNSession` against Debian's coturn on loopback (`CoturnProcess`): allocation with
/// long-term credentials, permission, data both ways as indications and over a channel,
/// refresh and release; a wrong password is reported as such.
@Suite struct TURNCoturnTests {
    /// Quick retransmissions: coturn takes ~0.5 s to start listening.
    static var timing: TURNClient.Timing {
        var timing = TURNClient.Timing()
        timing.retransmission = STUNRetransmission(initialRTO: .milliseconds(100), requestCount: 7, lastWaitMultiplier: 8)
        return timing
    }

    @Test(.enabled(if: CoturnProcess.executable != nil, "coturn is not installed (apt-get install coturn)"))
    func allocationDataRefreshRelease() throws {
        let coturn = try CoturnProcess(stunOnly: false)
        defer { coturn.stop() }
        let peer = try UDPPeer()
        let inbox = DataInbox()
        let session = try TURNSession(server: coturn.address, credentials: CoturnProcess.credentials,
                                      localAddress: CoturnProcess.loopback, timing: Self.timing) { inbox.put($0, $1) }
        defer { session.close() }

        let allocation = try session.allocate()
        #expect(allocation.relayed.ip == CoturnProcess.loopback && allocation.relayed != coturn.address)
        #expect(allocation.mapped == UDPAddress(ip: CoturnProcess.loopback, port: session.socket.port))
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
        #expect(TURNClient.clientChannels.contains(channel))
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

    @Test(.enabled(if: CoturnProcess.executable != nil, "coturn is not installed (apt-get install coturn)"))
    func wrongPasswordIsReported() throws {
        let coturn = try CoturnProcess(stunOnly: false)
        defer { coturn.stop() }
        let wrong = TURNCredentials(username: CoturnProcess.credentials.username, password: "wrong")
        let session = try TURNSession(server: coturn.address, credentials: wrong, localAddress: CoturnProcess.loopback,
                                      timing: Self.timing) { _, _ in }
        defer { session.close() }
        #expect(throws: TURNError.unauthorized(server: coturn.address, username: "horizon", realm: CoturnProcess.realm)) {
            try session.allocate()
        }
        let error = TURNError.unauthorized(server: coturn.address, username: "horizon", realm: CoturnProcess.realm)
        #expect(error.description.contains("check the TURN username and password"))
    }
}

/// Peers' data from the session's thread to the test's.
final class DataInbox: Sendable {
    private let items = Mutex<[(UDPAddress, [UInt8])]>([])
    private let arrived = DispatchSemaphore(value: 0)

    func put(_ source: UDPAddress, _ bytes: [UInt8]) {
        items.withLock { $0.append((source, bytes)) }
        arrived.signal()
    }

    func take(milliseconds: Int = 2000) -> (UDPAddress, [UInt8])? {
        guard arrived.wait(timeout: .now() + .milliseconds(milliseconds)) == .success else { return nil }
        return items.withLock { $0.removeFirst() }
    }
}
