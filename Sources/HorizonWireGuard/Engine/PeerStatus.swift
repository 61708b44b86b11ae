import HorizonCore

/// One peer's state as `wg show` reports it.
public struct PeerStatus: Sendable, Equatable {
    public var publicKey: PublicKey
    public var presharedKey: PresharedKey?
    public var endpoint: PeerEndpoint?
    /// Monotonic time of the last completed handshake; nil if none.
    public var lastHandshake: MonotonicTime?
    /// Transport bytes (datagram sizes) sent and received.
    public var txBytes: UInt64
    public var rxBytes: UInt64
    public var persistentKeepalive: Duration?
    /// A session usable for sending exists.
    public var hasSession: Bool
    public var stagedPackets: Int
}
