import HorizonCore

/// The result of a completed handshake: one key per direction and the two indices that
/// name the session on the wire. The session layer builds its ciphers from these.
public struct TransportKeys: Sendable, Equatable, CustomStringConvertible {
    public let sendKey: Bytes32
    public let receiveKey: Bytes32
    /// Our index: the peer puts it in the receiver field of packets to us.
    public let localIndex: UInt32
    /// The peer's index: we put it in the receiver field of packets to the peer.
    public let remoteIndex: UInt32
    /// The initiator may send at once; the responder must wait for the initiator's first
    /// packet before using these keys to send (paper §5.4.7).
    public let isInitiator: Bool

    /// Never shows the keys, so logging a session cannot leak them.
    public var description: String {
        "TransportKeys(local: \(localIndex), remote: \(remoteIndex), \(isInitiator ? "initiator" : "responder"))"
    }
}
