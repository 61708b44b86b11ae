import Vapor  // swift-crypto (Curve25519, HMAC), re-exported by Vapor
import Fluent
import Foundation
import Synchronization

/// The broker's X25519 key pair for node proofs, read from the store (``BrokerKey``) and
/// made there by whichever broker needs it first. Creating races safely: the row's primary
/// key is fixed, so a second insert fails and the loser reads the winner's pair. Once read,
/// the pair is cached, since the row never changes.
final class BrokerKeyStore: Sendable {
    private let clock: BrokerClock
    private let cached = Mutex<Curve25519.KeyAgreement.PrivateKey?>(nil)

    init(clock: BrokerClock) {
        self.clock = clock
    }

    func privateKey(on db: any Database) async throws -> Curve25519.KeyAgreement.PrivateKey {
        if let key = cached.withLock({ $0 }) { return key }
        let key = try await loadOrCreate(on: db)
        cached.withLock { $0 = key }
        return key
    }

    private func loadOrCreate(on db: any Database) async throws -> Curve25519.KeyAgreement.PrivateKey {
        if let row = try await BrokerKey.find(BrokerKey.nodeProofPurpose, on: db) { return try Self.decode(row) }
        let fresh = Curve25519.KeyAgreement.PrivateKey()
        let row = BrokerKey(
            purpose: BrokerKey.nodeProofPurpose, privateKey: fresh.rawRepresentation.base64EncodedString(),
            publicKey: fresh.publicKey.rawRepresentation.base64EncodedString(), createdAt: clock.now())
        do {
            try await row.create(on: db)
            return fresh
        } catch {
            guard (error as? any DatabaseError)?.isConstraintFailure == true,
                  let winner = try await BrokerKey.find(BrokerKey.nodeProofPurpose, on: db) else { throw error }
            return try Self.decode(winner)
        }
    }

    private static func decode(_ row: BrokerKey) throws -> Curve25519.KeyAgreement.PrivateKey {
        guard let raw = Data(base64Encoded: row.privateKey) else {
            throw APIError(.internalServerError, "internal_error", "the stored broker key is corrupt")
        }
        return try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw)
    }
}
