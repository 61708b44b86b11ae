import HorizonCore
import HorizonCrypto

/// The chaining key C and transcript hash H of a handshake in progress, with the Noise
/// operations written as the WireGuard paper writes them (§5.4.2-5.4.3).
struct NoiseState {
    var chainingKey: Bytes32
    var hash: Bytes32

    /// The state both sides reach after mixing in the responder's static key:
    /// C = HASH(Construction), H = HASH(HASH(C || Identifier) || S_r^pub).
    init(responderStatic: PublicKey) {
        chainingKey = NoiseConstants.initialChainingKey
        hash = WireGuardKDF.hash(NoiseConstants.initialHash, responderStatic.raw)
    }

    /// H = HASH(H || data).
    mutating func mixHash(_ data: some BytesView) {
        hash = WireGuardKDF.hash(hash, data)
    }

    /// C = KDF_1(C, input).
    mutating func mixKey(_ input: some BytesView) {
        chainingKey = WireGuardKDF.kdf1(key: chainingKey, input)
    }

    /// (C, κ) = KDF_2(C, input); returns κ.
    mutating func mixKeyForCipher(_ input: some BytesView) -> Bytes32 {
        let (next, key) = WireGuardKDF.kdf2(key: chainingKey, input)
        chainingKey = next
        return key
    }

    /// (C, τ, κ) = KDF_3(C, Q); H = HASH(H || τ); returns κ. Mixes the preshared key.
    mutating func mixPresharedKey(_ psk: PresharedKey) -> Bytes32 {
        let (next, tau, key) = WireGuardKDF.kdf3(key: chainingKey, psk.raw)
        chainingKey = next
        mixHash(tau)
        return key
    }

    /// msg = AEAD(κ, 0, plaintext, H); H = HASH(H || msg).
    mutating func encryptAndHash(_ plaintext: some BytesView, key: Bytes32) -> [UInt8] {
        let sealed = ChaCha20Poly1305.seal(key: key, counter: 0, plaintext: plaintext, authenticating: hash)
        mixHash(sealed)
        return sealed
    }

    /// The inverse of `encryptAndHash`; nil (state unchanged) when the tag does not verify.
    mutating func decryptAndHash(_ sealed: some BytesView, key: Bytes32) -> [UInt8]? {
        guard let plaintext = ChaCha20Poly1305.open(key: key, counter: 0, sealed: sealed, authenticating: hash) else { return nil }
        mixHash(sealed)
        return plaintext
    }

    /// (T_send^i = T_recv^r, T_recv^i = T_send^r) = KDF_2(C, ε).
    func transportKeys() -> (initiatorSend: Bytes32, responderSend: Bytes32) {
        let (first, second) = WireGuardKDF.kdf2(key: chainingKey, [UInt8]())
        return (first, second)
    }
}
