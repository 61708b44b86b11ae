/// A token bucket per signal socket: nodes exchange a handful of candidates per peer, so a
/// socket that sends more than ``rate`` messages a second for long is refused the excess
/// instead of fanning it out to every broker.
struct SignalRateLimit: Sendable {
    static let rate = 50.0
    static let burst = 100.0

    private var tokens = SignalRateLimit.burst
    private var last: ContinuousClock.Instant?

    /// Whether a message sent `now` is within the limit (and takes a token if so).
    mutating func admit(now: ContinuousClock.Instant) -> Bool {
        if let last {
            let elapsed = now - last
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            tokens = min(Self.burst, tokens + seconds * Self.rate)
        }
        last = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
