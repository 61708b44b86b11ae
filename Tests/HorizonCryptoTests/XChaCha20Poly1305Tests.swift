import HorizonCore
import HorizonCrypto
import Testing

/// Vectors from draft-irtf-cfrg-xchacha-03.
@Suite struct XChaCha20Poly1305Tests {
    /// §2.2.1: HChaCha20 subkey.
    @Test func hchacha20Section221() {
        let subkey = HChaCha20.deriveSubkey(key: Bytes32(counting(32))!, nonce: Bytes16(hex("000000090000004a0000000031415927"))!)
        #expect(subkey.bytes == hex("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc"))
    }

    static let key = Bytes32(counting(32, from: 0x80))!
    static let nonce = counting(24, from: 0x40)
    static let aad = hex("50515253c0c1c2c3c4c5c6c7")
    static let expected = hex("""
        bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39
        ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9
        21f9664c97637da9768812f615c68b13b52e
        c0875924c1c7987947deafd8780acf49
        """)

    /// §A.3.1: the AEAD example (the sunscreen text under key 80..9f, nonce 40..57).
    @Test func aeadAppendixA31() throws {
        let sealed = XChaCha20Poly1305.seal(key: Self.key, nonce: Self.nonce, plaintext: ChaCha20Poly1305Tests.sunscreen, authenticating: Self.aad)
        #expect(sealed == Self.expected)
        let opened = try #require(XChaCha20Poly1305.open(key: Self.key, nonce: Self.nonce, sealed: sealed, authenticating: Self.aad))
        #expect(opened == ChaCha20Poly1305Tests.sunscreen)
    }

    @Test func wrongNonceOrTamperFailsOpen() {
        var otherNonce = Self.nonce
        otherNonce[3] ^= 1
        #expect(XChaCha20Poly1305.open(key: Self.key, nonce: otherNonce, sealed: Self.expected, authenticating: Self.aad) == nil)
        var tampered = Self.expected
        tampered[tampered.count - 1] ^= 1
        #expect(XChaCha20Poly1305.open(key: Self.key, nonce: Self.nonce, sealed: tampered, authenticating: Self.aad) == nil)
    }
}
