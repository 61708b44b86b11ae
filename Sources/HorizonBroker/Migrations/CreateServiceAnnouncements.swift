import Fluent
import SQLKit

/// Services members announce in their networks.
struct CreateServiceAnnouncements: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ServiceAnnouncement.schema)
            .id()
            .field("member_id", .uuid, .required, .references(NetworkMember.schema, "id", onDelete: .cascade))
            .field("network_id", .uuid, .required)
            .field("node_id", .uuid, .required)
            .field("name", .string, .required)
            .field("port", .int64, .required)
            .field("protocol", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "member_id", "protocol", "port", name: "service_announcements_member_port")
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "service_announcements_network").on(ServiceAnnouncement.schema).column("network_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ServiceAnnouncement.schema).delete()
    }
}
