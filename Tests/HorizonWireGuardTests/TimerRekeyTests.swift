import HorizonWireGuard
import Testing

/// Key freshness and expiry (paper §6.2–6.3).
@Suite struct TimerRekeyTests {
    @Test func initiatorRekeysWhenSendingOnASessionOlderThanRekeyAfterTime() {
        var h = TimerHarness()
        h.sessionDerived(at: .zero, isInitiator: true)
        #expect(h.dataSent(at: .seconds(120) - .nanoseconds(1)) == [])
        #expect(h.dataSent(at: .seconds(120)) == .sendHandshakeInitiation)
    }

    @Test func responderDoesNotRekeyOnTime() {
        var h = TimerHarness()
        h.sessionDerived(at: .zero, isInitiator: false)
        #expect(h.dataSent(at: .seconds(170)) == [])
        #expect(h.dataReceived(at: .seconds(175)) == [])
    }

    @Test func eitherSideRekeysWhenTheSendCounterReachesRekeyAfterMessages() {
        var h = TimerHarness()
        h.sessionDerived(at: .zero, isInitiator: false)
        #expect(h.dataSent(at: .seconds(1), counter: ProtocolConstants.rekeyAfterMessages - 1) == [])
        #expect(h.dataSent(at: .seconds(1), counter: ProtocolConstants.rekeyAfterMessages) == .sendHandshakeInitiation)
    }

    @Test func rekeyRequestsAreRateLimited() {
        var h = TimerHarness()
        h.sessionDerived(at: .zero, isInitiator: true)
        #expect(h.dataSent(at: .seconds(130)) == .sendHandshakeInitiation)
        h.initiated(at: .seconds(130))
        #expect(h.dataSent(at: .seconds(131)) == [])
        #expect(h.dataSent(at: .seconds(135)) == .sendHandshakeInitiation)
    }

    @Test func initiatorThatOnlyReceivesRekeysOnceAtTheLastMinute() {
        var h = TimerHarness()
        h.sessionDerived(at: .zero, isInitiator: true)
        // REJECT_AFTER_TIME - KEEPALIVE_TIMEOUT - REKEY_TIMEOUT = 165 s.
        #expect(h.dataReceived(at: .seconds(165) - .nanoseconds(1)) == [])
        #expect(h.dataReceived(at: .seconds(165)) == .sendHandshakeInitiation)
        h.initiated(at: .seconds(165))
        #expect(h.dataReceived(at: .seconds(171)) == [])
        // A completed handshake gives the next session its own last chance.
        h.advance(to: .seconds(172))
        h.timers.handshakeCompleted()
        h.sessionDerived(at: .seconds(172), isInitiator: true)
        #expect(h.dataReceived(at: .seconds(172 + 164)) == [])
        #expect(h.dataReceived(at: .seconds(172 + 165)) == .sendHandshakeInitiation)
    }

    @Test func keyMaterialIsZeroedThreeRejectAfterTimesAfterTheLastSession() {
        var h = TimerHarness()
        h.sessionDerived(at: .zero, isInitiator: true)
        #expect(h.deadline == .seconds(540))
        h.sessionDerived(at: .seconds(100), isInitiator: false)
        #expect(h.deadline == .seconds(640))
        #expect(h.tick(at: .seconds(640) - .nanoseconds(1)) == [])
        #expect(h.tick(at: .seconds(640)) == .zeroKeyMaterial)
        // With the keys gone there is no session left to rekey.
        #expect(h.dataSent(at: .seconds(700)).isEmpty)
        #expect(h.sessionNeeded(at: .seconds(701)) == .sendHandshakeInitiation)
    }

    @Test func systemJitterStaysBelowItsBound() {
        let source = SystemJitter()
        for _ in 0..<1_000 {
            let j = source.jitter(below: .milliseconds(333))
            #expect(j >= .zero && j < .milliseconds(333))
        }
        #expect(source.jitter(below: .zero) == .zero)
    }

    @Test func actionsDescribeThemselves() {
        #expect(TimerActions([.sendKeepalive, .dropQueuedPackets]).description == "[dropQueuedPackets, sendKeepalive]")
    }
}
