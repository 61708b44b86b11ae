import Fluent
import SQLKit

/// The columns servers and devices need beyond ``CreateNodes``: a uniqueness key for names,
/// overlay addresses, a server's capacity and location, and its last heartbeat.
struct AddServerAndDeviceColumnsToNodes: AsyncMigration {
    /// SQLite adds one column per `ALTER TABLE`, so each goes in its own update.
    private static let columns: [(String, DatabaseSchema.DataType)] = [
        ("name_key", .string), ("ipv4_address", .string), ("ipv6_address", .string),
        ("capacity", .int64), ("country", .string), ("city", .string),
        ("latitude", .double), ("longitude", .double),
        ("last_heartbeat_at", .datetime), ("load", .double), ("peer_count", .int64),
        ("rx_bytes", .int64), ("tx_bytes", .int64), ("health", .string),
    ]

    func prepare(on database: any Database) async throws {
        for (name, type) in Self.columns {
            try await database.schema(Node.schema).field(.string(name), type).update()
        }
        try await database.schema(Node.schema)
            .field("marked_online", .bool, .required, .sql(.default(false)))
            .update()
        guard let sql = database as? any SQLDatabase else { return }
        // A unique index (not a table constraint): SQLite cannot add constraints to a table.
        try await sql.create(index: "nodes_name_key").on(Node.schema).column("name_key").unique().run()
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            try await sql.drop(index: "nodes_name_key").run()
        }
        for name in ["marked_online"] + Self.columns.map(\.0).reversed() {
            try await database.schema(Node.schema).deleteField(.string(name)).update()
        }
    }
}
