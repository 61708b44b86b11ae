import Crypto
import HorizonCore

/// Curve25519 Diffie-Hellman for WireGuard static and ephemeral keys, via swift-crypto.
/// Handshakes are not on the packet path (~28k agreements/s per core here), so the
/// allocating swift-crypto API is fine.
public enum X25519 {
    /// A fresh random private key, clamped like `wg genkey` so the text form matches.
    public static func generatePrivateKey() -> PrivateKey {
        var rng = SystemRandomNumberGenerator()
        return generatePrivateKey(using: &rng)
    }

    /// The same from a caller's generator, so handshake tests can fix their ephemeral keys.
    public static func generatePrivateKey(using rng: inout some RandomNumberGenerator) -> PrivateKey {
        var raw = Bytes32()
        raw.withUnsafeMutableBytes { bytes in
            rng.fill(bytes)
            bytes[0] &= 248
            bytes[31] = (bytes[31] & 127) | 64
        }
        return PrivateKey(raw: raw)
    }

    public static func publicKey(for privateKey: PrivateKey) -> PublicKey {
        let key = try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: privateKey.raw.bytes)
        return PublicKey(raw: Bytes32(key.publicKey.rawRepresentation)!)
    }

    /// DH(private, public). Returns nil when the result is all zeros (a low-order public
    /// key), which WireGuard treats as a failed handshake.
    public static func sharedSecret(_ privateKey: PrivateKey, _ publicKey: PublicKey) -> Bytes32? {
        guard let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: privateKey.raw.bytes),
              let peer = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: publicKey.raw.bytes),
              let secret = try? key.sharedSecretFromKeyAgreement(with: peer)
        else { return nil }
        let shared = secret.withUnsafeBytes { Bytes32($0) }
        guard let shared, !shared.isZero else { return nil }
        return shared
    }
}

extension PrivateKey {
    public var publicKey: PublicKey { X25519.publicKey(for: self) }
}
