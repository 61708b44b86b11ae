import CHorizonChaCha20
import CLibCrypto
import HorizonCore

/// ChaCha20-Poly1305 (RFC 8439) in place with one keystream computation per message: the
/// Poly1305 key block and every block the message needs come out of one call to the
/// AVX-512 block function (`hz_chacha20_blocks`), and OpenSSL's Poly1305 makes the tag.
///
/// Why not OpenSSL's AEAD: it runs ChaCha20 three times per packet (key block, whole
/// blocks, last partial block) and the two short runs cost as much as the long one at
/// 1420 bytes — about 15 % of the tunnel processes' CPU (perf, docs/ARCHITECTURE.md).
///
/// Not thread-safe: the keystream buffer is per instance (see `ChaCha20Poly1305Context`).
final class OnePassChaCha20Poly1305 {
    /// Blocks per keystream call: a 1420-byte packet needs 24 (key block included); longer
    /// messages take several calls.
    static let chunkBlocks = 36

    static var isSupported: Bool { supported }
    private static let supported = hz_chacha20_available() == 1

    private let key: UnsafeMutablePointer<UInt32>
    private let nonce: UnsafeMutablePointer<UInt32>
    private let keystream: UnsafeMutableRawPointer
    /// The message's Poly1305 key, kept apart because later chunks overwrite the keystream.
    private let oneTimeKey: UnsafeMutableRawPointer
    private let expectedTag: UnsafeMutableRawPointer
    private let mac = Poly1305AEADTag()

    init(key: Bytes32) {
        precondition(Self.isSupported, "hz_chacha20_blocks needs AVX-512")
        let words = UnsafeMutablePointer<UInt32>.allocate(capacity: 8)
        key.withUnsafeBytes { raw in
            for i in 0..<8 { words[i] = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
        }
        self.key = words
        nonce = .allocate(capacity: 3)
        keystream = .allocate(byteCount: Self.chunkBlocks * 64, alignment: 64)
        oneTimeKey = .allocate(byteCount: 32, alignment: 16)
        expectedTag = .allocate(byteCount: Poly1305AEADTag.size, alignment: 16)
    }

    deinit {
        // Key material and keystream do not outlive the session.
        OPENSSL_cleanse(key, 32)
        OPENSSL_cleanse(keystream, Self.chunkBlocks * 64)
        OPENSSL_cleanse(oneTimeKey, 32)
        key.deallocate()
        nonce.deallocate()
        keystream.deallocate()
        oneTimeKey.deallocate()
        expectedTag.deallocate()
    }

    func seal(noncePrefix: UInt32, counter: UInt64, buffer: UnsafeMutableRawPointer, length: Int, authenticating aad: UnsafeRawBufferPointer) {
        setNonce(prefix: noncePrefix, counter: counter)
        crypt(buffer, length: length)
        mac.compute(key: oneTimeKey, aad: aad, ciphertext: buffer, length: length, into: buffer + length)
    }

    func open(noncePrefix: UInt32, counter: UInt64, buffer: UnsafeMutableRawPointer, sealedLength: Int, authenticating aad: UnsafeRawBufferPointer) -> Bool {
        let length = sealedLength - Poly1305AEADTag.size
        guard length >= 0 else { return false }
        setNonce(prefix: noncePrefix, counter: counter)
        // The first chunk yields the one-time key; it is used again below, not recomputed.
        let firstChunk = generate(from: 0, blocks: min(Self.chunkBlocks, 1 + (length + 63) / 64))
        mac.compute(key: oneTimeKey, aad: aad, ciphertext: buffer, length: length, into: expectedTag)
        guard CRYPTO_memcmp(expectedTag, buffer + length, Poly1305AEADTag.size) == 0 else { return false }
        crypt(buffer, length: length, firstChunk: firstChunk)
        return true
    }

    private func setNonce(prefix: UInt32, counter: UInt64) {
        nonce[0] = prefix
        nonce[1] = UInt32(truncatingIfNeeded: counter)
        nonce[2] = UInt32(truncatingIfNeeded: counter >> 32)
    }

    /// Keystream blocks `first..<first+blocks` into `keystream`; block 0 also sets the
    /// one-time key. Returns `blocks`.
    private func generate(from first: Int, blocks: Int) -> Int {
        hz_chacha20_blocks(key, nonce, UInt32(first), blocks, keystream.assumingMemoryBound(to: UInt8.self))
        if first == 0 { oneTimeKey.copyMemory(from: keystream, byteCount: 32) }
        return blocks
    }

    /// XORs the keystream from block 1 on over `length` bytes at `buffer`. With
    /// `firstChunk`, blocks 0..<firstChunk are already in `keystream`.
    private func crypt(_ buffer: UnsafeMutableRawPointer, length: Int, firstChunk: Int? = nil) {
        let needed = 1 + (length + 63) / 64
        var next = firstChunk ?? generate(from: 0, blocks: min(Self.chunkBlocks, needed))
        var done = min(length, (next - 1) * 64)
        hz_xor_bytes(buffer.assumingMemoryBound(to: UInt8.self), (keystream + 64).assumingMemoryBound(to: UInt8.self), done)
        while done < length {
            let blocks = generate(from: next, blocks: min(Self.chunkBlocks, needed - next))
            let bytes = min(length - done, blocks * 64)
            hz_xor_bytes((buffer + done).assumingMemoryBound(to: UInt8.self), keystream.assumingMemoryBound(to: UInt8.self), bytes)
            done += bytes
            next += blocks
        }
    }
}
