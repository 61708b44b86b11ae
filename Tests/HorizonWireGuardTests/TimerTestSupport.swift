import HorizonTestKit
import HorizonWireGuard

/// Jitter from a fixed script (cycled), logging each bound it was asked for. Only ever
/// used from one test's task.
struct ScriptedJitter: JitterSource, @unchecked Sendable {
    final class Log { var bounds: [Duration] = [] }

    let script: [Duration]
    let log = Log()
    private var position = 0

    init(_ script: [Duration]) { self.script = script }

    mutating func jitter(below bound: Duration) -> Duration {
        log.bounds.append(bound)
        defer { position += 1 }
        return script[position % script.count]
    }
}

/// A peer's timers on a manual clock; times are offsets from the start of the test.
struct TimerHarness {
    var clock = ManualClock()
    let start = ManualClock().now
    var timers: PeerTimers
    let jitterLog: ScriptedJitter.Log

    init(jitter: [Duration] = [.zero]) {
        let source = ScriptedJitter(jitter)
        jitterLog = source.log
        timers = PeerTimers(jitter: source)
    }

    var now: Duration { clock.now.since(start) }

    /// The next deadline as an offset from the start.
    var deadline: Duration? { timers.nextDeadline?.since(start) }

    mutating func advance(to offset: Duration) {
        precondition(offset >= now, "time only moves forward")
        clock.advance(by: offset - now)
    }

    mutating func tick(at offset: Duration) -> TimerActions {
        advance(to: offset)
        return timers.tick(now: clock.now)
    }

    /// Moves to the next deadline and fires it; nil when no timer is armed.
    mutating func fireNext() -> (at: Duration, actions: TimerActions)? {
        guard let next = deadline else { return nil }
        return (next, tick(at: next))
    }

    // Events at an offset from the start.
    mutating func dataSent(at offset: Duration, counter: UInt64 = 0) -> TimerActions {
        advance(to: offset)
        return timers.dataSent(at: clock.now, sendCounter: counter)
    }

    mutating func dataReceived(at offset: Duration) -> TimerActions {
        advance(to: offset)
        return timers.dataReceived(at: clock.now)
    }

    mutating func packetSent(at offset: Duration) {
        advance(to: offset)
        timers.authenticatedPacketSent(at: clock.now)
    }

    mutating func packetReceived(at offset: Duration) {
        advance(to: offset)
        timers.authenticatedPacketReceived(at: clock.now)
    }

    mutating func initiated(at offset: Duration) {
        advance(to: offset)
        timers.handshakeInitiated(at: clock.now)
    }

    mutating func sessionDerived(at offset: Duration, isInitiator: Bool) {
        advance(to: offset)
        timers.sessionDerived(at: clock.now, isInitiator: isInitiator)
    }

    mutating func sessionNeeded(at offset: Duration) -> TimerActions {
        advance(to: offset)
        return timers.sessionNeeded(at: clock.now)
    }
}
