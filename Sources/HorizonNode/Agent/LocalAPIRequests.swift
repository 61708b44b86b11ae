import Foundation

/// Bodies of the local API's requests, shared by the daemon and the CLI.

/// `POST /v1/server/up`: register as a gateway (or resume serving if already registered).
public struct ServerUpRequest: Codable, Sendable {
    public var broker: String
    public var enrollmentKey: String
    public var name: String
    /// `HOST:PORT` clients use; nil: the uplink's address and `listenPort`.
    public var endpoint: String?
    /// `CC` or `CC/City`.
    public var location: String?
    public var uplink: String?
    public var listenPort: UInt16
    public var capacity: Int

    public init(broker: String, enrollmentKey: String, name: String, endpoint: String?, location: String?,
                uplink: String?, listenPort: UInt16, capacity: Int) {
        self.broker = broker
        self.enrollmentKey = enrollmentKey
        self.name = name
        self.endpoint = endpoint
        self.location = location
        self.uplink = uplink
        self.listenPort = listenPort
        self.capacity = capacity
    }
}

/// `POST /v1/login`: enroll this device with one of three credentials.
public struct LoginRequest: Codable, Sendable {
    public enum Credential: Codable, Sendable {
        case password(username: String, password: String)
        /// A user's session or API token.
        case token(String)
        /// A device enrollment key, for unattended enrollment.
        case enrollmentKey(String)
    }

    public var broker: String
    public var name: String
    public var credential: Credential

    public init(broker: String, name: String, credential: Credential) {
        self.broker = broker
        self.name = name
        self.credential = credential
    }
}

/// `POST /v1/connect`.
public struct ConnectRequest: Codable, Sendable {
    /// A server name or id; nil picks the best (latency weighted by load).
    public var server: String?
    /// Split-tunnel prefixes; empty routes everything through the server.
    public var routes: [String]

    public init(server: String?, routes: [String]) {
        self.server = server
        self.routes = routes
    }
}

/// `POST /v1/disconnect`'s answer.
public struct DisconnectResult: Codable, Sendable {
    public var wasConnected: Bool
    /// Host changes that could not be undone.
    public var failures: [String]
}

/// `POST /v1/logout`'s answer.
public struct LogoutResult: Codable, Sendable {
    /// The role the node had (`none` if it was not enrolled).
    public var previousRole: NodeRole
}
