import HorizonCore

/// HChaCha20 (draft-irtf-cfrg-xchacha-03 §2.2): derives a ChaCha20 subkey from a key and
/// a 16-byte nonce, the first half of XChaCha20. Runs once per cookie reply, so a plain
/// scalar implementation is plenty.
public enum HChaCha20 {
    public static func deriveSubkey(key: Bytes32, nonce: Bytes16) -> Bytes32 {
        // State: "expand 32-byte k", key words, nonce words (RFC 8439 §2.3 layout).
        var s = [UInt32](repeating: 0, count: 16)
        s[0] = 0x6170_7865; s[1] = 0x3320_646E; s[2] = 0x7962_2D32; s[3] = 0x6B20_6574
        key.withUnsafeBytes { k in
            for i in 0..<8 { s[4 + i] = UInt32(littleEndian: k.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
        }
        nonce.withUnsafeBytes { n in
            for i in 0..<4 { s[12 + i] = UInt32(littleEndian: n.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
        }
        for _ in 0..<10 {
            quarterRound(&s, 0, 4, 8, 12); quarterRound(&s, 1, 5, 9, 13)
            quarterRound(&s, 2, 6, 10, 14); quarterRound(&s, 3, 7, 11, 15)
            quarterRound(&s, 0, 5, 10, 15); quarterRound(&s, 1, 6, 11, 12)
            quarterRound(&s, 2, 7, 8, 13); quarterRound(&s, 3, 4, 9, 14)
        }
        // Unlike the ChaCha20 block function, the input is not added back: the subkey is
        // words 0-3 and 12-15 of the permuted state.
        var subkey = Bytes32()
        subkey.withUnsafeMutableBytes { out in
            for (i, word) in [s[0], s[1], s[2], s[3], s[12], s[13], s[14], s[15]].enumerated() {
                out.storeBytes(of: word.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
            }
        }
        return subkey
    }

    private static func quarterRound(_ s: inout [UInt32], _ a: Int, _ b: Int, _ c: Int, _ d: Int) {
        s[a] &+= s[b]; s[d] = rotl(s[d] ^ s[a], 16)
        s[c] &+= s[d]; s[b] = rotl(s[b] ^ s[c], 12)
        s[a] &+= s[b]; s[d] = rotl(s[d] ^ s[a], 8)
        s[c] &+= s[d]; s[b] = rotl(s[b] ^ s[c], 7)
    }

    private static func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }
}
