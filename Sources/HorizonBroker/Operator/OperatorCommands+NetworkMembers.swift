import Fluent
import Foundation

/// `horizon-broker networks add-member | remove-member | members`.
extension OperatorCommands {
    public struct MemberSummary: Sendable {
        public let nodeID: UUID
        public let name: String
        public let kind: String
        public let status: String
        public let ipv4Address: String
        public let ipv6Address: String
        public let mac: String
    }

    /// Adds the server or device `node` (id, or name when only one node has it) to `network` (id or name).
    public static func addNetworkMember(_ config: BrokerConfiguration, network: String, node: String) async throws -> MemberSummary {
        try await withStore(config) { services, db in
            let network = try await services.membership.network(network, on: db)
            let node = try await findNode(node, on: db)
            return try memberSummary(try await services.membership.add(node, to: network, by: .commandLine(), on: db), node)
        }
    }

    public static func removeNetworkMember(_ config: BrokerConfiguration, network: String, node: String) async throws {
        try await withStore(config) { services, db in
            let network = try await services.membership.network(network, on: db)
            try await services.membership.remove(try await findNode(node, on: db), from: network, by: .commandLine(), on: db)
        }
    }

    public static func listNetworkMembers(_ config: BrokerConfiguration, network: String) async throws -> [MemberSummary] {
        try await withStore(config) { services, db in
            let network = try await services.membership.network(network, on: db)
            return try await services.membership.members(of: network, on: db).map { try memberSummary($0, $0.node) }
        }
    }

    /// A server or device by id, or by name when exactly one node has that name.
    private static func findNode(_ idOrName: String, on db: any Database) async throws -> Node {
        if let id = UUID(uuidString: idOrName), let node = try await Node.find(id, on: db) { return node }
        let matches = try await Node.query(on: db).all().filter { $0.name.lowercased() == idOrName.lowercased() }
        guard let node = matches.first else {
            throw OperatorError("no server or device with id or name '\(idOrName)' (see: horizon-broker servers list, devices list)")
        }
        guard matches.count == 1 else {
            let ids = matches.compactMap { $0.id.map { "\($0.uuidString)" } }.joined(separator: ", ")
            throw OperatorError("several nodes are named '\(idOrName)' (\(ids)); give the node's id")
        }
        return node
    }

    private static func memberSummary(_ member: NetworkMember, _ node: Node) throws -> MemberSummary {
        MemberSummary(
            nodeID: try node.requireID(), name: node.name, kind: node.kind.rawValue, status: node.status.rawValue,
            ipv4Address: member.ipv4Address, ipv6Address: member.ipv6Address, mac: member.mac)
    }
}
