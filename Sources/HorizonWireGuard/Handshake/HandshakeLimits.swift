/// Rate limits of the handshake itself, beside the session timers in `ProtocolConstants`.
public enum HandshakeLimits {
    /// A responder accepts at most one initiation per peer in this interval (50 per second,
    /// as wireguard-go and the kernel enforce), so a replayed burst costs little.
    public static let minimumInitiationInterval: Duration = .milliseconds(20)
}
