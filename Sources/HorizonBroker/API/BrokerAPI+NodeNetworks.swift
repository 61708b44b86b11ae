import Fluent
import Foundation

/// A device joining and leaving networks itself: `/api/v1/node/networks/{networkId}` (node
/// credential, for `horizon lan join|leave`). The device may do what its user may do for it
/// through `/api/v1/networks/{networkId}/members`; servers stay an admin's decision.
extension BrokerAPI {
    func joinNetwork(_ input: Operations.JoinNetwork.Input) async throws -> Operations.JoinNetwork.Output {
        let context = try RequestContext.get()
        let node = try await selfJoiningDevice(context)
        let network = try await services.membership.network(input.path.networkId, on: context.db)
        if let member = try await services.membership.membership(of: try node.requireID(), in: network, on: context.db) {
            return .ok(.init(body: .json(try .init(member, node: node))))
        }
        let member = try await services.membership.add(node, to: network, by: context.actor, on: context.db)
        return .created(.init(body: .json(try .init(member, node: node))))
    }

    func leaveNetwork(_ input: Operations.LeaveNetwork.Input) async throws -> Operations.LeaveNetwork.Output {
        let context = try RequestContext.get()
        let node = try await selfJoiningDevice(context)
        let network = try await services.membership.network(input.path.networkId, on: context.db)
        try await services.membership.remove(node, from: network, by: context.actor, on: context.db)
        return .noContent(.init())
    }

    /// The calling node, if it is an approved device (403 otherwise).
    private func selfJoiningDevice(_ context: RequestContext) async throws -> Node {
        let principal = try context.requireNode()
        guard principal.kind == .device else {
            throw APIError(.forbidden, "admin_adds_servers", "servers join networks when an admin adds them (horizon-broker networks add-member)")
        }
        guard principal.status == .approved else {
            throw APIError(.forbidden, "node_not_approved", "this device is \(principal.status.rawValue); only approved devices join networks")
        }
        guard let node = try await Node.find(principal.nodeID, on: context.db) else {
            throw APIError(.unauthorized, "unauthorized", "this node no longer exists")
        }
        return node
    }
}
