import HorizonCore
import HorizonCrypto
import Testing

@Suite struct X25519Tests {
    /// RFC 7748 §6.1 Diffie-Hellman test vector.
    @Test func rfc7748Vector() throws {
        let alice = try #require(PrivateKey(hex: "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"))
        let bob = try #require(PrivateKey(hex: "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"))
        #expect(alice.publicKey.hex == "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
        #expect(bob.publicKey.hex == "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
        let shared = try #require(X25519.sharedSecret(alice, bob.publicKey))
        #expect(Hex.encode(shared.bytes) == "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")
        #expect(X25519.sharedSecret(bob, alice.publicKey) == shared)
    }

    @Test func generatedKeysAreClampedAndDistinct() {
        let a = X25519.generatePrivateKey(), b = X25519.generatePrivateKey()
        #expect(a != b)
        let bytes = a.raw.bytes
        #expect(bytes[0] & 7 == 0 && bytes[31] & 128 == 0 && bytes[31] & 64 == 64)
    }

    @Test func lowOrderPointGivesNoSecret() {
        let zeroPoint = PublicKey(raw: .zero)
        #expect(X25519.sharedSecret(X25519.generatePrivateKey(), zeroPoint) == nil)
    }
}
