import Vapor  // swift-crypto (Curve25519, HMAC), re-exported by Vapor
import Foundation
import HorizonCore

/// The proof that a node holds the private key of the public key it registers:
/// `HMAC-SHA256(key: X25519(node private, broker public),
///              message: "horizon-node-proof-v1" ‖ nonce ‖ node public key)`.
/// The broker computes the same shared secret from its own private key and the node's public
/// key. Binding the node's key into the message stops a proof for one key from being replayed
/// for another, and the single-use nonce stops replays altogether.
enum NodeProof {
    static let label = Array("horizon-node-proof-v1".utf8)

    /// The expected proof, seen from the broker's side of the key agreement.
    static func expected(
        brokerPrivateKey: Curve25519.KeyAgreement.PrivateKey, nodePublicKey: PublicKey, nonce: [UInt8]
    ) throws -> [UInt8] {
        let nodeKey = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: nodePublicKey.raw.bytes)
        let shared = try brokerPrivateKey.sharedSecretFromKeyAgreement(with: nodeKey)
        let secret = shared.withUnsafeBytes { SymmetricKey(data: Data($0)) }
        var hmac = HMAC<SHA256>(key: secret)
        hmac.update(data: label)
        hmac.update(data: nonce)
        hmac.update(data: nodePublicKey.raw.bytes)
        return Array(hmac.finalize())
    }

    /// Constant-time comparison of a presented proof with the expected one.
    static func matches(_ presented: [UInt8], _ expected: [UInt8]) -> Bool {
        guard presented.count == expected.count else { return false }
        return zip(presented, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
