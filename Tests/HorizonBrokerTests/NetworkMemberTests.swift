import Fluent
import Foundation
@testable import HorizonBroker
import SQLKit
import Testing
import Vapor

struct NetworkMemberBody: Codable {
    var networkId: String; var nodeId: String; var kind: String; var name: String; var status: String; var ownerId: String?
    var ipv4Address: String; var ipv6Address: String; var mac: String; var createdAt: Date
}
struct TaggedNetworkBody: Codable { var id: String; var name: String; var tag: Int }

extension APIClient {
    func addMember(_ network: String, _ nodeID: String, token: String) async throws -> APIResponse {
        try await send(.POST, "api/v1/networks/\(network)/members", token: token, json: ["nodeId": nodeID])
    }

    func members(_ network: String, token: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [NetworkMemberBody] {
        let res = try await send(.GET, "api/v1/networks/\(network)/members", token: token)
        #expect(res.status == .ok, "\(res.text)", sourceLocation: sourceLocation)
        return try res.decode([NetworkMemberBody].self)
    }
}

/// `/api/v1/networks/{id}/members`: who may add whom, addresses and MACs, and what removing
/// members, nodes and networks leaves behind.
@Suite struct NetworkMemberTests {
    typealias Nodes = NodeAuthenticationTests

    static func isLocalUnicast(_ mac: String) -> Bool {
        let octets = mac.split(separator: ":")
        guard octets.count == 6, let first = UInt8(octets[0], radix: 16) else { return false }
        return first & 0x02 == 0x02 && first & 0x01 == 0 && mac == mac.lowercased()
    }

    @Test(arguments: TestStore.available)
    func adminsAddAnyNodeAndUsersTheirOwnDevices(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            _ = try await api.createUser("alice", adminToken: admin)
            _ = try await api.createUser("bob", adminToken: admin)
            let alice = try await api.login("alice", "password-of-user")
            let bob = try await api.login("bob", "password-of-user")
            let laptop = try await api.enrollDevice("laptop", token: alice).decode(EnrolledDeviceBody.self).device
            let phone = try await api.enrollDevice("phone", token: alice).decode(EnrolledDeviceBody.self).device
            let desktop = try await api.enrollDevice("desktop", token: bob).decode(EnrolledDeviceBody.self).device
            let (server, _) = try await Nodes.insertNode(.server, name: "gw", status: .approved, on: app.db)
            let serverID = try server.requireID().uuidString
            let lan = try await api.createNetwork(.init(name: "lan", cidr: "10.50.0.0/24", mode: "l2"), adminToken: admin)
            let office = try await api.createNetwork(.init(name: "office", cidr: "10.51.0.0/24"), adminToken: admin)
            let tags = try await api.send(.GET, "api/v1/networks", token: admin).decode([TaggedNetworkBody].self)
            #expect(tags.allSatisfy { (1...0xFF_FFFF).contains($0.tag) } && Set(tags.map(\.tag)).count == tags.count)
            #expect(tags.first { $0.id == lan.id }?.tag == NetworkTag.candidate(for: try #require(UUID(uuidString: lan.id)), attempt: 0))

            let added = try await api.addMember(lan.id, laptop.id, token: admin)
            #expect(added.status == .created, "\(added.text)")
            let member = try added.decode(NetworkMemberBody.self)
            #expect(member.name == "laptop" && member.kind == "device" && member.networkId == lan.id)
            #expect(member.ipv4Address.hasPrefix("10.50.0.") && member.ipv4Address != "10.50.0.1")
            #expect(member.ipv6Address.hasPrefix(lan.ipv6Prefix.replacingOccurrences(of: "::/64", with: ":")))
            let expectedMAC = MACAddress.derived(network: try #require(UUID(uuidString: lan.id)), node: try #require(UUID(uuidString: laptop.id)), attempt: 0)
            #expect(member.mac == expectedMAC.description && Self.isLocalUnicast(member.mac))

            // By name, too; users add their own devices, nothing else.
            #expect(try await api.addMember("lan", phone.id, token: alice).status == .created)
            let others = try await api.addMember("lan", desktop.id, token: alice)
            #expect(others.status == .notFound, "another user's device is not found: \(others.text)")
            #expect(try await api.addMember("lan", serverID, token: alice).status == .notFound)
            #expect(try await api.addMember("lan", serverID, token: admin).status == .created)
            let twice = try await api.addMember(lan.id, laptop.id, token: admin)
            #expect(twice.status == .conflict && twice.errorCode == "already_member")
            let overlay = try await api.addMember("horizon", laptop.id, token: admin)
            #expect(overlay.status == .conflict && overlay.errorCode == "overlay_network")
            #expect(try await api.addMember("nowhere", laptop.id, token: admin).status == .notFound)
            let badID = try await api.addMember("lan", "not-a-uuid", token: admin)
            #expect(badID.status == .badRequest && badID.errorCode == "invalid_id")
            let extra = try await api.send(.POST, "api/v1/networks/lan/members", token: admin, object: ["nodeId": laptop.id, "x": 1])
            #expect(extra.status == .badRequest && extra.errorCode == "invalid_body")

            let members = try await api.members("lan", token: alice)
            #expect(members.map(\.name) == ["gw", "laptop", "phone"])
            #expect(Set(members.map(\.mac)).count == 3 && members.allSatisfy { Self.isLocalUnicast($0.mac) })
            #expect(Set(members.map(\.ipv4Address)).count == 3)
            #expect(try await api.send(.GET, "api/v1/networks/lan/members", token: bob).status == .forbidden, "bob has no device in it")
            #expect(try await api.send(.GET, "api/v1/networks/office/members", token: alice).status == .forbidden)
            #expect(try await api.members(office.id, token: admin).isEmpty)

            // Removal: a user their own devices; the address is free again.
            #expect(try await api.send(.DELETE, "api/v1/networks/lan/members/\(serverID)", token: alice).status == .notFound)
            #expect(try await api.send(.DELETE, "api/v1/networks/lan/members/\(phone.id)", token: alice).status == .noContent)
            #expect(try await api.send(.DELETE, "api/v1/networks/lan/members/\(phone.id)", token: alice).status == .notFound)
            #expect(try await api.members("lan", token: admin).map(\.name) == ["gw", "laptop"])
            let lanID = try #require(UUID(uuidString: lan.id))
            #expect(try await AddressAllocation.query(on: app.db).filter(\.$network.$id == lanID).count() == 2)

            // Deleting a device takes its memberships with it.
            #expect(try await api.send(.DELETE, "api/v1/devices/\(laptop.id)", token: alice).status == .noContent)
            #expect(try await api.members("lan", token: admin).map(\.name) == ["gw"])
            #expect(try await AddressAllocation.query(on: app.db).filter(\.$network.$id == lanID).count() == 1)

            let actions = try await api.audit("action=network.member_added", adminToken: admin)
            #expect(actions.count == 3 && actions.allSatisfy { $0.targetType == "network" && $0.targetName == "lan" })
            #expect(try await api.audit("action=network.member_removed", adminToken: admin).first?.actor == "alice")
        }
    }

    @Test(arguments: TestStore.available)
    func concurrentAddsNeverShareAnAddressOrAMembership(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            let network = try await api.createNetwork(.init(name: "party", cidr: "10.60.0.0/26", mode: "l2"), adminToken: admin)
            var nodes: [Node] = []
            for index in 0..<20 {
                nodes.append(try await Nodes.insertNode(.device, name: "d\(index)", status: .approved, on: app.db).node)
            }
            let services = try #require(app.brokerServices)
            let stored = try #require(try await Network.find(UUID(uuidString: network.id), on: app.db))
            let db = app.db
            // Every node twice, all at once: one add of each pair wins.
            let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
                for node in nodes + nodes {
                    group.addTask {
                        do {
                            return try await services.membership.add(node, to: stored, by: .commandLine(), on: db).ipv4Address
                        } catch let error as APIError {
                            return error.code
                        }
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            let addresses = outcomes.filter { $0.hasPrefix("10.60.0.") }
            #expect(addresses.count == 20 && Set(addresses).count == 20, "\(outcomes)")
            #expect(outcomes.filter { $0 == "already_member" }.count == 20)
            let members = try await NetworkMember.query(on: db).all()
            #expect(members.count == 20 && Set(members.map(\.mac)).count == 20)
            #expect(try await AddressAllocation.query(on: db).filter(\.$network.$id == stored.requireID()).count() == 20, "losers gave their address back")
        }
    }

    @Test(arguments: TestStore.available)
    func aTakenMACMovesToTheNextDerivedOne(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            let created = try await api.createNetwork(.init(name: "lan", cidr: "10.70.0.0/24", mode: "l2"), adminToken: admin)
            let network = try #require(try await Network.find(UUID(uuidString: created.id), on: app.db))
            let networkID = try network.requireID()
            let first = try await Nodes.insertNode(.device, name: "first", status: .approved, on: app.db).node
            let second = try await Nodes.insertNode(.device, name: "second", status: .approved, on: app.db).node
            // `first` already holds the MAC `second` would derive first.
            let services = try #require(app.brokerServices)
            let allocation = try await services.addresses.allocate(in: networkID, for: .init(type: "device", id: first.id), on: app.db)
            let wanted = MACAddress.derived(network: networkID, node: try second.requireID(), attempt: 0)
            try await NetworkMember(networkID: networkID, nodeID: try first.requireID(), allocation: allocation, mac: wanted, createdAt: Date())
                .create(on: app.db)

            let member = try await services.membership.add(second, to: network, by: .commandLine(), on: app.db)
            let next = MACAddress.derived(network: networkID, node: try second.requireID(), attempt: 1)
            #expect(member.mac == next.description && member.mac != wanted.description)
            #expect(next.isLocallyAdministeredUnicast)
        }
    }

    @Test(arguments: TestStore.available)
    func deletingANetworkRemovesItsMembersAndTellsThem(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            let lan = try await api.createNetwork(.init(name: "lan", cidr: "10.80.0.0/24", mode: "l2"), adminToken: admin)
            let (laptop, credential) = try await Nodes.insertNode(.device, name: "laptop", status: .approved, on: app.db)
            let laptopID = try laptop.requireID().uuidString
            #expect(try await api.addMember("lan", laptopID, token: admin).status == .created)
            let announced = try await api.send(.POST, "api/v1/node/announcements", token: credential,
                                               object: ["network": "lan", "name": "game", "port": 27015, "protocol": "udp"])
            #expect(announced.status == .created, "\(announced.text)")
            let before = try await NetmapNetworksTests.fetch(api, credential)

            let revision = try NetmapTests.hub(app).revision
            #expect(try await api.send(.DELETE, "api/v1/networks/\(lan.id)", token: admin).status == .noContent)
            #expect(try NetmapTests.hub(app).revision > revision, "the deletion is published")
            let after = try await NetmapNetworksTests.fetch(api, credential)
            #expect(before.networks.map(\.name) == ["lan"] && after.networks.isEmpty && after.version != before.version)
            #expect(try await NetworkMember.query(on: app.db).count() == 0)
            #expect(try await ServiceAnnouncement.query(on: app.db).count() == 0)
            #expect(try await AddressAllocation.query(on: app.db).filter(\.$ownerType == "device").count() == 0)
            let events = try await api.audit("action=network.deleted", adminToken: admin)
            #expect(events.first?.detail == "with 1 member(s)")
        }
    }

    @Test(arguments: TestStore.available)
    func membersFromTheCommandLine(store: TestStore) async throws {
        try await store.withBrokerAndConfiguration { app, config in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", "test-admin-password")
            let (gw, gwCredential) = try await Nodes.insertNode(.server, name: "gw-1", status: .approved, on: app.db)
            let (laptop, _) = try await Nodes.insertNode(.device, name: "laptop", status: .approved, on: app.db)
            _ = try await Nodes.insertNode(.device, name: "twin", status: .approved, on: app.db)
            _ = try await Nodes.insertNode(.device, name: "twin", status: .approved, on: app.db)
            _ = try await OperatorCommands.createNetwork(config, name: "lan", cidr: "10.95.0.0/24", ipv6Prefix: nil, mode: "l2")
            #expect(try await OperatorCommands.listNetworks(config).first { $0.name == "lan" }.map { NetworkTag.range.contains($0.tag) } == true)

            let added = try await OperatorCommands.addNetworkMember(config, network: "lan", node: "GW-1")
            #expect(added.nodeID == gw.id && added.ipv4Address.hasPrefix("10.95.0.") && Self.isLocalUnicast(added.mac))
            _ = try await OperatorCommands.addNetworkMember(config, network: "lan", node: laptop.id!.uuidString)
            await #expect { try await OperatorCommands.addNetworkMember(config, network: "lan", node: "twin") }
                throws: { "\($0)".contains("several nodes are named 'twin'") }
            await #expect { try await OperatorCommands.addNetworkMember(config, network: "lan", node: "gw-1") }
                throws: { "\($0)".contains("already a member") }
            await #expect { try await OperatorCommands.addNetworkMember(config, network: "wan", node: "gw-1") }
                throws: { "\($0)".contains("no network with id or name") }
            #expect(try await OperatorCommands.listNetworkMembers(config, network: "lan").map(\.name) == ["gw-1", "laptop"])
            // A netmap computed now shows the member (a running broker's waiters hear of command-line
            // changes only when their wait ends, as for every operator command).
            let map = try await NetmapNetworksTests.fetch(api, gwCredential)
            #expect(map.networks.first?.members.map(\.name) == ["laptop"])

            try await OperatorCommands.removeNetworkMember(config, network: "lan", node: "laptop")
            #expect(try await OperatorCommands.listNetworkMembers(config, network: "lan").map(\.name) == ["gw-1"])
            let events = try await api.audit("actor=operator", adminToken: admin)
            #expect(events.filter { $0.action.hasPrefix("network.member_") }.map(\.action) == ["network.member_removed", "network.member_added", "network.member_added"])
        }
    }

    @Test(arguments: TestStore.available)
    func networksMadeBeforeTagsGetUniqueOnes(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            let kept = try await api.createNetwork(.init(name: "kept", cidr: "10.96.0.0/24"), adminToken: admin)
            let old = try await api.createNetwork(.init(name: "old", cidr: "10.97.0.0/24"), adminToken: admin)
            let sql = try #require(app.db as? any SQLDatabase)
            // As the migration finds them: one network still without a tag, whose first derived
            // tag another network already has.
            let oldID = try #require(UUID(uuidString: old.id))
            try await sql.update(Network.schema).set("tag", to: SQLLiteral.null).where("name", .equal, SQLBind("old")).run()
            try await sql.update(Network.schema).set("tag", to: SQLBind(NetworkTag.candidate(for: oldID, attempt: 0)))
                .where("name", .equal, SQLBind("kept")).run()

            try await AddTagsToNetworks.assignTags(on: sql)
            let tags = try await api.send(.GET, "api/v1/networks", token: admin).decode([TaggedNetworkBody].self)
            #expect(tags.first { $0.id == old.id }?.tag == NetworkTag.candidate(for: oldID, attempt: 1))
            #expect(tags.first { $0.id == kept.id }?.tag == NetworkTag.candidate(for: oldID, attempt: 0))
        }
    }
}
