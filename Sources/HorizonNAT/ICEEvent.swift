import HorizonUDP

/// A datagram of the checks to send: on `path`, to `destination`.
public struct ICEDatagram: Hashable, Sendable {
    public var bytes: [UInt8]
    public var path: ICEPath
    public var destination: UDPAddress

    public init(bytes: [UInt8], path: ICEPath, destination: UDPAddress) {
        self.bytes = bytes
        self.path = path
        self.destination = destination
    }
}

/// What the checks decided.
public enum ICEEvent: Hashable, Sendable {
    /// WireGuard should use this pair now (the first selection, or a better one: direct
    /// over relayed). The session moves to it without a new handshake.
    case selected(ICECandidatePair)
    /// The selected pair stopped answering (no consent for `consentTimeout`); another
    /// working pair, if any, is selected next.
    case consentLost(ICECandidatePair)
    /// Every pair failed: no path to the peer.
    case failed
}
