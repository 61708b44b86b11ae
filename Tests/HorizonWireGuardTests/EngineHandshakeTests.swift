import HorizonTestKit
import HorizonCore
import HorizonCrypto
import HorizonTestKit
@testable import HorizonWireGuard
import Testing

/// Two engines completing handshakes and carrying data, on a manual clock.
@Suite struct EngineHandshakeTests {
    /// A packet without a session waits, an initiation goes out, the response completes
    /// the handshake, the waiting packet is delivered, and b answers under the new session.
    @Test func firstPacketTriggersHandshakeAndIsDelivered() {
        var link = EngineLink()
        let first = enginePayload(100, seed: 1)
        #expect(link.a.send(first, now: link.now).isEmpty, "staged: no session yet")
        #expect(link.a.status.stagedPackets == 1)
        link.tick()

        #expect(link.b.delivered == [first])
        #expect(link.a.status.hasSession && link.b.status.hasSession)
        #expect(link.a.status.stagedPackets == 0)
        #expect(link.a.engine.counters.initiationsSent == 1 && link.b.engine.counters.responsesSent == 1)
        #expect(link.a.engine.counters.handshakesCompleted == 1 && link.b.engine.counters.handshakesCompleted == 1)
        #expect(link.a.status.lastHandshake == link.now && link.b.status.lastHandshake == link.now)

        let reply = enginePayload(1400, seed: 2)
        link.send(reply, from: link.b)
        #expect(link.a.delivered == [reply])
        #expect(link.a.engine.counters.initiationsSent == 1 && link.b.engine.counters.initiationsSent == 0, "no second handshake")
    }

    @Test func responderInitiatesToo() {
        var link = EngineLink()
        link.send(enginePayload(60, seed: 3), from: link.b)
        #expect(link.a.delivered == [enginePayload(60, seed: 3)])
        #expect(link.b.engine.counters.initiationsSent == 1 && link.a.engine.counters.responsesSent == 1)
        link.send(enginePayload(70, seed: 4), from: link.a)
        #expect(link.b.delivered == [enginePayload(70, seed: 4)])
    }

    /// The responder may not send under a new session until the initiator has used it:
    /// until then its data is staged, and the initiator's first packet releases it.
    @Test func responderWaitsForConfirmation() throws {
        var link = EngineLink()
        _ = link.a.send(enginePayload(10, seed: 5), now: link.now)
        let initiation = try #require(link.a.engine.tick(now: link.now).first)
        let response = try #require(link.b.receive(initiation.bytes, from: link.a.address, now: link.now).first)
        #expect(!link.b.status.hasSession)
        #expect(link.b.send(enginePayload(20, seed: 6), now: link.now).isEmpty, "staged until confirmed")

        // a completes and sends its staged packet, which confirms b's session.
        let data = link.a.receive(response.bytes, from: link.b.address, now: link.now)
        #expect(data.count == 1 && data[0].bytes[0] == MessageType.transportData.rawValue)
        link.deliver(data, from: link.a)
        #expect(link.b.status.hasSession)
        link.tick()
        #expect(link.a.delivered == [enginePayload(20, seed: 6)], "b's staged packet left after confirmation")
    }

    /// With nothing staged, the initiator confirms the new session with a keepalive.
    @Test func initiatorConfirmsWithKeepaliveWhenNothingWaits() {
        var link = EngineLink()
        link.a.engine.setPersistentKeepalive(.seconds(25), for: link.a.peer)
        link.tick()
        #expect(link.b.keepalives >= 1)
        #expect(link.b.status.hasSession && link.a.status.hasSession)
        #expect(link.b.delivered.isEmpty)
    }

    /// Setting the same private key again keeps sessions; a new key ends them.
    @Test func privateKeyChangeEndsSessions() {
        var link = EngineLink()
        link.establish()
        #expect(link.a.engine.setPrivateKey(link.a.privateKey).isEmpty)
        #expect(link.a.status.hasSession)
        var rng = SplitMix64(seed: 99)
        link.a.engine.setPrivateKey(X25519.generatePrivateKey(using: &rng))
        #expect(!link.a.status.hasSession)
    }

    /// A peer whose key becomes our own is removed.
    @Test func peerWithOurOwnKeyIsRemoved() {
        let link = EngineLink()
        let removed = link.a.engine.setPrivateKey(link.b.privateKey)
        #expect(removed.map(\.publicKey) == [link.b.publicKey])
        #expect(link.a.engine.peers.isEmpty)
    }

    /// A removed peer's sessions stop receiving at once.
    @Test func removingPeerReleasesItsSessions() {
        var link = EngineLink()
        link.establish()
        let datagram = link.b.send(enginePayload(30, seed: 7), now: link.now)
        link.a.engine.removePeer(link.a.peer)
        link.deliver(datagram, from: link.b)
        #expect(link.a.delivered.isEmpty && link.a.noSession == 1)
    }
}
