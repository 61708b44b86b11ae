import Fluent
import SQLKit
import Foundation
@testable import HorizonBroker
import Testing
import Vapor

/// Heartbeats and contact stamps written in groups: every caller's own values land, and a
/// caller returns only once they are stored.
@Suite struct NodeActivityWriterTests {
    typealias Nodes = NodeAuthenticationTests

    @Test(arguments: TestStore.available)
    func concurrentHeartbeatsEachLand(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            var servers: [(node: Node, credential: String)] = []
            for index in 0..<30 { servers.append(try await Nodes.insertNode(.server, name: "gw-\(index)", status: .approved, on: app.db)) }
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for (index, server) in servers.enumerated() {
                    group.addTask {
                        let beat = HeartbeatBody(load: Double(index) / 100, peerCount: index, rxBytes: Int64(index) * 10, txBytes: Int64(index) * 20)
                        return try await api.send(.POST, "api/v1/node/heartbeat", token: server.credential, json: beat).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .ok })
            for (index, server) in servers.enumerated() {
                let stored = try #require(try await Node.find(server.node.id, on: app.db))
                #expect(stored.load == Double(index) / 100 && stored.peerCount == index)
                #expect(stored.rxBytes == Int64(index) * 10 && stored.txBytes == Int64(index) * 20 && stored.health == .ok)
                #expect(stored.lastHeartbeatAt != nil && stored.lastSeenAt != nil)
            }
        }
    }

    @Test(arguments: TestStore.available)
    func theLastWriteForANodeInABatchWins(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let (node, _) = try await Nodes.insertNode(.server, name: "gw", status: .approved, on: app.db)
            let id = try node.requireID()
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            func report(_ load: Double) -> ServerPresence.Report {
                .init(load: load, peerCount: 1, rxBytes: 0, txBytes: 0, health: .degraded, endpoints: nil)
            }
            let sql = try #require(app.db as? any SQLDatabase)
            try await NodeActivityWriter.write([
                .heartbeat(nodeID: id, at: now, report(0.1)), .contact(nodeID: id, at: now),
                .heartbeat(nodeID: id, at: now.addingTimeInterval(1), report(0.9)),
            ], on: sql)
            let stored = try #require(try await Node.find(id, on: app.db))
            #expect(stored.load == 0.9 && stored.health == .degraded)
            #expect(stored.lastHeartbeatAt == now.addingTimeInterval(1) && stored.lastSeenAt == now)
        }
    }

    /// A batch mixes rows with only a heartbeat and rows with only a contact stamp (one
    /// statement for all): each sets its own columns and leaves the others as they were.
    @Test(arguments: TestStore.available)
    func eachRowSetsOnlyWhatItCarries(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let before = Date(timeIntervalSince1970: 1_700_000_000), now = Date(timeIntervalSince1970: 1_800_000_000)
            let sql = try #require(app.db as? any SQLDatabase)
            var ids: [UUID] = []
            for name in ["beating", "contacting", "both"] {
                ids.append(try await Nodes.insertNode(.server, name: name, status: .approved, on: app.db).node.requireID())
            }
            let earlier = ServerPresence.Report(load: 0.2, peerCount: 2, rxBytes: 20, txBytes: 200, health: .ok)
            try await NodeActivityWriter.write(ids.flatMap { [.heartbeat(nodeID: $0, at: before, earlier), .contact(nodeID: $0, at: before)] }, on: sql)
            let report = ServerPresence.Report(load: 0.7, peerCount: 9, rxBytes: 90, txBytes: 900, health: .failing)
            try await NodeActivityWriter.write([
                .heartbeat(nodeID: ids[0], at: now, report), .contact(nodeID: ids[1], at: now),
                .contact(nodeID: ids[2], at: now), .heartbeat(nodeID: ids[2], at: now, report),
            ], on: sql)
            let beating = try #require(try await Node.find(ids[0], on: app.db))
            #expect(beating.lastHeartbeatAt == now && beating.load == 0.7 && beating.peerCount == 9 && beating.health == .failing)
            #expect(beating.rxBytes == 90 && beating.txBytes == 900 && beating.lastSeenAt == before)
            let contacting = try #require(try await Node.find(ids[1], on: app.db))
            #expect(contacting.lastSeenAt == now && contacting.lastHeartbeatAt == before && contacting.load == 0.2)
            #expect(contacting.peerCount == 2 && contacting.rxBytes == 20 && contacting.txBytes == 200 && contacting.health == .ok)
            let both = try #require(try await Node.find(ids[2], on: app.db))
            #expect(both.lastSeenAt == now && both.lastHeartbeatAt == now && both.load == 0.7 && both.health == .failing)
        }
    }

    /// PostgreSQL keeps room in each page of `nodes` for the next version of its rows.
    @Test(arguments: TestStore.available.filter { $0 == .postgres })
    func postgresLeavesRoomForHeartbeatUpdates(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let sql = try #require(app.db as? any SQLDatabase)
            let row = try await sql.raw("SELECT array_to_string(reloptions, ',') AS options FROM pg_class WHERE relname = 'nodes'").first()
            #expect(try row?.decode(column: "options", as: String?.self) == "fillfactor=50")
        }
    }
}
