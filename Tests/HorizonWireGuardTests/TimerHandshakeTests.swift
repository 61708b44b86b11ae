import HorizonWireGuard
import Testing

/// Handshake initiation, retransmission and giving up (paper §6.4).
@Suite struct TimerHandshakeTests {
    @Test func retransmitsEveryRekeyTimeoutPlusJitterThenGivesUp() {
        var h = TimerHarness(jitter: [.milliseconds(100)])
        h.initiated(at: .zero)
        var initiations: [Duration] = [.zero]
        var gaveUpAt: Duration?
        while gaveUpAt == nil, let (at, actions) = h.fireNext() {
            if actions == [.clearEndpointSource, .sendHandshakeInitiation] {
                initiations.append(at)
                h.initiated(at: at)
            } else {
                #expect(actions == .dropQueuedPackets)
                gaveUpAt = at
            }
        }
        // REKEY_ATTEMPT_TIME / REKEY_TIMEOUT = 18 initiations, 5.1 s apart with this jitter.
        #expect(PeerTimers.maxInitiationsPerAttempt == 18)
        #expect(initiations == (0..<18).map { .milliseconds(5100) * $0 })
        #expect(gaveUpAt == .milliseconds(5100) * 18)
        // What a half-done exchange left is erased REJECT_AFTER_TIME × 3 later.
        #expect(h.deadline == .milliseconds(5100) * 18 + .seconds(540))
        #expect(h.fireNext()?.actions == .zeroKeyMaterial)
        #expect(h.deadline == nil)
    }

    @Test func eachRetransmissionDrawsFreshJitterBelow333ms() {
        var h = TimerHarness(jitter: [.zero, .milliseconds(333) - .nanoseconds(1), .milliseconds(7)])
        h.initiated(at: .zero)
        #expect(h.deadline == .seconds(5))
        h.initiated(at: .seconds(5))
        #expect(h.deadline == .seconds(10) + .milliseconds(333) - .nanoseconds(1))
        h.initiated(at: .seconds(11))
        #expect(h.deadline == .seconds(16) + .milliseconds(7))
        #expect(h.jitterLog.bounds == [.milliseconds(333)] * 3)
    }

    @Test func completionStopsRetransmission() {
        var h = TimerHarness()
        h.initiated(at: .zero)
        h.advance(to: .seconds(1))
        h.timers.handshakeCompleted()
        #expect(h.deadline == nil)
        #expect(h.tick(at: .seconds(6)) == [])
    }

    @Test func completionRestartsTheAttemptCount() {
        var h = TimerHarness()
        for i in 0..<17 { h.initiated(at: .seconds(5) * i) }
        h.timers.handshakeCompleted()
        h.initiated(at: .seconds(100))
        // A fresh attempt: 17 more retransmissions before giving up.
        var retransmissions = 0
        while let (at, actions) = h.fireNext(), actions.contains(.sendHandshakeInitiation) {
            retransmissions += 1
            h.initiated(at: at)
        }
        #expect(retransmissions == 17)
    }

    @Test func sessionNeededAsksForAnInitiationAtMostOncePerRekeyTimeout() {
        var h = TimerHarness()
        #expect(h.sessionNeeded(at: .zero) == .sendHandshakeInitiation)
        h.initiated(at: .zero)
        #expect(h.sessionNeeded(at: .seconds(4)) == [])
        #expect(h.sessionNeeded(at: .seconds(5) - .nanoseconds(1)) == [])
        #expect(h.sessionNeeded(at: .seconds(5)) == .sendHandshakeInitiation)
    }

    /// Data still waiting restarts the attempt, so a peer keeps trying while it has
    /// something to send and gives up REKEY_ATTEMPT_TIME after the last such packet.
    @Test func newDataKeepsTheAttemptAlive() {
        var h = TimerHarness()
        h.initiated(at: .zero)
        var initiations = 1
        var lastAt: Duration = .zero
        while let (at, actions) = h.fireNext(), actions.contains(.sendHandshakeInitiation) {
            initiations += 1
            h.initiated(at: at)
            lastAt = at
            if initiations == 10 {
                // Rate-limited (one just went out) but it still restarts the count.
                #expect(h.sessionNeeded(at: at + .seconds(1)) == [])
            }
        }
        #expect(initiations == 10 + 18)
        #expect(lastAt == .seconds(5) * 27)
    }

    @Test func givingUpKeepsAnEarlierZeroingDeadline() {
        var h = TimerHarness()
        h.sessionDerived(at: .zero, isInitiator: true)
        for i in 0..<18 { h.initiated(at: .seconds(400) + .seconds(5) * i) }
        #expect(h.fireNext()! == (.seconds(490), .dropQueuedPackets))
        #expect(h.fireNext()! == (.seconds(540), .zeroKeyMaterial))
    }

    @Test func givingUpCancelsAPendingPassiveKeepalive() {
        var h = TimerHarness()
        for i in 0..<18 { h.initiated(at: .seconds(5) * i) }
        #expect(h.dataReceived(at: .seconds(89)) == [])
        #expect(h.tick(at: .seconds(90)) == .dropQueuedPackets)
        #expect(h.deadline == .seconds(90 + 540))
    }
}

private func * (lhs: [Duration], rhs: Int) -> [Duration] {
    Array((0..<rhs).map { _ in lhs }.joined())
}
