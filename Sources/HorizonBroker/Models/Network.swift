import Fluent
import Foundation

/// A virtual network: an IPv4 subnet and an IPv6 ULA /64 from which the broker hands
/// overlay addresses to the nodes that join it. Addresses and prefixes are kept in their
/// canonical text form; ``NetworkPlan`` does the arithmetic.
final class Network: Model, @unchecked Sendable {
    static let schema = "networks"

    enum Mode: String, Codable, Sendable, CaseIterable {
        /// Routed: IP packets through TUN devices.
        case l3
        /// LAN emulation: Ethernet frames through TAP devices, one broadcast domain.
        case l2
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "ipv4_cidr") var ipv4CIDR: String
    @Field(key: "ipv6_prefix") var ipv6Prefix: String
    @Field(key: "mode") var mode: Mode
    @Field(key: "created_at") var createdAt: Date
    /// Names the network in the data plane's frame header (see ``NetworkTag``).
    @Field(key: "tag") var tag: Int

    init() {}

    init(id: UUID, name: String, plan: NetworkPlan, mode: Mode, tag: Int, createdAt: Date) {
        self.id = id
        self.tag = tag
        self.name = name
        self.ipv4CIDR = plan.ipv4.description
        self.ipv6Prefix = plan.ipv6.description
        self.mode = mode
        self.createdAt = createdAt
    }

    /// The address plan of this row (validated when the network was created).
    func plan() throws -> NetworkPlan {
        try NetworkPlan(ipv4CIDR: ipv4CIDR, ipv6Prefix: ipv6Prefix)
    }
}
