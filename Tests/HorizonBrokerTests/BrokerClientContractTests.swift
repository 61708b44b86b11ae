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

            // Error answers arrive as one BrokerFailure carrying the broker's envelope.
            do {
                _ = try await anonymous.getMe()
                Issue.record("expected 401 without a token")
            } catch {
                let failure = BrokerFailure.from(error, broker: url)
                #expect(failure.code == "unauthorized", "\(failure)")
                guard case .refused(let status, _, let message) = failure else { return }
                #expect(status == 401 && message.contains("bearer token"))
            }
            // No answer at all is "cannot reach": a port nobody listens on.
            let nobody = try #require(URL(string: "http://127.0.0.1:9"))
            do {
                _ = try await Client.broker(at: nobody, timeout: .seconds(2)).getHealth()
                Issue.record("expected a transport failure")
            } catch {
                let failure = BrokerFailure.from(error, broker: nobody)
                guard case .unreachable(let broker, _) = failure else {
                    Issue.record("expected unreachable, got \(failure)")
                    return
                }
                #expect(broker == "http://127.0.0.1:9")
            }
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
