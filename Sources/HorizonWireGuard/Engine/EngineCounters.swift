/// What the engine did with handshake traffic and staging, for `horizon status` and
/// metrics. Transport packets are counted by the device, which sees them in batches.
public struct EngineCounters: Sendable, Equatable {
    public var initiationsSent: UInt64 = 0
    public var responsesSent: UInt64 = 0
    /// Sessions that came into use (initiator: response accepted; responder: confirmed).
    public var handshakesCompleted: UInt64 = 0
    public var cookieRepliesSent: UInt64 = 0
    public var cookieRepliesAccepted: UInt64 = 0
    public var keepalivesSent: UInt64 = 0
    /// Handshake messages of the wrong size or with a bad mac1: dropped before any work.
    public var invalidHandshakeMessages: UInt64 = 0
    /// Handshake messages with a valid mac1 that still failed (decryption, replayed
    /// timestamp, flood, unknown peer, or a response/cookie reply answering nothing).
    public var handshakeFailures: UInt64 = 0
    /// Packets refused because the staging queue of a peer without a session was full.
    public var stagedDropped: UInt64 = 0

    public init() {}
}
