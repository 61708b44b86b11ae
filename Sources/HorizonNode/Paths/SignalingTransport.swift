/// A signal from or to another node, by node id.
public struct SignalEnvelope: Hashable, Sendable {
    /// The other node: the recipient when sending, the sender when received.
    public var peer: String
    public var signal: PathSignal

    public init(peer: String, signal: PathSignal) {
        self.peer = peer
        self.signal = signal
    }
}

/// How `PeerPaths` reaches other nodes: the broker's signal WebSocket in production
/// (`WebSocketSignaling`), an in-process pair in tests and benchmarks (`InProcessSignaling`).
/// Delivery is best effort, as the broker's is; `PeerPaths` repeats what matters.
public protocol SignalingTransport: Sendable {
    func send(_ envelope: SignalEnvelope) async
    /// Signals from other nodes. Called once; the stream ends when the transport is closed.
    func incoming() -> AsyncStream<SignalEnvelope>
    func close() async
}
