import Fluent
import Foundation

/// `horizon-broker servers …`.
extension OperatorCommands {
    public struct ServerSummary: Sendable {
        public let id: UUID
        public let name: String
        public let status: String
        public let online: Bool
        public let endpoints: [String]
        public let ipv4Address: String?
        public let country: String?
        public let load: Double?
        public let lastHeartbeatAt: Date?
    }

    public static func listServers(_ config: BrokerConfiguration) async throws -> [ServerSummary] {
        try await withStore(config) { services, db in
            let now = config.clock.now()
            return try await services.servers.list(includeAll: true, on: db).map { node in
                ServerSummary(
                    id: try node.requireID(), name: node.name, status: node.status.rawValue,
                    online: services.servers.isOnline(node, at: now), endpoints: node.endpoints,
                    ipv4Address: node.ipv4Address, country: node.country, load: node.load, lastHeartbeatAt: node.lastHeartbeatAt)
            }
        }
    }

    /// `approve`, `suspend` or `revoke` the server called `name`.
    public static func setServerStatus(_ config: BrokerConfiguration, name: String, to status: String) async throws {
        guard let status = Node.Status(rawValue: status), status != .pending else {
            throw OperatorError("a server can be made approved, suspended or revoked (got '\(status)')")
        }
        try await withStore(config) { services, db in
            guard let node = try await services.servers.find(name: name, on: db) else {
                throw OperatorError("no server named '\(name)' (see: horizon-broker servers list)")
            }
            try await services.nodeLifecycle.setStatus(node, to: status, by: .commandLine(), on: db)
        }
    }
}
