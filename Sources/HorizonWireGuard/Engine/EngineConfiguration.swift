import HorizonCore
import HorizonCrypto

/// What a `WireGuardEngine` needs from its host besides packets and time.
public struct EngineConfiguration: Sendable {
    /// The wall-clock TAI64N timestamp to put in an initiation sent at a monotonic time.
    /// It must grow between initiations: responders refuse a timestamp not newer than the
    /// last one they accepted. A device passes the real clock; tests derive it from `now`.
    public var timestamp: @Sendable (MonotonicTime) -> TAI64N
    /// Handshake messages waiting to be processed at or above which the device is under
    /// load and demands cookies (wireguard-go: an eighth of its 1024-message queue).
    public var loadThreshold: Int

    public init(timestamp: @escaping @Sendable (MonotonicTime) -> TAI64N, loadThreshold: Int = 128) {
        self.timestamp = timestamp
        self.loadThreshold = loadThreshold
    }
}
