import Fluent
import Foundation
import SQLKit

/// Heartbeats and the online/offline bookkeeping built on them.
///
/// Readers decide online-ness from `last_heartbeat_at` at read time, so a list or netmap is
/// never staler than its query. ``sweep(now:on:)`` only turns *transitions* into audit events
/// and netmap changes: each transition is one conditional `UPDATE … RETURNING` on
/// `marked_online`, so when several brokers sweep the same store each change is reported once.
struct ServerPresence: Sendable {
    let clock: BrokerClock
    let policy: NodePolicy
    let audit: AuditLog
    let challenges: NodeChallenges
    let orphanedAddresses = OrphanedAddresses()
    let netmapChanges: NetmapChangeHub
    let activity: NodeActivityWriter

    struct Report: Sendable, Equatable {
        var load: Double
        var peerCount: Int
        var rxBytes: Int64
        var txBytes: Int64
        var health: Node.Health
        /// New public endpoints, when they changed (nil: unchanged).
        var endpoints: [String]?
    }

    static let maxPeerCount = 10_000_000

    /// Records a heartbeat: one row of a group-committed UPDATE (plus a read when the node
    /// announces endpoints).
    func heartbeat(from nodeID: UUID, _ report: Report, on db: any Database) async throws {
        guard (0...1).contains(report.load) else {
            throw APIError.badRequest("load must be from 0 to 1 (got \(report.load))", code: "invalid_heartbeat")
        }
        guard (0...Self.maxPeerCount).contains(report.peerCount), report.rxBytes >= 0, report.txBytes >= 0 else {
            throw APIError.badRequest("peerCount, rxBytes and txBytes must not be negative", code: "invalid_heartbeat")
        }
        let endpoints = try report.endpoints.map { try NodeInput.endpoints($0, required: false) }
        try await activity.record(.heartbeat(nodeID: nodeID, at: clock.now(), report), on: db)
        if let endpoints, let node = try await Node.find(nodeID, on: db), node.endpoints != endpoints {
            node.endpoints = endpoints
            try await node.update(on: db)
            netmapChanges.publish()
        }
    }

    struct Transitions: Sendable, Equatable {
        var wentOffline: [String] = []
        var cameOnline: [String] = []
    }

    /// Finds servers that went offline or came back since the last sweep (by any broker),
    /// records `server.offline` / `server.online`, publishes one netmap change if any, drops
    /// expired challenges and releases orphaned overlay addresses. It writes only when there
    /// is something to change: a sweep with nothing to do only reads, so it never contends
    /// for SQLite's write lock.
    @discardableResult
    func sweep(now: Date, on db: any Database) async throws -> Transitions {
        let since = SQLBind(now.addingTimeInterval(-policy.serverOfflineAfter))
        let sql = try Self.sql(db)
        let offlineDue = try await Self.wentOffline(sql.select().column("id").from(Node.schema), since).first() != nil
        let onlineDue = try await Self.cameOnline(sql.select().column("id").from(Node.schema), since).first() != nil
        var result = Transitions()
        if offlineDue || onlineDue {
            result = try await db.transaction { tx -> Transitions in
                let sql = try Self.sql(tx)
                let offline = try await Self.wentOffline(sql.update(Node.schema).set("marked_online", to: SQLBind(false)), since)
                    .returning("id", "name").all()
                let online = try await Self.cameOnline(sql.update(Node.schema).set("marked_online", to: SQLBind(true)), since)
                    .returning("id", "name").all()
                return Transitions(
                    wentOffline: try await record(.serverOffline, offline, on: tx),
                    cameOnline: try await record(.serverOnline, online, on: tx))
            }
        }
        try await challenges.purgeExpired(now: now, on: db)
        try await orphanedAddresses.release(now: now, on: db)
        if !result.wentOffline.isEmpty || !result.cameOnline.isEmpty { netmapChanges.publish() }
        return result
    }

    /// Servers marked online whose last heartbeat is older than `since` (or missing).
    private static func wentOffline<Query: SQLPredicateBuilder>(_ query: Query, _ since: SQLBind) -> Query {
        query.where("kind", .equal, SQLBind(Node.Kind.server.rawValue)).where("marked_online", .equal, SQLBind(true))
            .where(group: { $0.where("last_heartbeat_at", .is, SQLLiteral.null).orWhere("last_heartbeat_at", .lessThan, since) })
    }

    /// Approved servers marked offline that heartbeat at or after `since`.
    private static func cameOnline<Query: SQLPredicateBuilder>(_ query: Query, _ since: SQLBind) -> Query {
        query.where("kind", .equal, SQLBind(Node.Kind.server.rawValue)).where("marked_online", .equal, SQLBind(false))
            .where("status", .equal, SQLBind(Node.Status.approved.rawValue))
            .where("last_heartbeat_at", .greaterThanOrEqual, since)
    }

    private func record(_ action: AuditAction, _ rows: [any SQLRow], on db: any Database) async throws -> [String] {
        var names: [String] = []
        for row in rows {
            let id = try row.decode(column: "id", as: UUID.self)
            let name = try row.decode(column: "name", as: String.self)
            try await audit.record(action, by: .broker, target: AuditTarget(type: Node.Kind.server.rawValue, id: id.uuidString, name: name), on: db)
            names.append(name)
        }
        return names.sorted()
    }

    private static func sql(_ db: any Database) throws -> any SQLDatabase {
        guard let sql = db as? any SQLDatabase else { throw APIError(.internalServerError, "internal_error", "the store does not speak SQL") }
        return sql
    }
}
