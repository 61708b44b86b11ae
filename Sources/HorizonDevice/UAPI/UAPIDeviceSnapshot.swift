import HorizonCore

/// What a UAPI `get=1` reports: the device's configuration and each peer's state at one
/// moment. Zero and "off" values of the protocol are nil here.
public struct UAPIDeviceSnapshot: Equatable, Sendable {
    public var privateKey: PrivateKey?
    /// The port actually bound (0 while the device has no socket).
    public var listenPort: UInt16
    public var fwmark: UInt32?
    public var peers: [UAPIPeerSnapshot]

    public init(privateKey: PrivateKey? = nil, listenPort: UInt16 = 0, fwmark: UInt32? = nil, peers: [UAPIPeerSnapshot] = []) {
        self.privateKey = privateKey
        self.listenPort = listenPort
        self.fwmark = fwmark
        self.peers = peers
    }
}

public struct UAPIPeerSnapshot: Equatable, Sendable {
    public var publicKey: PublicKey
    public var presharedKey: PresharedKey?
    public var endpoint: Endpoint?
    /// Wall-clock time of the last completed handshake, since the Unix epoch; nil if none.
    public var lastHandshake: Duration?
    public var txBytes: UInt64
    public var rxBytes: UInt64
    public var persistentKeepaliveInterval: UInt16?
    public var allowedIPs: [IPPrefix]

    public init(publicKey: PublicKey, presharedKey: PresharedKey? = nil, endpoint: Endpoint? = nil,
                lastHandshake: Duration? = nil, txBytes: UInt64 = 0, rxBytes: UInt64 = 0,
                persistentKeepaliveInterval: UInt16? = nil, allowedIPs: [IPPrefix] = []) {
        self.publicKey = publicKey
        self.presharedKey = presharedKey
        self.endpoint = endpoint
        self.lastHandshake = lastHandshake
        self.txBytes = txBytes
        self.rxBytes = rxBytes
        self.persistentKeepaliveInterval = persistentKeepaliveInterval
        self.allowedIPs = allowedIPs
    }
}
