import Fluent
import SQLKit

/// Networks and the overlay addresses allocated in them.
struct CreateNetworks: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Network.schema)
            .id()
            .field("name", .string, .required)
            .field("ipv4_cidr", .string, .required)
            .field("ipv6_prefix", .string, .required)
            .field("mode", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "name")
            .create()
        try await database.schema(AddressAllocation.schema)
            .id()
            .field("network_id", .uuid, .required, .references(Network.schema, "id", onDelete: .restrict))
            .field("host_index", .int64, .required)
            .field("ipv4_address", .string, .required)
            .field("ipv6_address", .string, .required)
            .field("owner_type", .string, .required)
            .field("owner_id", .uuid)
            .field("created_at", .datetime, .required)
            .unique(on: "network_id", "ipv4_address", name: "address_allocations_network_ipv4")
            .unique(on: "network_id", "host_index", name: "address_allocations_network_index")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AddressAllocation.schema).delete()
        try await database.schema(Network.schema).delete()
    }
}
