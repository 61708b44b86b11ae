import Fluent
import Foundation

/// Hands out overlay addresses. Correctness rests on the store, not on this process: the
/// unique constraints on (network, address) and (network, index) refuse a second holder,
/// and a refused insert simply tries another free address. Several brokers on one
/// PostgreSQL, or many enrollments at once, therefore never share an address.
///
/// Each attempt picks at random among the lowest few free indices, so concurrent callers
/// rarely collide while the network still fills from the bottom. Call it outside a
/// transaction (a failed insert aborts a PostgreSQL transaction); release the address if
/// what it was for is not created after all.
struct AddressAllocator: Sendable {
    let clock: BrokerClock
    /// How many of the lowest free indices an attempt chooses from.
    var spread = 16
    var maxAttempts = 200

    struct Owner: Sendable {
        var type: String
        var id: UUID?
    }

    func allocate(in networkID: UUID, for owner: Owner, on db: any Database) async throws -> AddressAllocation {
        for _ in 0..<maxAttempts {
            guard let network = try await Network.find(networkID, on: db) else {
                throw APIError.notFound("no network with id \(networkID.uuidString)")
            }
            let plan = try network.plan()
            let used = Set(try await AddressAllocation.query(on: db)
                .filter(\.$network.$id == networkID).field(\.$hostIndex).all().map(\.hostIndex))
            var candidates: [Int] = []
            var index = plan.firstNodeIndex
            while index <= plan.lastNodeIndex, candidates.count < spread {
                if !used.contains(index) { candidates.append(index) }
                index += 1
            }
            guard let chosen = candidates.randomElement() else {
                throw APIError.conflict(
                    "network '\(network.name)' (\(network.ipv4CIDR)) has no free address left", code: "network_full")
            }
            let allocation = AddressAllocation(
                networkID: networkID, hostIndex: chosen,
                ipv4: plan.ipv4Address(chosen).description, ipv6: plan.ipv6Address(chosen).description,
                ownerType: owner.type, ownerID: owner.id, createdAt: clock.now())
            do {
                try await allocation.create(on: db)
                return allocation
            } catch let error as any DatabaseError where error.isConstraintFailure {
                continue  // someone took that index (or the network went away): look again
            }
        }
        throw APIError(.serviceUnavailable, "allocation_contention", "could not allocate an address after \(maxAttempts) attempts; retry")
    }

    func release(_ allocation: AddressAllocation, on db: any Database) async throws {
        try await allocation.delete(on: db)
    }
}
