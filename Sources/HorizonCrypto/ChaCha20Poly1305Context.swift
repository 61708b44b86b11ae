import HorizonCore

/// ChaCha20-Poly1305 (RFC 8439) sealing and opening in place with state built once per key:
/// the packet-path AEAD. The nonce is WireGuard's: four zero bytes then a 64-bit
/// little-endian counter.
///
/// Two implementations with identical output: `OnePassChaCha20Poly1305` (one keystream
/// pass per packet, AVX-512) where the CPU has AVX-512, else `OpenSSLChaCha20Poly1305`
/// (OpenSSL's EVP AEAD). Neither allocates per call.
///
/// Not thread-safe: each carries per-call state. One instance may move between threads
/// (hence `@unchecked Sendable`), but only one thread may use it at a time.
public final class ChaCha20Poly1305Context: @unchecked Sendable {
    public static let tagSize = 16

    enum Implementation {
        case onePass
        case openSSL
    }

    private let onePass: OnePassChaCha20Poly1305?
    private let openSSL: OpenSSLChaCha20Poly1305?

    public convenience init(key: Bytes32) {
        self.init(key: key, implementation: OnePassChaCha20Poly1305.isSupported ? .onePass : .openSSL)
    }

    /// Tests pin the implementation to check one against the other.
    init(key: Bytes32, implementation: Implementation) {
        switch implementation {
        case .onePass:
            onePass = OnePassChaCha20Poly1305(key: key)
            openSSL = nil
        case .openSSL:
            onePass = nil
            openSSL = OpenSSLChaCha20Poly1305(key: key)
        }
    }

    /// Encrypts `length` bytes at `buffer` in place and writes the 16-byte tag right after
    /// them, so `buffer` must have room for `length + 16` bytes.
    public func seal(
        counter: UInt64, buffer: UnsafeMutableRawPointer, length: Int,
        authenticating aad: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)
    ) {
        seal(noncePrefix: 0, counter: counter, buffer: buffer, length: length, authenticating: aad)
    }

    /// Checks and decrypts in place `sealedLength` bytes at `buffer`: ciphertext followed by
    /// its 16-byte tag. On success the first `sealedLength - 16` bytes are the plaintext;
    /// on failure (forged, corrupted, or shorter than a tag) returns false and the buffer
    /// must not be used.
    public func open(
        counter: UInt64, buffer: UnsafeMutableRawPointer, sealedLength: Int,
        authenticating aad: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)
    ) -> Bool {
        open(noncePrefix: 0, counter: counter, buffer: buffer, sealedLength: sealedLength, authenticating: aad)
    }

    /// The general RFC 8439 nonce (32-bit prefix, then the 64-bit counter), which only the
    /// RFC's own test vectors need; WireGuard's prefix is always zero.
    func seal(noncePrefix: UInt32, counter: UInt64, buffer: UnsafeMutableRawPointer, length: Int, authenticating aad: UnsafeRawBufferPointer) {
        if let onePass {
            onePass.seal(noncePrefix: noncePrefix, counter: counter, buffer: buffer, length: length, authenticating: aad)
        } else {
            openSSL!.seal(noncePrefix: noncePrefix, counter: counter, buffer: buffer, length: length, authenticating: aad)
        }
    }

    func open(noncePrefix: UInt32, counter: UInt64, buffer: UnsafeMutableRawPointer, sealedLength: Int, authenticating aad: UnsafeRawBufferPointer) -> Bool {
        if let onePass {
            return onePass.open(noncePrefix: noncePrefix, counter: counter, buffer: buffer, sealedLength: sealedLength, authenticating: aad)
        }
        return openSSL!.open(noncePrefix: noncePrefix, counter: counter, buffer: buffer, sealedLength: sealedLength, authenticating: aad)
    }
}
