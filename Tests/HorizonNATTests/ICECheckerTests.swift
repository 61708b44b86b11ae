import HorizonCore
import HorizonUDP
import Testing
@testable import HorizonNAT

/// Connectivity-check messages and rules, one checker at a time.
@Suite struct ICECheckerTests {
    let t0 = MonotonicTime(nanoseconds: 1_000_000_000_000)
    static let a = ICECredentials(ufrag: "aaaa", password: "password-of-a-0123456789")
    static let b = ICECredentials(ufrag: "bbbb", password: "password-of-b-0123456789")
    static let host = ICECandidate(kind: .host, address: UDPAddress(ip: IPAddress("192.0.2.1")!, port: 51820))
    static let remote = ICECandidate(kind: .host, address: UDPAddress(ip: IPAddress("192.0.2.2")!, port: 51820))

    @Test func prioritiesFollowRFC8445() {
        // The values browsers put in SDP for component 1 with the highest local preference.
        #expect(ICECandidate.priority(kind: .host, localPreference: 65535) == 2_130_706_431)
        #expect(ICECandidate.priority(kind: .serverReflexive, localPreference: 65535) == 1_694_498_815)
        #expect(ICECandidate.priority(kind: .relayed, localPreference: 65535) == 16_777_215)
        let pair = ICECandidatePair(local: ICECandidate(kind: .host, address: Self.host.address, priority: 10),
                                    remote: ICECandidate(kind: .host, address: Self.remote.address, priority: 20))
        #expect(pair.priority(controlling: true) == (10 << 32) + 40)
        #expect(pair.priority(controlling: false) == (10 << 32) + 40 + 1)
    }

    @Test func checksCarryShortTermCredentialsRoleAndPriority() throws {
        var checker = try ICEChecker(role: .controlling, tieBreaker: 42, local: Self.a, remote: Self.b,
                                     localCandidates: [Self.host], remoteCandidates: [Self.remote], now: t0)
        _ = checker.poll(now: t0)
        let sent = try #require(checker.takeOutgoing().first)
        #expect(sent.destination == Self.remote.address && sent.path == .direct)
        let check = try STUNReceivedMessage.parse(sent.bytes)
        #expect(check.message.type == .bindingRequest)
        #expect(check.message.username == "bbbb:aaaa")
        #expect(check.message.attributes.contains(.iceControlling(tieBreaker: 42)))
        #expect(check.message.attributes.contains(.priority(ICECandidate.priority(kind: .peerReflexive, localPreference: 65535))))
        #expect(check.verifyIntegrity(key: try .shortTerm(password: Self.b.password)))
        #expect(!check.verifyIntegrity(key: try .shortTerm(password: Self.a.password)))
        #expect(check.hasFingerprint)
    }

    @Test func answersAuthenticChecksAndTriggersOneBack() throws {
        var controlled = try ICEChecker(role: .controlled, tieBreaker: 1, local: Self.b, remote: Self.a,
                                        localCandidates: [Self.remote], now: t0)
        var controlling = try ICEChecker(role: .controlling, tieBreaker: 2, local: Self.a, remote: Self.b,
                                         localCandidates: [Self.host], remoteCandidates: [Self.remote], now: t0)
        _ = controlling.poll(now: t0)
        let check = try #require(controlling.takeOutgoing().first)
        // The controlled side did not know a's address: a peer-reflexive candidate.
        #expect(controlled.receive(check.bytes, from: Self.host.address, path: .direct, now: t0).isEmpty)
        let out = controlled.takeOutgoing()
        let response = try STUNReceivedMessage.parse(try #require(out.first).bytes)
        #expect(response.message.type == .bindingSuccess && response.message.reflexiveAddress == Self.host.address)
        #expect(controlled.remoteCandidates.map(\.kind) == [.peerReflexive])
        _ = controlled.poll(now: t0)
        let triggered = try #require(controlled.takeOutgoing().first)
        #expect(triggered.destination == Self.host.address)
        // A tampered check is ignored.
        var forged = check.bytes
        forged[forged.count - 13] ^= 1
        #expect(controlled.receive(forged, from: Self.host.address, path: .direct, now: t0).isEmpty)
        #expect(controlled.takeOutgoing().isEmpty)
    }

    @Test func roleConflictIsSettledByTheTieBreaker() throws {
        var small = try ICEChecker(role: .controlling, tieBreaker: 1, local: Self.b, remote: Self.a,
                                   localCandidates: [Self.remote], now: t0)
        var large = try ICEChecker(role: .controlling, tieBreaker: 2, local: Self.a, remote: Self.b,
                                   localCandidates: [Self.host], remoteCandidates: [Self.remote], now: t0)
        _ = large.poll(now: t0)
        let check = try #require(large.takeOutgoing().first)
        _ = small.receive(check.bytes, from: Self.host.address, path: .direct, now: t0)
        #expect(small.role == .controlled)
        var larger = try ICEChecker(role: .controlling, tieBreaker: 9, local: Self.b, remote: Self.a,
                                    localCandidates: [Self.remote], now: t0)
        _ = larger.receive(check.bytes, from: Self.host.address, path: .direct, now: t0)
        #expect(larger.role == .controlling)
        let answer = try STUNReceivedMessage.parse(try #require(larger.takeOutgoing().first).bytes)
        #expect(answer.message.errorCode?.code == 487)
        _ = large.receive(answer.message.encoded(integrity: try .shortTerm(password: Self.b.password)),
                          from: Self.remote.address, path: .direct, now: t0)
        #expect(large.role == .controlled)
    }

    @Test func reportsFailureWhenNothingAnswers() throws {
        var checker = try ICEChecker(role: .controlling, tieBreaker: 1, local: Self.a, remote: Self.b,
                                     localCandidates: [Self.host], remoteCandidates: [Self.remote], now: t0)
        var now = t0
        var events: [ICEEvent] = []
        for _ in 0..<100 where events.isEmpty {
            now = checker.nextDeadline ?? now
            events = checker.poll(now: now)
        }
        #expect(events == [.failed])
        #expect(now == t0 + checker.timing.retransmission.totalTime)
    }
}
