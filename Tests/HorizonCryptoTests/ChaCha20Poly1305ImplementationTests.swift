import HorizonCore
@testable import HorizonCrypto
import Testing

/// The one-pass AVX-512 implementation against OpenSSL's AEAD: the same ciphertext and tag
/// for every size (across keystream chunk boundaries), nonce and associated data, and each
/// opens what the other sealed. Skipped where the CPU has no AVX-512.
@Suite(.enabled(if: OnePassChaCha20Poly1305.isSupported, "needs AVX-512"))
struct ChaCha20Poly1305ImplementationTests {
    static let key = Bytes32((0..<32).map { UInt8($0 &* 7 &+ 3) })!

    /// Also each side of 12 and 16 keystream blocks (the key block included), where the
    /// block function switches between its four- and sixteen-block passes.
    static let sizes = [0, 1, 12, 15, 16, 63, 64, 65, 191, 11 * 64, 11 * 64 + 1, 15 * 64, 15 * 64 + 1, 1420,
                        36 * 64 - 64, 36 * 64 - 63, 36 * 64, 5000, 65535]

    @Test(arguments: sizes)
    func sameOutputAsOpenSSL(size: Int) {
        let onePass = ChaCha20Poly1305Context(key: Self.key, implementation: .onePass)
        let openSSL = ChaCha20Poly1305Context(key: Self.key, implementation: .openSSL)
        let plaintext = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 17) }
        for (prefix, counter, aad) in [(UInt32(0), UInt64(0), [UInt8]()), (7, 0x4746_4544_4342_4140, [1, 2, 3]),
                                       (0, .max - 1, [UInt8](repeating: 9, count: 33))] {
            var a = plaintext + [UInt8](repeating: 0, count: 16)
            var b = a
            aad.withUnsafeBytes { aad in
                a.withUnsafeMutableBytes { onePass.seal(noncePrefix: prefix, counter: counter, buffer: $0.baseAddress!, length: size, authenticating: aad) }
                b.withUnsafeMutableBytes { openSSL.seal(noncePrefix: prefix, counter: counter, buffer: $0.baseAddress!, length: size, authenticating: aad) }
            }
            #expect(a == b)
            // Each opens the other's output.
            var forOnePass = b
            let opened = aad.withUnsafeBytes { aad in
                (forOnePass.withUnsafeMutableBytes { onePass.open(noncePrefix: prefix, counter: counter, buffer: $0.baseAddress!, sealedLength: $0.count, authenticating: aad) },
                 a.withUnsafeMutableBytes { openSSL.open(noncePrefix: prefix, counter: counter, buffer: $0.baseAddress!, sealedLength: $0.count, authenticating: aad) })
            }
            #expect(opened == (true, true))
            #expect(Array(forOnePass.prefix(size)) == plaintext)
            #expect(Array(a.prefix(size)) == plaintext)
        }
    }

    /// A refused packet is left as it arrived: the tag is checked before anything is decrypted.
    @Test(arguments: [0, 100, 1420, 65535])
    func forgedPacketsAreRefusedUntouched(size: Int) {
        let context = ChaCha20Poly1305Context(key: Self.key, implementation: .onePass)
        var packet = (0..<size).map { UInt8(truncatingIfNeeded: $0) } + [UInt8](repeating: 0, count: 16)
        packet.withUnsafeMutableBytes { context.seal(counter: 5, buffer: $0.baseAddress!, length: size) }
        for position in [0, size / 2, size + 15] where position < packet.count {
            var forged = packet
            forged[position] ^= 0x40
            let copy = forged
            #expect(!forged.withUnsafeMutableBytes { context.open(counter: 5, buffer: $0.baseAddress!, sealedLength: $0.count) })
            #expect(forged == copy)
        }
        #expect(!packet.withUnsafeMutableBytes { context.open(counter: 6, buffer: $0.baseAddress!, sealedLength: $0.count) })
    }
}
