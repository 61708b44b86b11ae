import Fluent
import Foundation
@testable import HorizonBroker
import Testing
import Vapor
import VaporTesting

/// Netmap changes reaching nodes: over a WebSocket, and from one broker to another through
/// PostgreSQL LISTEN/NOTIFY.
@Suite struct NetmapDeliveryTests {
    typealias Nodes = NodeAuthenticationTests

    /// Text messages a WebSocket client received, in order.
    final class Inbox: @unchecked Sendable {
        private let lock = NSLock()
        private var messages: [String] = []
        private var closed = false

        func add(_ text: String) { lock.withLock { messages.append(text) } }
        func close() { lock.withLock { closed = true } }
        var isClosed: Bool { lock.withLock { closed } }
        var count: Int { lock.withLock { messages.count } }
        func message(_ index: Int) -> String? { lock.withLock { index < messages.count ? messages[index] : nil } }

        /// Polls (bounded) until `condition` holds; false if it never did within `timeout`.
        func waitUntil(timeout: Duration = NetmapTests.wakeBound, _ condition: () -> Bool) async throws -> Bool {
            let deadline = ContinuousClock.now + timeout
            while !condition() {
                guard ContinuousClock.now < deadline else { return false }
                try await Task.sleep(for: .milliseconds(10))
            }
            return true
        }
    }

    @Test(arguments: TestStore.available)
    func webSocketSendsTheMapAndEveryChange(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let (gw, _) = try await NetmapTests.insertOnlineServer("gw", status: .pending, on: app.db)
            let (laptop, credential) = try await Nodes.insertNode(.device, name: "laptop", status: .approved, on: app.db)
            #expect(try await APIClient(app: app).send(.GET, "api/v1/node/netmap/watch").status == .unauthorized)

            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            do {
                let port = try #require(app.http.server.shared.localAddress?.port)
                let inbox = Inbox()
                var headers = HTTPHeaders()
                headers.add(name: .authorization, value: "Bearer \(credential)")
                try await WebSocket.connect(
                    to: "ws://127.0.0.1:\(port)/api/v1/node/netmap/watch", headers: headers, on: app.eventLoopGroup
                ) { socket in
                    socket.onText { _, text in inbox.add(text) }
                    socket.onClose.whenComplete { _ in inbox.close() }
                }.get()

                #expect(try await inbox.waitUntil { inbox.count == 1 }, "the map is sent on connect")
                let first = try APIClient.decoder.decode(NetmapBody.self, from: Data(try #require(inbox.message(0)).utf8))
                #expect(first.peers.isEmpty && first.me.id == laptop.id?.uuidString)

                gw.status = .approved
                try await gw.update(on: app.db)
                let clock = ContinuousClock()
                let announced = clock.now
                try NetmapTests.hub(app).publish()
                #expect(try await inbox.waitUntil { inbox.count == 2 }, "the change is sent")
                #expect(clock.now - announced < NetmapTests.wakeBound)
                let second = try APIClient.decoder.decode(NetmapBody.self, from: Data(try #require(inbox.message(1)).utf8))
                #expect(second.peers.map(\.name) == ["gw"] && second.version != first.version)

                try await NetmapTests.setStatus(laptop, .revoked, app: app)
                #expect(try await inbox.waitUntil { inbox.isClosed }, "a revoked node's socket is closed")
                #expect(inbox.count == 2)
            } catch {
                await app.server.shutdown()
                throw error
            }
            await app.server.shutdown()
        }
    }

    /// On SQLite there is one broker and changes stay in the process; this is PostgreSQL only.
    @Test func aChangeOnOneBrokerWakesALongPollOnAnother() async throws {
        try await TestStore.withTwoBrokers { brokerA, brokerB in
            let (gw, _) = try await NetmapTests.insertOnlineServer("gw", status: .pending, on: brokerA.db)
            let (_, credential) = try await Nodes.insertNode(.device, name: "laptop", status: .approved, on: brokerA.db)
            let onB = APIClient(app: brokerB)
            let version = try await NetmapTests.fetch(onB, credential).version

            gw.status = .approved
            let (res, elapsed) = try await NetmapTests.longPoll(
                onB, credential, from: version, change: { try await gw.update(on: brokerA.db) },
                hub: try NetmapTests.hub(brokerA))
            #expect(res.status == .ok, "\(res.text)")
            #expect(try res.decode(NetmapBody.self).peers.map(\.name) == ["gw"])
            #expect(elapsed < NetmapTests.wakeBound, "broker B woke after \(elapsed)")
        }
    }
}
