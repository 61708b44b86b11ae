import Foundation
import HorizonBroker
import HorizonBrokerClient
import Testing
import Vapor

/// The node's generated client against a broker serving on a real loopback port: both ends
/// come from openapi.yaml, and this checks they meet on the wire (paths, bodies, auth).
@Suite struct BrokerClientContractTests {
    @Test(arguments: TestStore.available)
    func generatedClientTalksToTheBroker(store: TestStore) async throws {
        try await store.withBroker { app, _ in try await Self.serving(app) { url in
            let anonymous = Client.broker(at: url)
            let health = try await anonymous.getHealth().ok.body.json
            #expect(health.status == .ok && health.databaseReachable)

            let login = try await anonymous.login(body: .json(.init(username: "admin", password: AuthTests.adminPassword)))
            let session = try login.ok.body.json
            #expect(session.user.username == "admin" && session.user.role == .admin)

            let me = try await Client.broker(at: url, token: session.token).getMe().ok.body.json
            #expect(me.username == "admin")

            let refused = try await anonymous.getMe()
            guard case .unauthorized(let body) = refused else {
                Issue.record("expected 401 without a token, got \(refused)")
                return
            }
            #expect(try body.body.json.error.code == "unauthorized")
        } }
    }

    /// Serves `app` on a free loopback port for the duration of `body`.
    static func serving(_ app: Application, _ body: (URL) async throws -> Void) async throws {
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        do {
            let port = try #require(app.http.server.shared.localAddress?.port)
            try await body(try #require(URL(string: "http://127.0.0.1:\(port)")))
        } catch {
            await app.server.shutdown()
            throw error
        }
        await app.server.shutdown()
    }
}
