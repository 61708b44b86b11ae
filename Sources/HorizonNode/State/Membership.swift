import Foundation

/// What the node is at its broker: kept in `membership.json` so a restarted daemon resumes its
/// role without enrolling again (the node key stays the same, so does its identity).
public struct Membership: Codable, Equatable, Sendable {
    public var broker: URL
    public var role: NodeRole
    public var nodeID: String
    public var name: String
    /// The node credential (`hzd_…`) the broker issued at registration.
    public var credential: String
    /// Overlay addresses the broker assigned at registration (the netmap repeats them).
    public var addresses: [String]
    /// Set for servers: how the gateway serves.
    public var server: ServerSettings?

    public init(broker: URL, role: NodeRole, nodeID: String, name: String, credential: String, addresses: [String],
                server: ServerSettings? = nil) {
        self.broker = broker
        self.addresses = addresses
        self.role = role
        self.nodeID = nodeID
        self.name = name
        self.credential = credential
        self.server = server
    }
}

/// A gateway's serving settings, as `horizon server up` gave them.
public struct ServerSettings: Codable, Equatable, Sendable {
    /// The UDP port clients reach; the WireGuard interface listens on it.
    public var listenPort: UInt16
    /// The uplink interface clients' traffic leaves by; nil: the default route's interface.
    public var uplink: String?
    /// Most clients served at once; load is live sessions over this.
    public var capacity: Int

    public init(listenPort: UInt16, uplink: String?, capacity: Int) {
        self.listenPort = listenPort
        self.uplink = uplink
        self.capacity = capacity
    }
}

/// The client's chosen server, kept in `connection.json` while connected so a restarted
/// daemon reconnects.
public struct ConnectionChoice: Codable, Equatable, Sendable {
    public var serverID: String
    /// Prefixes routed through the server; empty means a full tunnel.
    public var routes: [String]

    public init(serverID: String, routes: [String]) {
        self.serverID = serverID
        self.routes = routes
    }
}
