import Foundation
import HorizonBroker
import HorizonProtocol
import Testing
import Vapor
import VaporTesting

/// A wall clock the test moves by hand, for expiry and lockout without sleeping.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_800_000_000)

    var now: Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current.addTimeInterval(seconds) } }
    var brokerClock: BrokerClock { BrokerClock { [self] in self.now } }
}

/// A response as the tests look at it.
struct APIResponse {
    let status: HTTPStatus
    let headers: HTTPHeaders
    let body: Data

    func decode<T: Decodable>(_ type: T.Type = T.self, sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
        do {
            return try APIClient.decoder.decode(T.self, from: body)
        } catch {
            Issue.record("cannot decode \(T.self) from \(status.code) \(String(decoding: body, as: UTF8.self)): \(error)", sourceLocation: sourceLocation)
            throw error
        }
    }

    /// The `error.code` of the envelope every 4xx/5xx must carry (nil if the body is not one).
    var errorCode: String? {
        (try? JSONDecoder().decode(APIErrorResponse.self, from: body))?.error.code
    }

    var text: String { String(decoding: body, as: UTF8.self) }
}

/// Sends requests through the application's whole middleware chain and generated routes.
struct APIClient {
    let app: Application

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    func send(
        _ method: HTTPMethod, _ path: String, token: String? = nil, json: (any Encodable)? = nil,
        raw: String? = nil, headers extra: [(String, String)] = []
    ) async throws -> APIResponse {
        var headers = HTTPHeaders()
        if let token { headers.add(name: .authorization, value: "Bearer \(token)") }
        var body: ByteBuffer?
        if let json {
            headers.contentType = .json
            body = ByteBuffer(data: try Self.encoder.encode(json))
        } else if let raw {
            headers.contentType = .json
            body = ByteBuffer(string: raw)
        }
        for (name, value) in extra { headers.replaceOrAdd(name: name, value: value) }
        let response = try await app.testing().sendRequest(method, path, headers: headers, body: body)
        return APIResponse(status: response.status, headers: response.headers, body: Data(buffer: response.body))
    }

    /// Logs in and returns the session token (expects success).
    func login(_ username: String, _ password: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let res = try await send(.POST, "api/v1/auth/login", json: LoginBody(username: username, password: password))
        #expect(res.status == .ok, "login of \(username): \(res.text)", sourceLocation: sourceLocation)
        return try res.decode(LoginResult.self).token
    }

    /// Creates a user as `adminToken` and returns its id.
    func createUser(_ username: String, password: String = "password-of-user", role: String = "user", adminToken: String) async throws -> String {
        let res = try await send(.POST, "api/v1/users", token: adminToken,
                                 json: ["username": username, "password": password, "role": role])
        #expect(res.status == .created, "create \(username): \(res.text)")
        return try res.decode(UserBody.self).id
    }

    /// Creates a personal token as `token` and returns (id, secret).
    func createToken(_ name: String, token: String, expiresAt: Date? = nil) async throws -> (id: String, secret: String) {
        let res = try await send(.POST, "api/v1/tokens", token: token, json: CreateTokenBody(name: name, expiresAt: expiresAt))
        #expect(res.status == .created, "create token: \(res.text)")
        let created = try res.decode(CreatedTokenBody.self)
        return (created.info.id, created.token)
    }

    func audit(_ query: String = "", adminToken: String) async throws -> [AuditEventBody] {
        let res = try await send(.GET, "api/v1/audit?limit=500" + (query.isEmpty ? "" : "&" + query), token: adminToken)
        #expect(res.status == .ok, "audit: \(res.text)")
        return try res.decode(AuditPageBody.self).events
    }
}

// Shapes of the API's JSON, written independently of the generated types on purpose:
// they check what a client sees on the wire.
struct LoginBody: Codable { var username: String; var password: String }
struct LoginResult: Codable { var token: String; var tokenType: String; var expiresAt: Date; var user: UserBody }
struct UserBody: Codable { var id: String; var username: String; var role: String; var disabled: Bool; var locked: Bool; var createdAt: Date }
struct CreateTokenBody: Codable { var name: String; var expiresAt: Date? }
struct TokenBody: Codable { var id: String; var name: String; var createdAt: Date; var expiresAt: Date?; var lastUsedAt: Date? }
struct CreatedTokenBody: Codable { var token: String; var info: TokenBody }
struct AuditEventBody: Codable {
    var id: String; var time: Date; var action: String; var actor: String; var actorId: String?
    var targetType: String?; var targetId: String?; var targetName: String?; var sourceAddress: String?; var detail: String?
}
struct AuditPageBody: Codable { var events: [AuditEventBody]; var nextOffset: Int? }
