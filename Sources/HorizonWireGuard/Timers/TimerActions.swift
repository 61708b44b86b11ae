/// What the peer's timers ask the caller to do now. A set, not a list: two timers that
/// expire together and want the same thing (say, a keepalive) ask for it once.
///
/// Carry them out in this order: drop queued packets, zero key material, clear the
/// endpoint's source address, send a handshake initiation, send a keepalive.
public struct TimerActions: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Build and send a handshake initiation, then report `handshakeInitiated(at:)`.
    public static let sendHandshakeInitiation = TimerActions(rawValue: 1 << 0)
    /// Send an empty transport packet (or, without a session, queue one and start a handshake).
    public static let sendKeepalive = TimerActions(rawValue: 1 << 1)
    /// Handshake attempts gave up: drop the packets queued while waiting for a session.
    public static let dropQueuedPackets = TimerActions(rawValue: 1 << 2)
    /// Erase every session key and any half-done handshake of this peer.
    public static let zeroKeyMaterial = TimerActions(rawValue: 1 << 3)
    /// Forget the local source address last used toward the peer's endpoint: a changed
    /// local route may be why nothing comes back.
    public static let clearEndpointSource = TimerActions(rawValue: 1 << 4)

    public var description: String {
        let names: [(TimerActions, String)] = [
            (.dropQueuedPackets, "dropQueuedPackets"), (.zeroKeyMaterial, "zeroKeyMaterial"),
            (.clearEndpointSource, "clearEndpointSource"),
            (.sendHandshakeInitiation, "sendHandshakeInitiation"), (.sendKeepalive, "sendKeepalive"),
        ]
        return "[" + names.filter { contains($0.0) }.map(\.1).joined(separator: ", ") + "]"
    }
}
