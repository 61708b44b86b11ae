import Fluent
import Foundation
@testable import HorizonBroker
import Testing
import Vapor

struct MeshMemberBody: Codable, Equatable {
    var id: String; var kind: String; var name: String; var publicKey: String; var addresses: [String]; var mac: String; var endpoints: [String]
}
struct MeshServiceBody: Codable, Equatable { var id: String; var nodeId: String; var name: String; var port: Int; var `protocol`: String }
struct MeshNetworkBody: Codable {
    var id: String; var name: String; var mode: String; var tag: Int; var cidr: String; var ipv6Prefix: String
    var addresses: [String]; var mac: String; var members: [MeshMemberBody]; var services: [MeshServiceBody]
}
struct RelayBody: Codable, Equatable { var uri: String; var kind: String; var host: String; var port: Int; var username: String?; var password: String? }
struct MeshNetmapBody: Codable {
    var version: String; var peers: [NetmapNodeBody]; var networks: [MeshNetworkBody]; var relays: [RelayBody]
}
struct AnnouncementBody: Codable {
    var id: String; var networkId: String; var nodeId: String; var nodeName: String; var name: String; var port: Int
    var `protocol`: String; var addresses: [String]
}

/// What membership adds to netmaps: networks with members, MACs and services, members as
/// peers of each other, relays; and service announcements.
@Suite struct NetmapNetworksTests {
    typealias Nodes = NodeAuthenticationTests

    static func fetch(_ api: APIClient, _ credential: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> MeshNetmapBody {
        let res = try await NetmapTests.netmap(api, credential)
        #expect(res.status == .ok, "\(res.text)", sourceLocation: sourceLocation)
        return try res.decode(MeshNetmapBody.self)
    }

    static func announce(_ api: APIClient, _ credential: String, _ body: [String: Any]) async throws -> APIResponse {
        try await api.send(.POST, "api/v1/node/announcements", token: credential, object: body)
    }

    @Test(arguments: TestStore.available)
    func membersOfANetworkSeeEachOther(store: TestStore) async throws {
        var nodes = NodePolicy()
        nodes.runsPresenceSweep = false
        nodes.relays = try RelayServer.parseList("stun:stun.example.net, turn:[2001:db8::7]:3479", username: "hz", password: "secret")
        try await store.withBroker(nodes: nodes) { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            let (laptop, laptopCredential) = try await Nodes.insertNode(.device, name: "laptop", status: .approved, on: app.db)
            let (desktop, desktopCredential) = try await Nodes.insertNode(.device, name: "desktop", status: .approved, on: app.db)
            let (tablet, _) = try await Nodes.insertNode(.device, name: "tablet", status: .suspended, on: app.db)
            let (_, loneCredential) = try await Nodes.insertNode(.device, name: "lone", status: .approved, on: app.db)
            let lan = try await api.createNetwork(.init(name: "lan", cidr: "10.90.0.0/24", mode: "l2"), adminToken: admin)
            let office = try await api.createNetwork(.init(name: "office", cidr: "10.91.0.0/24"), adminToken: admin)
            let ids = [laptop, desktop, tablet].map { $0.id!.uuidString }
            let alone = try await Self.fetch(api, laptopCredential)
            #expect(alone.peers.isEmpty && alone.networks.isEmpty)
            #expect(alone.relays == [
                RelayBody(uri: "stun:stun.example.net:3478", kind: "stun", host: "stun.example.net", port: 3478),
                RelayBody(uri: "turn:[2001:db8::7]:3479", kind: "turn", host: "2001:db8::7", port: 3479, username: "hz", password: "secret"),
            ])

            for id in ids { #expect(try await api.addMember("lan", id, token: admin).status == .created) }
            let map = try await Self.fetch(api, laptopCredential)
            #expect(map.version != alone.version, "membership changes the version")
            #expect(map.peers.map(\.name) == ["desktop"], "devices in one network peer; the suspended member does not")
            #expect(map.peers.first?.addresses == [] && map.peers.first?.allowedIPs == [], "an l2 peer routes nothing")
            let entry = try #require(map.networks.first)
            #expect(entry.name == "lan" && entry.mode == "l2" && entry.id == lan.id && entry.cidr == "10.90.0.0/24")
            #expect((1...0xFF_FFFF).contains(entry.tag) && entry.ipv6Prefix == lan.ipv6Prefix)
            let members = try await api.members("lan", token: admin)
            let mine = try #require(members.first { $0.name == "laptop" })
            #expect(entry.addresses == [mine.ipv4Address, mine.ipv6Address] && entry.mac == mine.mac)
            let theirs = try #require(members.first { $0.name == "desktop" })
            #expect(entry.members == [MeshMemberBody(
                id: desktop.id!.uuidString, kind: "device", name: "desktop", publicKey: desktop.publicKey,
                addresses: [theirs.ipv4Address, theirs.ipv6Address], mac: theirs.mac, endpoints: ["192.0.2.1:51820"])])
            #expect(try await Self.fetch(api, loneCredential).peers.isEmpty, "non-members see nothing of it")

            // In an l3 network the member's addresses there are routed to it.
            #expect(try await api.addMember("office", ids[0], token: admin).status == .created)
            #expect(try await api.addMember("office", ids[1], token: admin).status == .created)
            let routed = try await Self.fetch(api, laptopCredential)
            let desktopInOffice = try #require(try await api.members("office", token: admin).first { $0.name == "desktop" })
            #expect(routed.networks.map(\.name) == ["lan", "office"])
            #expect(routed.peers.first?.allowedIPs == ["\(desktopInOffice.ipv4Address)/32", "\(desktopInOffice.ipv6Address)/128"])
            #expect(routed.networks[1].mode == "l3" && office.cidr == routed.networks[1].cidr)

            // Removal ends the pairing, and wakes a long-poll.
            let (res, elapsed) = try await NetmapTests.longPoll(api, laptopCredential, from: routed.version, change: {
                for network in ["lan", "office"] {
                    let removed = try await api.send(.DELETE, "api/v1/networks/\(network)/members/\(ids[1])", token: admin)
                    #expect(removed.status == .noContent)
                }
            }, hub: try NetmapTests.hub(app))
            #expect(res.status == .ok && elapsed < NetmapTests.wakeBound)
            #expect(try res.decode(MeshNetmapBody.self).version != routed.version)
            let after = try await Self.fetch(api, laptopCredential)
            #expect(after.peers.isEmpty && after.networks.allSatisfy { $0.members.isEmpty })
            _ = desktopCredential
        }
    }

    @Test(arguments: TestStore.available)
    func serversAndDevicesInANetworkKeepTheirOverlayPairing(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            let (gw, gwCredential) = try await NetmapTests.insertOnlineServer("gw", status: .approved, on: app.db)
            gw.ipv4Address = "100.64.0.2"
            try await gw.update(on: app.db)
            let (laptop, _) = try await Nodes.insertNode(.device, name: "laptop", status: .approved, on: app.db)
            _ = try await api.createNetwork(.init(name: "office", cidr: "10.92.0.0/24"), adminToken: admin)
            #expect(try await api.addMember("office", laptop.id!.uuidString, token: admin).status == .created)
            #expect(try await api.addMember("office", gw.id!.uuidString, token: admin).status == .created)
            let laptopAddress = try #require(try await api.members("office", token: admin).first { $0.name == "laptop" })
            let map = try await Self.fetch(api, gwCredential)
            #expect(map.peers.map(\.name) == ["laptop"], "one peer entry, not two")
            #expect(map.peers.first?.addresses == [laptopAddress.ipv4Address, laptopAddress.ipv6Address])
            #expect(map.networks.first?.members.map(\.name) == ["laptop"])
        }
    }

    @Test(arguments: TestStore.available)
    func membersAnnounceServices(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            let aliceID = try await api.createUser("alice", adminToken: admin)
            _ = try await api.createUser("bob", adminToken: admin)
            let alice = try await api.login("alice", "password-of-user")
            let bob = try await api.login("bob", "password-of-user")
            let enrolled = try await api.enrollDevice("alice-pc", token: alice).decode(EnrolledDeviceBody.self)
            let (peer, peerCredential) = try await Nodes.insertNode(.device, name: "peer", status: .approved, on: app.db)
            let (_, outsiderCredential) = try await Nodes.insertNode(.device, name: "outsider", status: .approved, on: app.db)
            let lan = try await api.createNetwork(.init(name: "lan", cidr: "10.93.0.0/24", mode: "l2"), adminToken: admin)
            #expect(try await api.addMember("lan", enrolled.device.id, token: alice).status == .created)
            #expect(try await api.addMember("lan", peer.id!.uuidString, token: admin).status == .created)
            let credential = enrolled.credential

            let game: [String: Any] = ["network": "lan", "name": "game server", "port": 27015, "protocol": "udp"]
            let created = try await Self.announce(api, credential, game)
            #expect(created.status == .created, "\(created.text)")
            let announcement = try created.decode(AnnouncementBody.self)
            #expect(announcement.nodeName == "alice-pc" && announcement.networkId == lan.id && announcement.protocol == "udp")
            #expect(announcement.addresses.first?.hasPrefix("10.93.0.") == true)
            var renamed = game
            renamed["name"] = "Minecraft"
            let again = try await Self.announce(api, credential, renamed)
            #expect(again.status == .ok)
            #expect(try again.decode(AnnouncementBody.self).id == announcement.id, "same port: renamed")
            #expect(try await Self.announce(api, credential, ["network": lan.id, "name": "files", "port": 445, "protocol": "tcp"]).status == .created)

            for (body, status, code) in [
                (["network": "lan", "name": "x", "port": 0, "protocol": "tcp"], 400, "invalid_port"),
                (["network": "lan", "name": "x", "port": 70000, "protocol": "tcp"], 400, "invalid_port"),
                (["network": "lan", "name": "  ", "port": 80, "protocol": "tcp"], 400, "invalid_name"),
                (["network": "lan", "name": "bell\u{7}", "port": 80, "protocol": "tcp"], 400, "invalid_name"),
                (["network": "lan", "name": "x", "port": 80, "protocol": "sctp"], 400, "invalid_body"),
                (["network": "nowhere", "name": "x", "port": 80, "protocol": "tcp"], 404, "not_found"),
            ] as [([String: Any], UInt, String)] {
                let res = try await Self.announce(api, credential, body)
                #expect(res.status.code == status && res.errorCode == code, "\(body): \(res.text)")
            }
            let outsider = try await Self.announce(api, outsiderCredential, game)
            #expect(outsider.status == .forbidden && outsider.errorCode == "not_a_member")
            #expect(try await Self.announce(api, alice, game).status == .forbidden, "a user token is not a node credential")

            // Members see the services in their netmaps; owners and admins list them.
            let map = try await Self.fetch(api, peerCredential)
            #expect(map.networks.first?.services.map(\.name).sorted() == ["Minecraft", "files"])
            let listed = try await api.send(.GET, "api/v1/networks/lan/services", token: alice)
            #expect(listed.status == .ok)
            #expect(try listed.decode([AnnouncementBody].self).map(\.name) == ["Minecraft", "files"])
            #expect(try await api.send(.GET, "api/v1/networks/lan/services", token: bob).status == .forbidden)
            #expect(try await api.send(.GET, "api/v1/networks/lan/services", token: admin).status == .ok)
            let own = try await api.send(.GET, "api/v1/node/announcements", token: credential).decode([AnnouncementBody].self)
            #expect(own.map(\.name) == ["Minecraft", "files"])

            // Withdrawing: only one's own.
            #expect(try await api.send(.DELETE, "api/v1/node/announcements/\(announcement.id)", token: peerCredential).status == .notFound)
            let withdrawn = try await api.send(.DELETE, "api/v1/node/announcements/\(announcement.id)", token: credential)
            #expect(withdrawn.status == .noContent)
            #expect(try await Self.fetch(api, peerCredential).networks.first?.services.map(\.name) == ["files"])
            // Leaving the network withdraws the rest.
            #expect(try await api.send(.DELETE, "api/v1/networks/lan/members/\(enrolled.device.id)", token: alice).status == .noContent)
            #expect(try await Self.fetch(api, peerCredential).networks.first?.services.isEmpty == true)
            #expect(try await api.audit("action=network.service_announced", adminToken: admin).count == 3)
            #expect(try await api.audit("action=network.service_withdrawn", adminToken: admin).first?.actor == "device:alice-pc")
            _ = aliceID
        }
    }
}
