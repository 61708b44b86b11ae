import Fluent
import Foundation
import SQLKit

/// The writes every node makes every few seconds — heartbeats and last-contact stamps —
/// committed in groups (``GroupedWork``): while one batch is being written, the writes that
/// arrive wait and go together in the next, as one `UPDATE … FROM (VALUES …)` per kind of
/// write. Each caller still returns only once its own write is committed.
///
/// Why: one statement per heartbeat made 64 concurrent nodes 64 write transactions, which
/// on SQLite queue for its single write lock (sleeping in the busy handler) and on
/// PostgreSQL each pay a commit. One writer at a time also means heartbeats never contend
/// with each other for SQLite's lock.
final class NodeActivityWriter: Sendable {
    enum Write: Sendable {
        case heartbeat(nodeID: UUID, at: Date, ServerPresence.Report)
        case contact(nodeID: UUID, at: Date)
    }

    /// Rows per statement: 7 binds each stays far below SQLite's 32,766 and PostgreSQL's 65,535.
    static let maxBatch = 1000

    private let groups = GroupedWork<Write, Void>(maxBatch: NodeActivityWriter.maxBatch)

    init() {}

    /// Writes `write` with whatever else is waiting; returns once it is committed.
    func record(_ write: Write, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { throw APIError(.internalServerError, "internal_error", "the store does not speak SQL") }
        try await groups.submit(write) { writes in
            if Self.hasBothKinds(writes) {
                // Two statements, one commit: on PostgreSQL a commit is a WAL flush, and a group
                // of first-time callers (a heartbeat and its contact stamp each) paid two.
                try await db.transaction { tx in
                    guard let sql = tx as? any SQLDatabase else { throw APIError(.internalServerError, "internal_error", "the store does not speak SQL") }
                    try await Self.write(writes, on: sql)
                }
            } else {
                try await Self.write(writes, on: sql)
            }
            return writes.map { _ in () }
        }
    }

    private static func hasBothKinds(_ writes: [Write]) -> Bool {
        var heartbeat = false, contact = false
        for write in writes {
            switch write {
            case .heartbeat: heartbeat = true
            case .contact: contact = true
            }
        }
        return heartbeat && contact
    }

    /// One batch: at most one statement per kind of write.
    static func write(_ writes: [Write], on sql: any SQLDatabase) async throws {
        // The last write per node wins: an UPDATE … FROM with two rows for one node applies either.
        var heartbeats: [UUID: (Date, ServerPresence.Report)] = [:]
        var contacts: [UUID: Date] = [:]
        for write in writes {
            switch write {
            case .heartbeat(let id, let at, let report): heartbeats[id] = (at, report)
            case .contact(let id, let at): contacts[id] = at
            }
        }
        if !heartbeats.isEmpty {
            let rows = heartbeats.map { id, heartbeat in
                let (at, report) = heartbeat
                return SQLGroupExpression([
                    SQLBind(id), SQLBind(at), SQLBind(report.load), SQLBind(report.peerCount),
                    SQLBind(report.rxBytes), SQLBind(report.txBytes), SQLBind(report.health.rawValue),
                ])
            }
            try await sql.raw("""
                WITH v(id, t, load, peer_count, rx_bytes, tx_bytes, health) AS (VALUES \(SQLList(rows)))
                UPDATE \(ident: Node.schema) SET last_heartbeat_at = v.t, load = v.load, peer_count = v.peer_count,
                rx_bytes = v.rx_bytes, tx_bytes = v.tx_bytes, health = v.health
                FROM v WHERE \(ident: Node.schema).id = v.id
                """).run()
        }
        if !contacts.isEmpty {
            let rows = contacts.map { id, at in SQLGroupExpression([SQLBind(id), SQLBind(at)]) }
            try await sql.raw("""
                WITH v(id, t) AS (VALUES \(SQLList(rows)))
                UPDATE \(ident: Node.schema) SET last_seen_at = v.t FROM v WHERE \(ident: Node.schema).id = v.id
                """).run()
        }
    }
}
