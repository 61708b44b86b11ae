import Fluent
import Foundation
import SQLKit

/// Gives back overlay addresses whose server or device no longer exists: a node removed by
/// its user's deletion (the store cascades to `nodes`, not to `address_allocations`), or a
/// registration whose process died between allocating and storing the node. Only
/// allocations older than ``minimumAge`` count, so a registration still in flight (address
/// taken, node not yet committed) keeps its own.
struct OrphanedAddresses: Sendable {
    static let minimumAge: TimeInterval = 600

    /// Deletes the orphans; reads first, so a store without any is not written to.
    func release(now: Date, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        let cutoff = now.addingTimeInterval(-Self.minimumAge)
        guard try await Self.orphans(sql.select().column("id").from(AddressAllocation.schema), before: cutoff)
            .limit(1).first() != nil else { return }
        try await Self.orphans(sql.delete(from: AddressAllocation.schema), before: cutoff).run()
    }

    private static func orphans<Query: SQLPredicateBuilder>(_ query: Query, before cutoff: Date) -> Query {
        query.where("owner_type", .in, Node.Kind.allCases.map(\.rawValue))
            .where("created_at", .lessThan, SQLBind(cutoff))
            .where(SQLRaw("NOT EXISTS (SELECT 1 FROM \(Node.schema) WHERE \(Node.schema).id = \(AddressAllocation.schema).owner_id)"))
    }
}
