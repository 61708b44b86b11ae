import Foundation
import Synchronization

/// A limit on how often something may happen in this broker, whoever asks: a bucket of
/// `burst` tokens refilled at `perSecond`, each event taking one. Constant memory, so it can
/// guard an unauthenticated operation against a client that rotates through addresses,
/// where a table per address would grow with the number of addresses.
final class TokenBucket: Sendable {
    private let perSecond: Double
    private let burst: Double
    private let state: Mutex<(tokens: Double, at: Date?)>

    init(perSecond: Double, burst: Int) {
        self.perSecond = perSecond
        self.burst = Double(burst)
        state = Mutex((Double(burst), nil))
    }

    /// Takes a token at `now` and returns nil, or returns the whole seconds until one is due
    /// (taking nothing).
    func take(now: Date) -> Int? {
        state.withLock { state in
            let elapsed = state.at.map { max(0, now.timeIntervalSince($0)) } ?? 0
            state.tokens = min(burst, state.tokens + elapsed * perSecond)
            state.at = now
            guard state.tokens >= 1 else { return max(1, Int(((1 - state.tokens) / perSecond).rounded(.up))) }
            state.tokens -= 1
            return nil
        }
    }
}
