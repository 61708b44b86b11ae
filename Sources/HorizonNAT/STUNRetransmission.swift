/// When a STUN client over UDP resends a request and when it gives up (RFC 8489 §6.2.1):
/// sends at 0, RTO, 3·RTO, 7·RTO, … (the gap doubles), `requestCount` sends in all (Rc),
/// then waits `lastWaitMultiplier`·RTO (Rm) for an answer. The defaults give sends at
/// 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s and failure at 39.5 s.
public struct STUNRetransmission: Hashable, Sendable {
    public var initialRTO: Duration
    public var requestCount: Int
    public var lastWaitMultiplier: Int

    public init(initialRTO: Duration = .milliseconds(500), requestCount: Int = 7, lastWaitMultiplier: Int = 16) {
        precondition(initialRTO > .zero && requestCount >= 1 && lastWaitMultiplier >= 1, "bad STUN retransmission policy")
        self.initialRTO = initialRTO
        self.requestCount = requestCount
        self.lastWaitMultiplier = lastWaitMultiplier
    }

    public static let rfc8489 = STUNRetransmission()

    /// How long after the `sent`-th send (1-based) the next send, or the failure, is due.
    public func wait(afterSend sent: Int) -> Duration {
        sent >= requestCount ? initialRTO * lastWaitMultiplier : initialRTO * (1 << min(sent - 1, 30))
    }

    /// From the first send to giving up.
    public var totalTime: Duration {
        (1...requestCount).reduce(.zero) { $0 + wait(afterSend: $1) }
    }
}
