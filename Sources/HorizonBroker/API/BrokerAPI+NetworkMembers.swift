import Fluent
import Foundation

/// Network members and services: `/api/v1/networks/{networkId}/members…` and `…/services`.
/// Admins manage every member; users add and remove their own devices and, once one of their
/// devices is a member, see the network's members and services.
extension BrokerAPI {
    func listNetworkMembers(_ input: Operations.ListNetworkMembers.Input) async throws -> Operations.ListNetworkMembers.Output {
        let context = try RequestContext.get()
        let network = try await services.membership.network(input.path.networkId, on: context.db)
        try await requireView(of: network, context)
        let members = try await services.membership.members(of: network, on: context.db)
        return .ok(.init(body: .json(try members.map { try .init($0, node: $0.node) })))
    }

    func addNetworkMember(_ input: Operations.AddNetworkMember.Input) async throws -> Operations.AddNetworkMember.Output {
        let context = try RequestContext.get()
        let principal = try context.requireUser()
        guard case .json(let body) = input.body else { throw APIError.badRequest("expected a JSON body") }
        let nodeID = try Self.uuid(body.nodeId, "nodeId")
        let network = try await services.membership.network(input.path.networkId, on: context.db)
        let node = try await memberCandidate(nodeID, for: principal, on: context.db)
        let member = try await services.membership.add(node, to: network, by: context.actor, on: context.db)
        return .created(.init(body: .json(try .init(member, node: node))))
    }

    func removeNetworkMember(_ input: Operations.RemoveNetworkMember.Input) async throws -> Operations.RemoveNetworkMember.Output {
        let context = try RequestContext.get()
        let principal = try context.requireUser()
        let nodeID = try Self.uuid(input.path.nodeId, "nodeId")
        let network = try await services.membership.network(input.path.networkId, on: context.db)
        let node = try await memberCandidate(nodeID, for: principal, on: context.db)
        try await services.membership.remove(node, from: network, by: context.actor, on: context.db)
        return .noContent(.init())
    }

    func listNetworkServices(_ input: Operations.ListNetworkServices.Input) async throws -> Operations.ListNetworkServices.Output {
        let context = try RequestContext.get()
        let network = try await services.membership.network(input.path.networkId, on: context.db)
        try await requireView(of: network, context)
        let announced = try await services.announcements.services(in: network, on: context.db)
        return .ok(.init(body: .json(try announced.map { try .init($0, member: $1, nodeName: $1.node.name) })))
    }

    /// A node the principal may add or remove: any server or device for an admin, one of
    /// their own devices for a user (404 otherwise, as for a device that does not exist).
    private func memberCandidate(_ id: UUID, for principal: Principal, on db: any Database) async throws -> Node {
        guard principal.isAdmin else { return try await services.devices.find(id: id, visibleTo: principal, on: db) }
        guard let node = try await Node.find(id, on: db) else { throw APIError.notFound("no server or device with id \(id.uuidString)") }
        return node
    }

    /// Admins see every network; users those one of their devices is a member of.
    private func requireView(of network: Network, _ context: RequestContext) async throws {
        let principal = try context.requireUser()
        guard !principal.isAdmin else { return }
        guard try await services.membership.hasDevice(of: principal.userID, in: network, on: context.db) else {
            throw APIError(.forbidden, "forbidden", "none of your devices is a member of '\(network.name)'")
        }
    }
}

extension Components.Schemas.NetworkMember {
    init(_ member: NetworkMember, node: Node) throws {
        self.init(
            networkId: member.$network.id.uuidString, nodeId: try node.requireID().uuidString, kind: .init(node.kind),
            name: node.name, status: .init(node.status), ownerId: node.$user.id?.uuidString,
            ipv4Address: member.ipv4Address, ipv6Address: member.ipv6Address, mac: member.mac, createdAt: member.createdAt)
    }
}

extension Components.Schemas.ServiceAnnouncement {
    init(_ announcement: ServiceAnnouncement, member: NetworkMember, nodeName: String) throws {
        self.init(
            id: try announcement.requireID().uuidString, networkId: announcement.networkID.uuidString,
            nodeId: announcement.nodeID.uuidString, nodeName: nodeName, name: announcement.name, port: announcement.port,
            _protocol: .init(announcement.transport), addresses: [member.ipv4Address, member.ipv6Address],
            createdAt: announcement.createdAt)
    }
}

extension Components.Schemas.ServiceProtocol {
    init(_ transport: ServiceAnnouncement.TransportProtocol) {
        switch transport {
        case .tcp: self = .tcp
        case .udp: self = .udp
        }
    }

    var model: ServiceAnnouncement.TransportProtocol {
        switch self {
        case .tcp: .tcp
        case .udp: .udp
        }
    }
}
