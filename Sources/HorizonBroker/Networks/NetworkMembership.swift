import Fluent
import Foundation

/// Adding nodes to networks and removing them: each member gets an address from the
/// network's plan (through ``AddressAllocator``, so never one another node holds, also when
/// members are added at once on several brokers) and a MAC unique in the network. The same
/// rules and audit events from the API and the command line, and a netmap change after each.
struct NetworkMembership: Sendable {
    let clock: BrokerClock
    let audit: AuditLog
    let addresses: AddressAllocator
    let netmapChanges: NetmapChangeHub

    static let maxMACAttempts = 16

    /// A network by id or, failing that, by name (404 if neither).
    func network(_ reference: String, on db: any Database) async throws -> Network {
        if let id = UUID(uuidString: reference), let network = try await Network.find(id, on: db) { return network }
        // Only a well-formed name reaches the store (PostgreSQL refuses a NUL byte with an error).
        guard (try? NetworkService.checkName(reference)) != nil,
              let network = try await Network.query(on: db).filter(\.$name == reference).first() else {
            throw APIError.notFound("no network with id or name \(reference.prefix(64).debugDescription)")
        }
        return network
    }

    func members(of network: Network, on db: any Database) async throws -> [NetworkMember] {
        try await NetworkMember.query(on: db).filter(\.$network.$id == network.requireID()).with(\.$node).all()
            .sorted { ($0.node.name, $0.node.id?.uuidString ?? "") < ($1.node.name, $1.node.id?.uuidString ?? "") }
    }

    func membership(of nodeID: UUID, in network: Network, on db: any Database) async throws -> NetworkMember? {
        try await NetworkMember.query(on: db).filter(\.$network.$id == network.requireID()).filter(\.$node.$id == nodeID).first()
    }

    /// Adds `node` (409 `already_member`, `node_revoked`, `overlay_network`, `network_full`).
    func add(_ node: Node, to network: Network, by actor: Actor, on db: any Database) async throws -> NetworkMember {
        let networkID = try network.requireID()
        let nodeID = try node.requireID()
        guard network.name != OverlayNetwork.name else {
            throw APIError.conflict(
                "every server and device is in the overlay network '\(OverlayNetwork.name)' already", code: "overlay_network")
        }
        guard node.status != .revoked else {
            throw APIError.conflict("\(node.kind.rawValue) '\(node.name)' is revoked", code: "node_revoked")
        }
        if try await membership(of: nodeID, in: network, on: db) != nil { throw Self.alreadyMember(node, network) }
        // Outside the transaction: a refused insert would abort a PostgreSQL transaction.
        let allocation = try await addresses.allocate(
            in: networkID, for: .init(type: node.kind.rawValue, id: nodeID), on: db)
        do {
            let member = try await insert(node, into: network, allocation: allocation, by: actor, on: db)
            netmapChanges.publish()
            return member
        } catch {
            try? await addresses.release(allocation, on: db)
            throw error
        }
    }

    /// Stores the membership with the first derived MAC no other member has; a MAC taken
    /// meanwhile (the unique index refuses it) moves on to the next.
    private func insert(
        _ node: Node, into network: Network, allocation: AddressAllocation, by actor: Actor, on db: any Database
    ) async throws -> NetworkMember {
        let networkID = try network.requireID()
        let nodeID = try node.requireID()
        var attempt = 0
        while attempt < Self.maxMACAttempts {
            let taken = Set(try await NetworkMember.query(on: db).filter(\.$network.$id == networkID).field(\.$mac).all().map(\.mac))
            var mac = MACAddress.derived(network: networkID, node: nodeID, attempt: attempt)
            while taken.contains(mac.description), attempt + 1 < Self.maxMACAttempts {
                attempt += 1
                mac = MACAddress.derived(network: networkID, node: nodeID, attempt: attempt)
            }
            let member = try NetworkMember(networkID: networkID, nodeID: nodeID, allocation: allocation, mac: mac, createdAt: clock.now())
            do {
                try await db.transaction { tx in
                    try await member.create(on: tx)
                    try await audit.record(
                        .networkMemberAdded, by: actor, target: .network(network),
                        detail: "\(Self.describe(node)): \(member.ipv4Address) \(member.ipv6Address) \(member.mac)", on: tx)
                }
                return member
            } catch let error as any DatabaseError where error.isConstraintFailure {
                if try await membership(of: nodeID, in: network, on: db) != nil { throw Self.alreadyMember(node, network) }
                attempt += 1
            }
        }
        throw APIError(.serviceUnavailable, "allocation_contention", "could not find a free MAC address in '\(network.name)'; retry")
    }

    /// Removes `node` with its address and announcements (404 if it is not a member).
    func remove(_ node: Node, from network: Network, by actor: Actor, on db: any Database) async throws {
        guard let member = try await membership(of: try node.requireID(), in: network, on: db) else {
            throw APIError.notFound("\(Self.describe(node)) is not a member of '\(network.name)'")
        }
        let memberID = try member.requireID()
        try await db.transaction { tx in
            try await ServiceAnnouncement.query(on: tx).filter(\.$member.$id == memberID).delete()
            try await member.delete(on: tx)
            try await AddressAllocation.query(on: tx).filter(\.$id == member.$allocation.id).delete()
            try await audit.record(.networkMemberRemoved, by: actor, target: .network(network), detail: Self.describe(node), on: tx)
        }
        netmapChanges.publish()
    }

    /// Whether any device of `userID` is a member of `network`.
    func hasDevice(of userID: UUID, in network: Network, on db: any Database) async throws -> Bool {
        let nodes = try await NetworkMember.query(on: db).filter(\.$network.$id == network.requireID()).field(\.$node.$id).all()
            .map(\.$node.id)
        guard !nodes.isEmpty else { return false }
        return try await Node.query(on: db).filter(\.$id ~~ nodes).filter(\.$user.$id == userID).count() > 0
    }

    private static func alreadyMember(_ node: Node, _ network: Network) -> APIError {
        APIError.conflict("\(describe(node)) is already a member of '\(network.name)'", code: "already_member")
    }

    private static func describe(_ node: Node) -> String {
        "\(node.kind.rawValue) '\(node.name)' (\(node.id?.uuidString ?? "?"))"
    }
}
