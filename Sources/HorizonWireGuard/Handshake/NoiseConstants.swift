import HorizonCore
import HorizonCrypto

/// The strings that pin WireGuard's Noise instance (paper §5.4), and the chaining key and
/// hash every handshake starts from, computed once.
enum NoiseConstants {
    static let construction = Array("Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s".utf8)
    static let identifier = Array("WireGuard v1 zx2c4 Jason@zx2c4.com".utf8)
    static let labelMAC1 = Array("mac1----".utf8)
    static let labelCookie = Array("cookie--".utf8)

    /// C = HASH(Construction).
    static let initialChainingKey = WireGuardKDF.hash(construction)
    /// H = HASH(C || Identifier).
    static let initialHash = WireGuardKDF.hash(initialChainingKey, identifier)
}
