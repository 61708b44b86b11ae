import HorizonCore
import HorizonCrypto
import HorizonTestKit
@testable import HorizonWireGuard
import Testing

/// Cookies under load, and endpoints that follow the peer.
@Suite struct EngineCookieRoamingTests {
    /// Under load the responder answers a bare initiation with a cookie reply and does no
    /// Diffie-Hellman; the initiator's next initiation carries mac2 and is accepted.
    @Test func cookieUnderLoad() throws {
        let a = EngineNode(seed: 1, address: "192.0.2.1")
        let b = EngineNode(seed: 2, address: "192.0.2.2", loadThreshold: 4)
        a.know(b)
        b.know(a)
        var now = MonotonicTime(nanoseconds: 1_000_000_000_000)
        _ = a.send(enginePayload(10, seed: 1), now: now)
        let initiation = try #require(a.engine.tick(now: now).first)
        let underLoad = initiation.bytes.withUnsafeBytes {
            b.engine.receiveHandshake($0, from: a.address, backlog: 10, now: now)
        }
        let reply = try #require(underLoad.first)
        #expect(underLoad.count == 1 && reply.bytes.count == CookieReply.size && reply.endpoint == a.address)
        #expect(b.engine.counters.cookieRepliesSent == 1 && b.engine.counters.responsesSent == 0)

        #expect(a.receive(reply.bytes, from: b.address, now: now).isEmpty)
        #expect(a.engine.counters.cookieRepliesAccepted == 1)

        // Still under load (it lasts a second); the retransmission carries mac2.
        now = now + ProtocolConstants.rekeyTimeout / 10
        a.peer.state.withLock { $0.wantsInitiation = true }
        let retry = try #require(a.engine.tick(now: now).first { $0.bytes[0] == 1 })
        let answer = retry.bytes.withUnsafeBytes { b.engine.receiveHandshake($0, from: a.address, backlog: 0, now: now) }
        #expect(answer.count == 1 && answer[0].bytes.count == HandshakeResponse.size)
    }

    /// A cookie is bound to the sender's address: replayed from elsewhere it is useless.
    @Test func cookieIsBoundToTheSourceAddress() throws {
        let a = EngineNode(seed: 1, address: "192.0.2.1")
        let b = EngineNode(seed: 2, address: "192.0.2.2", loadThreshold: 1)
        a.know(b)
        b.know(a)
        let now = MonotonicTime(nanoseconds: 1_000_000_000_000)
        _ = a.send(enginePayload(10, seed: 1), now: now)
        let initiation = try #require(a.engine.tick(now: now).first)
        let reply = try #require(initiation.bytes.withUnsafeBytes { b.engine.receiveHandshake($0, from: a.address, backlog: 1, now: now) }.first)
        _ = a.receive(reply.bytes, from: b.address, now: now)
        a.peer.state.withLock { $0.wantsInitiation = true }
        let retry = try #require(a.engine.tick(now: now).first)
        let elsewhere = PeerEndpoint(address: IPAddress("198.51.100.7")!, port: 51820)
        let answer = retry.bytes.withUnsafeBytes { b.engine.receiveHandshake($0, from: elsewhere, backlog: 1, now: now) }
        #expect(answer.first?.bytes.count == CookieReply.size, "another address needs its own cookie")
    }

    /// The endpoint follows authenticated packets from a new address, remembering which
    /// of our addresses the peer wrote to; unauthenticated packets move nothing.
    @Test func endpointRoams() throws {
        var link = EngineLink(aKnowsB: false)
        #expect(link.a.status.endpoint == nil)
        #expect(link.a.send(enginePayload(10, seed: 1), now: link.now).isEmpty)
        link.send(enginePayload(10, seed: 2), from: link.b)
        let learned = try #require(link.a.status.endpoint)
        #expect(learned.address == link.b.address.address && learned.port == link.b.address.port)
        #expect(learned.localAddress == link.a.address.address && learned.localInterface == 3, "sticky source")

        // b moves; a forged packet from the new place does not move a's view.
        let moved = PeerEndpoint(address: IPAddress("203.0.113.5")!, port: 40000)
        var forged = try #require(link.b.send(enginePayload(10, seed: 3), now: link.now).first).bytes
        forged[20] ^= 1
        _ = link.a.receive(forged, from: moved, now: link.now)
        #expect(link.a.status.endpoint?.address == link.b.address.address)

        let genuine = try #require(link.b.send(enginePayload(10, seed: 4), now: link.now).first)
        link.b.address = moved
        _ = link.a.receive(genuine.bytes, from: moved, now: link.now)
        #expect(link.a.status.endpoint?.address == moved.address && link.a.status.endpoint?.port == 40000)
        let reply = try #require(link.a.send(enginePayload(10, seed: 5), now: link.now).first)
        #expect(reply.endpoint.address == moved.address && reply.endpoint.localAddress == link.a.address.address)
    }

    /// When the handshake is retried the remembered source address is cleared (a changed
    /// local route may be why nothing came back).
    @Test func retransmissionClearsStickySource() throws {
        var link = EngineLink()
        link.establish()
        #expect(link.a.status.endpoint?.localAddress != nil)
        link.blackhole = link.b
        link.advance(ProtocolConstants.rekeyAfterTime)
        _ = link.a.send(enginePayload(10, seed: 1), now: link.now)
        link.tick()
        link.advance(ProtocolConstants.rekeyTimeout + ProtocolConstants.rekeyTimeoutJitterMax)
        link.tick()
        #expect(link.a.status.endpoint?.localAddress == nil)
    }
}
