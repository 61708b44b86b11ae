import Fluent
import Foundation

/// One overlay address handed out in a network. The unique constraint on
/// (network, IPv4 address) is what makes an address impossible to hand out twice, also
/// when several enrollments (or several brokers) allocate at the same moment.
final class AddressAllocation: Model, @unchecked Sendable {
    static let schema = "address_allocations"

    @ID(key: .id) var id: UUID?
    @Parent(key: "network_id") var network: Network
    /// Position inside the network: the IPv4 and the IPv6 address share it.
    @Field(key: "host_index") var hostIndex: Int
    @Field(key: "ipv4_address") var ipv4Address: String
    @Field(key: "ipv6_address") var ipv6Address: String
    /// What holds the address (`server`, `device`) and its id.
    @Field(key: "owner_type") var ownerType: String
    @OptionalField(key: "owner_id") var ownerID: UUID?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(networkID: UUID, hostIndex: Int, ipv4: String, ipv6: String, ownerType: String, ownerID: UUID?, createdAt: Date) {
        self.$network.id = networkID
        self.hostIndex = hostIndex
        self.ipv4Address = ipv4
        self.ipv6Address = ipv6
        self.ownerType = ownerType
        self.ownerID = ownerID
        self.createdAt = createdAt
    }
}
