import HorizonTestKit
import HorizonCore
import HorizonCrypto
import HorizonTestKit
@testable import HorizonWireGuard
import Testing

/// Transport data: padding, replay, forgery, garbage, statistics.
@Suite struct EngineTransportTests {
    @Test func dataFlowsBothWaysAndIsCounted() {
        var link = EngineLink()
        link.establish()
        for i in 0..<20 {
            link.send(enginePayload(100 + i * 50, seed: UInt8(i)), from: i.isMultiple(of: 2) ? link.a : link.b)
        }
        #expect(link.b.delivered.count == 11 && link.a.delivered.count == 10)
        #expect(link.a.delivered[3] == enginePayload(100 + 7 * 50, seed: 7))
        let a = link.a.status, b = link.b.status
        #expect(a.txBytes == b.rxBytes && a.rxBytes == b.txBytes)
        #expect(a.txBytes > 0 && a.rxBytes > 0)
    }

    /// Plaintext is padded to 16 bytes, never past the MTU.
    @Test func paddingFollowsTheMTU() {
        #expect(TransportPadding.paddedLength(0, mtu: 1420) == 0)
        #expect(TransportPadding.paddedLength(1, mtu: 1420) == 16)
        #expect(TransportPadding.paddedLength(1409, mtu: 1420) == 1420)
        #expect(TransportPadding.paddedLength(1420, mtu: 1420) == 1420)
        #expect(TransportPadding.paddedLength(1500, mtu: 1420) == 1500)
        #expect(TransportPadding.paddedLength(17, mtu: 0) == 32)
        var link = EngineLink()
        link.establish()
        let datagram = link.a.send(enginePayload(33, seed: 1), now: link.now)
        #expect(datagram.first?.bytes.count == 16 + 48 + 16)
    }

    /// A replayed packet is dropped and counted; the original was delivered once.
    @Test func replayIsDropped() {
        var link = EngineLink()
        link.establish()
        let datagram = link.a.send(enginePayload(80, seed: 9), now: link.now)
        link.deliver(datagram, from: link.a)
        link.deliver(datagram, from: link.a)
        #expect(link.b.delivered.filter { $0 == enginePayload(80, seed: 9) }.count == 1)
        #expect(link.b.replayed == 1)
    }

    /// Packets that arrive out of order inside the window are all accepted.
    @Test func reorderingWithinTheWindowIsAccepted() {
        var link = EngineLink()
        link.establish()
        let sent = (0..<10).map { link.a.send(enginePayload(40, seed: UInt8($0)), now: link.now) }
        for datagram in sent.reversed() { link.deliver(datagram, from: link.a) }
        #expect(link.b.delivered.count == 11 && link.b.replayed == 0)
    }

    /// A flipped bit anywhere after the header fails authentication: dropped, counted,
    /// never answered, and the genuine packet still gets through afterwards.
    @Test func forgeryIsDroppedWithoutReply() throws {
        var link = EngineLink()
        link.establish()
        let datagram = try #require(link.a.send(enginePayload(200, seed: 4), now: link.now).first)
        for position in [16, 100, datagram.bytes.count - 1] {
            var forged = datagram.bytes
            forged[position] ^= 0x40
            #expect(link.b.receive(forged, from: link.a.address, now: link.now).isEmpty)
        }
        #expect(link.b.forged == 3)
        link.deliver([datagram], from: link.a)
        #expect(link.b.delivered.last == enginePayload(200, seed: 4), "a forgery did not advance the replay window")
    }

    /// Garbage of every kind is dropped without an answer: unknown indices, handshake-sized
    /// noise, a truncated initiation, an unknown message type.
    @Test func garbageGetsNoReply() throws {
        var link = EngineLink()
        link.establish()
        var rng = SplitMix64(seed: 5)
        var noise = (0..<148).map { _ in UInt8.random(in: 0...255, using: &rng) }
        noise[0] = 1; noise[1] = 0; noise[2] = 0; noise[3] = 0
        var unknownIndex = [UInt8](repeating: 0, count: 64)
        unknownIndex[0] = 4
        let inputs: [[UInt8]] = [noise, Array(noise.prefix(100)), unknownIndex, [9, 0, 0, 0] + Array(noise.prefix(60)), []]
        for input in inputs {
            #expect(link.b.receive(input, from: link.a.address, now: link.now).isEmpty)
        }
        #expect(link.b.noSession == 1)
        #expect(link.b.engine.counters.invalidHandshakeMessages == 4)
        #expect(link.b.engine.counters.responsesSent == 1, "nothing answered the garbage")
    }

    /// An initiation from a key the device does not know (valid mac1: the sender knows
    /// our public key) is refused and not answered.
    @Test func initiationFromUnknownPeerIsRefused() throws {
        let stranger = EngineNode(seed: 77, address: "192.0.2.9")
        let b = EngineNode(seed: 2, address: "192.0.2.2")
        stranger.know(b)
        _ = stranger.send(enginePayload(10, seed: 1), now: .zero)
        let initiation = try #require(stranger.engine.tick(now: .zero).first)
        #expect(b.receive(initiation.bytes, from: stranger.address, now: .zero).isEmpty)
        #expect(b.engine.counters.handshakeFailures == 1 && b.engine.counters.responsesSent == 0)
    }

    /// A replayed initiation (same timestamp) is refused: it cannot reset a session.
    @Test func replayedInitiationIsRefused() throws {
        var link = EngineLink()
        link.establish()
        let initiation = try #require(link.wire.first { $0.from === link.a }?.bytes)
        link.advance(.seconds(1))
        #expect(link.b.receive(initiation, from: link.a.address, now: link.now).isEmpty)
        #expect(link.b.engine.counters.handshakeFailures == 1)
    }

    /// The session limit: counters near REJECT_AFTER_MESSAGES are refused for sending.
    @Test func counterExhaustionStopsSending() throws {
        var link = EngineLink()
        link.establish()
        let index = try #require(link.a.peerSessionIndex)
        let keypair = try #require(link.a.engine.session(forIndex: index, now: link.now)?.keypair)
        var remaining = ProtocolConstants.rejectAfterMessages - keypair.sendCounter
        while remaining > 0 {
            let chunk = Int(min(remaining, UInt64(Int.max)))
            #expect(keypair.reserveCounters(chunk) != nil)
            remaining -= UInt64(chunk)
        }
        #expect(keypair.reserveCounters(1) == nil)
        #expect(keypair.reserveCounters(1) == nil)
        #expect(keypair.sendCounter == ProtocolConstants.rejectAfterMessages, "refusals do not move the counter")
        #expect(link.a.send(enginePayload(10, seed: 1), now: link.now).isEmpty, "staged: the session is used up")
    }
}

extension EngineNode {
    /// Our index of the current session with the peer.
    var peerSessionIndex: UInt32? {
        peer.state.withLock { $0.keypairs.current?.localIndex }
    }
}
