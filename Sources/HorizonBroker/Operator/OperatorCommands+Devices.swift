import Fluent
import Foundation

/// `horizon-broker devices …`.
extension OperatorCommands {
    public struct DeviceSummary: Sendable {
        public let id: UUID
        public let name: String
        public let owner: String?
        public let status: String
        public let ipv4Address: String?
        public let lastSeenAt: Date?
    }

    /// Every device, or those of the user called `username`.
    public static func listDevices(_ config: BrokerConfiguration, username: String?) async throws -> [DeviceSummary] {
        try await withStore(config) { services, db in
            var owner: UUID?
            if let username {
                guard let user = try await services.accounts.find(username: username, on: db) else {
                    throw OperatorError("no user named '\(username)' (see: horizon-broker user list)")
                }
                owner = try user.requireID()
            }
            return try await services.devices.list(ownedBy: owner, on: db).map(deviceSummary)
        }
    }

    /// Revokes a device given by id, or by name when exactly one device has it.
    public static func revokeDevice(_ config: BrokerConfiguration, idOrName: String) async throws -> DeviceSummary {
        try await withStore(config) { services, db in
            let matches = try await services.devices.list(ownedBy: nil, on: db).filter {
                $0.id?.uuidString.lowercased() == idOrName.lowercased() || $0.name.lowercased() == idOrName.lowercased()
            }
            guard let node = matches.first else {
                throw OperatorError("no device with id or name '\(idOrName)' (see: horizon-broker devices list)")
            }
            guard matches.count == 1 else {
                let owners = matches.map { $0.user?.username ?? "-" }.joined(separator: ", ")
                throw OperatorError("several devices are named '\(idOrName)' (owners: \(owners)); give the device's id")
            }
            try await services.nodeLifecycle.setStatus(node, to: .revoked, by: .commandLine(), on: db)
            return try deviceSummary(node)
        }
    }

    private static func deviceSummary(_ node: Node) throws -> DeviceSummary {
        DeviceSummary(
            id: try node.requireID(), name: node.name, owner: node.user?.username, status: node.status.rawValue,
            ipv4Address: node.ipv4Address, lastSeenAt: node.lastSeenAt)
    }
}
