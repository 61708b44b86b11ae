/// Limits and timers from the WireGuard paper (§6, "Timers & Stateless UX"), shared by the
/// handshake, session and timer code so each number is written once.
public enum ProtocolConstants {
    public static let rekeyAfterMessages: UInt64 = 1 << 60
    public static let rejectAfterMessages: UInt64 = UInt64.max - (1 << 13)
    public static let rekeyAfterTime: Duration = .seconds(120)
    public static let rejectAfterTime: Duration = .seconds(180)
    public static let rekeyAttemptTime: Duration = .seconds(90)
    public static let rekeyTimeout: Duration = .seconds(5)
    public static let keepaliveTimeout: Duration = .seconds(10)
    /// Upper bound of the random jitter added to each handshake retransmission.
    public static let rekeyTimeoutJitterMax: Duration = .milliseconds(333)
    /// A cookie secret lives this long; a received cookie is usable for the same time.
    public static let cookieRefreshTime: Duration = .seconds(120)
}
