import HorizonCore

/// XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03 §2.3), used only for WireGuard cookie
/// replies, whose 24-byte random nonce is too long for plain ChaCha20-Poly1305.
public enum XChaCha20Poly1305 {
    public static let nonceSize = 24

    /// Returns ciphertext followed by the 16-byte tag. `nonce` must be 24 bytes.
    public static func seal(key: Bytes32, nonce: some BytesView, plaintext: some BytesView, authenticating aad: some BytesView) -> [UInt8] {
        let (subkey, counter) = split(key: key, nonce: nonce)
        return ChaCha20Poly1305.seal(key: subkey, counter: counter, plaintext: plaintext, authenticating: aad)
    }

    /// Returns the plaintext, or nil when the tag does not verify. `nonce` must be 24 bytes.
    public static func open(key: Bytes32, nonce: some BytesView, sealed: some BytesView, authenticating aad: some BytesView) -> [UInt8]? {
        let (subkey, counter) = split(key: key, nonce: nonce)
        return ChaCha20Poly1305.open(key: subkey, counter: counter, sealed: sealed, authenticating: aad)
    }

    /// The first 16 nonce bytes go into HChaCha20 to make a subkey; the last 8 form the
    /// ChaCha20 nonce after four zero bytes, which is exactly a little-endian 64-bit counter.
    private static func split(key: Bytes32, nonce: some BytesView) -> (Bytes32, UInt64) {
        nonce.withUnsafeBytes { nonce in
            precondition(nonce.count == nonceSize, "XChaCha20-Poly1305 nonce must be 24 bytes")
            let subkey = HChaCha20.deriveSubkey(key: key, nonce: Bytes16(copying: nonce.baseAddress!))
            return (subkey, UInt64(littleEndian: nonce.loadUnaligned(fromByteOffset: 16, as: UInt64.self)))
        }
    }
}
