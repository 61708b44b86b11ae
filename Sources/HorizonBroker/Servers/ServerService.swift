import Fluent
import Foundation

/// Gateway servers: registration (enrollment key + proof of key possession, then `pending`
/// until an admin approves), listing and lookup. Status changes go through ``NodeLifecycle``.
struct ServerService: Sendable {
    let clock: BrokerClock
    let policy: NodePolicy
    let enrollment: NodeEnrollment
    let enrollmentKeys: EnrollmentKeyService

    struct Registration: Sendable {
        var enrollmentKey: String
        var proof: NodeEnrollment.Proof
        var name: String
        var publicKey: String
        var endpoints: [String]
        var capacity: Int
        var location: NodeInput.Location?
    }

    func register(_ registration: Registration, by actor: Actor, on db: any Database) async throws -> (credential: String, node: Node) {
        let request = NodeEnrollment.Request(
            kind: .server, name: try NodeInput.name(registration.name),
            publicKey: try NodeInput.publicKey(registration.publicKey), status: .pending,
            endpoints: try NodeInput.endpoints(registration.endpoints, required: true),
            capacity: try NodeInput.capacity(registration.capacity), location: registration.location)
        let keys = enrollmentKeys
        let secret = registration.enrollmentKey
        return try await enrollment.enroll(request, proof: registration.proof, by: actor, on: db) { tx in
            _ = try await keys.redeem(secret: secret, for: .server, on: tx)
            return nil
        }
    }

    /// Servers by name: every one, or only those clients may use (approved and online).
    func list(includeAll: Bool, on db: any Database) async throws -> [Node] {
        var query = Node.query(on: db).filter(\.$kind == .server)
        if !includeAll {
            query = query.filter(\.$status == .approved).filter(\.$lastHeartbeatAt >= onlineSince(clock.now()))
        }
        return try await query.sort(\.$name).all()
    }

    func find(id: UUID, on db: any Database) async throws -> Node {
        guard let node = try await Node.find(id, on: db), node.kind == .server else {
            throw APIError.notFound("no server with id \(id.uuidString)")
        }
        return node
    }

    func find(name: String, on db: any Database) async throws -> Node? {
        try await Node.query(on: db).filter(\.$kind == .server).filter(\.$nameKey == NodeEnrollment.nameKey(kind: .server, name: name, userID: nil)).first()
    }

    /// Heartbeats at or after this time make a server online at `now`.
    func onlineSince(_ now: Date) -> Date { now.addingTimeInterval(-policy.serverOfflineAfter) }

    func isOnline(_ node: Node, at now: Date) -> Bool {
        node.status == .approved && (node.lastHeartbeatAt.map { $0 >= onlineSince(now) } ?? false)
    }
}
