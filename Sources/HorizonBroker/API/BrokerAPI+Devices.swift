import Foundation

/// Devices: `/api/v1/devices…` (users for their own; admins for all; unattended
/// registration with a device enrollment key is public).
extension BrokerAPI {
    func enrollDevice(_ input: Operations.EnrollDevice.Input) async throws -> Operations.EnrollDevice.Output {
        let context = try RequestContext.get()
        let principal = try context.requireUser()
        guard case .json(let body) = input.body else { throw APIError.badRequest("expected a JSON body") }
        let (credential, node) = try await services.devices.enroll(
            .init(name: body.name, publicKey: body.publicKey, proof: .init(challengeID: body.challengeId, proof: body.proof)),
            for: principal.userID, by: context.actor, on: context.db)
        return .created(.init(body: .json(.init(
            credential: credential, device: try .init(node, owner: principal.username)))))
    }

    func registerDevice(_ input: Operations.RegisterDevice.Input) async throws -> Operations.RegisterDevice.Output {
        let context = try RequestContext.get()
        guard case .json(let body) = input.body else { throw APIError.badRequest("expected a JSON body") }
        let (credential, node) = try await services.devices.register(
            .init(name: body.name, publicKey: body.publicKey, proof: .init(challengeID: body.challengeId, proof: body.proof)),
            enrollmentKey: body.enrollmentKey, by: context.actor, on: context.db)
        let owner = try await node.$user.get(on: context.db)
        return .created(.init(body: .json(.init(credential: credential, device: try .init(node, owner: owner?.username)))))
    }

    func listDevices(_ input: Operations.ListDevices.Input) async throws -> Operations.ListDevices.Output {
        let context = try RequestContext.get()
        let principal = try context.requireUser()
        let everyone = input.query.all ?? false
        if everyone { _ = try context.requireAdmin() }
        let nodes = try await services.devices.list(ownedBy: everyone ? nil : principal.userID, on: context.db)
        return .ok(.init(body: .json(try nodes.map { try .init($0, owner: $0.user?.username) })))
    }

    func deleteDevice(_ input: Operations.DeleteDevice.Input) async throws -> Operations.DeleteDevice.Output {
        let context = try RequestContext.get()
        let principal = try context.requireUser()
        let node = try await services.devices.find(
            id: try Self.uuid(input.path.deviceId, "deviceId"), visibleTo: principal, on: context.db)
        try await services.nodeLifecycle.delete(node, by: context.actor, on: context.db)
        return .noContent(.init())
    }

    func revokeDevice(_ input: Operations.RevokeDevice.Input) async throws -> Operations.RevokeDevice.Output {
        let context = try RequestContext.get()
        let admin = try context.requireAdmin()
        let node = try await services.devices.find(id: try Self.uuid(input.path.deviceId, "deviceId"), visibleTo: admin, on: context.db)
        try await services.nodeLifecycle.setStatus(node, to: .revoked, by: context.actor, on: context.db)
        return .ok(.init(body: .json(try .init(node, owner: node.user?.username))))
    }
}

extension Components.Schemas.Device {
    init(_ node: Node, owner: String?) throws {
        self.init(
            id: try node.requireID().uuidString, name: node.name, publicKey: node.publicKey, status: .init(node.status),
            ownerId: node.$user.id?.uuidString, owner: owner, ipv4Address: node.ipv4Address, ipv6Address: node.ipv6Address,
            createdAt: node.createdAt, lastSeenAt: node.lastSeenAt)
    }
}
