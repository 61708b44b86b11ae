import Foundation

/// Operations a server or device performs with its node credential.
extension BrokerAPI {
    func getNodeSelf(_ input: Operations.GetNodeSelf.Input) async throws -> Operations.GetNodeSelf.Output {
        let node = try RequestContext.get().requireNode()
        return .ok(.init(body: .json(.init(
            id: node.nodeID.uuidString, kind: .init(node.kind), name: node.name, publicKey: node.publicKey,
            status: .init(node.status)))))
    }
}

extension Components.Schemas.NodeKind {
    init(_ kind: Node.Kind) {
        switch kind {
        case .server: self = .server
        case .device: self = .device
        }
    }
}

extension Components.Schemas.NodeStatus {
    init(_ status: Node.Status) {
        switch status {
        case .pending: self = .pending
        case .approved: self = .approved
        case .suspended: self = .suspended
        case .revoked: self = .revoked
        }
    }
}
