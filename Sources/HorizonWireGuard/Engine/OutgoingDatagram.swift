/// A datagram the engine wants sent: a handshake message, cookie reply, keepalive or a
/// staged packet now sealed. Only slow paths produce these; the packet path seals in place.
public struct OutgoingDatagram: Sendable, Equatable {
    public var bytes: [UInt8]
    public var endpoint: PeerEndpoint

    public init(bytes: [UInt8], endpoint: PeerEndpoint) {
        self.bytes = bytes
        self.endpoint = endpoint
    }
}
