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
}
