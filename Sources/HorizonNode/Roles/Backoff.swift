/// Retry delays that double from `initial` to `maximum`, with ±20 % jitter so many nodes that
/// lost the broker at once do not return in lockstep. `reset()` after a success.
struct Backoff: Sendable {
    let initial: Duration
    let maximum: Duration
    private var next: Duration

    init(initial: Duration = .seconds(1), maximum: Duration = .seconds(30)) {
        self.initial = initial
        self.maximum = maximum
        next = initial
    }

    mutating func delay() -> Duration {
        let base = next
        next = min(next * 2, maximum)
        return base * Double.random(in: 0.8...1.2)
    }

    mutating func reset() { next = initial }
}
