import Fluent
import Foundation
@testable import HorizonBroker
import Testing
import Vapor

struct ConnectionBody: Codable {
    var id: String; var serverId: String; var serverName: String; var deviceId: String; var deviceName: String
    var live: Bool; var startedAt: Date; var updatedAt: Date; var endedAt: Date?
    var rxBytes: Int64; var txBytes: Int64; var endpoint: String?
}
struct ConnectionPageBody: Codable { var connections: [ConnectionBody]; var nextOffset: Int? }
struct SessionReportBody: Codable { var peerPublicKey: String; var event: String; var rxBytes: Int64?; var txBytes: Int64?; var endpoint: String? }

/// Sessions the nodes report (`POST /api/v1/node/sessions`) and who may list them.
@Suite struct ConnectionTests {
    typealias Nodes = NodeAuthenticationTests

    static func report(
        _ api: APIClient, _ credential: String, peer: Node, _ event: String, rx: Int64? = nil, tx: Int64? = nil, endpoint: String? = nil
    ) async throws -> APIResponse {
        try await api.send(.POST, "api/v1/node/sessions", token: credential,
                           json: SessionReportBody(peerPublicKey: peer.publicKey, event: event, rxBytes: rx, txBytes: tx, endpoint: endpoint))
    }

    static func list(_ api: APIClient, _ token: String, state: String) async throws -> [ConnectionBody] {
        let res = try await api.send(.GET, "api/v1/connections?state=\(state)", token: token)
        #expect(res.status == .ok, "\(res.text)")
        return try res.decode(ConnectionPageBody.self).connections
    }

    @Test(arguments: TestStore.available)
    func sessionGoesUpUpdatesAndEnds(store: TestStore) async throws {
        let clock = TestClock()
        try await store.withBroker(clock: clock.brokerClock) { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            let (gw, gwCredential) = try await Nodes.insertNode(.server, name: "gw", status: .approved, on: app.db)
            let (laptop, laptopCredential) = try await Nodes.insertNode(.device, name: "laptop", status: .approved, on: app.db)

            let up = try await Self.report(api, laptopCredential, peer: gw, "up", endpoint: "192.0.2.1:51820")
            #expect(up.status == .ok, "\(up.text)")
            let opened = try up.decode(ConnectionBody.self)
            #expect(opened.live && opened.serverName == "gw" && opened.deviceName == "laptop" && opened.endpoint == "192.0.2.1:51820")
            // The server's report joins the same session; its received bytes are the device's sent bytes.
            clock.advance(30)
            let fromServer = try await Self.report(api, gwCredential, peer: laptop, "update", rx: 700, tx: 9000)
            #expect(fromServer.status == .ok, "\(fromServer.text)")
            let updated = try fromServer.decode(ConnectionBody.self)
            #expect(updated.id == opened.id && updated.txBytes == 700 && updated.rxBytes == 9000)
            let fromDevice = try await Self.report(api, laptopCredential, peer: gw, "update", rx: 8000, tx: 800)
            let merged = try fromDevice.decode(ConnectionBody.self)
            #expect(merged.rxBytes == 9000 && merged.txBytes == 800, "counters never go back")

            let live = try await Self.list(api, admin, state: "live")
            #expect(live.map(\.id) == [opened.id])
            #expect(try await Self.list(api, admin, state: "ended").isEmpty)

            let down = try await Self.report(api, gwCredential, peer: laptop, "down", rx: 1000, tx: 10000)
            #expect(down.status == .ok)
            let ended = try down.decode(ConnectionBody.self)
            #expect(!ended.live && ended.endedAt != nil && ended.txBytes == 1000)
            #expect(try await Self.list(api, admin, state: "live").isEmpty)
            #expect(try await Self.list(api, admin, state: "ended").map(\.id) == [opened.id])
            let again = try await Self.report(api, gwCredential, peer: laptop, "down")
            #expect(again.status == .notFound)
        }
    }

    @Test(arguments: TestStore.available)
    func silentSessionTimesOut(store: TestStore) async throws {
        let clock = TestClock()
        try await store.withBroker(clock: clock.brokerClock) { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            let (gw, _) = try await Nodes.insertNode(.server, name: "gw", status: .approved, on: app.db)
            let (_, credential) = try await Nodes.insertNode(.device, name: "laptop", status: .approved, on: app.db)
            let first = try await Self.report(api, credential, peer: gw, "up").decode(ConnectionBody.self)
            clock.advance(ConnectionService.timeout + 1)
            #expect(try await Self.list(api, admin, state: "live").isEmpty)
            let timedOut = try #require(try await Self.list(api, admin, state: "ended").first)
            #expect(timedOut.id == first.id && timedOut.endedAt == first.updatedAt)
            let second = try await Self.report(api, credential, peer: gw, "update").decode(ConnectionBody.self)
            #expect(second.id != first.id && second.live, "a report after the timeout starts a new session")
            #expect(try await Self.list(api, admin, state: "all").count == 2)
        }
    }

    @Test(arguments: TestStore.available)
    func reportsAreCheckedAndUsersSeeOnlyTheirDevices(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            let alice = try await api.createUser("alice", adminToken: admin)
            _ = try await api.createUser("bob", adminToken: admin)
            let (gw, _) = try await Nodes.insertNode(.server, name: "gw", status: .approved, on: app.db)
            let (aliceLaptop, aliceCredential) = try await Nodes.insertNode(.device, name: "alice-laptop", status: .approved, on: app.db)
            aliceLaptop.$user.id = UUID(uuidString: alice)
            try await aliceLaptop.update(on: app.db)
            let (otherDevice, _) = try await Nodes.insertNode(.device, name: "other", status: .approved, on: app.db)
            let (_, pendingCredential) = try await Nodes.insertNode(.device, name: "pending", status: .pending, on: app.db)

            #expect(try await Self.report(api, aliceCredential, peer: gw, "up").status == .ok)
            let sameKind = try await Self.report(api, aliceCredential, peer: otherDevice, "up")
            #expect(sameKind.status == .notFound, "devices report servers only")
            let pending = try await Self.report(api, pendingCredential, peer: gw, "up")
            #expect(pending.status == .forbidden && pending.errorCode == "node_not_approved")
            let badEndpoint = try await Self.report(api, aliceCredential, peer: gw, "update", endpoint: "nowhere")
            #expect(badEndpoint.status == .badRequest && badEndpoint.errorCode == "invalid_endpoint")
            let negative = try await Self.report(api, aliceCredential, peer: gw, "update", rx: -1)
            #expect(negative.status == .badRequest)
            let asUser = try await api.send(.POST, "api/v1/node/sessions", token: admin,
                                            json: SessionReportBody(peerPublicKey: gw.publicKey, event: "up"))
            #expect(asUser.status == .forbidden)

            let aliceToken = try await api.login("alice", "password-of-user")
            let bobToken = try await api.login("bob", "password-of-user")
            #expect(try await Self.list(api, aliceToken, state: "all").map(\.deviceName) == ["alice-laptop"])
            #expect(try await Self.list(api, bobToken, state: "all").isEmpty)
            #expect(try await Self.list(api, admin, state: "all").count == 1)
            #expect(try await api.send(.GET, "api/v1/connections").status == .unauthorized)
            #expect(try await api.send(.GET, "api/v1/connections?limit=0", token: admin).status == .badRequest)
        }
    }
}
