import Fluent
import Foundation
import HorizonCore

/// What registering a server and enrolling a device have in common: check the proof of
/// key possession, give the node an overlay address, and store it with a fresh credential,
/// its audit event and (for enrollment keys) the key's use in one transaction.
struct NodeEnrollment: Sendable {
    let clock: BrokerClock
    let audit: AuditLog
    let challenges: NodeChallenges
    let overlay: OverlayNetwork
    let addresses: AddressAllocator

    /// A node to store, from validated input.
    struct Request: Sendable {
        var kind: Node.Kind
        var name: String
        var publicKey: PublicKey
        var status: Node.Status
        var endpoints: [String] = []
        var capacity: Int?
        var location: NodeInput.Location?
    }

    /// The proof the node sent for ``NodeChallenges``.
    struct Proof: Sendable {
        var challengeID: String
        var proof: String
    }

    /// Stores the node. `authorize` runs inside the transaction (redeeming an enrollment key
    /// there means a failure later gives the use back) and returns the owning user, if any.
    func enroll(
        _ request: Request, proof: Proof, by actor: Actor, detail: String? = nil, on db: any Database,
        authorize: @escaping @Sendable (any Database) async throws -> UUID?
    ) async throws -> (credential: String, node: Node) {
        try await challenges.verify(challengeID: proof.challengeID, proof: proof.proof, publicKey: request.publicKey, on: db)
        let network = try await overlay.network(on: db)
        let nodeID = UUID()
        // Allocated outside the transaction (a refused insert would abort it); released on failure.
        let address = try await addresses.allocate(
            in: try network.requireID(), for: .init(type: request.kind.rawValue, id: nodeID), on: db)
        let (secret, hash) = NodeCredentials.issue()
        let node = Node(
            kind: request.kind, name: request.name, publicKey: request.publicKey.base64, status: request.status,
            userID: nil, credentialHash: hash, endpoints: request.endpoints, createdAt: clock.now())
        node.id = nodeID
        node.ipv4Address = address.ipv4Address
        node.ipv6Address = address.ipv6Address
        node.capacity = request.capacity
        node.country = request.location?.country
        node.city = request.location?.city
        node.latitude = request.location?.latitude
        node.longitude = request.location?.longitude
        let action: AuditAction = request.kind == .server ? .serverRegistered : .deviceEnrolled
        do {
            try await db.transaction { tx in
                // Write first: a SQLite transaction that reads before its first write cannot
                // wait for a concurrent writer and fails `busy` instead.
                try await audit.record(action, by: actor, target: .node(node), detail: detail, on: tx)
                let userID = try await authorize(tx)
                node.$user.id = userID
                node.nameKey = Self.nameKey(kind: request.kind, name: request.name, userID: userID)
                try await node.create(on: tx)
            }
        } catch {
            try? await addresses.release(address, on: db)
            if let dbError = error as? any DatabaseError, dbError.isConstraintFailure {
                throw try await conflict(for: node, on: db)
            }
            throw error
        }
        return (secret, node)
    }

    /// Server names are unique among servers, device names among one user's devices;
    /// case does not make a name different.
    static func nameKey(kind: Node.Kind, name: String, userID: UUID?) -> String {
        switch kind {
        case .server: "server/\(name.lowercased())"
        case .device: "device/\(userID?.uuidString ?? "-")/\(name.lowercased())"
        }
    }

    /// Which unique column a refused insert ran into.
    private func conflict(for node: Node, on db: any Database) async throws -> APIError {
        if try await Node.query(on: db).filter(\.$publicKey == node.publicKey).count() > 0 {
            return APIError.conflict("this public key is already registered; generate a new key pair for each node", code: "public_key_taken")
        }
        let scope = node.kind == .server ? "a server" : "one of your devices"
        return APIError.conflict("\(scope) is already named '\(node.name)'", code: "name_taken")
    }
}
