import HorizonCore

/// The relay's nonces (RFC 8489 §9.2): one current nonce, replaced when half its lifetime
/// has passed, so a client's nonce stays good for at least half a lifetime and at most two
/// nonces are live at once. A request with an unknown or lapsed nonce gets 438 and the current one.
struct TURNNonces: Sendable {
    private var live: [String: MonotonicTime] = [:]
    private var current: (nonce: String, issued: MonotonicTime)?
    let lifetime: Duration

    init(lifetime: Duration) {
        self.lifetime = lifetime
    }

    mutating func issue(now: MonotonicTime) -> String {
        if let current, now < current.issued + lifetime / 2 { return current.nonce }
        live = live.filter { now < $0.value }
        var generator = SystemRandomNumberGenerator()
        let nonce = (0..<2).map { _ in String(generator.next() as UInt64, radix: 16) }.joined()
        live[nonce] = now + lifetime
        current = (nonce, now)
        return nonce
    }

    func isValid(_ nonce: String, now: MonotonicTime) -> Bool {
        live[nonce].map { now < $0 } ?? false
    }
}
