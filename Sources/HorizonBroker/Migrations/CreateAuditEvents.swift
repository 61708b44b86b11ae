import Fluent
import SQLKit

struct CreateAuditEvents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEvent.schema)
            .id()
            .field("time", .datetime, .required)
            .field("action", .string, .required)
            .field("actor_name", .string, .required)
            .field("actor_id", .uuid)
            .field("target_type", .string)
            .field("target_id", .string)
            .field("target_name", .string)
            .field("source_address", .string)
            .field("detail", .string)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "audit_events_time").on(AuditEvent.schema).column("time").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuditEvent.schema).delete()
    }
}
