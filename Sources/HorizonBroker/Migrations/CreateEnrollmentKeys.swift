import Fluent

struct CreateEnrollmentKeys: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(EnrollmentKey.schema)
            .id()
            .field("purpose", .string, .required)
            .field("user_id", .uuid, .references(User.schema, "id", onDelete: .cascade))
            .field("reusable", .bool, .required)
            .field("key_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime)
            .field("uses", .int64, .required, .sql(.default(0)))
            .field("last_used_at", .datetime)
            .unique(on: "key_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(EnrollmentKey.schema).delete()
    }
}
