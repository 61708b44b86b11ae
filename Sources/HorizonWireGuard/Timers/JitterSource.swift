/// Where timer jitter comes from, injectable so tests can replay exact deadlines.
/// Jitter keeps peers that started together from retrying in lock step.
public protocol JitterSource: Sendable {
    /// A fresh duration in `0 ..< bound`.
    mutating func jitter(below bound: Duration) -> Duration
}

/// Jitter from the system's cryptographically secure generator.
public struct SystemJitter: JitterSource {
    public init() {}

    public func jitter(below bound: Duration) -> Duration {
        let limit = bound.totalNanoseconds
        guard limit > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0..<limit))
    }
}
