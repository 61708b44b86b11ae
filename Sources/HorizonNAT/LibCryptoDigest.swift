import CLibCrypto

/// The digests STUN authentication needs, from libcrypto (already linked for the packet
/// path): HMAC-SHA1 and HMAC-SHA256 for MESSAGE-INTEGRITY(-SHA256), MD5 for long-term keys.
enum LibCryptoDigest {
    static func md5(_ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 16)
        var size: UInt32 = 0
        let ok = data.withUnsafeBytes { input in
            out.withUnsafeMutableBufferPointer { EVP_Digest(input.baseAddress, input.count, $0.baseAddress, &size, EVP_md5(), nil) }
        }
        precondition(ok == 1 && size == 16, "libcrypto MD5 failed")
        return out
    }

    /// `digest` is an OpenSSL digest name ("SHA1", "SHA256") producing `size` bytes.
    static func hmac(_ digest: String, size: Int, key: [UInt8], data: [UInt8]) -> [UInt8] {
        // HMAC pads keys with zeros to the block size, so an empty key and one zero byte
        // give the same MAC; the zero byte spares libcrypto a key pointer of NULL.
        let keyBytes = key.isEmpty ? [0] : key
        var out = [UInt8](repeating: 0, count: size)
        var written = 0
        let result = keyBytes.withUnsafeBytes { k in
            data.withUnsafeBytes { d in
                out.withUnsafeMutableBufferPointer { o in
                    EVP_Q_mac(nil, "HMAC", nil, digest, nil, k.baseAddress, k.count,
                              d.baseAddress?.assumingMemoryBound(to: UInt8.self), d.count, o.baseAddress, size, &written)
                }
            }
        }
        precondition(result != nil && written == size, "libcrypto HMAC-\(digest) failed")
        return out
    }
}
