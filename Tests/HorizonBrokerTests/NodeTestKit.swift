import Foundation
import Testing
import Vapor  // swift-crypto (Curve25519, HMAC), re-exported by Vapor

/// A node's WireGuard key pair, and the proof of possession computed here from the
/// protocol's definition, independently of the broker's code.
struct TestNodeKey {
    let privateKey = Curve25519.KeyAgreement.PrivateKey()

    var publicKey: String { privateKey.publicKey.rawRepresentation.base64EncodedString() }

    func proof(for challenge: ChallengeBody) throws -> String {
        let broker = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: try #require(Data(base64Encoded: challenge.brokerPublicKey)))
        let shared = try privateKey.sharedSecretFromKeyAgreement(with: broker)
        var mac = HMAC<SHA256>(key: shared.withUnsafeBytes { SymmetricKey(data: Data($0)) })
        mac.update(data: Data("horizon-node-proof-v1".utf8))
        mac.update(data: try #require(Data(base64Encoded: challenge.nonce)))
        mac.update(data: privateKey.publicKey.rawRepresentation)
        return Data(mac.finalize()).base64EncodedString()
    }
}

struct ChallengeBody: Codable { var challengeId: String; var nonce: String; var brokerPublicKey: String; var expiresAt: Date }
struct LocationBody: Codable, Equatable { var country: String; var city: String?; var latitude: Double?; var longitude: Double? }
struct ServerBody: Codable {
    var id: String; var name: String; var publicKey: String; var endpoints: [String]; var capacity: Int
    var location: LocationBody?; var ipv4Address: String?; var ipv6Address: String?; var online: Bool
    var load: Double?; var peerCount: Int?; var health: String?; var status: String?; var lastHeartbeatAt: Date?
}
struct RegisteredServerBody: Codable { var credential: String; var server: ServerBody }
struct DeviceBody: Codable {
    var id: String; var name: String; var publicKey: String; var status: String; var ownerId: String?; var owner: String?
    var ipv4Address: String?; var ipv6Address: String?
}
struct EnrolledDeviceBody: Codable { var credential: String; var device: DeviceBody }
struct HeartbeatBody: Codable {
    var load = 0.25; var peerCount = 3; var rxBytes: Int64 = 1000; var txBytes: Int64 = 2000; var health = "ok"
    var endpoints: [String]?
}
struct HeartbeatAckBody: Codable { var status: String; var heartbeatInterval: Int }

extension APIClient {
    func challenge(for key: TestNodeKey, sourceLocation: SourceLocation = #_sourceLocation) async throws -> ChallengeBody {
        let res = try await send(.POST, "api/v1/nodes/challenges", json: ["publicKey": key.publicKey])
        #expect(res.status == .created, "challenge: \(res.text)", sourceLocation: sourceLocation)
        return try res.decode(ChallengeBody.self)
    }

    /// Creates an enrollment key as `adminToken` and returns its secret.
    func enrollmentKey(_ purpose: String, adminToken: String, userId: String? = nil, reusable: Bool = true) async throws -> String {
        var body: [String: Any] = ["purpose": purpose, "reusable": reusable]
        if let userId { body["userId"] = userId }
        let res = try await send(.POST, "api/v1/enrollment-keys", token: adminToken, object: body)
        #expect(res.status == .created, "enrollment key: \(res.text)")
        return try res.decode(EnrollmentKeySecretBody.self).key
    }

    /// Registers a server with a fresh challenge; `overrides` replace fields of the body.
    func registerServer(
        _ name: String, key: TestNodeKey, enrollmentKey: String, endpoints: [String] = ["198.51.100.7:51820"],
        overrides: [String: Any] = [:]
    ) async throws -> APIResponse {
        let challenge = try await challenge(for: key)
        var body: [String: Any] = [
            "enrollmentKey": enrollmentKey, "challengeId": challenge.challengeId, "proof": try key.proof(for: challenge),
            "name": name, "publicKey": key.publicKey, "endpoints": endpoints, "capacity": 100,
            "location": ["country": "DE", "city": "Frankfurt", "latitude": 50.11, "longitude": 8.68],
        ]
        for (field, value) in overrides { body[field] = value }
        return try await send(.POST, "api/v1/servers", object: body)
    }

    /// Enrolls a device for the user of `token`.
    func enrollDevice(_ name: String, key: TestNodeKey = TestNodeKey(), token: String) async throws -> APIResponse {
        let challenge = try await challenge(for: key)
        return try await send(.POST, "api/v1/devices", token: token, json: [
            "name": name, "publicKey": key.publicKey, "challengeId": challenge.challengeId, "proof": try key.proof(for: challenge),
        ])
    }
}

extension APIClient {
    /// Sends a JSON object built from plain values (for bodies with mixed or wrong types).
    func send(_ method: HTTPMethod, _ path: String, token: String? = nil, object: [String: Any]) async throws -> APIResponse {
        try await send(method, path, token: token, raw: String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
    }
}

struct EnrollmentKeySecretBody: Codable { var key: String }
