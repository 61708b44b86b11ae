import Fluent
import Foundation
@testable import HorizonBroker
import Testing
import Vapor
import VaporTesting

/// `/api/v1/node/signal`: payloads between peers, refusals, and delivery across brokers.
@Suite struct SignalingTests {
    typealias Nodes = NodeAuthenticationTests
    typealias Inbox = NetmapDeliveryTests.Inbox

    /// A node's signal socket and what it received, decoded.
    struct Client {
        let socket: WebSocket
        let inbox: Inbox

        /// Connects as `node` and returns once the broker registered the socket.
        static func connect(port: Int, credential: String, as node: Node, on app: Application) async throws -> Client {
            let inbox = Inbox()
            var headers = HTTPHeaders()
            headers.add(name: .authorization, value: "Bearer \(credential)")
            let box = SocketBox()
            try await WebSocket.connect(to: "ws://127.0.0.1:\(port)/api/v1/node/signal", headers: headers, on: app.eventLoopGroup) { socket in
                box.socket = socket
                socket.onText { _, text in inbox.add(text) }
                socket.onClose.whenComplete { _ in inbox.close() }
            }.get()
            let hub = try #require(app.brokerServices).signaling
            let nodeID = try node.requireID()
            #expect(try await inbox.waitUntil { hub.openSockets(of: nodeID) > 0 }, "the broker registers the socket")
            return Client(socket: try #require(box.socket), inbox: inbox)
        }

        func send(_ object: [String: Any]) throws {
            socket.send(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
        }

        /// The `index`-th message, once it arrived (bounded wait).
        func message(_ index: Int, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
            #expect(try await inbox.waitUntil(timeout: .seconds(15)) { inbox.count > index }, "message \(index) never came", sourceLocation: sourceLocation)
            let text = try #require(inbox.message(index), sourceLocation: sourceLocation)
            return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], sourceLocation: sourceLocation)
        }

        func close() async { try? await socket.close() }
    }

    final class SocketBox: @unchecked Sendable { var socket: WebSocket? }

    /// Servers stay online for the whole test however slowly a loaded machine runs it (a
    /// device may only signal servers that heartbeat within the offline period).
    static var policy: NodePolicy {
        var policy = NodePolicy()
        policy.runsPresenceSweep = false
        policy.serverOfflineAfter = 3600
        return policy
    }

    static func errorCode(_ message: [String: Any]) -> String? { (message["error"] as? [String: Any])?["code"] as? String }

    /// Runs `body` with the broker listening on a loopback port.
    static func serving(_ app: Application, _ body: (Int) async throws -> Void) async throws {
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        do {
            try await body(try #require(app.http.server.shared.localAddress?.port))
        } catch {
            await app.server.shutdown()
            throw error
        }
        await app.server.shutdown()
    }

    @Test(arguments: TestStore.available)
    func peersSignalEachOtherAndOthersAreRefused(store: TestStore) async throws {
        try await store.withBroker(nodes: Self.policy) { app, _ in
            let (gw, gwCredential) = try await NetmapTests.insertOnlineServer("gw", status: .approved, on: app.db)
            let (laptop, laptopCredential) = try await Nodes.insertNode(.device, name: "laptop", status: .approved, on: app.db)
            let (phone, _) = try await Nodes.insertNode(.device, name: "phone", status: .approved, on: app.db)
            let (_, pendingCredential) = try await NetmapTests.insertOnlineServer("gw-pending", status: .pending, on: app.db)
            let api = APIClient(app: app)
            #expect(try await api.send(.GET, "api/v1/node/signal").status == .unauthorized)
            let pending = try await api.send(.GET, "api/v1/node/signal", token: pendingCredential)
            #expect(pending.status == .forbidden && pending.errorCode == "node_not_approved")

            try await Self.serving(app) { port in
                let device = try await Client.connect(port: port, credential: laptopCredential, as: laptop, on: app)
                let server = try await Client.connect(port: port, credential: gwCredential, as: gw, on: app)
                let candidate: [String: Any] = ["candidates": ["udp 198.51.100.9:40000 host"], "ufrag": "a/b"]
                try device.send(["to": gw.id!.uuidString, "payload": candidate, "id": "c-1"])
                #expect(try await server.inbox.waitUntil { server.inbox.count > 0 }, "the device got \(device.inbox.message(0) ?? "nothing")")
                let delivered = try await server.message(0)
                #expect(delivered["from"] as? String == laptop.id!.uuidString && delivered["id"] as? String == "c-1")
                #expect((delivered["payload"] as? [String: Any])?["ufrag"] as? String == "a/b")
                #expect((delivered["payload"] as? [String: Any])?["candidates"] as? [String] == ["udp 198.51.100.9:40000 host"])
                try server.send(["to": laptop.id!.uuidString, "payload": ["answer": true]])
                #expect(try await device.message(0)["from"] as? String == gw.id!.uuidString)

                // Refusals, each answered on the sender's socket.
                let cases: [([String: Any], String)] = [
                    (["to": phone.id!.uuidString, "payload": ["x": 1], "id": "p"], "not_allowed"),  // devices do not peer
                    (["to": "nobody", "payload": ["x": 1]], "invalid_message"),
                    (["to": gw.id!.uuidString, "payload": [1, 2]], "invalid_message"),
                    (["to": gw.id!.uuidString, "payload": ["x": 1], "id": "no spaces"], "invalid_message"),
                    (["to": gw.id!.uuidString, "payload": ["blob": String(repeating: "x", count: 4200)]], "payload_too_large"),
                ]
                for (index, (message, code)) in cases.enumerated() {
                    try device.send(message)
                    let notice = try await device.message(index + 1)
                    #expect(Self.errorCode(notice) == code, "\(message): \(notice)")
                }
                #expect(try await device.message(1)["id"] as? String == "p" && device.inbox.count == 6)
                try await device.socket.send("not json")
                #expect(Self.errorCode(try await device.message(6)) == "invalid_message")
                #expect(server.inbox.count == 1, "nothing refused reached the server")

                // A peer without a socket: undeliverable, at once on a lone broker.
                let hub = try #require(app.brokerServices).signaling
                #expect(hub.openSockets(of: try gw.requireID()) == 1)
                await server.close()
                #expect(try await server.inbox.waitUntil { hub.openSockets(of: gw.id!) == 0 })
                try device.send(["to": gw.id!.uuidString, "payload": ["x": 1], "id": "late"])
                let notice = try await device.message(7)
                #expect(Self.errorCode(notice) == "undeliverable" && notice["id"] as? String == "late" && notice["to"] as? String == gw.id!.uuidString)

                // Revoking the node closes its socket.
                try await NetmapTests.setStatus(laptop, .revoked, app: app)
                #expect(try await device.inbox.waitUntil { device.inbox.isClosed }, "a revoked node's socket is closed")
            }
        }
    }

    @Test(arguments: TestStore.available)
    func aFloodIsRateLimited(store: TestStore) async throws {
        try await store.withBroker(nodes: Self.policy) { app, _ in
            let (gw, gwCredential) = try await NetmapTests.insertOnlineServer("gw", status: .approved, on: app.db)
            let (laptop, laptopCredential) = try await Nodes.insertNode(.device, name: "laptop", status: .approved, on: app.db)
            try await Self.serving(app) { port in
                let device = try await Client.connect(port: port, credential: laptopCredential, as: laptop, on: app)
                let server = try await Client.connect(port: port, credential: gwCredential, as: gw, on: app)
                for index in 0..<200 { try device.send(["to": gw.id!.uuidString, "payload": ["n": index]]) }
                #expect(try await device.inbox.waitUntil(timeout: .seconds(15)) { device.inbox.count + server.inbox.count == 200 })
                let limited = (0..<device.inbox.count).compactMap { device.inbox.message($0) }.filter { $0.contains("rate_limited") }
                #expect(limited.count == device.inbox.count && !limited.isEmpty, "the excess is refused")
                #expect(server.inbox.count >= Int(SignalRateLimit.burst) && server.inbox.count < 200)
                let first = try await server.message(0)
                #expect((first["payload"] as? [String: Any])?["n"] as? Int == 0, "in order")
                await device.close()
                await server.close()
            }
        }
    }

    /// Two brokers on one PostgreSQL store: the signal crosses, and a missing peer is
    /// reported once no broker acknowledged it.
    @Test func signalsCrossBrokers() async throws {
        try await TestStore.withTwoBrokers(nodes: Self.policy) { brokerA, brokerB in
            let (gw, gwCredential) = try await NetmapTests.insertOnlineServer("gw", status: .approved, on: brokerA.db)
            let (laptop, laptopCredential) = try await Nodes.insertNode(.device, name: "laptop", status: .approved, on: brokerA.db)
            try await Self.serving(brokerA) { portA in
                try await Self.serving(brokerB) { portB in
                    let device = try await Client.connect(port: portA, credential: laptopCredential, as: laptop, on: brokerA)
                    try device.send(["to": gw.id!.uuidString, "payload": ["x": 1], "id": "early"])
                    let notice = try await device.message(0)
                    #expect(Self.errorCode(notice) == "undeliverable" && notice["id"] as? String == "early")

                    let server = try await Client.connect(port: portB, credential: gwCredential, as: gw, on: brokerB)
                    try device.send(["to": gw.id!.uuidString, "payload": ["offer": "x"], "id": "across"])
                    let delivered = try await server.message(0)
                    #expect(delivered["from"] as? String == laptop.id!.uuidString && delivered["id"] as? String == "across")
                    try await Task.sleep(for: .seconds(2))
                    #expect(device.inbox.count == 1, "acknowledged: no undeliverable notice")
                    await device.close()
                    await server.close()
                }
            }
        }
    }
}
