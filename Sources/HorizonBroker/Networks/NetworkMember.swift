import Fluent
import Foundation

/// A server or device that an admin (or the device's user) added to a network, with the
/// overlay addresses and the MAC it has there. The addresses are copied from its
/// ``AddressAllocation`` so netmaps read members without a join; deleting the allocation
/// (as deleting the node does) deletes the membership with it.
final class NetworkMember: Model, @unchecked Sendable {
    static let schema = "network_members"

    @ID(key: .id) var id: UUID?
    @Parent(key: "network_id") var network: Network
    @Parent(key: "node_id") var node: Node
    @Parent(key: "allocation_id") var allocation: AddressAllocation
    @Field(key: "ipv4_address") var ipv4Address: String
    @Field(key: "ipv6_address") var ipv6Address: String
    /// `02:…`, see ``MACAddress``.
    @Field(key: "mac") var mac: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(networkID: UUID, nodeID: UUID, allocation: AddressAllocation, mac: MACAddress, createdAt: Date) throws {
        self.$network.id = networkID
        self.$node.id = nodeID
        self.$allocation.id = try allocation.requireID()
        self.ipv4Address = allocation.ipv4Address
        self.ipv6Address = allocation.ipv6Address
        self.mac = mac.description
        self.createdAt = createdAt
    }
}
