import HorizonCore
import HorizonCrypto
@testable import HorizonWireGuard
import Testing
import HorizonTestKit

@Suite struct HandshakeCookieTests {
    typealias F = HandshakeFixtures
    let t0 = MonotonicTime(nanoseconds: 1_000_000_000_000)

    /// Under load: initiation without mac2 → cookie reply → initiator stores the cookie →
    /// retransmission with mac2 is accepted → handshake completes.
    @Test func cookieFlowUnderLoadEndToEnd() throws {
        var (a, b) = F.pair()
        var rng = SplitMix64(seed: 3)
        let first = a.initiate(localIndex: 1, now: t0)
        #expect(b.receiveInitiation(first, localIndex: 2, now: t0, underLoad: true).failure == .cookieRequired)

        let reply = try #require(b.checker.makeCookieReply(to: first, source: F.source, now: t0, using: &rng))
        let wire = reply.serialized()
        #expect(wire.count == CookieReply.size)
        let parsed = try #require(CookieReply(wire))
        #expect(parsed.receiverIndex == 1)
        let accepted1 = a.peer.consumeCookieReply(parsed, now: t0 + .milliseconds(5))
        #expect(accepted1)

        let retry = a.initiate(localIndex: 3, timestamp: TAI64N(unixSeconds: 1_700_000_005, nanoseconds: 0), now: t0 + .seconds(5))
        #expect(!Array(retry.suffix(16)).allSatisfy { $0 == 0 }, "retransmission carries mac2")
        let (response, responderKeys) = try b.receiveInitiation(retry, localIndex: 4, now: t0 + .seconds(5), underLoad: true).get()
        #expect(try a.receiveResponse(response, now: t0 + .seconds(5)).get().sendKey == responderKeys.receiveKey)
    }

    /// A cookie is bound to the source address: the same mac2 from elsewhere is refused.
    @Test func cookieIsBoundToSourceAddress() throws {
        var (a, b) = F.pair()
        var rng = SplitMix64(seed: 4)
        let first = a.initiate(localIndex: 1, now: t0)
        let reply = try #require(b.checker.makeCookieReply(to: first, source: F.source, now: t0, using: &rng))
        let accepted2 = a.peer.consumeCookieReply(reply, now: t0)
        #expect(accepted2)
        let retry = a.initiate(localIndex: 3, timestamp: TAI64N(unixSeconds: 1_700_000_005, nanoseconds: 0), now: t0)
        #expect(b.checker.verify(retry, source: F.otherSource, underLoad: true, now: t0) == .cookieRequired)
        #expect(b.checker.verify(retry, source: F.source, underLoad: true, now: t0) == .accept)
    }

    /// The responder's secret lives COOKIE_REFRESH_TIME; after that old cookies stop working
    /// and the next reply carries a cookie from a new secret.
    @Test func secretRotatesAfterRefreshTime() throws {
        var (a, b) = F.pair()
        var rng = SplitMix64(seed: 5)
        let first = a.initiate(localIndex: 1, now: t0)
        let reply = try #require(b.checker.makeCookieReply(to: first, source: F.source, now: t0, using: &rng))
        let accepted3 = a.peer.consumeCookieReply(reply, now: t0)
        #expect(accepted3)
        let retry = a.initiate(localIndex: 2, now: t0 + .seconds(1))
        #expect(b.checker.verify(retry, source: F.source, underLoad: true, now: t0 + .seconds(119)) == .accept)
        #expect(b.checker.verify(retry, source: F.source, underLoad: true, now: t0 + .seconds(120)) == .cookieRequired)

        let fresh = try #require(b.checker.makeCookieReply(to: retry, source: F.source, now: t0 + .seconds(120), using: &rng))
        #expect(fresh.receiverIndex == 2)
        let accepted4 = a.peer.consumeCookieReply(fresh, now: t0 + .seconds(120))
        #expect(accepted4)
        let third = a.initiate(localIndex: 4, now: t0 + .seconds(121))
        #expect(b.checker.verify(third, source: F.source, underLoad: true, now: t0 + .seconds(121)) == .accept)
        // The earlier message's mac2 came from the old secret.
        #expect(b.checker.verify(retry, source: F.source, underLoad: true, now: t0 + .seconds(121)) == .cookieRequired)
    }

    /// The initiator stops using a cookie after COOKIE_REFRESH_TIME: mac2 goes back to zero.
    @Test func initiatorDropsStaleCookie() throws {
        var (a, b) = F.pair()
        var rng = SplitMix64(seed: 6)
        let reply = try #require(b.checker.makeCookieReply(to: a.initiate(localIndex: 1, now: t0), source: F.source, now: t0, using: &rng))
        let accepted5 = a.peer.consumeCookieReply(reply, now: t0)
        #expect(accepted5)
        #expect(!a.initiate(localIndex: 2, now: t0 + .seconds(119)).suffix(16).allSatisfy { $0 == 0 })
        #expect(a.initiate(localIndex: 3, now: t0 + .seconds(120)).suffix(16).allSatisfy { $0 == 0 })
    }

    /// A cookie reply must answer our latest message, and only once.
    @Test func cookieReplyIsBoundToOurLastMessage() throws {
        var (a, b) = F.pair()
        var rng = SplitMix64(seed: 7)
        let first = a.initiate(localIndex: 1, now: t0)
        let reply = try #require(b.checker.makeCookieReply(to: first, source: F.source, now: t0, using: &rng))
        _ = a.initiate(localIndex: 2, now: t0)   // a newer message: the reply's AAD (old mac1) no longer matches
        let accepted6 = a.peer.consumeCookieReply(reply, now: t0)
        #expect(!accepted6)

        let second = a.initiate(localIndex: 3, now: t0)
        let answer = try #require(b.checker.makeCookieReply(to: second, source: F.source, now: t0, using: &rng))
        var tampered = answer
        tampered.encryptedCookie[0] ^= 1
        let accepted7 = a.peer.consumeCookieReply(tampered, now: t0)
        #expect(!accepted7)
        let accepted8 = a.peer.consumeCookieReply(answer, now: t0)
        #expect(accepted8)
        let accepted9 = a.peer.consumeCookieReply(answer, now: t0)
        #expect(!accepted9, "replayed cookie reply")
    }

    /// Without load, mac1 alone decides; with load, a missing mac2 asks for a cookie, and
    /// non-handshake sizes are refused outright.
    @Test func verdictsFollowLoad() {
        var (a, b) = F.pair()
        let initiation = a.initiate(localIndex: 1, now: t0)
        #expect(b.checker.verify(initiation, source: F.source, underLoad: false, now: t0) == .accept)
        #expect(b.checker.verify(initiation, source: F.source, underLoad: true, now: t0) == .cookieRequired)
        #expect(b.checker.verify(Array(initiation.prefix(100)), source: F.source, underLoad: false, now: t0) == .invalidMAC1)
        var rng = SplitMix64(seed: 8)
        #expect(b.checker.makeCookieReply(to: Array(initiation.prefix(100)), source: F.source, now: t0, using: &rng) == nil)
    }

    /// Cookie source bytes: address then big-endian port, distinct per family.
    @Test func sourceBytesLayout() {
        #expect(F.source == [192, 0, 2, 1, 0xCA, 0x6C])
        let v6 = CookieChecker.sourceBytes(address: IPAddress("2001:db8::1")!, port: 1)
        #expect(v6.count == 18 && v6.prefix(2) == [0x20, 0x01] && v6.suffix(2) == [0, 1])
    }
}
