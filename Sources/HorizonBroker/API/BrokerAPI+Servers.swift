import Foundation

/// Servers: `/api/v1/servers…` (registration is public; listing for users and nodes; the
/// rest admin).
extension BrokerAPI {
    func registerServer(_ input: Operations.RegisterServer.Input) async throws -> Operations.RegisterServer.Output {
        let context = try RequestContext.get()
        guard case .json(let body) = input.body else { throw APIError.badRequest("expected a JSON body") }
        let location = try body.location.map {
            try NodeInput.location(country: $0.country, city: $0.city, latitude: $0.latitude, longitude: $0.longitude)
        }
        let (credential, node) = try await services.servers.register(
            .init(enrollmentKey: body.enrollmentKey, proof: .init(challengeID: body.challengeId, proof: body.proof),
                  name: body.name, publicKey: body.publicKey, endpoints: body.endpoints, capacity: body.capacity,
                  location: location),
            by: context.actor, on: context.db)
        return .created(.init(body: .json(.init(credential: credential, server: try server(node, forAdmin: true)))))
    }

    func listServers(_ input: Operations.ListServers.Input) async throws -> Operations.ListServers.Output {
        let context = try RequestContext.get()
        let includeAll = input.query.all ?? false
        if includeAll { _ = try context.requireAdmin() }
        let admin = isAdmin(context)
        let nodes = try await services.servers.list(includeAll: includeAll, on: context.db)
        return .ok(.init(body: .json(try nodes.map { try server($0, forAdmin: admin) })))
    }

    func getServer(_ input: Operations.GetServer.Input) async throws -> Operations.GetServer.Output {
        let context = try RequestContext.get()
        let node = try await services.servers.find(id: try Self.uuid(input.path.serverId, "serverId"), on: context.db)
        let admin = isAdmin(context)
        guard admin || services.servers.isOnline(node, at: clock.now()) else {
            throw APIError.notFound("no server with id \(input.path.serverId)")
        }
        return .ok(.init(body: .json(try server(node, forAdmin: admin))))
    }

    func deleteServer(_ input: Operations.DeleteServer.Input) async throws -> Operations.DeleteServer.Output {
        let context = try RequestContext.get()
        _ = try context.requireAdmin()
        let node = try await services.servers.find(id: try Self.uuid(input.path.serverId, "serverId"), on: context.db)
        try await services.nodeLifecycle.delete(node, by: context.actor, on: context.db)
        return .noContent(.init())
    }

    func approveServer(_ input: Operations.ApproveServer.Input) async throws -> Operations.ApproveServer.Output {
        .ok(.init(body: .json(try await changeServer(input.path.serverId, to: .approved))))
    }

    func suspendServer(_ input: Operations.SuspendServer.Input) async throws -> Operations.SuspendServer.Output {
        .ok(.init(body: .json(try await changeServer(input.path.serverId, to: .suspended))))
    }

    func revokeServer(_ input: Operations.RevokeServer.Input) async throws -> Operations.RevokeServer.Output {
        .ok(.init(body: .json(try await changeServer(input.path.serverId, to: .revoked))))
    }

    private func changeServer(_ serverID: String, to status: Node.Status) async throws -> Components.Schemas.Server {
        let context = try RequestContext.get()
        _ = try context.requireAdmin()
        let node = try await services.servers.find(id: try Self.uuid(serverID, "serverId"), on: context.db)
        try await services.nodeLifecycle.setStatus(node, to: status, by: context.actor, on: context.db)
        return try server(node, forAdmin: true)
    }

    private func isAdmin(_ context: RequestContext) -> Bool {
        if case .authenticated(let principal) = context.authentication { return principal.isAdmin }
        return false
    }

    /// The API form of a server; status and timestamps only for admins.
    private func server(_ node: Node, forAdmin admin: Bool) throws -> Components.Schemas.Server {
        let location = node.country.map {
            Components.Schemas.ServerLocation(country: $0, city: node.city, latitude: node.latitude, longitude: node.longitude)
        }
        return .init(
            id: try node.requireID().uuidString, name: node.name, publicKey: node.publicKey, endpoints: node.endpoints,
            capacity: node.capacity ?? 0, location: location, ipv4Address: node.ipv4Address, ipv6Address: node.ipv6Address,
            online: services.servers.isOnline(node, at: clock.now()), load: node.load, peerCount: node.peerCount,
            health: node.health.flatMap { .init(rawValue: $0.rawValue) },
            status: admin ? .init(value1: .init(node.status)) : nil,
            lastHeartbeatAt: admin ? node.lastHeartbeatAt : nil, createdAt: admin ? node.createdAt : nil)
    }
}
