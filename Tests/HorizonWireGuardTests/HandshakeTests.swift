import HorizonCore
import HorizonCrypto
@testable import HorizonWireGuard
import Testing
import HorizonTestKit

@Suite struct HandshakeTests {
    typealias F = HandshakeFixtures
    let t0 = MonotonicTime(nanoseconds: 1_000_000_000_000)

    /// Both directions: each side initiates once; keys pair up and indices cross.
    @Test func handshakeCompletesBothWays() throws {
        var (a, b) = F.pair()
        for (initiatorIsA, index) in [(true, UInt32(7)), (false, UInt32(9))] {
            let now = t0 + .seconds(Int64(index))
            let initiation = initiatorIsA ? a.initiate(localIndex: index, now: now) : b.initiate(localIndex: index, now: now)
            #expect(initiation.count == HandshakeInitiation.size)
            let (response, responderKeys) = try (initiatorIsA
                ? b.receiveInitiation(initiation, localIndex: index + 100, now: now)
                : a.receiveInitiation(initiation, localIndex: index + 100, now: now)).get()
            #expect(response.count == HandshakeResponse.size)
            let initiatorKeys = try (initiatorIsA ? a.receiveResponse(response, now: now) : b.receiveResponse(response, now: now)).get()

            #expect(initiatorKeys.isInitiator && !responderKeys.isInitiator)
            #expect(initiatorKeys.sendKey == responderKeys.receiveKey)
            #expect(initiatorKeys.receiveKey == responderKeys.sendKey)
            #expect(initiatorKeys.sendKey != initiatorKeys.receiveKey)
            #expect(initiatorKeys.localIndex == responderKeys.remoteIndex && initiatorKeys.localIndex == index)
            #expect(initiatorKeys.remoteIndex == responderKeys.localIndex && responderKeys.localIndex == index + 100)
        }
    }

    /// The derived keys actually carry traffic: a packet sealed with one side's send key
    /// opens with the other side's receive key.
    @Test func derivedKeysCarryTransportData() throws {
        var (a, b) = F.pair()
        let (response, responderKeys) = try b.receiveInitiation(a.initiate(localIndex: 1, now: t0), localIndex: 2, now: t0).get()
        let initiatorKeys = try a.receiveResponse(response, now: t0).get()
        let sender = ChaCha20Poly1305Context(key: initiatorKeys.sendKey)
        let receiver = ChaCha20Poly1305Context(key: responderKeys.receiveKey)
        var packet = Array("ping".utf8) + [UInt8](repeating: 0, count: 16)
        packet.withUnsafeMutableBytes { sender.seal(counter: 0, buffer: $0.baseAddress!, length: 4) }
        #expect(packet.withUnsafeMutableBytes { receiver.open(counter: 0, buffer: $0.baseAddress!, sealedLength: $0.count) })
        #expect(Array(packet.prefix(4)) == Array("ping".utf8))
    }

    @Test func presharedKeyIsMixedInAndMustMatch() throws {
        let psk = PresharedKey(raw: Bytes32(Array(repeating: 0x5A, count: 32))!)
        var (a, b) = F.pair(initiatorPSK: psk, responderPSK: psk)
        let (response, responderKeys) = try b.receiveInitiation(a.initiate(localIndex: 1, now: t0), localIndex: 2, now: t0).get()
        #expect(try a.receiveResponse(response, now: t0).get().sendKey == responderKeys.receiveKey)

        var (c, d) = F.pair(initiatorPSK: psk, responderPSK: PresharedKey(raw: .zero))
        let (mismatched, _) = try d.receiveInitiation(c.initiate(localIndex: 1, now: t0), localIndex: 2, now: t0).get()
        #expect(c.receiveResponse(mismatched, now: t0).failure == .handshake(.undecryptableResponse))
        // The failed response did not cancel the pending initiation.
        #expect(c.peer.pendingInitiationIndex == 1)
    }

    /// An initiation built for another responder's key fails mac1 before any DH work, and
    /// even with mac1 forged right its static key does not decrypt.
    @Test func initiationForAnotherPeerIsRefused() throws {
        var (a, _) = F.pair()
        var rng = SplitMix64(seed: 99)
        var stranger = F.Side(X25519.generatePrivateKey(using: &rng), peer: a.identity.publicKey)
        let initiation = a.initiate(localIndex: 1, now: t0)
        #expect(stranger.receiveInitiation(initiation, localIndex: 2, now: t0).failure == .invalidMAC1)

        var parsed = try #require(HandshakeInitiation(initiation))
        var strangerJar = CookieJar(remoteStatic: stranger.identity.publicKey)
        strangerJar.stamp(&parsed, now: t0)
        #expect(stranger.receiveInitiation(parsed.serialized(), localIndex: 2, now: t0).failure == .handshake(.undecryptableStatic))
    }

    /// A responder configured for a different peer than the one initiating refuses it.
    @Test func initiationFromUnexpectedPeerIsRefused() throws {
        let (_, b) = F.pair()
        var rng = SplitMix64(seed: 5)
        let other = X25519.generatePrivateKey(using: &rng)
        var impostor = F.Side(other, peer: b.identity.publicKey)
        let received = try b.identity.openInitiation(try #require(HandshakeInitiation(impostor.initiate(localIndex: 3, now: t0)))).get()
        #expect(received.initiatorStatic == other.publicKey)
        var peerOfB = b.peer
        #expect(peerOfB.respond(to: received, localIndex: 4, ephemeral: other, now: t0).failure == .wrongPeer)
    }

    @Test(arguments: [0, 4, 40, 100, 115, 116, 131])
    func tamperedInitiationIsRefused(byte: Int) {
        var (a, b) = F.pair()
        var initiation = a.initiate(localIndex: 1, now: t0)
        initiation[byte] ^= 0x01
        let result = b.receiveInitiation(initiation, localIndex: 2, now: t0)
        // Bytes 0-115 are under mac1, bytes 116-131 are mac1 itself; either way mac1 fails
        // (byte 0 also makes the type unknown).
        #expect(result.failure == .invalidMAC1)
    }

    /// mac2 is not checked when not under load, so a flipped mac2 bit is harmless then.
    @Test func tamperedMAC2IgnoredWhenNotUnderLoad() throws {
        var (a, b) = F.pair()
        var initiation = a.initiate(localIndex: 1, now: t0)
        initiation[140] ^= 0x01
        #expect(throws: Never.self) { try b.receiveInitiation(initiation, localIndex: 2, now: t0).get() }
    }

    @Test func replayedInitiationIsRefused() throws {
        var (a, b) = F.pair()
        let initiation = a.initiate(localIndex: 1, now: t0)
        _ = try b.receiveInitiation(initiation, localIndex: 2, now: t0).get()
        // The same bytes later (past the flood limit): the timestamp is not newer.
        #expect(b.receiveInitiation(initiation, localIndex: 3, now: t0 + .seconds(10)).failure == .handshake(.replayedTimestamp))
        // A fresh initiation with the same timestamp is refused too; an older one as well.
        let same = a.initiate(localIndex: 4, timestamp: F.timestamp, now: t0 + .seconds(10))
        #expect(b.receiveInitiation(same, localIndex: 5, now: t0 + .seconds(10)).failure == .handshake(.replayedTimestamp))
        let older = a.initiate(localIndex: 6, timestamp: TAI64N(unixSeconds: 1_699_999_999, nanoseconds: 0), now: t0 + .seconds(10))
        #expect(b.receiveInitiation(older, localIndex: 7, now: t0 + .seconds(10)).failure == .handshake(.replayedTimestamp))
        // A newer one is accepted.
        let newer = a.initiate(localIndex: 8, timestamp: TAI64N(unixSeconds: 1_700_000_001, nanoseconds: 0), now: t0 + .seconds(10))
        #expect(throws: Never.self) { try b.receiveInitiation(newer, localIndex: 9, now: t0 + .seconds(10)).get() }
    }

    /// Timestamps differing by less than the whitening granularity (2^24 ns) look equal.
    @Test func timestampsWithinWhiteningGranularityCountAsReplays() throws {
        var (a, b) = F.pair()
        let first = a.initiate(localIndex: 1, timestamp: TAI64N(unixSeconds: 1_700_000_000, nanoseconds: 0), now: t0)
        _ = try b.receiveInitiation(first, localIndex: 2, now: t0).get()
        let close = a.initiate(localIndex: 3, timestamp: TAI64N(unixSeconds: 1_700_000_000, nanoseconds: 16_000_000), now: t0 + .seconds(1))
        #expect(b.receiveInitiation(close, localIndex: 4, now: t0 + .seconds(1)).failure == .handshake(.replayedTimestamp))
    }

    @Test func initiationFloodIsRefused() throws {
        var (a, b) = F.pair()
        _ = try b.receiveInitiation(a.initiate(localIndex: 1, now: t0), localIndex: 2, now: t0).get()
        let quick = a.initiate(localIndex: 3, timestamp: TAI64N(unixSeconds: 1_700_000_001, nanoseconds: 0), now: t0)
        #expect(b.receiveInitiation(quick, localIndex: 4, now: t0 + .milliseconds(19)).failure == .handshake(.initiationFlood))
        // Refusal recorded nothing: the same message passes once the interval has elapsed.
        #expect(throws: Never.self) { try b.receiveInitiation(quick, localIndex: 4, now: t0 + .milliseconds(20)).get() }
    }

    @Test func responseMustAnswerThePendingInitiation() throws {
        var (a, b) = F.pair()
        let (response, _) = try b.receiveInitiation(a.initiate(localIndex: 1, now: t0), localIndex: 2, now: t0).get()
        var wrongIndex = try #require(HandshakeResponse(response))
        wrongIndex.receiverIndex = 77
        #expect(a.peer.consumeResponse(wrongIndex).failure == .unexpectedResponse)
        _ = try a.receiveResponse(response, now: t0).get()
        // Consumed once; a replay of it finds nothing pending.
        #expect(a.receiveResponse(response, now: t0).failure == .handshake(.unexpectedResponse))
    }

    @Test func abandonedInitiationRefusesLateResponse() throws {
        var (a, b) = F.pair()
        let (response, _) = try b.receiveInitiation(a.initiate(localIndex: 1, now: t0), localIndex: 2, now: t0).get()
        a.peer.abandonPendingInitiation()
        #expect(a.peer.pendingInitiationIndex == nil)
        #expect(a.receiveResponse(response, now: t0).failure == .handshake(.unexpectedResponse))
    }

    @Test func tamperedResponseIsRefused() throws {
        var (a, b) = F.pair()
        let (response, _) = try b.receiveInitiation(a.initiate(localIndex: 1, now: t0), localIndex: 2, now: t0).get()
        var forged = try #require(HandshakeResponse(response))
        forged.encryptedNothing = Bytes16(Array(repeating: 1, count: 16))!
        #expect(a.peer.consumeResponse(forged).failure == .undecryptableResponse)
        var badMAC = response
        badMAC[70] ^= 0x04
        #expect(a.receiveResponse(badMAC, now: t0).failure == .invalidMAC1)
    }

    @Test func lowOrderPeerKeyCannotHandshake() {
        var rng = SplitMix64(seed: 1)
        var side = F.Side(X25519.generatePrivateKey(using: &rng), peer: PublicKey(raw: .zero))
        let result = side.peer.createInitiation(localIndex: 1, ephemeral: X25519.generatePrivateKey(using: &rng), timestamp: F.timestamp, now: t0)
        #expect(result == .failure(.lowOrderKey))
    }

    @Test func transportKeysDescriptionHidesKeys() throws {
        var (a, b) = F.pair()
        let (_, keys) = try b.receiveInitiation(a.initiate(localIndex: 1, now: t0), localIndex: 2, now: t0).get()
        #expect(keys.description == "TransportKeys(local: 2, remote: 1, responder)")
    }
}
