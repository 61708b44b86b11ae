import HorizonUDP

/// What the relay's core asks its runner to do.
public enum TURNServerOutput: Hashable, Sendable {
    /// Send `bytes` from the listening socket to a client.
    case toClient([UInt8], client: UDPAddress)
    /// Send `bytes` from the relayed socket at `relayed` to a peer.
    case toPeer([UInt8], relayed: UDPAddress, peer: UDPAddress)
    /// The allocation with this relayed address ended: close its socket.
    case released(relayed: UDPAddress)
}
