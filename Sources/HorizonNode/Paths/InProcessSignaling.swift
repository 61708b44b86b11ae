import Synchronization

/// Two connected signaling ends in one process, for tests and benchmarks that run two
/// `PeerPaths` side by side without a broker: what one end sends, the other receives,
/// with the sender's id as `peer`.
public final class InProcessSignaling: SignalingTransport {
    private let selfID: String
    private let stream: AsyncStream<SignalEnvelope>
    private let continuation: AsyncStream<SignalEnvelope>.Continuation
    private let other = Mutex<InProcessSignaling?>(nil)

    private init(selfID: String) {
        self.selfID = selfID
        (stream, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(256))
    }

    /// Two ends joined to each other, for nodes `a` and `b`.
    public static func pair(_ a: String, _ b: String) -> (InProcessSignaling, InProcessSignaling) {
        let (x, y) = (InProcessSignaling(selfID: a), InProcessSignaling(selfID: b))
        x.other.withLock { $0 = y }
        y.other.withLock { $0 = x }
        return (x, y)
    }

    public func send(_ envelope: SignalEnvelope) async {
        guard let other = other.withLock({ $0 }), envelope.peer == other.selfID else { return }
        other.continuation.yield(SignalEnvelope(peer: selfID, signal: envelope.signal))
    }

    public func incoming() -> AsyncStream<SignalEnvelope> { stream }

    public func close() async {
        other.withLock { $0 = nil }
        continuation.finish()
    }
}
