import HorizonCore
@testable import HorizonCrypto
import Testing

@Suite struct ChaCha20Poly1305Tests {
    static let sunscreen = Array("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.".utf8)
    static let rfcAAD = hex("50515253c0c1c2c3c4c5c6c7")
    static let rfcCiphertext = hex("""
        d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b
        1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc
        3ff4def08e4b7a9de576d26586cec64b6116
        """)
    static let rfcTag = hex("1ae10b594f09e26a7e902ecbd0600691")
    static let key = Bytes32(counting(32, from: 0x80))!

    /// RFC 8439 §2.8.2. Its nonce 07000000 4041424344454647 has a non-zero prefix, which
    /// only the internal general-nonce entry point accepts.
    @Test func rfc8439Section282() {
        let context = ChaCha20Poly1305Context(key: Self.key)
        let counter: UInt64 = 0x4746_4544_4342_4140
        var buffer = Self.sunscreen + [UInt8](repeating: 0, count: 16)
        let sealLength = Self.sunscreen.count
        Self.rfcAAD.withUnsafeBytes { aad in
            buffer.withUnsafeMutableBytes { context.seal(noncePrefix: 7, counter: counter, buffer: $0.baseAddress!, length: sealLength, authenticating: aad) }
        }
        #expect(buffer == Self.rfcCiphertext + Self.rfcTag)
        let opened = Self.rfcAAD.withUnsafeBytes { aad in
            buffer.withUnsafeMutableBytes { context.open(noncePrefix: 7, counter: counter, buffer: $0.baseAddress!, sealedLength: $0.count, authenticating: aad) }
        }
        #expect(opened)
        #expect(Array(buffer.prefix(Self.sunscreen.count)) == Self.sunscreen)
    }

    /// The same vector on a context that has already sealed and opened other packets, so
    /// each direction's second call sets only the nonce (the reuse fast path).
    @Test func rfc8439Section282OnAReusedContext() {
        let context = ChaCha20Poly1305Context(key: Self.key)
        let counter: UInt64 = 0x4746_4544_4342_4140
        let sealLength = Self.sunscreen.count
        var other = Self.sunscreen + [UInt8](repeating: 0, count: 16)
        other.withUnsafeMutableBytes { context.seal(counter: 3, buffer: $0.baseAddress!, length: sealLength) }
        var buffer = Self.sunscreen + [UInt8](repeating: 0, count: 16)
        Self.rfcAAD.withUnsafeBytes { aad in
            buffer.withUnsafeMutableBytes { context.seal(noncePrefix: 7, counter: counter, buffer: $0.baseAddress!, length: sealLength, authenticating: aad) }
        }
        #expect(buffer == Self.rfcCiphertext + Self.rfcTag)
        var forged = buffer
        forged[0] ^= 1
        #expect(!forged.withUnsafeMutableBytes { context.open(counter: 3, buffer: $0.baseAddress!, sealedLength: $0.count) })
        let opened = Self.rfcAAD.withUnsafeBytes { aad in
            buffer.withUnsafeMutableBytes { context.open(noncePrefix: 7, counter: counter, buffer: $0.baseAddress!, sealedLength: $0.count, authenticating: aad) }
        }
        #expect(opened)
        #expect(Array(buffer.prefix(sealLength)) == Self.sunscreen)
    }

    @Test func allocatingRoundTripWithAssociatedData() throws {
        let aad = Array("handshake hash".utf8)
        let sealed = ChaCha20Poly1305.seal(key: Self.key, counter: 0, plaintext: Self.sunscreen, authenticating: aad)
        #expect(sealed.count == Self.sunscreen.count + 16)
        let opened = try #require(ChaCha20Poly1305.open(key: Self.key, counter: 0, sealed: sealed, authenticating: aad))
        #expect(opened == Self.sunscreen)
        #expect(ChaCha20Poly1305.open(key: Self.key, counter: 1, sealed: sealed, authenticating: aad) == nil)
        #expect(ChaCha20Poly1305.open(key: Self.key, counter: 0, sealed: sealed, authenticating: [UInt8]()) == nil)
        #expect(ChaCha20Poly1305.open(key: .zero, counter: 0, sealed: sealed, authenticating: aad) == nil)
    }

    /// WireGuard's handshake seals an empty plaintext: the result is a bare tag.
    @Test func emptyPlaintextIsJustATag() throws {
        let sealed = ChaCha20Poly1305.seal(key: Self.key, counter: 0, plaintext: [UInt8](), authenticating: Self.rfcAAD)
        #expect(sealed.count == 16)
        #expect(try #require(ChaCha20Poly1305.open(key: Self.key, counter: 0, sealed: sealed, authenticating: Self.rfcAAD)).isEmpty)
    }

    /// Any single flipped bit, in the ciphertext or the tag, makes opening fail.
    @Test(arguments: [0, 57, 113, 114, 120, 129])
    func flippedBitFailsOpen(position: Int) {
        var sealed = ChaCha20Poly1305.seal(key: Self.key, counter: 9, plaintext: Self.sunscreen, authenticating: Self.rfcAAD)
        #expect(sealed.count == 130)
        sealed[position] ^= 0x01
        #expect(ChaCha20Poly1305.open(key: Self.key, counter: 9, sealed: sealed, authenticating: Self.rfcAAD) == nil)
    }

    @Test func tooShortToHoldATagFailsOpen() {
        #expect(ChaCha20Poly1305.open(key: Self.key, counter: 0, sealed: counting(15), authenticating: [UInt8]()) == nil)
        let context = ChaCha20Poly1305Context(key: Self.key)
        var buffer = counting(15)
        #expect(!buffer.withUnsafeMutableBytes { context.open(counter: 0, buffer: $0.baseAddress!, sealedLength: 15) })
    }

    /// In place with one reused context: seal then open gives the plaintext back, matches the
    /// allocating API byte for byte, and a tampered packet is refused.
    @Test(arguments: [0, 1, 15, 16, 1420, 65535])
    func inPlaceRoundTrip(size: Int) {
        let sender = ChaCha20Poly1305Context(key: Self.key)
        let receiver = ChaCha20Poly1305Context(key: Self.key)
        let plaintext = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        for counter: UInt64 in [0, 1, 0xFFFF_FFFF_FFFF_FFFE] {
            var packet = plaintext + [UInt8](repeating: 0, count: 16)
            packet.withUnsafeMutableBytes { sender.seal(counter: counter, buffer: $0.baseAddress!, length: size) }
            #expect(packet == ChaCha20Poly1305.seal(key: Self.key, counter: counter, plaintext: plaintext, authenticating: [UInt8]()))

            var tampered = packet
            tampered[size / 2] ^= 0x80
            #expect(!tampered.withUnsafeMutableBytes { receiver.open(counter: counter, buffer: $0.baseAddress!, sealedLength: $0.count) })
            #expect(!packet.withUnsafeMutableBytes { receiver.open(counter: counter &+ 1, buffer: $0.baseAddress!, sealedLength: $0.count) })

            var fresh = plaintext + [UInt8](repeating: 0, count: 16)
            fresh.withUnsafeMutableBytes { sender.seal(counter: counter, buffer: $0.baseAddress!, length: size) }
            #expect(fresh.withUnsafeMutableBytes { receiver.open(counter: counter, buffer: $0.baseAddress!, sealedLength: $0.count) })
            #expect(Array(fresh.prefix(size)) == plaintext)
        }
    }
}
