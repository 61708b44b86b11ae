import CLibCrypto

/// The Poly1305 tag of RFC 8439's AEAD construction (section 2.8): over the associated
/// data, the ciphertext, each zero-padded to 16 bytes, and their two lengths, under a
/// one-time key. OpenSSL's Poly1305 (EVP_MAC, AVX-512 where the CPU has it) does the
/// arithmetic; one MAC context is reused for every message.
///
/// Not thread-safe: one user at a time, like the cipher context that owns it.
final class Poly1305AEADTag {
    static let size = 16

    private let context: OpaquePointer
    /// 16 zero bytes (padding) followed by the 16 length bytes of the message at hand.
    private let trailer: UnsafeMutableRawPointer

    nonisolated(unsafe) private static let algorithm: OpaquePointer = {
        guard let mac = EVP_MAC_fetch(nil, "POLY1305", nil) else { fatalError("OpenSSL: no POLY1305 MAC") }
        return mac
    }()

    init() {
        guard let context = EVP_MAC_CTX_new(Self.algorithm) else { fatalError("OpenSSL: EVP_MAC_CTX_new failed (out of memory)") }
        self.context = context
        trailer = .allocate(byteCount: 32, alignment: 16)
        trailer.initializeMemory(as: UInt8.self, repeating: 0, count: 32)
    }

    deinit {
        EVP_MAC_CTX_free(context)
        trailer.deallocate()
    }

    /// Writes the 16-byte tag of `aad` and the `length` ciphertext bytes at `ciphertext`
    /// under the 32-byte one-time key `key` to `tag`.
    func compute(key: UnsafeRawPointer, aad: UnsafeRawBufferPointer, ciphertext: UnsafeRawPointer, length: Int,
                 into tag: UnsafeMutableRawPointer) {
        var ok = EVP_MAC_init(context, key.assumingMemoryBound(to: UInt8.self), 32, nil)
        if let aadBytes = aad.baseAddress, aad.count > 0 {
            ok &= EVP_MAC_update(context, aadBytes.assumingMemoryBound(to: UInt8.self), aad.count)
            ok &= pad(aad.count)
        }
        if length > 0 { ok &= EVP_MAC_update(context, ciphertext.assumingMemoryBound(to: UInt8.self), length) }
        // The ciphertext's padding and both lengths in one update.
        let padding = (16 - length % 16) % 16
        trailer.storeBytes(of: UInt64(aad.count).littleEndian, toByteOffset: 16, as: UInt64.self)
        trailer.storeBytes(of: UInt64(length).littleEndian, toByteOffset: 24, as: UInt64.self)
        ok &= EVP_MAC_update(context, (trailer + 16 - padding).assumingMemoryBound(to: UInt8.self), padding + 16)
        var written = 0
        ok &= EVP_MAC_final(context, tag.assumingMemoryBound(to: UInt8.self), &written, Self.size)
        // Poly1305 has no input-dependent failure; a failure here is a broken libcrypto.
        precondition(ok == 1 && written == Self.size, "OpenSSL: Poly1305 failed")
    }

    private func pad(_ count: Int) -> Int32 {
        let padding = (16 - count % 16) % 16
        guard padding > 0 else { return 1 }
        return EVP_MAC_update(context, trailer.assumingMemoryBound(to: UInt8.self), padding)
    }
}
