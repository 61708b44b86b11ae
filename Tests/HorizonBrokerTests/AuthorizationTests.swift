import Foundation
import HorizonBroker
import Testing
import Vapor

/// Who may do what: an admin, user A and user B against every endpoint that touches users
/// or tokens, and every operation of the document without credentials.
@Suite struct AuthorizationTests {
    struct Cast {
        let api: APIClient
        let admin: String
        let adminID: String
        let a: String
        let aID: String
        let b: String
        let bID: String
    }

    func withCast(_ store: TestStore, _ body: (Cast) async throws -> Void) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            let adminID = try await api.send(.GET, "api/v1/me", token: admin).decode(UserBody.self).id
            let aID = try await api.createUser("alice", password: "alice-password", adminToken: admin)
            let bID = try await api.createUser("bob", password: "bob-password", adminToken: admin)
            try await body(Cast(api: api, admin: admin, adminID: adminID, a: try await api.login("alice", "alice-password"),
                                aID: aID, b: try await api.login("bob", "bob-password"), bID: bID))
        }
    }

    @Test(arguments: TestStore.available)
    func usersSeeOnlyThemselvesAndAdminsSeeEveryone(store: TestStore) async throws {
        try await withCast(store) { c in
            let api = c.api
            #expect(try await api.send(.GET, "api/v1/me", token: c.a).decode(UserBody.self).id == c.aID)
            #expect(try await api.send(.GET, "api/v1/me", token: c.b).decode(UserBody.self).id == c.bID)

            #expect(try await api.send(.GET, "api/v1/users/\(c.aID)", token: c.a).status == .ok)
            #expect(try await api.send(.GET, "api/v1/users/\(c.aID)", token: c.b).status == .forbidden)
            #expect(try await api.send(.GET, "api/v1/users/\(c.aID)", token: c.admin).status == .ok)
            #expect(try await api.send(.GET, "api/v1/users/\(UUID().uuidString)", token: c.a).status == .forbidden,
                    "a user cannot probe which ids exist")
            #expect(try await api.send(.GET, "api/v1/users/\(UUID().uuidString)", token: c.admin).status == .notFound)

            #expect(try await api.send(.GET, "api/v1/users", token: c.a).status == .forbidden)
            let all = try await api.send(.GET, "api/v1/users", token: c.admin)
            #expect(all.status == .ok)
            #expect(try all.decode([UserBody].self).map(\.username) == ["admin", "alice", "bob"])
        }
    }

    @Test(arguments: TestStore.available)
    func onlyAdminsManageUsers(store: TestStore) async throws {
        try await withCast(store) { c in
            let api = c.api
            let newUser: [String: String] = ["username": "mallory", "password": "mallory-password"]
            for token in [c.a, c.b] {
                #expect(try await api.send(.POST, "api/v1/users", token: token, json: newUser).status == .forbidden)
                #expect(try await api.send(.PATCH, "api/v1/users/\(c.aID)", token: token, json: ["disabled": true]).status == .forbidden)
                #expect(try await api.send(.PATCH, "api/v1/users/\(c.aID)", token: token, json: ["role": "admin"]).status == .forbidden)
                #expect(try await api.send(.PUT, "api/v1/users/\(c.aID)/password", token: token,
                                           json: ["newPassword": "taken-over-1"]).status == .forbidden)
                #expect(try await api.send(.DELETE, "api/v1/users/\(c.bID)", token: token).status == .forbidden)
                #expect(try await api.send(.GET, "api/v1/audit", token: token).status == .forbidden)
            }
            // Nothing changed.
            #expect(try await api.send(.GET, "api/v1/me", token: c.a).decode(UserBody.self).role == "user")
            _ = try await api.login("alice", "alice-password")

            // The admin can do all of it…
            #expect(try await api.send(.POST, "api/v1/users", token: c.admin, json: newUser).status == .created)
            #expect(try await api.send(.POST, "api/v1/users", token: c.admin, json: newUser).status == .conflict)
            let promoted = try await api.send(.PATCH, "api/v1/users/\(c.aID)", token: c.admin, json: ["role": "admin"])
            #expect(try promoted.decode(UserBody.self).role == "admin")
            #expect(try await api.send(.PUT, "api/v1/users/\(c.bID)/password", token: c.admin,
                                       json: ["newPassword": "reset-by-admin"]).status == .noContent)
            #expect(try await api.send(.GET, "api/v1/me", token: c.b).status == .unauthorized, "a reset ends the sessions")
            _ = try await api.login("bob", "reset-by-admin")
            #expect(try await api.send(.DELETE, "api/v1/users/\(c.bID)", token: c.admin).status == .noContent)
            #expect(try await api.send(.GET, "api/v1/users/\(c.bID)", token: c.admin).status == .notFound)
            #expect(try await api.send(.DELETE, "api/v1/users/\(c.bID)", token: c.admin).status == .notFound)

            // …except lock itself out.
            let selfDisable = try await api.send(.PATCH, "api/v1/users/\(c.adminID)", token: c.admin, json: ["disabled": true])
            #expect(selfDisable.status == .conflict)
            #expect(selfDisable.errorCode == "cannot_modify_self")
            #expect(try await api.send(.PATCH, "api/v1/users/\(c.adminID)", token: c.admin, json: ["role": "user"]).status == .conflict)
            #expect(try await api.send(.DELETE, "api/v1/users/\(c.adminID)", token: c.admin).status == .conflict)

            let actions = Set(try await api.audit(adminToken: c.admin).map(\.action))
            #expect(actions.isSuperset(of: ["user.created", "user.role_changed", "user.password_changed", "user.deleted"]))
        }
    }

    @Test(arguments: TestStore.available)
    func tokensBelongToTheirOwner(store: TestStore) async throws {
        try await withCast(store) { c in
            let api = c.api
            let aToken = try await api.createToken("alice-token", token: c.a)
            let bToken = try await api.createToken("bob-token", token: c.b)

            #expect(try await api.send(.GET, "api/v1/tokens", token: c.a).decode([TokenBody].self).map(\.name) == ["alice-token"])
            #expect(try await api.send(.GET, "api/v1/users/\(c.aID)/tokens", token: c.a).status == .ok)
            #expect(try await api.send(.GET, "api/v1/users/\(c.aID)/tokens", token: c.b).status == .forbidden)
            let seenByAdmin = try await api.send(.GET, "api/v1/users/\(c.aID)/tokens", token: c.admin)
            #expect(try seenByAdmin.decode([TokenBody].self).map(\.id) == [aToken.id])

            // B cannot revoke A's token, and cannot tell it exists.
            let foreign = try await api.send(.DELETE, "api/v1/tokens/\(aToken.id)", token: c.b)
            #expect(foreign.status == .notFound)
            #expect(try await api.send(.GET, "api/v1/me", token: aToken.secret).status == .ok)
            #expect(try await api.send(.DELETE, "api/v1/tokens/\(aToken.id)", token: c.a).status == .noContent)
            #expect(try await api.send(.DELETE, "api/v1/tokens/\(bToken.id)", token: c.admin).status == .noContent)
            #expect(try await api.send(.GET, "api/v1/me", token: bToken.secret).status == .unauthorized)
        }
    }

    /// Every operation in the served document that is not explicitly public answers 401
    /// without a token — so a handler that forgot its check cannot slip through.
    @Test(arguments: TestStore.available)
    func everyProtectedOperationNeedsAToken(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let document = try await OpenAPIDocumentTests.servedDocument(api)
            var checked = 0
            for (path, method, operation) in OpenAPIDocumentTests.operations(document) {
                let concrete = path.replacingOccurrences(of: "\\{[^}]+\\}", with: UUID().uuidString, options: .regularExpression)
                let isPublic = (operation["security"] as? [Any])?.isEmpty == true
                let res = try await api.send(HTTPMethod(rawValue: method.uppercased()), String(concrete.dropFirst()), raw: "{}")
                if isPublic {
                    #expect(res.status != .unauthorized, "\(method) \(path) is public")
                } else {
                    #expect(res.status == .unauthorized, "\(method) \(path) answered \(res.status.code) without a token")
                    #expect(res.errorCode == "unauthorized")
                }
                checked += 1
            }
            #expect(checked >= 18)
        }
    }
}
