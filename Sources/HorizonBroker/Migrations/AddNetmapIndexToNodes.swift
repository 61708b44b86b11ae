import Fluent
import SQLKit

/// The index a netmap's peer query walks: approved nodes of one kind, out of every node.
struct AddNetmapIndexToNodes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "nodes_netmap").on(Node.schema).column("kind").column("status").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "nodes_netmap").run()
    }
}
