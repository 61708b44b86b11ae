import Fluent
import Foundation
@testable import HorizonBroker
import Testing
import Vapor

struct NetmapNodeBody: Codable, Equatable {
    var id: String; var kind: String; var name: String; var publicKey: String
    var addresses: [String]; var allowedIPs: [String]; var endpoints: [String]
    var location: String?; var load: Double?
}
struct NetmapSelfBody: Codable { var id: String; var kind: String; var name: String; var publicKey: String; var status: String; var addresses: [String] }
struct NetmapBody: Codable {
    var version: String; var me: NetmapSelfBody; var peers: [NetmapNodeBody]
    enum CodingKeys: String, CodingKey { case version, me = "self", peers }
}

/// `GET /api/v1/node/netmap`: who sees whom, and long-polls that end on a change.
@Suite struct NetmapTests {
    typealias Nodes = NodeAuthenticationTests

    static func netmap(_ api: APIClient, _ credential: String, query: String = "") async throws -> APIResponse {
        try await api.send(.GET, "api/v1/node/netmap" + (query.isEmpty ? "" : "?" + query), token: credential)
    }

    static func fetch(_ api: APIClient, _ credential: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> NetmapBody {
        let res = try await netmap(api, credential)
        #expect(res.status == .ok, "\(res.text)", sourceLocation: sourceLocation)
        return try res.decode(NetmapBody.self)
    }

    /// Changes a node's status as approval will, and announces it.
    static func setStatus(_ node: Node, _ status: Node.Status, app: Application) async throws {
        node.status = status
        try await node.update(on: app.db)
        try #require(app.netmapChanges).publish()
    }

    @Test(arguments: TestStore.available)
    func peersFollowRoleAndStatus(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let (gw, gwCredential) = try await Nodes.insertNode(.server, name: "gw-approved", status: .approved, on: app.db)
            _ = try await Nodes.insertNode(.server, name: "gw-pending", status: .pending, on: app.db)
            _ = try await Nodes.insertNode(.server, name: "gw-suspended", status: .suspended, on: app.db)
            let (laptop, laptopCredential) = try await Nodes.insertNode(.device, name: "laptop", status: .approved, on: app.db)
            let (_, phoneCredential) = try await Nodes.insertNode(.device, name: "phone", status: .suspended, on: app.db)

            let device = try await Self.fetch(api, laptopCredential)
            #expect(device.me.id == laptop.id?.uuidString && device.me.status == "approved" && device.me.kind == "device")
            #expect(device.peers.map(\.name) == ["gw-approved"], "devices see approved servers only")
            let peer = try #require(device.peers.first)
            #expect(peer.id == gw.id?.uuidString && peer.kind == "server" && peer.publicKey == gw.publicKey)
            #expect(peer.endpoints == ["192.0.2.1:51820"])

            let server = try await Self.fetch(api, gwCredential)
            #expect(server.peers.map(\.name) == ["laptop"], "servers see approved devices only")

            let suspended = try await Self.fetch(api, phoneCredential)
            #expect(suspended.me.status == "suspended" && suspended.peers.isEmpty)

            #expect(try await Self.fetch(api, laptopCredential).version == device.version, "same content, same version")
            try await Self.setStatus(gw, .suspended, app: app)
            let after = try await Self.fetch(api, laptopCredential)
            #expect(after.peers.isEmpty && after.version != device.version)
        }
    }

    @Test(arguments: TestStore.available)
    func netmapIsForNodesOnly(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            let res = try await api.send(.GET, "api/v1/node/netmap", token: admin)
            #expect(res.status == .forbidden)
            #expect(try await api.send(.GET, "api/v1/node/netmap").status == .unauthorized)
            let (_, credential) = try await Nodes.insertNode(.device, name: "laptop", status: .approved, on: app.db)
            let bad = try await Self.netmap(api, credential, query: "since=x&wait=61")
            #expect(bad.status == .badRequest && bad.errorCode == "bad_request")
        }
    }

    @Test(arguments: TestStore.available)
    func longPollEndsWithinASecondOfAChange(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let (gw, _) = try await Nodes.insertNode(.server, name: "gw", status: .pending, on: app.db)
            let (_, credential) = try await Nodes.insertNode(.device, name: "laptop", status: .approved, on: app.db)
            let before = try await Self.fetch(api, credential)
            #expect(before.peers.isEmpty)

            let poll = Task { try await Self.netmap(api, credential, query: "since=\(before.version)&wait=20") }
            try await Task.sleep(for: .milliseconds(300))
            let clock = ContinuousClock()
            let changed = clock.now
            try await Self.setStatus(gw, .approved, app: app)
            let res = try await poll.value
            let elapsed = clock.now - changed
            #expect(res.status == .ok, "\(res.text)")
            #expect(try res.decode(NetmapBody.self).peers.map(\.name) == ["gw"])
            #expect(elapsed < .seconds(1), "woke after \(elapsed)")
        }
    }

    @Test(arguments: TestStore.available)
    func longPollWithoutChangeAnswers304(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let (_, credential) = try await Nodes.insertNode(.device, name: "laptop", status: .approved, on: app.db)
            let version = try await Self.fetch(api, credential).version
            // A change elsewhere wakes the waiter, which recomputes and keeps waiting.
            let poll = Task { try await Self.netmap(api, credential, query: "since=\(version)&wait=1") }
            try await Task.sleep(for: .milliseconds(200))
            try #require(app.netmapChanges).publish()
            let res = try await poll.value
            #expect(res.status == .notModified && res.body.isEmpty)
            #expect(try await Self.fetch(api, credential).version == version)

            let stale = try await Self.netmap(api, credential, query: "since=not-the-version&wait=30")
            #expect(stale.status == .ok, "a different version answers at once")
        }
    }
}
