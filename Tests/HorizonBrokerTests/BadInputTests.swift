import Foundation
import HorizonBroker
import HorizonProtocol
import Testing
import Vapor

/// Whatever a client sends, a mistake is a 4xx with the JSON error envelope, never a 500.
@Suite struct BadInputTests {
    static func expectEnvelope(_ res: APIResponse, _ status: HTTPStatus, code: String? = nil,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(res.status == status, "expected \(status.code), got \(res.status.code): \(res.text)", sourceLocation: sourceLocation)
        #expect(res.headers.contentType == .json, sourceLocation: sourceLocation)
        let envelope = try? JSONDecoder().decode(APIErrorResponse.self, from: res.body)
        #expect(envelope != nil, "not an error envelope: \(res.text)", sourceLocation: sourceLocation)
        #expect(envelope?.error.message.isEmpty == false, sourceLocation: sourceLocation)
        if let code { #expect(envelope?.error.code == code, sourceLocation: sourceLocation) }
    }

    @Test(arguments: TestStore.available)
    func malformedBodiesAre400(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            let login = "api/v1/auth/login"
            Self.expectEnvelope(try await api.send(.POST, login, raw: "{\"username\": \"admin\", "), .badRequest, code: "invalid_body")
            Self.expectEnvelope(try await api.send(.POST, login, raw: "not json"), .badRequest, code: "invalid_body")
            Self.expectEnvelope(try await api.send(.POST, login, raw: "[]"), .badRequest, code: "invalid_body")
            Self.expectEnvelope(try await api.send(.POST, login, raw: "null"), .badRequest)
            Self.expectEnvelope(try await api.send(.POST, login, raw: "{\"username\": 5, \"password\": \"x\"}"), .badRequest, code: "invalid_body")
            Self.expectEnvelope(try await api.send(.POST, login, raw: "{\"username\": \"admin\"}"), .badRequest, code: "invalid_body")
            let unknown = try await api.send(.POST, login, raw: "{\"username\": \"admin\", \"password\": \"x\", \"admin\": true}")
            Self.expectEnvelope(unknown, .badRequest, code: "invalid_body")
            #expect(unknown.text.contains("unknown field"))
            Self.expectEnvelope(try await api.send(.POST, login), .badRequest)
            Self.expectEnvelope(
                try await api.send(.POST, "api/v1/users", token: admin, raw: "{\"username\": \"x\", \"password\": \"long-enough\", \"role\": \"root\"}"),
                .badRequest)
            Self.expectEnvelope(
                try await api.send(.PATCH, "api/v1/users/\(UUID().uuidString)", token: admin, raw: "{\"disabled\": \"yes\"}"),
                .badRequest)
            Self.expectEnvelope(
                try await api.send(.POST, "api/v1/tokens", token: admin, raw: "{\"name\": \"t\", \"expiresAt\": \"tomorrow\"}"),
                .badRequest)
        }
    }

    @Test(arguments: TestStore.available)
    func invalidValuesAre400(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            Self.expectEnvelope(try await api.send(.GET, "api/v1/users/not-a-uuid", token: admin), .badRequest, code: "invalid_id")
            Self.expectEnvelope(try await api.send(.DELETE, "api/v1/tokens/123", token: admin), .badRequest, code: "invalid_id")
            Self.expectEnvelope(try await api.send(.POST, "api/v1/users", token: admin,
                                                   json: ["username": "-bad", "password": "long-enough"]), .badRequest, code: "invalid_username")
            Self.expectEnvelope(try await api.send(.POST, "api/v1/users", token: admin,
                                                   json: ["username": "good", "password": "short"]), .badRequest, code: "weak_password")
            Self.expectEnvelope(try await api.send(.POST, "api/v1/users", token: admin,
                                                   json: ["username": "good", "password": String(repeating: "x", count: 73)]),
                                .badRequest, code: "weak_password")
            Self.expectEnvelope(try await api.send(.POST, "api/v1/tokens", token: admin, json: ["name": "   "]), .badRequest)
            Self.expectEnvelope(try await api.send(.GET, "api/v1/audit?limit=0", token: admin), .badRequest)
            Self.expectEnvelope(try await api.send(.GET, "api/v1/audit?limit=abc", token: admin), .badRequest)
            Self.expectEnvelope(try await api.send(.GET, "api/v1/audit?since=yesterday", token: admin), .badRequest)
            Self.expectEnvelope(try await api.send(.GET, "api/v1/audit?offset=-1", token: admin), .badRequest)
            Self.expectEnvelope(try await api.send(.GET, "api/v1/audit?offset=99999999999", token: admin), .badRequest)
            // NUL characters, which PostgreSQL refuses in text, never reach the store.
            Self.expectEnvelope(try await api.send(.GET, "api/v1/audit?actor=a%00b", token: admin), .badRequest)
            Self.expectEnvelope(try await api.send(.POST, "api/v1/tokens", token: admin, raw: #"{"name": "a\u0000b"}"#), .badRequest)
            Self.expectEnvelope(try await api.send(.POST, "api/v1/auth/login", raw: #"{"username": "ad\u0000min", "password": "x"}"#),
                                .unauthorized, code: "invalid_credentials")
            let failed = try await api.audit("action=auth.login_failed", adminToken: admin)
            #expect(failed.map(\.actor) == ["ad?min"])
        }
    }

    @Test(arguments: TestStore.available)
    func transportMistakesAre4xx(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let huge = "{\"username\": \"" + String(repeating: "a", count: 100_000) + "\", \"password\": \"x\"}"
            Self.expectEnvelope(try await api.send(.POST, "api/v1/auth/login", raw: huge), .payloadTooLarge, code: "payload_too_large")
            Self.expectEnvelope(
                try await api.send(.POST, "api/v1/auth/login", raw: "{}", headers: [("Content-Type", "text/plain")]),
                .unsupportedMediaType)
            Self.expectEnvelope(try await api.send(.GET, "no/such/route"), .notFound, code: "not_found")
            Self.expectEnvelope(try await api.send(.DELETE, "api/v1/me"), .notFound)
        }
    }
}
