import HorizonCore

/// A clock that moves only when a test says so, for driving sans-IO engines through
/// timers (rekey, expiry, retransmit) without sleeping.
public struct ManualClock: Sendable {
    public private(set) var now: MonotonicTime

    /// Starts well above zero so "time since" arithmetic never meets the origin.
    public init(start: MonotonicTime = MonotonicTime(nanoseconds: 1_000_000_000_000)) {
        now = start
    }

    public mutating func advance(by duration: Duration) {
        now = now + duration
    }
}
