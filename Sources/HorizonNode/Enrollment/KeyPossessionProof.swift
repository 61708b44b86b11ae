import Crypto
import HorizonCore
import HorizonCrypto

/// The node's half of registration: proves to the broker that it holds the private key of the
/// public key it registers, without revealing it. Both sides derive the same X25519 secret
/// (node private × broker public = broker private × node public) and MAC the broker's
/// single-use nonce and the node's public key with it:
/// `HMAC-SHA256(X25519(node, broker), "horizon-node-proof-v1" ‖ nonce ‖ node public key)`.
public enum KeyPossessionProof {
    static let label = Array("horizon-node-proof-v1".utf8)

    /// The proof, or nil when the broker's key is unusable (a low-order point).
    public static func make(nodeKey: PrivateKey, brokerPublicKey: PublicKey, nonce: [UInt8]) -> [UInt8]? {
        guard let shared = X25519.sharedSecret(nodeKey, brokerPublicKey) else { return nil }
        var mac = HMAC<SHA256>(key: SymmetricKey(data: shared.bytes))
        mac.update(data: label)
        mac.update(data: nonce)
        mac.update(data: X25519.publicKey(for: nodeKey).raw.bytes)
        return Array(mac.finalize())
    }
}
