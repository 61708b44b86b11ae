import HorizonCore
import HorizonCrypto
import HorizonTestKit
@testable import HorizonWireGuard
import Testing

/// Timers through the engine: rekey, expiry and zeroing, retransmission, keepalives.
@Suite struct EngineTimerTests {
    /// After REKEY_AFTER_TIME the initiator's next send starts a new handshake; the new
    /// session takes over and packets sealed under the old one still open.
    @Test func rekeyAfterTime() throws {
        var link = EngineLink()
        link.establish()
        let oldIndex = try #require(link.a.peerSessionIndex)
        link.run(for: ProtocolConstants.rekeyAfterTime - .seconds(1))
        link.send(enginePayload(50, seed: 1), from: link.a)
        #expect(link.a.engine.counters.initiationsSent == 1, "not yet")

        link.advance(.seconds(1))
        let inFlight = link.a.send(enginePayload(51, seed: 2), now: link.now)
        link.tick()
        #expect(link.a.engine.counters.initiationsSent == 2)
        let newIndex = try #require(link.a.peerSessionIndex)
        #expect(newIndex != oldIndex)
        link.deliver(inFlight, from: link.a)
        #expect(link.b.delivered.last == enginePayload(51, seed: 2), "old session still receives")
        link.send(enginePayload(52, seed: 3), from: link.b)
        #expect(link.a.delivered.last == enginePayload(52, seed: 3))
    }

    /// A session is unusable after REJECT_AFTER_TIME and its keys are gone after three
    /// times that.
    @Test func expiryAndZeroing() throws {
        var link = EngineLink()
        link.establish()
        let index = try #require(link.a.peerSessionIndex)
        link.blackhole = link.b
        link.advance(ProtocolConstants.rejectAfterTime)
        #expect(link.a.engine.session(forIndex: index, now: link.now) == nil, "expired sessions do not receive")
        #expect(link.a.send(enginePayload(10, seed: 1), now: link.now).isEmpty, "nor send: staged")
        var guardSteps = 0
        while let deadline = link.a.engine.nextDeadline(), deadline <= link.now + ProtocolConstants.rejectAfterTime * 3, guardSteps < 200 {
            link.advance(max(.zero, deadline.since(link.now)))
            link.tick()
            guardSteps += 1
        }
        link.advance(ProtocolConstants.rejectAfterTime * 3)
        link.tick()
        #expect(link.a.peer.state.withLock { $0.keypairs.current == nil && $0.keypairs.previous == nil })
        #expect(link.a.engine.indices.withLock { $0.count } == 0, "no index left")
    }

    /// Without an answer, initiations repeat every REKEY_TIMEOUT plus jitter below 333 ms,
    /// then the attempt gives up after REKEY_ATTEMPT_TIME and the staged packets go.
    @Test func retransmitWithJitterThenGiveUp() {
        var link = EngineLink()
        link.blackhole = link.b
        _ = link.a.send(enginePayload(10, seed: 1), now: link.now)
        link.tick()
        var times: [Duration] = []
        let start = link.now
        var last = link.now
        for _ in 0..<40 {
            guard let deadline = link.a.engine.nextDeadline() else { break }
            link.advance(deadline.since(link.now))
            let before = link.a.engine.counters.initiationsSent
            link.tick()
            if link.a.engine.counters.initiationsSent > before {
                times.append(link.now.since(last))
                last = link.now
            }
            if link.a.status.stagedPackets == 0 { break }
        }
        #expect(times.count == PeerTimers.maxInitiationsPerAttempt - 1)
        #expect(times.allSatisfy { $0 >= ProtocolConstants.rekeyTimeout && $0 < ProtocolConstants.rekeyTimeout + ProtocolConstants.rekeyTimeoutJitterMax })
        #expect(Set(times).count > 1, "jitter varies")
        #expect(link.a.status.stagedPackets == 0, "gave up and dropped the staged packet")
        #expect(link.now.since(start) >= ProtocolConstants.rekeyAttemptTime - ProtocolConstants.rekeyTimeout)
        #expect(link.a.engine.counters.stagedDropped == 1)
    }

    /// Data received and nothing sent back for KEEPALIVE_TIMEOUT: a keepalive goes out.
    @Test func passiveKeepalive() throws {
        var link = EngineLink()
        link.establish()
        let keepalivesBefore = link.a.keepalives
        link.advance(.seconds(1))
        link.send(enginePayload(10, seed: 1), from: link.b)
        let deadline = try #require(link.a.engine.nextDeadline())
        #expect(deadline.since(link.now) <= ProtocolConstants.keepaliveTimeout)
        link.advance(ProtocolConstants.keepaliveTimeout)
        link.tick()
        #expect(link.b.keepalives >= 1)
        #expect(link.a.keepalives == keepalivesBefore)
    }

    /// Persistent keepalive keeps the path warm on its interval even when idle.
    @Test func persistentKeepalive() {
        var link = EngineLink()
        link.establish()
        link.b.engine.setPersistentKeepalive(.seconds(25), for: link.b.peer)
        link.tick()
        let first = link.a.keepalives
        #expect(first >= 1)
        link.advance(.seconds(25))
        link.tick()
        #expect(link.a.keepalives == first + 1)
        #expect(link.b.status.persistentKeepalive == .seconds(25))
    }

    /// Staging is bounded: past the limit packets are refused and counted.
    @Test func stagingIsBounded() {
        let link = EngineLink()
        link.a.engine.setEndpoint(link.b.address, for: link.a.peer)
        for i in 0..<(StagedPackets.maximumCount + 5) {
            _ = link.a.send(enginePayload(100, seed: UInt8(truncatingIfNeeded: i)), now: link.now)
        }
        #expect(link.a.status.stagedPackets == StagedPackets.maximumCount)
        #expect(link.a.engine.counters.stagedDropped == 5)
    }
}
