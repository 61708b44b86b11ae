import Foundation

/// What `horizon status` shows: who this node is, its broker, and the state of its role. The
/// JSON form (`--json`) is this type encoded with sorted keys.
public struct AgentStatus: Codable, Equatable, Sendable {
    public var version: String
    /// The node's WireGuard public key (base64), its identity towards the broker and peers.
    public var publicKey: String
    public var stateDirectory: String
    public var startedAt: Date
    /// `none` until the node joins a broker as a server or a client.
    public var role: NodeRole
    public var broker: BrokerStatus?
    /// The node as the broker knows it (name, id, approval status).
    public var node: NodeInfo?
    /// The WireGuard interface, when one is up.
    public var interface: InterfaceStatus?
    /// A client's connection to its server.
    public var connection: ConnectionStatus?
    /// The interface's peers: a server's clients, a node's network members.
    public var peers: [PeerStatus]?

    public init(version: String, publicKey: String, stateDirectory: String, startedAt: Date, role: NodeRole) {
        self.version = version
        self.publicKey = publicKey
        self.stateDirectory = stateDirectory
        self.startedAt = startedAt
        self.role = role
    }
}

public enum NodeRole: String, Codable, Sendable {
    case none
    case server
    case client
}

public struct BrokerStatus: Codable, Equatable, Sendable {
    public var url: String
    /// nil until the first call after start.
    public var reachable: Bool?
    public var lastContact: Date?
    public var lastError: String?
}

public struct NodeInfo: Codable, Equatable, Sendable {
    public var id: String
    public var name: String
    /// `pending`, `approved`, `suspended` or `revoked`, as last heard from the broker.
    public var status: String
    public var addresses: [String]
}

public struct InterfaceStatus: Codable, Equatable, Sendable {
    public var name: String
    public var listenPort: UInt16
    public var rxBytes: UInt64
    public var txBytes: UInt64
    /// Bytes per second over the last few seconds.
    public var rxRate: Double
    public var txRate: Double
    /// The TAPs of the node's L2 networks on this interface.
    public var lans: [String]
    /// What the last change of its peers, routes or TAPs could not do.
    public var lastError: String?
}

public struct PeerStatus: Codable, Equatable, Sendable {
    public var name: String?
    public var publicKey: String
    public var endpoint: String?
    /// Seconds since the last completed handshake; nil if none yet.
    public var handshakeAge: Int?
    public var rxBytes: UInt64
    public var txBytes: UInt64
    /// How a network member is reached (`direct`, `relay`, `connecting`); nil for a server's
    /// clients and a client's gateway.
    public var path: PeerPath?
}

public struct ConnectionStatus: Codable, Equatable, Sendable {
    public var serverID: String
    public var serverName: String
    public var endpoint: String?
    /// `direct` (peer to peer over UDP); relayed paths come with NAT traversal.
    public var path: String
    /// Full tunnel (empty) or the routed prefixes.
    public var routes: [String]
    public var handshakeAge: Int?
    /// Round-trip time to the server's endpoint, measured when connecting.
    public var rttMilliseconds: Double?
    public var rxBytes: UInt64
    public var txBytes: UInt64
    public var rxRate: Double
    public var txRate: Double
}
