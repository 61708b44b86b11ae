import HorizonCore

/// ChaCha20-Poly1305 with fresh arrays in and out, for handshake payloads (WireGuard's
/// `AEAD(key, counter, plaintext, authtext)`). Allocates; the packet path uses
/// `ChaCha20Poly1305Context` directly instead.
public enum ChaCha20Poly1305 {
    /// Returns ciphertext followed by the 16-byte tag.
    public static func seal(key: Bytes32, counter: UInt64, plaintext: some BytesView, authenticating aad: some BytesView) -> [UInt8] {
        let context = ChaCha20Poly1305Context(key: key)
        return plaintext.withUnsafeBytes { plaintext in
            var sealed = [UInt8](repeating: 0, count: plaintext.count + ChaCha20Poly1305Context.tagSize)
            sealed.withUnsafeMutableBytes { out in
                out.copyMemory(from: plaintext)
                aad.withUnsafeBytes { context.seal(counter: counter, buffer: out.baseAddress!, length: plaintext.count, authenticating: $0) }
            }
            return sealed
        }
    }

    /// Returns the plaintext, or nil when the tag does not verify.
    public static func open(key: Bytes32, counter: UInt64, sealed: some BytesView, authenticating aad: some BytesView) -> [UInt8]? {
        let context = ChaCha20Poly1305Context(key: key)
        var buffer = sealed.withUnsafeBytes { [UInt8]($0) }
        guard buffer.count >= ChaCha20Poly1305Context.tagSize else { return nil }
        let ok = buffer.withUnsafeMutableBytes { buffer in
            aad.withUnsafeBytes { context.open(counter: counter, buffer: buffer.baseAddress!, sealedLength: buffer.count, authenticating: $0) }
        }
        guard ok else { return nil }
        buffer.removeLast(ChaCha20Poly1305Context.tagSize)
        return buffer
    }
}
