import HorizonCore

/// A token bucket per sender for broadcast, multicast and unknown-unicast frames, so one
/// member's broadcast storm cannot starve the others: each sender may flood `rate` frames
/// per second on average with bursts up to `burst`.
public struct FloodRateLimiter<Sender: Hashable & Sendable>: Sendable {
    public let rate: Double
    public let burst: Double
    private var buckets: [Sender: Bucket] = [:]

    private struct Bucket: Sendable {
        var tokens: Double
        var updated: MonotonicTime
    }

    public init(rate: Double = 2000, burst: Double = 500) {
        precondition(rate > 0 && burst >= 1, "a flood limit needs a positive rate and a burst of at least one frame")
        self.rate = rate
        self.burst = burst
    }

    /// Takes a token for one flooded frame from `sender`; false when its bucket is empty.
    public mutating func allow(_ sender: Sender, at now: MonotonicTime) -> Bool {
        var bucket = buckets[sender] ?? Bucket(tokens: burst, updated: now)
        let elapsed = Double(now.since(bucket.updated).totalNanoseconds) / 1e9
        bucket.tokens = min(burst, bucket.tokens + elapsed * rate)
        bucket.updated = now
        let allowed = bucket.tokens >= 1
        if allowed { bucket.tokens -= 1 }
        buckets[sender] = bucket
        return allowed
    }

    public mutating func forget(_ sender: Sender) {
        buckets[sender] = nil
    }
}
