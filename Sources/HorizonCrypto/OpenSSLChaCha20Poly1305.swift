import CLibCrypto
import HorizonCore

/// ChaCha20-Poly1305 (RFC 8439) sealed and opened in place through one reused OpenSSL EVP
/// AEAD context: what `ChaCha20Poly1305Context` uses on CPUs without AVX-512.
///
/// OpenSSL rather than swift-crypto because swift-crypto's API returns a fresh buffer per
/// call; with a reused context and in-place work a seal costs no allocation and runs about
/// twice as fast at 1420 bytes (HorizonCryptoBench; docs/ARCHITECTURE.md).
///
/// Not thread-safe: the EVP context carries per-call state (see `ChaCha20Poly1305Context`).
final class OpenSSLChaCha20Poly1305 {
    static let tagSize = 16

    private let context: OpaquePointer
    /// A two-entry OSSL_PARAM list (the tag, then the terminator), reused by every call.
    private let tagParameters: UnsafeMutablePointer<OSSL_PARAM>
    /// A two-entry OSSL_PARAM list handing over the 12-byte nonce in `nonce`.
    private let nonceParameters: UnsafeMutablePointer<OSSL_PARAM>
    private let nonce: UnsafeMutablePointer<SIMD4<UInt32>>
    /// The direction (1 seal, 0 open) the context was last initialised for; -1 before the first call.
    private var direction: Int32 = -1

    init(key: Bytes32) {
        guard let context = EVP_CIPHER_CTX_new() else { fatalError("OpenSSL: EVP_CIPHER_CTX_new failed (out of memory)") }
        self.context = context
        tagParameters = Self.parameterList(name: Self.tagParameterName, data: nil, size: Self.tagSize)
        nonce = .allocate(capacity: 1)
        nonce.initialize(to: .zero)
        nonceParameters = Self.parameterList(name: Self.nonceParameterName, data: nonce, size: Self.nonceSize)
        let ok = key.withUnsafeBytes { key in
            EVP_CipherInit_ex(context, EVP_chacha20_poly1305(), nil, key.baseAddress?.assumingMemoryBound(to: UInt8.self), nil, 1)
        }
        precondition(ok == 1, "OpenSSL: cannot set up ChaCha20-Poly1305")
    }

    deinit {
        EVP_CIPHER_CTX_free(context)
        tagParameters.deallocate()
        nonceParameters.deallocate()
        nonce.deallocate()
    }

    /// Seals `length` bytes at `buffer` in place, tag right after them, under the RFC 8439
    /// nonce `noncePrefix` ‖ `counter` (little-endian).
    func seal(noncePrefix: UInt32, counter: UInt64, buffer: UnsafeMutableRawPointer, length: Int, authenticating aad: UnsafeRawBufferPointer) {
        let bytes = buffer.assumingMemoryBound(to: UInt8.self)
        var outLength: Int32 = 0
        var ok = start(noncePrefix: noncePrefix, counter: counter, encrypt: true, aad: aad)
        if length > 0 { ok &= EVP_CipherUpdate(context, bytes, &outLength, bytes, Int32(length)) }
        ok &= EVP_CipherFinal_ex(context, bytes + length, &outLength)
        ok &= withTagParameter(bytes + length) { EVP_CIPHER_CTX_get_params(context, $0) }
        // Sealing has no input-dependent failure; a failure here is a broken libcrypto.
        precondition(ok == 1, "OpenSSL: ChaCha20-Poly1305 seal failed")
    }

    /// Checks and decrypts `sealedLength` bytes (ciphertext, then tag) in place.
    func open(noncePrefix: UInt32, counter: UInt64, buffer: UnsafeMutableRawPointer, sealedLength: Int, authenticating aad: UnsafeRawBufferPointer) -> Bool {
        let length = sealedLength - Self.tagSize
        guard length >= 0 else { return false }
        let bytes = buffer.assumingMemoryBound(to: UInt8.self)
        var outLength: Int32 = 0
        var ok = start(noncePrefix: noncePrefix, counter: counter, encrypt: false, aad: aad)
        if length > 0 { ok &= EVP_CipherUpdate(context, bytes, &outLength, bytes, Int32(length)) }
        ok &= withTagParameter(bytes + length) { EVP_CIPHER_CTX_set_params(context, $0) }
        ok &= EVP_CipherFinal_ex(context, bytes + length, &outLength)
        return ok == 1
    }

    /// Points the tag parameter at `tag` and hands over the list. Passing it straight to
    /// get/set_params skips the ctrl-to-params translation of EVP_CIPHER_CTX_ctrl, about
    /// 15% of a 1420-byte seal.
    private func withTagParameter(_ tag: UnsafeMutablePointer<UInt8>, _ body: (UnsafeMutablePointer<OSSL_PARAM>) -> Int32) -> Int32 {
        tagParameters[0].data = UnsafeMutableRawPointer(tag)
        tagParameters[0].return_size = Self.parameterUnmodified
        return body(tagParameters)
    }

    /// OSSL_PARAM_UNMODIFIED: (size_t)-1.
    private static let parameterUnmodified = Int(bitPattern: UInt.max)
    private static let nonceSize = 12

    /// A one-parameter OSSL_PARAM list (octet string) plus its terminator.
    private static func parameterList(name: UnsafePointer<CChar>, data: UnsafeMutableRawPointer?, size: Int) -> UnsafeMutablePointer<OSSL_PARAM> {
        let list = UnsafeMutablePointer<OSSL_PARAM>.allocate(capacity: 2)
        list.initialize(to: OSSL_PARAM(
            key: name, data_type: UInt32(OSSL_PARAM_OCTET_STRING), data: data, data_size: size, return_size: parameterUnmodified))
        (list + 1).initialize(to: OSSL_PARAM(key: nil, data_type: 0, data: nil, data_size: 0, return_size: 0))
        return list
    }

    /// OSSL_CIPHER_PARAM_AEAD_TAG and OSSL_CIPHER_PARAM_AEAD_TLS1_IV_FIXED from
    /// <openssl/core_names.h>. OSSL_PARAM keeps a pointer to its name, so a name must
    /// outlive every call: one immutable copy per process.
    nonisolated(unsafe) private static let tagParameterName = persistentCString("tag")
    nonisolated(unsafe) private static let nonceParameterName = persistentCString("tlsivfixed")

    private static func persistentCString(_ string: String) -> UnsafePointer<CChar> {
        let name = Array(string.utf8CString)
        let copy = UnsafeMutablePointer<CChar>.allocate(capacity: name.count)
        copy.initialize(from: name, count: name.count)
        return UnsafePointer(copy)
    }

    /// Sets direction and nonce (the key stays from `init`) and absorbs the associated data.
    ///
    /// While the direction stays the same, the nonce goes in through the provider's TLS
    /// fixed-IV parameter, which for ChaCha20-Poly1305 is the whole 12-byte nonce: the
    /// previous EVP_CipherFinal_ex already reset the MAC state. This skips EVP_CipherInit_ex
    /// (its IV-length query and provider re-initialisation): ~6% more seals and opens per
    /// second at 1420 bytes in HorizonCryptoBench.
    private func start(noncePrefix: UInt32, counter: UInt64, encrypt: Bool, aad: UnsafeRawBufferPointer) -> Int32 {
        nonce.pointee = SIMD4(noncePrefix.littleEndian, UInt32(truncatingIfNeeded: counter).littleEndian, UInt32(counter >> 32).littleEndian, 0)
        let wanted: Int32 = encrypt ? 1 : 0
        var ok: Int32
        if wanted == direction {
            ok = EVP_CIPHER_CTX_set_params(context, nonceParameters)
        } else {
            ok = EVP_CipherInit_ex(context, nil, nil, nil, UnsafeRawPointer(nonce).assumingMemoryBound(to: UInt8.self), wanted)
            direction = ok == 1 ? wanted : -1
        }
        if !aad.isEmpty {
            var outLength: Int32 = 0
            ok &= EVP_CipherUpdate(context, nil, &outLength, aad.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(aad.count))
        }
        return ok
    }
}
