import Fluent
import Foundation
@testable import HorizonBroker
import Testing
import Vapor

/// Heartbeats through the API: the fast path (``HeartbeatMiddleware``) and the generated
/// handler store the same and answer the same, and bad bodies get 400 with the documented
/// error code whichever path they take.
@Suite struct HeartbeatFastPathTests {
    typealias Nodes = NodeAuthenticationTests

    static let plain = #"{"load": 0.5, "peerCount": 7, "rxBytes": 70, "txBytes": 700, "health": "degraded"}"#
    /// The same values in a shape the fast path leaves to the generated handler.
    static let generatedOnly = #"{"load": 0.5, "peerCount": 7, "rxBytes": 70, "txBytes": 700, "health": "degraded", "endpoints": null}"#

    @Test(arguments: TestStore.available)
    func bothPathsStoreAndAnswerTheSame(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            var answers: [String] = []
            for body in [Self.plain, Self.generatedOnly] {
                let (node, credential) = try await Nodes.insertNode(.server, name: "gw-\(answers.count)", status: .approved, on: app.db)
                let res = try await api.send(.POST, "api/v1/node/heartbeat", token: credential, raw: body)
                #expect(res.status == .ok, "\(res.text)")
                #expect(res.headers.first(name: .contentType) == "application/json; charset=utf-8")
                answers.append(res.text)
                let stored = try #require(try await Node.find(node.id, on: app.db))
                #expect(stored.load == 0.5 && stored.peerCount == 7 && stored.rxBytes == 70 && stored.txBytes == 700)
                #expect(stored.health == .degraded && stored.lastHeartbeatAt != nil && stored.lastSeenAt != nil)
            }
            #expect(answers[0] == answers[1])
            #expect(answers[0] == #"{"heartbeatInterval":1200,"status":"approved"}"#)
        }
    }

    @Test(arguments: TestStore.available)
    func badBodiesGetTheDocumentedErrors(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let (node, credential) = try await Nodes.insertNode(.server, name: "gw", status: .approved, on: app.db)
            let cases: [(String, String)] = [
                (#"{"load": 0.3, "peerCount": 5, "rxBytes": 1, "txBytes": 2, "health": "ok", "extra": 1}"#, "invalid_body"),
                (#"{"load": 0.3, "peerCount": "5", "rxBytes": 1, "txBytes": 2, "health": "ok"}"#, "invalid_body"),
                (#"{"load": 0.3, "peerCount": 5.5, "rxBytes": 1, "txBytes": 2, "health": "ok"}"#, "invalid_body"),
                (#"{"load": 0.3, "peerCount": 5, "rxBytes": 1, "txBytes": 2, "health": 7}"#, "invalid_body"),
                (#"{"load": 0.3, "peerCount": 5, "rxBytes": 1, "txBytes": 2}"#, "invalid_body"),
                (#"{"load": 0.3, "peerCount": 5, "rxBytes": 99999999999999999999, "txBytes": 2, "health": "ok"}"#, "invalid_body"),
                (#"{"load": 0.3, "#, "invalid_body"),
                (#"{"load": 1.5, "peerCount": 5, "rxBytes": 1, "txBytes": 2, "health": "ok"}"#, "invalid_heartbeat"),
                (#"{"load": 0.3, "peerCount": -1, "rxBytes": 1, "txBytes": 2, "health": "ok"}"#, "invalid_heartbeat"),
                (#"{"load": 0.3, "peerCount": 5, "rxBytes": 1, "txBytes": -2, "health": "ok"}"#, "invalid_heartbeat"),
            ]
            for (body, code) in cases {
                for contentType in ["application/json", "application/json; charset=utf-8"] {
                    let res = try await api.send(.POST, "api/v1/node/heartbeat", token: credential, raw: body,
                                                 headers: [("Content-Type", contentType)])
                    #expect(res.status == .badRequest && res.errorCode == code, "\(body): \(res.status) \(res.text)")
                }
            }
            let stored = try #require(try await Node.find(node.id, on: app.db))
            #expect(stored.lastHeartbeatAt == nil, "no refused heartbeat was stored")
        }
    }

    /// Without this, a fast path that never matched would pass every other test here: the
    /// generated handler gives the same answers.
    @Test func theFastPathServesTheRouteRegisteredForSendHeartbeat() async throws {
        try await TestStore.sqlite.withBroker { app, _ in
            let served = app.routes.all.filter { HeartbeatMiddleware.serves($0) }
            #expect(served.map { "\($0.method) \($0.path.string)" } == ["POST api/v1/node/heartbeat"])
        }
    }

    @Test(arguments: TestStore.available)
    func theFastPathKeepsTheNodeOnlyRule(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", "test-admin-password")
            #expect(try await api.send(.POST, "api/v1/node/heartbeat", raw: Self.plain).status == .unauthorized)
            #expect(try await api.send(.POST, "api/v1/node/heartbeat", token: admin, raw: Self.plain).status == .forbidden)
            #expect(try await api.send(.POST, "api/v1/node/heartbeat", token: "hzd_nope", raw: Self.plain).status == .unauthorized)
        }
    }
}
