import Fluent
import Foundation

/// A service a member announces in one of its networks ("game server on port 27015/udp"),
/// so other members list it without scanning. Belongs to the membership: removing the
/// member (or its node) removes its announcements.
final class ServiceAnnouncement: Model, @unchecked Sendable {
    static let schema = "service_announcements"

    enum TransportProtocol: String, Codable, Sendable, CaseIterable {
        case tcp
        case udp
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "member_id") var member: NetworkMember
    /// Copied from the membership, so netmaps and lists filter without a join.
    @Field(key: "network_id") var networkID: UUID
    @Field(key: "node_id") var nodeID: UUID
    @Field(key: "name") var name: String
    @Field(key: "port") var port: Int
    @Field(key: "protocol") var transport: TransportProtocol
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(member: NetworkMember, name: String, port: Int, transport: TransportProtocol, createdAt: Date) throws {
        self.$member.id = try member.requireID()
        self.networkID = member.$network.id
        self.nodeID = member.$node.id
        self.name = name
        self.port = port
        self.transport = transport
        self.createdAt = createdAt
    }
}
