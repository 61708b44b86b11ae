import Fluent
import SQLKit

/// Network membership: which nodes are in which network, with their address and MAC there.
struct CreateNetworkMembers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(NetworkMember.schema)
            .id()
            .field("network_id", .uuid, .required, .references(Network.schema, "id", onDelete: .restrict))
            .field("node_id", .uuid, .required, .references(Node.schema, "id", onDelete: .cascade))
            .field("allocation_id", .uuid, .required, .references(AddressAllocation.schema, "id", onDelete: .cascade))
            .field("ipv4_address", .string, .required)
            .field("ipv6_address", .string, .required)
            .field("mac", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "network_id", "node_id", name: "network_members_network_node")
            .unique(on: "network_id", "mac", name: "network_members_network_mac")
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        // Every netmap looks up the networks of its node.
        try await sql.create(index: "network_members_node").on(NetworkMember.schema).column("node_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(NetworkMember.schema).delete()
    }
}
