import Foundation

/// The node side of servers and devices: proof-of-possession challenges (public) and
/// heartbeats (node credential).
extension BrokerAPI {
    func createNodeChallenge(_ input: Operations.CreateNodeChallenge.Input) async throws -> Operations.CreateNodeChallenge.Output {
        let context = try RequestContext.get()
        guard case .json(let body) = input.body else { throw APIError.badRequest("expected a JSON body") }
        let issued = try await services.challenges.issue(
            for: try NodeInput.publicKey(body.publicKey), from: context.sourceAddress, on: context.db)
        return .created(.init(body: .json(.init(
            challengeId: try issued.challenge.requireID().uuidString, nonce: issued.challenge.nonce,
            brokerPublicKey: issued.brokerPublicKey, expiresAt: issued.challenge.expiresAt))))
    }

    func sendHeartbeat(_ input: Operations.SendHeartbeat.Input) async throws -> Operations.SendHeartbeat.Output {
        let context = try RequestContext.get()
        let node = try context.requireNode()
        guard case .json(let body) = input.body else { throw APIError.badRequest("expected a JSON body") }
        try await services.serverPresence.heartbeat(
            from: node.nodeID,
            .init(load: body.load, peerCount: body.peerCount, rxBytes: body.rxBytes, txBytes: body.txBytes,
                  health: .init(body.health), endpoints: body.endpoints),
            on: context.db)
        return .ok(.init(body: .json(.init(
            status: .init(node.status), heartbeatInterval: services.configuration.nodes.heartbeatInterval))))
    }
}

extension Node.Health {
    init(_ health: Components.Schemas.ServerHealth) {
        switch health {
        case .ok: self = .ok
        case .degraded: self = .degraded
        case .failing: self = .failing
        }
    }
}
