import Fluent
import Foundation

/// Node credentials: the bearer secret a server or device receives once, when it registers,
/// and presents on every node operation. Only its SHA-256 is stored (in ``Node``).
struct NodeCredentials: Sendable {
    let clock: BrokerClock

    /// Distinct from user tokens (`hzn_`) so the broker knows which table to look in and
    /// people can tell a machine's secret from their own.
    static let prefix = "hzd_"

    static func isNodeCredential(_ secret: String) -> Bool { secret.hasPrefix(prefix) }

    /// A fresh secret and the hash to store with the node.
    static func issue() -> (secret: String, hash: String) {
        let secret = TokenSecret.generate(prefix: prefix)
        return (secret, TokenSecret.hash(secret))
    }

    /// The node a credential stands for. Revoked nodes no longer authenticate; pending and
    /// suspended ones do, so they can learn their status and keep heartbeating.
    func resolve(secret: String, on db: any Database) async throws -> NodePrincipal {
        guard let node = try await Node.query(on: db).filter(\.$credentialHash == TokenSecret.hash(secret)).first() else {
            throw APIError(.unauthorized, "unauthorized", "the node credential is not valid; register the node again")
        }
        guard node.status != .revoked else {
            throw APIError(.unauthorized, "node_revoked", "this \(node.kind.rawValue) has been revoked by an administrator")
        }
        let now = clock.now()
        // Last contact is informational (device lists show it); write it at most once a minute
        // per node, so that frequent calls like heartbeats do not each pay for a second write.
        if node.lastSeenAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            node.lastSeenAt = now
            try? await node.update(on: db)
        }
        return NodePrincipal(
            nodeID: try node.requireID(), kind: node.kind, name: node.name, publicKey: node.publicKey, status: node.status)
    }
}
