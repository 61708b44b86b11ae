import Fluent
import Foundation

/// The broker-wide overlay network every server and device gets its address in: a network
/// named `horizon` (100.64.0.0/16 and a random ULA /64 by default, see ``NodePolicy``),
/// created by the first enrollment that needs it. Two brokers creating it at once are safe:
/// the unique network name refuses the second, which then reads the first one's row.
struct OverlayNetwork: Sendable {
    static let name = "horizon"

    let policy: NodePolicy
    let networks: NetworkService

    func network(on db: any Database) async throws -> Network {
        if let existing = try await networks.find(name: Self.name, on: db) { return existing }
        do {
            return try await networks.create(
                name: Self.name, ipv4CIDR: policy.overlayIPv4CIDR, ipv6Prefix: policy.overlayIPv6Prefix, mode: .l3,
                by: .broker, on: db)
        } catch let error as APIError where error.code == "conflict" {
            guard let winner = try await networks.find(name: Self.name, on: db) else { throw error }
            return winner
        }
    }
}

extension Actor {
    /// The broker itself, for what it does on its own (the overlay network, presence changes).
    static let broker = Actor(name: "broker", id: nil, sourceAddress: nil)
}
