import Fluent
import Foundation
@testable import HorizonBroker
import Testing
import Vapor

struct NodeSelfBody: Codable { var id: String; var kind: String; var name: String; var publicKey: String; var status: String }

/// Node credentials: what they open (node operations) and what they do not (user operations).
@Suite struct NodeAuthenticationTests {
    /// Stores a node directly, as registration will, and returns its credential.
    static func insertNode(
        _ kind: Node.Kind, name: String, status: Node.Status, publicKey: String = "\(UUID().uuidString)=", on db: any Database
    ) async throws -> (node: Node, credential: String) {
        let (secret, hash) = NodeCredentials.issue()
        let node = Node(kind: kind, name: name, publicKey: publicKey, status: status, userID: nil,
                        credentialHash: hash, endpoints: ["192.0.2.1:51820"], createdAt: Date())
        try await node.create(on: db)
        return (node, secret)
    }

    @Test(arguments: TestStore.available)
    func nodeCredentialOpensNodeOperationsOnly(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let (node, credential) = try await Self.insertNode(.server, name: "gw-1", status: .pending, on: app.db)
            #expect(credential.hasPrefix("hzd_"))

            let me = try await api.send(.GET, "api/v1/node", token: credential)
            #expect(me.status == .ok, "\(me.text)")
            let body = try me.decode(NodeSelfBody.self)
            #expect(body.id == node.id?.uuidString && body.kind == "server" && body.name == "gw-1" && body.status == "pending")
            #expect(body.publicKey == node.publicKey)
            let stored = try #require(try await Node.find(node.id, on: app.db))
            #expect(stored.lastSeenAt != nil, "contact is recorded")
            #expect(stored.endpoints == ["192.0.2.1:51820"])

            let asUser = try await api.send(.GET, "api/v1/me", token: credential)
            #expect(asUser.status == .forbidden && asUser.errorCode == "forbidden")

            let admin = try await api.login("admin", AuthTests.adminPassword)
            let userOnNode = try await api.send(.GET, "api/v1/node", token: admin)
            #expect(userOnNode.status == .forbidden && userOnNode.errorCode == "forbidden")

            #expect(try await api.send(.GET, "api/v1/node").status == .unauthorized)
            let forged = try await api.send(.GET, "api/v1/node", token: "hzd_not-a-real-credential")
            #expect(forged.status == .unauthorized && forged.errorCode == "unauthorized")
        }
    }

    @Test(arguments: TestStore.available)
    func revokedNodeCannotAuthenticate(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let (node, credential) = try await Self.insertNode(.device, name: "laptop", status: .approved, on: app.db)
            #expect(try await api.send(.GET, "api/v1/node", token: credential).status == .ok)
            // Revocation announces itself (NodeLifecycle publishes), which ends the cached credential.
            try await NetmapTests.setStatus(node, .revoked, app: app)
            let res = try await api.send(.GET, "api/v1/node", token: credential)
            #expect(res.status == .unauthorized && res.errorCode == "node_revoked")
        }
    }

    @Test(arguments: TestStore.available)
    func publicKeysAreUnique(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            _ = try await Self.insertNode(.server, name: "a", status: .pending, publicKey: "same-key=", on: app.db)
            await #expect(throws: (any Error).self) {
                _ = try await Self.insertNode(.device, name: "b", status: .approved, publicKey: "same-key=", on: app.db)
            }
        }
    }
}
