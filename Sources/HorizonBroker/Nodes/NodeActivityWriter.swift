import Fluent
import Foundation
import SQLKit

/// The writes every node makes every few seconds — heartbeats and last-contact stamps —
/// committed in groups (``GroupedWork``): while one batch is being written, the writes that
/// arrive wait and go together in the next, as one `UPDATE … FROM` with a row per node.
/// Each caller still returns only once its own write is committed.
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

    /// Rows per statement: on SQLite, 10 binds each stay far below its 32,766 (PostgreSQL takes arrays).
    static let maxBatch = 1000

    private let groups = GroupedWork<Write, Void>(maxBatch: NodeActivityWriter.maxBatch)

    init() {}

    /// Writes `write` with whatever else is waiting; returns once it is committed.
    func record(_ write: Write, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { throw APIError(.internalServerError, "internal_error", "the store does not speak SQL") }
        try await groups.submit(write) { writes in
            try await Self.write(writes, on: sql)
            return writes.map { _ in () }
        }
    }

    /// What a batch writes to one node's row. `beat`/`contact` say which parts it carries;
    /// the columns of a part it does not carry hold placeholders the statement ignores.
    struct Row {
        var id: UUID
        var beat = false
        var at = Date(timeIntervalSince1970: 0)
        var report = ServerPresence.Report(load: 0, peerCount: 0, rxBytes: 0, txBytes: 0, health: .ok)
        var contact = false
        var seen = Date(timeIntervalSince1970: 0)
    }

    /// One batch as one statement: one commit, and one new version of each row even when a
    /// node's heartbeat and its contact stamp (every first-time caller has both) go together.
    static func write(_ writes: [Write], on sql: any SQLDatabase) async throws {
        // The last write of each kind per node wins: an UPDATE … FROM with two rows for one node applies either.
        var rows: [UUID: Row] = [:]
        for write in writes {
            switch write {
            case .heartbeat(let id, let at, let report):
                rows[id, default: Row(id: id)].beat = true
                rows[id]?.at = at
                rows[id]?.report = report
            case .contact(let id, let at):
                rows[id, default: Row(id: id)].contact = true
                rows[id]?.seen = at
            }
        }
        guard !rows.isEmpty else { return }
        if sql.dialect.name == "postgresql" {
            try await writeArrays(Array(rows.values), on: sql)
        } else {
            try await writeValues(Array(rows.values), on: sql)
        }
    }

    /// The columns a row sets: a heartbeat's only if it carries one (`v.beat`), the contact
    /// stamp only if it carries one (`v.contact`).
    private static let assignments: SQLQueryString = """
        last_heartbeat_at = CASE WHEN v.beat THEN v.t ELSE \(ident: Node.schema).last_heartbeat_at END,
        load = CASE WHEN v.beat THEN v.load ELSE \(ident: Node.schema).load END,
        peer_count = CASE WHEN v.beat THEN v.peer_count ELSE \(ident: Node.schema).peer_count END,
        rx_bytes = CASE WHEN v.beat THEN v.rx_bytes ELSE \(ident: Node.schema).rx_bytes END,
        tx_bytes = CASE WHEN v.beat THEN v.tx_bytes ELSE \(ident: Node.schema).tx_bytes END,
        health = CASE WHEN v.beat THEN v.health ELSE \(ident: Node.schema).health END,
        last_seen_at = CASE WHEN v.contact THEN v.seen ELSE \(ident: Node.schema).last_seen_at END
        """

    private static let columns: SQLQueryString = "v(id, beat, t, load, peer_count, rx_bytes, tx_bytes, health, contact, seen)"

    /// PostgreSQL: one array per column, so the statement's text is the same for every batch
    /// (10 binds, however many rows) and the server parses no list of values.
    private static func writeArrays(_ rows: [Row], on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE \(ident: Node.schema) SET \(assignments)
            FROM unnest(\(bind: rows.map(\.id)), \(bind: rows.map(\.beat)), \(bind: rows.map(\.at)),
                \(bind: rows.map(\.report.load)), \(bind: rows.map { Int64($0.report.peerCount) }),
                \(bind: rows.map(\.report.rxBytes)), \(bind: rows.map(\.report.txBytes)),
                \(bind: rows.map(\.report.health.rawValue)), \(bind: rows.map(\.contact)), \(bind: rows.map(\.seen))) AS \(columns)
            WHERE \(ident: Node.schema).id = v.id
            """).run()
    }

    /// SQLite (3.33+ takes `UPDATE … FROM`): the rows as a list of values.
    private static func writeValues(_ rows: [Row], on sql: any SQLDatabase) async throws {
        let values = rows.map { row in
            SQLGroupExpression([
                SQLBind(row.id), SQLBind(row.beat), SQLBind(row.at), SQLBind(row.report.load), SQLBind(row.report.peerCount),
                SQLBind(row.report.rxBytes), SQLBind(row.report.txBytes), SQLBind(row.report.health.rawValue),
                SQLBind(row.contact), SQLBind(row.seen),
            ])
        }
        try await sql.raw("""
            WITH \(columns) AS (VALUES \(SQLList(values)))
            UPDATE \(ident: Node.schema) SET \(assignments)
            FROM v WHERE \(ident: Node.schema).id = v.id
            """).run()
    }
}
