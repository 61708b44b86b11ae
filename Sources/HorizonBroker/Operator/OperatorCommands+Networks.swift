import Fluent
import Foundation

/// `horizon-broker networks …`.
extension OperatorCommands {
    public struct NetworkSummary: Sendable {
        public let name: String
        public let mode: String
        public let cidr: String
        public let ipv6Prefix: String
        public let allocated: Int
        public let capacity: Int
        public let tag: Int
    }

    public static func createNetwork(
        _ config: BrokerConfiguration, name: String, cidr: String, ipv6Prefix: String?, mode: String
    ) async throws -> NetworkSummary {
        guard let mode = Network.Mode(rawValue: mode) else {
            throw OperatorError("--mode must be l3 or l2 (got '\(mode)')")
        }
        return try await withStore(config) { services, db in
            let network = try await services.networks.create(
                name: name, ipv4CIDR: cidr, ipv6Prefix: ipv6Prefix, mode: mode, by: .commandLine(), on: db)
            return try summary(network, allocated: 0)
        }
    }

    public static func listNetworks(_ config: BrokerConfiguration) async throws -> [NetworkSummary] {
        try await withStore(config) { services, db in
            let counts = try await services.networks.allocatedCounts(on: db)
            return try await services.networks.all(on: db).map { try summary($0, allocated: counts[try $0.requireID()] ?? 0) }
        }
    }

    private static func summary(_ network: Network, allocated: Int) throws -> NetworkSummary {
        NetworkSummary(
            name: network.name, mode: network.mode.rawValue, cidr: network.ipv4CIDR, ipv6Prefix: network.ipv6Prefix,
            allocated: allocated, capacity: try network.plan().capacity, tag: network.tag)
    }
}
