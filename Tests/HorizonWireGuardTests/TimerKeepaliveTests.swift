import HorizonWireGuard
import Testing

/// Passive keepalive, the new-handshake timer and persistent keepalive (paper §6.5).
@Suite struct TimerKeepaliveTests {
    @Test func keepaliveFollowsReceivedDataAfterKeepaliveTimeout() {
        var h = TimerHarness()
        #expect(h.dataReceived(at: .zero) == [])
        #expect(h.deadline == .seconds(10))
        #expect(h.tick(at: .seconds(10) - .nanoseconds(1)) == [])
        #expect(h.tick(at: .seconds(10)) == .sendKeepalive)
        h.packetSent(at: .seconds(10))
        #expect(h.deadline == nil)
    }

    @Test func anythingSentCancelsThePassiveKeepalive() {
        var h = TimerHarness()
        _ = h.dataReceived(at: .zero)
        h.packetSent(at: .seconds(3))
        #expect(h.deadline == nil)
        #expect(h.tick(at: .seconds(10)) == [])
    }

    @Test func moreDataDoesNotPostponeAPendingKeepalive() {
        var h = TimerHarness()
        _ = h.dataReceived(at: .zero)
        _ = h.dataReceived(at: .seconds(7))
        #expect(h.fireNext()! == (.seconds(10), .sendKeepalive))
    }

    @Test func keepalivesAreNotData() {
        // A keepalive received is authenticated but carries no data: nothing to answer.
        var h = TimerHarness()
        h.packetReceived(at: .zero)
        #expect(h.deadline == nil)
    }

    @Test func silenceAfterSendingDataStartsANewHandshake() {
        var h = TimerHarness(jitter: [.milliseconds(200)])
        #expect(h.dataSent(at: .zero) == [])
        #expect(h.deadline == .milliseconds(15_200))
        #expect(h.tick(at: .milliseconds(15_199)) == [])
        #expect(h.tick(at: .milliseconds(15_200)) == [.clearEndpointSource, .sendHandshakeInitiation])
        #expect(h.jitterLog.bounds == [.milliseconds(333)])
    }

    @Test func anyAuthenticatedPacketReceivedCancelsTheNewHandshake() {
        var h = TimerHarness()
        _ = h.dataSent(at: .zero)
        h.packetReceived(at: .seconds(14))
        #expect(h.deadline == nil)
        #expect(h.tick(at: .seconds(20)) == [])
    }

    @Test func moreDataDoesNotPostponeANewHandshake() {
        var h = TimerHarness()
        _ = h.dataSent(at: .zero)
        _ = h.dataSent(at: .seconds(9))
        #expect(h.fireNext()! == (.seconds(15), [.clearEndpointSource, .sendHandshakeInitiation]))
    }

    @Test func newHandshakeRespectsTheInitiationRateLimit() {
        var h = TimerHarness()
        _ = h.dataSent(at: .zero)
        h.initiated(at: .seconds(12))
        // Only three seconds since the last initiation: the source is cleared, no new one yet.
        #expect(h.tick(at: .seconds(15)) == .clearEndpointSource)
        #expect(h.fireNext()! == (.seconds(17), [.clearEndpointSource, .sendHandshakeInitiation]))
    }

    @Test func persistentKeepaliveSendsOneAtOnceThenAfterEachSilentInterval() {
        var h = TimerHarness()
        #expect(h.timers.setPersistentKeepalive(.seconds(25)) == .sendKeepalive)
        #expect(h.timers.persistentKeepaliveInterval == .seconds(25))
        #expect(h.timers.setPersistentKeepalive(.seconds(25)) == [])
        h.packetSent(at: .zero)
        #expect(h.deadline == .seconds(25))
        // Traffic either way restarts the interval.
        h.packetReceived(at: .seconds(10))
        #expect(h.deadline == .seconds(35))
        #expect(h.tick(at: .seconds(35)) == .sendKeepalive)
        h.packetSent(at: .seconds(35))
        #expect(h.deadline == .seconds(60))
    }

    @Test func persistentKeepaliveOffDisarmsIt() {
        var h = TimerHarness()
        _ = h.timers.setPersistentKeepalive(.seconds(25))
        h.packetSent(at: .zero)
        #expect(h.timers.setPersistentKeepalive(nil) == [])
        #expect(h.deadline == nil)
        h.packetSent(at: .seconds(1))
        #expect(h.deadline == nil)
        // Zero means off too, as in the UAPI and config files.
        #expect(h.timers.setPersistentKeepalive(.zero) == [])
        #expect(h.timers.persistentKeepaliveInterval == nil)
        #expect(h.timers.setPersistentKeepalive(.seconds(5)) == .sendKeepalive)
    }

    @Test func nextDeadlineIsTheEarliestArmedTimer() {
        var h = TimerHarness(jitter: [.milliseconds(50)])
        h.sessionDerived(at: .zero, isInitiator: true)
        _ = h.timers.setPersistentKeepalive(.seconds(12))
        _ = h.dataSent(at: .zero)
        h.packetSent(at: .zero)
        _ = h.dataReceived(at: .seconds(1))
        #expect(h.fireNext()! == (.seconds(11), .sendKeepalive))
        #expect(h.fireNext()! == (.seconds(12), .sendKeepalive))
        #expect(h.fireNext()! == (.milliseconds(15_050), [.clearEndpointSource, .sendHandshakeInitiation]))
        #expect(h.fireNext()! == (.seconds(540), .zeroKeyMaterial))
        #expect(h.fireNext() == nil)
    }

    @Test func aLateTickFiresEveryDueTimerOnce() {
        var h = TimerHarness()
        _ = h.dataReceived(at: .zero)
        _ = h.dataSent(at: .zero)
        #expect(h.tick(at: .seconds(60)) == [.sendKeepalive, .clearEndpointSource, .sendHandshakeInitiation])
        #expect(h.tick(at: .seconds(120)) == [])
    }
}
