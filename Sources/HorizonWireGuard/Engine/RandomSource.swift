import Synchronization

/// The engine's randomness (ephemeral keys, session indices, cookie secrets and nonces,
/// timer jitter), injected so tests can replay it. One generator shared by every peer,
/// behind a lock: randomness is drawn only on handshakes and timers, never per packet.
public final class RandomSource: RandomNumberGenerator, JitterSource, Sendable {
    private let generator: Mutex<any RandomNumberGenerator & Sendable>

    public init(_ generator: some RandomNumberGenerator & Sendable) {
        self.generator = Mutex(generator)
    }

    /// The operating system's cryptographically secure generator.
    public static func system() -> RandomSource { RandomSource(SystemRandomNumberGenerator()) }

    public func next() -> UInt64 {
        generator.withLock { $0.next() }
    }

    public func jitter(below bound: Duration) -> Duration {
        let limit = bound.totalNanoseconds
        guard limit > 0 else { return .zero }
        var source = self
        return .nanoseconds(Int64.random(in: 0..<limit, using: &source))
    }
}
