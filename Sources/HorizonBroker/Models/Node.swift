import Fluent
import Foundation

/// A machine that runs the data plane: a gateway server or a user's device. Both kinds live
/// in one table because the netmap treats them alike (a public key, overlay addresses,
/// endpoints); the columns only servers use are optional.
final class Node: Model, @unchecked Sendable {
    static let schema = "nodes"

    enum Kind: String, Codable, Sendable, CaseIterable {
        /// A gateway / exit node that registered with a server enrollment key.
        case server
        /// A client device enrolled by a user (or with a device enrollment key).
        case device
    }

    /// Where a node stands with the broker. Only `approved` nodes appear in netmaps.
    enum Status: String, Codable, Sendable, CaseIterable {
        /// Registered, proved its key, waiting for an administrator (servers only).
        case pending
        case approved
        /// Temporarily out of every netmap; an administrator can approve it again.
        case suspended
        /// Permanently out; its credential no longer authenticates.
        case revoked
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: Kind
    @Field(key: "name") var name: String
    /// The WireGuard public key, base64 as `wg` prints it; unique across all nodes.
    @Field(key: "public_key") var publicKey: String
    @Field(key: "status") var status: Status
    /// The user a device belongs to (servers have none).
    @OptionalParent(key: "user_id") var user: User?
    /// Hex SHA-256 of the node credential (the bearer secret issued at registration).
    @Field(key: "credential_hash") var credentialHash: String
    /// Public UDP endpoints (`host:port`) the node announced, as a JSON array.
    @Field(key: "endpoints") var endpoints: [String]
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "last_seen_at") var lastSeenAt: Date?

    // Columns from AddServerAndDeviceColumnsToNodes.

    /// What makes a name unique (`server/<name>`, `device/<user id>/<name>`, lower-cased):
    /// server names are unique among servers, device names within one user's devices.
    @OptionalField(key: "name_key") var nameKey: String?
    /// The node's overlay addresses in the broker-wide `horizon` network (copied from its
    /// ``AddressAllocation`` so netmaps need no join).
    @OptionalField(key: "ipv4_address") var ipv4Address: String?
    @OptionalField(key: "ipv6_address") var ipv6Address: String?
    /// Servers: how many clients the operator lets it carry.
    @OptionalField(key: "capacity") var capacity: Int?
    /// Servers: ISO 3166-1 alpha-2 country code, city and coordinates, all optional.
    @OptionalField(key: "country") var country: String?
    @OptionalField(key: "city") var city: String?
    @OptionalField(key: "latitude") var latitude: Double?
    @OptionalField(key: "longitude") var longitude: Double?
    /// The last heartbeat and what it reported. Online-ness is computed from the time.
    @OptionalField(key: "last_heartbeat_at") var lastHeartbeatAt: Date?
    @OptionalField(key: "load") var load: Double?
    @OptionalField(key: "peer_count") var peerCount: Int?
    @OptionalField(key: "rx_bytes") var rxBytes: Int64?
    @OptionalField(key: "tx_bytes") var txBytes: Int64?
    @OptionalField(key: "health") var health: Health?
    /// Whether the presence sweep last saw this server online; only the sweep's
    /// transitions (`server.online` / `server.offline`) read it, readers compute online-ness.
    @Field(key: "marked_online") var markedOnline: Bool

    /// A server's own verdict on itself, sent with each heartbeat.
    enum Health: String, Codable, Sendable, CaseIterable {
        case ok
        case degraded
        case failing
    }

    init() {}

    init(kind: Kind, name: String, publicKey: String, status: Status, userID: UUID?, credentialHash: String,
         endpoints: [String], createdAt: Date) {
        self.kind = kind
        self.name = name
        self.publicKey = publicKey
        self.status = status
        self.$user.id = userID
        self.credentialHash = credentialHash
        self.endpoints = endpoints
        self.createdAt = createdAt
        self.lastSeenAt = nil
        self.markedOnline = false
    }
}
