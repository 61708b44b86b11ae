import Fluent

/// Servers and devices (one table, see ``Node``).
struct CreateNodes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Node.schema)
            .id()
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .field("public_key", .string, .required)
            .field("status", .string, .required)
            .field("user_id", .uuid, .references(User.schema, "id", onDelete: .cascade))
            .field("credential_hash", .string, .required)
            .field("endpoints", .array(of: .string), .required)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime)
            .unique(on: "public_key")
            .unique(on: "credential_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Node.schema).delete()
    }
}
