import HorizonCore

/// The hash, MAC and key-derivation functions of the WireGuard paper (§5.4), named as there:
/// HASH, MAC, HMAC and KDF_n. Every input is a list of parts hashed as their concatenation,
/// so callers write `hash(h, ephemeral)` for HASH(h || ephemeral) without building a buffer.
public enum WireGuardKDF {
    /// HASH(input) = BLAKE2s(input, 32).
    public static func hash<each Part: BytesView>(_ parts: repeat each Part) -> Bytes32 {
        var hasher = BLAKE2s()
        for part in repeat each parts { hasher.update(part) }
        return hasher.finalizeBytes32()
    }

    /// MAC(key, input) = Keyed-BLAKE2s(key, input, 16).
    public static func mac<each Part: BytesView>(key: some BytesView, _ parts: repeat each Part) -> Bytes16 {
        var hasher = BLAKE2s(outputLength: 16, key: key)
        for part in repeat each parts { hasher.update(part) }
        return hasher.finalizeBytes16()
    }

    /// HMAC(key, input) = HMAC-BLAKE2s(key, input, 32).
    public static func hmac<each Part: BytesView>(key: some BytesView, _ parts: repeat each Part) -> Bytes32 {
        HMACBLAKE2s.authenticate(key: key, repeat each parts)
    }

    /// KDF_1(key, input): the first output of HKDF with `key` as the chaining key.
    public static func kdf1(key: Bytes32, _ input: some BytesView) -> Bytes32 {
        let prk = hmac(key: key, input)
        return hmac(key: prk, UInt8(1))
    }

    /// KDF_2(key, input) = (τ1, τ2).
    public static func kdf2(key: Bytes32, _ input: some BytesView) -> (Bytes32, Bytes32) {
        let prk = hmac(key: key, input)
        let t1 = hmac(key: prk, UInt8(1))
        let t2 = hmac(key: prk, t1, UInt8(2))
        return (t1, t2)
    }

    /// KDF_3(key, input) = (τ1, τ2, τ3).
    public static func kdf3(key: Bytes32, _ input: some BytesView) -> (Bytes32, Bytes32, Bytes32) {
        let prk = hmac(key: key, input)
        let t1 = hmac(key: prk, UInt8(1))
        let t2 = hmac(key: prk, t1, UInt8(2))
        let t3 = hmac(key: prk, t2, UInt8(3))
        return (t1, t2, t3)
    }
}
