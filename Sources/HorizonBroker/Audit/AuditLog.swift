import Fluent
import Foundation

/// Who did something, for the audit log: a logged-in user, someone trying to log in, or
/// the operator at the command line.
struct Actor: Sendable {
    var name: String
    var id: UUID?
    /// Client address for the API; `local` for the command line.
    var sourceAddress: String?

    static let operatorName = "operator"

    static func commandLine() -> Actor {
        Actor(name: operatorName, id: nil, sourceAddress: "local")
    }
}

/// What an event is about.
struct AuditTarget: Sendable {
    var type: String
    var id: String?
    var name: String?

    static func user(_ user: User) -> AuditTarget {
        AuditTarget(type: "user", id: user.id?.uuidString, name: user.username)
    }

    static func token(_ token: AccessToken) -> AuditTarget {
        AuditTarget(type: "token", id: token.id?.uuidString, name: token.name)
    }

    static func enrollmentKey(_ key: EnrollmentKey) -> AuditTarget {
        AuditTarget(type: "enrollment_key", id: key.id?.uuidString, name: "\(key.purpose.rawValue) key")
    }

    static func network(_ network: Network) -> AuditTarget {
        AuditTarget(type: "network", id: network.id?.uuidString, name: network.name)
    }

    /// A server or device (`type` is its kind).
    static func node(_ node: Node) -> AuditTarget {
        AuditTarget(type: node.kind.rawValue, id: node.id?.uuidString, name: node.name)
    }
}

/// Appends events to the audit log. Writes go through the caller's database handle so an
/// event can share a transaction with the change it records.
struct AuditLog: Sendable {
    let clock: BrokerClock

    func record(
        _ action: AuditAction, by actor: Actor, target: AuditTarget? = nil, detail: String? = nil,
        on db: any Database
    ) async throws {
        let event = AuditEvent(
            time: clock.now(), action: action.rawValue, actorName: actor.name, actorID: actor.id,
            targetType: target?.type, targetID: target?.id, targetName: target?.name,
            sourceAddress: actor.sourceAddress, detail: detail)
        try await event.create(on: db)
    }

    struct Filter: Sendable {
        var actor: String?
        var action: String?
        var since: Date?
        var until: Date?
        var limit = 100
        var offset = 0
    }

    /// Newest first; `nextOffset` is nil on the last page.
    func page(_ filter: Filter, on db: any Database) async throws -> (events: [AuditEvent], nextOffset: Int?) {
        var query = AuditEvent.query(on: db)
        if let actor = filter.actor { query = query.filter(\.$actorName == actor) }
        if let action = filter.action { query = query.filter(\.$action == action) }
        if let since = filter.since { query = query.filter(\.$time >= since) }
        if let until = filter.until { query = query.filter(\.$time < until) }
        // One extra row tells whether another page follows.
        let rows = try await query.sort(\.$time, .descending).sort(\.$id, .descending)
            .range(filter.offset..<(filter.offset + filter.limit + 1)).all()
        let more = rows.count > filter.limit
        return (Array(rows.prefix(filter.limit)), more ? filter.offset + filter.limit : nil)
    }
}
