import HorizonCore
import HorizonCrypto
import HorizonWireGuard
import Testing

/// The Swift handshake must produce, byte for byte, what the independent Python reference
/// (tests/vectors/wireguard_handshake.py) computes from the same fixed inputs.
@Suite struct HandshakeKnownAnswerTests {
    typealias V = HandshakeVectors
    let hex = HandshakeFixtures.hex
    let initiatorIdentity = StaticIdentity(privateKey: PrivateKey(raw: HandshakeFixtures.key32(V.initiatorStaticPrivate)))
    let responderIdentity = StaticIdentity(privateKey: PrivateKey(raw: HandshakeFixtures.key32(V.responderStaticPrivate)))
    let psk = PresharedKey(raw: HandshakeFixtures.key32(V.presharedKey))
    let start = MonotonicTime(nanoseconds: 1_000_000_000_000)

    @Test func initiationCookieReplyRetransmissionAndResponse() throws {
        var initiator = PeerHandshake(local: initiatorIdentity, remoteStatic: responderIdentity.publicKey, presharedKey: psk)
        var responder = PeerHandshake(local: responderIdentity, remoteStatic: initiatorIdentity.publicKey, presharedKey: psk)
        var checker = CookieChecker(localStatic: responderIdentity.publicKey)
        let source = hex(V.source)
        #expect(source == HandshakeFixtures.source)

        // 1. First initiation: no cookie yet, so mac2 is zero.
        let first = try initiator.createInitiation(
            localIndex: V.initiatorIndex1, ephemeral: PrivateKey(raw: HandshakeFixtures.key32(V.initiatorEphemeral1)),
            timestamp: TAI64N(unixSeconds: V.timestamp1.unixSeconds, nanoseconds: V.timestamp1.nanoseconds), now: start
        ).get().serialized()
        #expect(first == hex(V.initiation1))

        // 2. The responder is under load: cookie reply with fixed secret and nonce.
        #expect(checker.verify(first, source: source, underLoad: true, now: start) == .cookieRequired)
        var randomness = HandshakeFixtures.ReplayedRandom(hex(V.cookieRandomness))
        let reply = try #require(checker.makeCookieReply(to: first, source: source, now: start, using: &randomness))
        #expect(reply.serialized() == hex(V.cookieReply))

        // 3. The retransmission carries mac2 from that cookie and passes the loaded responder.
        let later = start + .seconds(5)
        #expect(initiator.consumeCookieReply(try #require(CookieReply(hex(V.cookieReply))), now: later))
        let second = try initiator.createInitiation(
            localIndex: V.initiatorIndex2, ephemeral: PrivateKey(raw: HandshakeFixtures.key32(V.initiatorEphemeral2)),
            timestamp: TAI64N(unixSeconds: V.timestamp2.unixSeconds, nanoseconds: V.timestamp2.nanoseconds), now: later
        ).get().serialized()
        #expect(second == hex(V.initiation2))
        #expect(checker.verify(second, source: source, underLoad: true, now: later) == .accept)

        // 4. The response, and keys matching the reference on both sides.
        let received = try responderIdentity.openInitiation(try #require(HandshakeInitiation(second))).get()
        #expect(received.initiatorStatic == initiatorIdentity.publicKey)
        let (response, responderKeys) = try responder.respond(
            to: received, localIndex: V.responderIndex,
            ephemeral: PrivateKey(raw: HandshakeFixtures.key32(V.responderEphemeral)), now: later
        ).get()
        #expect(response.serialized() == hex(V.response))
        let initiatorKeys = try initiator.consumeResponse(try #require(HandshakeResponse(hex(V.response)))).get()

        #expect(initiatorKeys.sendKey.bytes == hex(V.initiatorSendKey))
        #expect(initiatorKeys.receiveKey.bytes == hex(V.initiatorReceiveKey))
        #expect(responderKeys.sendKey == initiatorKeys.receiveKey && responderKeys.receiveKey == initiatorKeys.sendKey)
        #expect((initiatorKeys.localIndex, initiatorKeys.remoteIndex) == (V.initiatorIndex2, V.responderIndex))
        #expect((responderKeys.localIndex, responderKeys.remoteIndex) == (V.responderIndex, V.initiatorIndex2))
    }
}
