import Fluent
import Foundation

/// Approving, suspending, revoking and deleting servers and devices: the same rules and
/// audit events from the API and the command line, and a netmap change after each commit.
struct NodeLifecycle: Sendable {
    let audit: AuditLog
    let netmapChanges: NetmapChangeHub

    /// Moves `node` to `status`. Asking for the status it already has changes nothing;
    /// revocation is final (409 `node_revoked` for any later change).
    @discardableResult
    func setStatus(_ node: Node, to status: Node.Status, by actor: Actor, on db: any Database) async throws -> Node {
        guard node.status != status else { return node }
        guard node.status != .revoked else {
            throw APIError.conflict(
                "\(node.kind.rawValue) '\(node.name)' is revoked for good; it must register again with a new key", code: "node_revoked")
        }
        guard let action = Self.action(node.kind, status) else {
            throw APIError.conflict("a \(node.kind.rawValue) cannot be made \(status.rawValue)")
        }
        let previous = node.status
        node.status = status
        // Only approved servers count as online; the sweep reports when they come back.
        if status != .approved { node.markedOnline = false }
        try await db.transaction { tx in
            try await node.update(on: tx)
            try await audit.record(action, by: actor, target: .node(node), detail: "was \(previous.rawValue)", on: tx)
        }
        netmapChanges.publish()
        return node
    }

    /// Deletes the node and gives its overlay address back.
    func delete(_ node: Node, by actor: Actor, on db: any Database) async throws {
        let nodeID = try node.requireID()
        try await db.transaction { tx in
            try await AddressAllocation.query(on: tx)
                .filter(\.$ownerType == node.kind.rawValue).filter(\.$ownerID == nodeID).delete()
            try await node.delete(on: tx)
            try await audit.record(node.kind == .server ? .serverDeleted : .deviceDeleted, by: actor, target: .node(node), on: tx)
        }
        netmapChanges.publish()
    }

    private static func action(_ kind: Node.Kind, _ status: Node.Status) -> AuditAction? {
        switch (kind, status) {
        case (.server, .approved): .serverApproved
        case (.server, .suspended): .serverSuspended
        case (.server, .revoked): .serverRevoked
        case (.device, .revoked): .deviceRevoked
        case (_, .pending), (.device, .approved), (.device, .suspended): nil
        }
    }
}
