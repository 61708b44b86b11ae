import HorizonCore

/// One line of a `set=1` request, typed. Lines before the first `peer` configure the
/// device; after a `peer` they configure that peer, until the next `peer`. Zero or "off"
/// values of the protocol are nil here.
public enum UAPISetOperation: Equatable, Sendable {
    // Device
    /// nil removes the private key (the protocol's all-zero key).
    case privateKey(PrivateKey?)
    /// 0 asks for a random port.
    case listenPort(UInt16)
    case fwmark(UInt32?)
    /// Remove every peer not configured by the rest of this request.
    case replacePeers

    // Peer
    /// `public_key=`: create or select this peer; later lines apply to it.
    case peer(PublicKey)
    case removePeer
    /// Only change the peer if it exists; never create it.
    case updateOnly
    case presharedKey(PresharedKey?)
    /// Always an IP address: `wg` resolves names before it speaks to the device.
    case endpoint(Endpoint)
    case persistentKeepaliveInterval(UInt16?)
    /// Remove the peer's allowed IPs before adding the ones that follow.
    case replaceAllowedIPs
    case allowedIP(IPPrefix)
    /// Only version 1 exists; anything else is refused while parsing.
    case protocolVersion(Int)
}
