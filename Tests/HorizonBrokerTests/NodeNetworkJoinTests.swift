import Foundation
@testable import HorizonBroker
import Testing
import Vapor

/// `PUT|DELETE /api/v1/node/networks/{networkId}`: a device joining and leaving networks with
/// its own credential (`horizon lan join|leave`), within what its user may do.
@Suite struct NodeNetworkJoinTests {
    typealias Nodes = NodeAuthenticationTests

    @Test(arguments: TestStore.available)
    func devicesJoinAndLeaveThemselvesServersDoNot(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            _ = try await api.createUser("alice", adminToken: admin)
            let alice = try await api.login("alice", "password-of-user")
            let laptop = try await api.enrollDevice("laptop", token: alice).decode(EnrolledDeviceBody.self)
            let lan = try await api.createNetwork(.init(name: "lan", cidr: "10.50.0.0/24", mode: "l2"), adminToken: admin)

            let joined = try await api.send(.PUT, "api/v1/node/networks/lan", token: laptop.credential)
            #expect(joined.status == .created, "\(joined.text)")
            let member = try joined.decode(NetworkMemberBody.self)
            #expect(member.nodeId == laptop.device.id && member.networkId == lan.id && member.ipv4Address.hasPrefix("10.50.0."))
            // Joining again (by id) answers the same membership.
            let again = try await api.send(.PUT, "api/v1/node/networks/\(lan.id)", token: laptop.credential)
            #expect(again.status == .ok, "\(again.text)")
            #expect(try again.decode(NetworkMemberBody.self).ipv4Address == member.ipv4Address)
            #expect(try await api.members("lan", token: admin).map(\.name) == ["laptop"])
            let audit = try await api.send(.GET, "api/v1/audit?action=network.member_added", token: admin)
            #expect(audit.text.contains("device:laptop"), "\(audit.text)")

            let (server, serverCredential) = try await Nodes.insertNode(.server, name: "gw", status: .approved, on: app.db)
            let byServer = try await api.send(.PUT, "api/v1/node/networks/lan", token: serverCredential)
            #expect(byServer.status == .forbidden && byServer.errorCode == "admin_adds_servers", "\(byServer.text)")
            #expect(try await api.addMember("lan", try server.requireID().uuidString, token: admin).status == .created)
            let (_, pendingCredential) = try await Nodes.insertNode(.device, name: "pending", status: .pending, on: app.db)
            let pending = try await api.send(.PUT, "api/v1/node/networks/lan", token: pendingCredential)
            #expect(pending.status == .forbidden && pending.errorCode == "node_not_approved", "\(pending.text)")
            let overlay = try await api.send(.PUT, "api/v1/node/networks/horizon", token: laptop.credential)
            #expect(overlay.status == .conflict && overlay.errorCode == "overlay_network")
            #expect(try await api.send(.PUT, "api/v1/node/networks/nowhere", token: laptop.credential).status == .notFound)
            #expect(try await api.send(.PUT, "api/v1/node/networks/bad%20name", token: laptop.credential).status == .notFound)
            let userToken = try await api.send(.PUT, "api/v1/node/networks/lan", token: alice)
            #expect(userToken.status == .unauthorized || userToken.status == .forbidden, "\(userToken.text)")

            let left = try await api.send(.DELETE, "api/v1/node/networks/lan", token: laptop.credential)
            #expect(left.status == .noContent, "\(left.text)")
            #expect(try await api.members("lan", token: admin).map(\.name) == ["gw"])
            let twice = try await api.send(.DELETE, "api/v1/node/networks/lan", token: laptop.credential)
            #expect(twice.status == .notFound, "\(twice.text)")
            let byServerLeave = try await api.send(.DELETE, "api/v1/node/networks/lan", token: serverCredential)
            #expect(byServerLeave.status == .forbidden && byServerLeave.errorCode == "admin_adds_servers")
        }
    }
}
