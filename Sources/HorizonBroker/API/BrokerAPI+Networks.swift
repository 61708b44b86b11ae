import Fluent
import Foundation

/// Networks: `/api/v1/networks`, `/api/v1/networks/{networkId}` (admin).
extension BrokerAPI {
    func listNetworks(_ input: Operations.ListNetworks.Input) async throws -> Operations.ListNetworks.Output {
        let context = try RequestContext.get()
        _ = try context.requireAdmin()
        let networks = try await services.networks.all(on: context.db)
        let counts = try await services.networks.allocatedCounts(on: context.db)
        return .ok(.init(body: .json(try networks.map { try .init($0, allocated: counts[try $0.requireID()] ?? 0) })))
    }

    func createNetwork(_ input: Operations.CreateNetwork.Input) async throws -> Operations.CreateNetwork.Output {
        let context = try RequestContext.get()
        _ = try context.requireAdmin()
        guard case .json(let body) = input.body else { throw APIError.badRequest("expected a JSON body") }
        let network = try await services.networks.create(
            name: body.name, ipv4CIDR: body.cidr, ipv6Prefix: body.ipv6Prefix, mode: body.mode?.model ?? .l3,
            by: context.actor, on: context.db)
        return .created(.init(body: .json(try .init(network, allocated: 0))))
    }

    func getNetwork(_ input: Operations.GetNetwork.Input) async throws -> Operations.GetNetwork.Output {
        let context = try RequestContext.get()
        _ = try context.requireAdmin()
        let network = try await services.networks.find(id: try Self.uuid(input.path.networkId, "networkId"), on: context.db)
        let allocated = try await AddressAllocation.query(on: context.db).filter(\.$network.$id == network.requireID()).count()
        return .ok(.init(body: .json(try .init(network, allocated: allocated))))
    }

    func deleteNetwork(_ input: Operations.DeleteNetwork.Input) async throws -> Operations.DeleteNetwork.Output {
        let context = try RequestContext.get()
        _ = try context.requireAdmin()
        let network = try await services.networks.find(id: try Self.uuid(input.path.networkId, "networkId"), on: context.db)
        try await services.networks.delete(network, by: context.actor, on: context.db)
        services.netmapChanges.publish()
        return .noContent(.init())
    }
}

extension Components.Schemas.Network {
    init(_ network: Network, allocated: Int) throws {
        let plan = try network.plan()
        self.init(
            id: try network.requireID().uuidString, name: network.name, mode: .init(network.mode), tag: network.tag,
            cidr: network.ipv4CIDR, ipv6Prefix: network.ipv6Prefix,
            gatewayIPv4: plan.gatewayIPv4.description, gatewayIPv6: plan.gatewayIPv6.description,
            capacity: plan.capacity, allocated: allocated, createdAt: network.createdAt)
    }
}

extension Components.Schemas.NetworkMode {
    init(_ mode: Network.Mode) {
        switch mode {
        case .l3: self = .l3
        case .l2: self = .l2
        }
    }

    var model: Network.Mode {
        switch self {
        case .l3: .l3
        case .l2: .l2
        }
    }
}
