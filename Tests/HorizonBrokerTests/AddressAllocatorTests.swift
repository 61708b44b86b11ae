import Foundation
@testable import HorizonBroker
import Testing
import Vapor

/// IPAM: overlay addresses are unique per network, also under concurrent allocation,
/// and the reserved addresses are never handed out.
@Suite struct AddressAllocatorTests {
    @Test(arguments: TestStore.available)
    func fiftyConcurrentAllocationsGetDistinctAddresses(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            let net = try await api.createNetwork(.init(name: "office", cidr: "10.30.0.0/24"), adminToken: admin)
            let networkID = try #require(UUID(uuidString: net.id))
            let allocator = AddressAllocator(clock: .system)
            let db = app.db

            let allocations = try await withThrowingTaskGroup(of: (String, String, Int).self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        let a = try await allocator.allocate(in: networkID, for: .init(type: "device", id: UUID()), on: db)
                        return (a.ipv4Address, a.ipv6Address, a.hostIndex)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(allocations.count == 50)
            #expect(Set(allocations.map(\.0)).count == 50, "IPv4 addresses are unique")
            #expect(Set(allocations.map(\.1)).count == 50, "IPv6 addresses are unique")
            for (v4, v6, index) in allocations {
                #expect((2...254).contains(index), "never .0, .1 or .255: \(v4)")
                #expect(v4 == "10.30.0.\(index)")
                #expect(v6 == net.ipv6Prefix.replacingOccurrences(of: "::/64", with: "::\(String(index, radix: 16))"))
            }
            let stored = try await AddressAllocation.query(on: db).all()
            #expect(Set(stored.map(\.ipv4Address)).count == 50 && stored.count == 50)

            let fetched = try await api.send(.GET, "api/v1/networks/\(net.id)", token: admin).decode(NetworkBody.self)
            #expect(fetched.allocated == 50)
            let delete = try await api.send(.DELETE, "api/v1/networks/\(net.id)", token: admin)
            #expect(delete.status == .conflict && delete.errorCode == "network_in_use")
        }
    }

    @Test(arguments: TestStore.available)
    func aFullNetworkSaysSoAndReleasedAddressesReturn(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            let net = try await api.createNetwork(.init(name: "tiny", cidr: "10.40.0.8/29"), adminToken: admin)
            #expect(net.capacity == 5)
            let networkID = try #require(UUID(uuidString: net.id))
            let allocator = AddressAllocator(clock: .system)
            var taken: [AddressAllocation] = []
            for _ in 0..<5 {
                taken.append(try await allocator.allocate(in: networkID, for: .init(type: "server", id: nil), on: app.db))
            }
            #expect(Set(taken.map(\.ipv4Address)) == ["10.40.0.10", "10.40.0.11", "10.40.0.12", "10.40.0.13", "10.40.0.14"])
            await #expect { try await allocator.allocate(in: networkID, for: .init(type: "server", id: nil), on: app.db) }
                throws: { ($0 as? APIError)?.code == "network_full" }

            let freed = taken[2]
            try await allocator.release(freed, on: app.db)
            let again = try await allocator.allocate(in: networkID, for: .init(type: "server", id: nil), on: app.db)
            #expect(again.ipv4Address == freed.ipv4Address)

            await #expect { try await allocator.allocate(in: UUID(), for: .init(type: "server", id: nil), on: app.db) }
                throws: { ($0 as? APIError)?.code == "not_found" }
        }
    }

    @Test func planArithmetic() throws {
        let plan = try NetworkPlan(ipv4CIDR: "172.16.0.0/12", ipv6Prefix: "fdab:cdef:1234:5::/64")
        #expect(plan.capacity == (1 << 20) - 3)
        #expect(plan.ipv4Address(plan.lastNodeIndex).description == "172.31.255.254")
        #expect(plan.ipv6Address(0x1234).description == "fdab:cdef:1234:5::1234")
        #expect(try NetworkPlan(ipv4CIDR: "10.0.0.0/8", ipv6Prefix: nil).overlaps(try NetworkPlan(ipv4CIDR: "10.255.0.0/30", ipv6Prefix: nil)))
        #expect(try !NetworkPlan(ipv4CIDR: "10.0.0.0/24", ipv6Prefix: nil).overlaps(try NetworkPlan(ipv4CIDR: "10.0.1.0/24", ipv6Prefix: nil)))
        for _ in 0..<20 {
            let random = NetworkPlan.randomULA()
            #expect(random.length == 64 && NetworkPlan.ulaPrefix.contains(random.address))
        }
    }
}
