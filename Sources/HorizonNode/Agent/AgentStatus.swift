import Foundation

/// What `horizon status` shows: who this node is and how its daemon is doing. The JSON
/// form (`--json`) is this type encoded with sorted keys.
public struct AgentStatus: Codable, Equatable, Sendable {
    public var version: String
    /// The node's WireGuard public key (base64), its identity towards the broker and peers.
    public var publicKey: String
    public var stateDirectory: String
    public var startedAt: Date
    /// `none` until the node joins a broker as a server or a client.
    public var role: NodeRole

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
