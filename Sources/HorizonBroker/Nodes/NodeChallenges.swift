import Fluent
import Foundation
import HorizonCore
import SQLKit

/// Proof of key possession in two steps: ``issue(for:on:)`` hands out a nonce bound to a
/// public key, ``verify(challengeID:proof:publicKey:on:)`` consumes it and checks the proof
/// (see ``NodeProof``). Refusals are 401: `invalid_challenge` (unknown, used, expired or
/// issued for another key) and `invalid_proof` (the proof does not match).
struct NodeChallenges: Sendable {
    let clock: BrokerClock
    let brokerKey: BrokerKeyStore
    let lifetime: TimeInterval
    /// Challenges are free to ask for and each is a row, so one address may ask for at most
    /// `maxPerAddress` a minute (`429 rate_limited`), counted in this broker's memory.
    let limiter = LoginRateLimiter(window: 60)
    static let maxPerAddress = 60
    /// And all addresses together at most `everyone`'s rate, which also bounds the
    /// per-address table (an address is recorded only once it got a challenge).
    let everyone = TokenBucket(perSecond: 50, burst: 200)

    struct Issued: Sendable {
        var challenge: NodeChallenge
        /// The broker's X25519 public key, base64.
        var brokerPublicKey: String
    }

    func issue(for publicKey: PublicKey, from address: String, on db: any Database) async throws -> Issued {
        let now = clock.now()
        if let wait = limiter.retryAfter(address, limit: Self.maxPerAddress, now: now) {
            throw APIError(.tooManyRequests, "rate_limited", "too many challenges from this address; retry in \(wait) s", retryAfter: wait)
        }
        if let wait = everyone.take(now: now) {
            throw APIError(.tooManyRequests, "rate_limited", "the broker is issuing too many challenges; retry in \(wait) s", retryAfter: wait)
        }
        limiter.recordFailure(address, now: now)
        let brokerPublicKey = try await brokerKey.privateKey(on: db).publicKey.rawRepresentation.base64EncodedString()
        var rng = SystemRandomNumberGenerator()
        let nonce = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        let challenge = NodeChallenge(
            publicKey: publicKey.base64, nonce: Data(nonce).base64EncodedString(),
            createdAt: now, expiresAt: now.addingTimeInterval(lifetime))
        try await challenge.create(on: db)
        return Issued(challenge: challenge, brokerPublicKey: brokerPublicKey)
    }

    /// Consumes the challenge (whatever the outcome, so a wrong guess costs a new challenge)
    /// and checks the proof. The delete is conditional on the row still existing, so of two
    /// requests racing with one challenge only one gets it.
    func verify(challengeID: String, proof: String, publicKey: PublicKey, on db: any Database) async throws {
        guard let id = UUID(uuidString: challengeID),
              let challenge = try await NodeChallenge.find(id, on: db) else {
            throw Self.invalidChallenge("the challenge is unknown or was already used; request a new one")
        }
        guard let sql = db as? any SQLDatabase else { throw APIError(.internalServerError, "internal_error", "the store does not speak SQL") }
        let consumed = try await sql.delete(from: NodeChallenge.schema)
            .where("id", .equal, SQLBind(id)).returning("id").all()
        guard !consumed.isEmpty else {
            throw Self.invalidChallenge("the challenge was already used; request a new one")
        }
        guard challenge.expiresAt > clock.now() else {
            throw Self.invalidChallenge("the challenge has expired; request a new one")
        }
        guard challenge.publicKey == publicKey.base64 else {
            throw Self.invalidChallenge("the challenge was issued for another public key")
        }
        let brokerPrivateKey = try await brokerKey.privateKey(on: db)
        // A key agreement that fails (a low-order node key) can have no valid proof either.
        guard proof.count <= 64, let presented = Data(base64Encoded: proof),
              let nonce = Data(base64Encoded: challenge.nonce),
              let expected = try? NodeProof.expected(brokerPrivateKey: brokerPrivateKey, nodePublicKey: publicKey, nonce: Array(nonce)),
              NodeProof.matches(Array(presented), expected) else {
            throw APIError(.unauthorized, "invalid_proof", "the proof does not match the public key and challenge; the node must compute it with its private key")
        }
    }

    /// Removes expired challenges (the presence sweep calls this).
    func purgeExpired(now: Date, on db: any Database) async throws {
        // Read first: a DELETE takes SQLite's write lock even when nothing matches.
        guard try await NodeChallenge.query(on: db).filter(\.$expiresAt <= now).first() != nil else { return }
        try await NodeChallenge.query(on: db).filter(\.$expiresAt <= now).delete()
    }

    private static func invalidChallenge(_ message: String) -> APIError {
        APIError(.unauthorized, "invalid_challenge", message)
    }
}
