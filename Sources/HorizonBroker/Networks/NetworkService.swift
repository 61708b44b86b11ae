import Fluent
import Foundation

/// Creating, listing and deleting networks: what the API and the operator command line
/// both do, with the same rules and audit events.
struct NetworkService: Sendable {
    let clock: BrokerClock
    let audit: AuditLog

    static let maxNameLength = 64

    static func checkName(_ name: String) throws {
        let allowed = name.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0))
        }
        guard !name.isEmpty, name.count <= maxNameLength, allowed, name.first.map({ $0.isLetter || $0.isNumber }) == true else {
            throw APIError.badRequest(
                "a network name is 1 to \(maxNameLength) letters, digits, '.', '_' or '-', starting with a letter or digit",
                code: "invalid_name")
        }
    }

    func create(
        name: String, ipv4CIDR: String, ipv6Prefix: String?, mode: Network.Mode, by actor: Actor, on db: any Database
    ) async throws -> Network {
        try Self.checkName(name)
        let plan = try NetworkPlan(ipv4CIDR: ipv4CIDR, ipv6Prefix: ipv6Prefix)
        let existing = try await Network.query(on: db).all()
        if existing.contains(where: { $0.name == name }) {
            throw APIError.conflict("a network named '\(name)' already exists")
        }
        for other in existing {
            guard let otherPlan = try? other.plan() else { continue }
            if otherPlan.overlaps(plan) {
                throw APIError.conflict("\(plan.ipv4) overlaps network '\(other.name)' (\(other.ipv4CIDR))", code: "network_overlap")
            }
            if otherPlan.ipv6 == plan.ipv6 {
                throw APIError.conflict("\(plan.ipv6) is already the IPv6 prefix of network '\(other.name)'", code: "network_overlap")
            }
        }
        let id = UUID()
        let tag = try NetworkTag.free(for: id, avoiding: Set(existing.map(\.tag)))
        let network = Network(id: id, name: name, plan: plan, mode: mode, tag: tag, createdAt: clock.now())
        do {
            try await db.transaction { tx in
                try await network.create(on: tx)
                try await audit.record(
                    .networkCreated, by: actor, target: .network(network),
                    detail: "\(mode.rawValue) \(plan.ipv4) \(plan.ipv6) tag \(tag)", on: tx)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // The name, or (far less likely) the tag, was taken meanwhile; a retry tells which.
            throw APIError.conflict("a network named '\(name)' (or its tag) was created meanwhile; retry")
        }
        return network
    }

    func all(on db: any Database) async throws -> [Network] {
        try await Network.query(on: db).sort(\.$name).all()
    }

    func find(id: UUID, on db: any Database) async throws -> Network {
        guard let network = try await Network.find(id, on: db) else {
            throw APIError.notFound("no network with id \(id.uuidString)")
        }
        return network
    }

    func find(name: String, on db: any Database) async throws -> Network? {
        try await Network.query(on: db).filter(\.$name == name).first()
    }

    /// Number of addresses handed out in each network, by network id.
    func allocatedCounts(on db: any Database) async throws -> [UUID: Int] {
        let rows = try await AddressAllocation.query(on: db).field(\.$network.$id).all()
        return rows.reduce(into: [:]) { counts, row in counts[row.$network.id, default: 0] += 1 }
    }

    /// Deletes a network with its members, their addresses and announcements. A network
    /// whose addresses other nodes hold (the overlay network) is refused with 409
    /// `network_in_use`. Callers publish a netmap change afterwards.
    func delete(_ network: Network, by actor: Actor, on db: any Database) async throws {
        let networkID = try network.requireID()
        let members = try await NetworkMember.query(on: db).filter(\.$network.$id == networkID).all()
        let memberAddresses = Set(members.map(\.$allocation.id))
        let holders = try await AddressAllocation.query(on: db).filter(\.$network.$id == networkID).field(\.$id).all()
        let inUse = holders.count(where: { !memberAddresses.contains($0.id ?? UUID()) })
        guard inUse == 0 else {
            throw APIError.conflict("network '\(network.name)' still has \(inUse) node address(es); remove its nodes first", code: "network_in_use")
        }
        do {
            try await db.transaction { tx in
                try await ServiceAnnouncement.query(on: tx).filter(\.$networkID == networkID).delete()
                try await NetworkMember.query(on: tx).filter(\.$network.$id == networkID).delete()
                if !memberAddresses.isEmpty {
                    try await AddressAllocation.query(on: tx).filter(\.$id ~~ Array(memberAddresses)).delete()
                }
                try await network.delete(on: tx)
                try await audit.record(
                    .networkDeleted, by: actor, target: .network(network),
                    detail: members.isEmpty ? nil : "with \(members.count) member(s)", on: tx)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw APIError.conflict("network '\(network.name)' got a node address meanwhile; remove its nodes first", code: "network_in_use")
        }
    }
}
