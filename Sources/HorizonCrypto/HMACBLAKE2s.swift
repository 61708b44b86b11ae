import HorizonCore

/// HMAC (RFC 2104) over BLAKE2s-256, WireGuard's `HMAC`. BLAKE2s has a native keyed mode,
/// but the WireGuard paper builds its HKDF on the generic HMAC construction, so this is it.
public enum HMACBLAKE2s {
    /// HMAC(key, part1 || part2 || ...). Keys longer than the 64-byte block are hashed first.
    public static func authenticate<each Part: BytesView>(key: some BytesView, _ parts: repeat each Part) -> Bytes32 {
        var block = SIMD16<UInt32>()  // the key, zero-padded to one block
        withUnsafeMutableBytes(of: &block) { block in
            key.withUnsafeBytes { key in
                if key.count > BLAKE2s.blockSize {
                    var hasher = BLAKE2s()
                    hasher.update(key)
                    hasher.finalize(into: UnsafeMutableRawBufferPointer(rebasing: block[0..<32]))
                } else {
                    block.copyMemory(from: key)
                }
            }
        }
        var inner = BLAKE2s()
        inner.update(block ^ SIMD16(repeating: 0x3636_3636))
        for part in repeat each parts { inner.update(part) }
        var outer = BLAKE2s()
        outer.update(block ^ SIMD16(repeating: 0x5C5C_5C5C))
        outer.update(inner.finalizeBytes32())
        return outer.finalizeBytes32()
    }
}

extension SIMD16<UInt32>: BytesView {
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: self, body)
    }
}
