import Fluent
import SQLKit

/// Sessions between servers and devices (see ``NodeConnection``). At most one live row per
/// pair, enforced by a partial unique index so two brokers hearing both ends report `up` at
/// once cannot open two (SQLite and PostgreSQL both support partial indexes).
struct CreateConnections: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(NodeConnection.schema)
            .id()
            .field("server_id", .uuid, .required, .references(Node.schema, "id", onDelete: .cascade))
            .field("device_id", .uuid, .required, .references(Node.schema, "id", onDelete: .cascade))
            .field("started_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("ended_at", .datetime)
            .field("rx_bytes", .int64, .required)
            .field("tx_bytes", .int64, .required)
            .field("endpoint", .string)
            .create()
        let sql = try Self.sql(database)
        try await sql.raw("CREATE UNIQUE INDEX connections_one_live ON connections (server_id, device_id) WHERE ended_at IS NULL").run()
        try await sql.raw("CREATE INDEX connections_by_start ON connections (started_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(NodeConnection.schema).delete()
    }

    private static func sql(_ database: any Database) throws -> any SQLDatabase {
        guard let sql = database as? any SQLDatabase else { throw APIError(.internalServerError, "internal_error", "the store is not SQL") }
        return sql
    }
}
