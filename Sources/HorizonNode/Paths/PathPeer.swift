import HorizonCore

/// A network member the mesh hands to `PeerPaths`: who it is (node id, for signaling), its
/// WireGuard key (which device peer to steer) and the endpoints it announced to the broker.
public struct PathPeer: Hashable, Sendable {
    public var id: String
    public var publicKey: PublicKey
    /// Announced `host:port` endpoints; tried as the peer's candidates besides what it signals.
    public var endpoints: [String]

    public init(id: String, publicKey: PublicKey, endpoints: [String] = []) {
        self.id = id
        self.publicKey = publicKey
        self.endpoints = endpoints
    }
}

/// How a peer is reached now, as `horizon status --json` shows it.
public struct PeerPath: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable {
        case direct
        case relay
        case connecting
    }

    /// "direct" | "relay" | "connecting".
    public var kind: String
    /// The device peer's endpoint: the peer's address, or the local relay proxy's.
    public var endpoint: String?
    /// Round trip of the last successful check on the path in use.
    public var rttMilliseconds: Double?

    public init(kind: Kind, endpoint: String? = nil, rttMilliseconds: Double? = nil) {
        self.kind = kind.rawValue
        self.endpoint = endpoint
        self.rttMilliseconds = rttMilliseconds
    }

    public static let connecting = PeerPath(kind: .connecting)
}
