import Fluent
import Foundation
import SQLKit

/// Gives every network its 24-bit data-plane tag (``NetworkTag``), also those made before
/// tags existed, and makes tags unique.
struct AddTagsToNetworks: AsyncMigration {
    private struct Row: Decodable { var id: UUID }

    func prepare(on database: any Database) async throws {
        try await database.schema(Network.schema).field("tag", .int64).update()
        guard let sql = database as? any SQLDatabase else { return }
        try await Self.assignTags(on: sql)
        try await sql.create(index: "networks_tag").unique().on(Network.schema).column("tag").run()
    }

    /// Gives each network without a tag the first derived tag no other network has, oldest first.
    static func assignTags(on sql: any SQLDatabase) async throws {
        let tagged = try await sql.select().column("tag").from(Network.schema).where("tag", .isNot, SQLLiteral.null)
            .all(decoding: TagRow.self)
        var taken = Set(tagged.map(\.tag))
        let untagged = try await sql.select().column("id").from(Network.schema).where("tag", .is, SQLLiteral.null)
            .orderBy("created_at").all(decoding: Row.self)
        for row in untagged {
            let tag = try NetworkTag.free(for: row.id, avoiding: taken)
            taken.insert(tag)
            try await sql.update(Network.schema).set("tag", to: SQLBind(tag)).where("id", .equal, SQLBind(row.id)).run()
        }
    }

    private struct TagRow: Decodable { var tag: Int }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase { try await sql.drop(index: "networks_tag").run() }
        try await database.schema(Network.schema).deleteField("tag").update()
    }
}
