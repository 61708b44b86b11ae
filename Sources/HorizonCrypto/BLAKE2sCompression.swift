/// The BLAKE2s compression function F (RFC 7693 §3.2). The chaining state is an inline
/// SIMD8, so a hasher is a plain value with no heap storage.
enum BLAKE2sCompression {
    static let iv = SIMD8<UInt32>(
        0x6A09_E667, 0xBB67_AE85, 0x3C6E_F372, 0xA54F_F53A,
        0x510E_527F, 0x9B05_688C, 0x1F83_D9AB, 0x5BE0_CD19
    )

    /// Message word schedule, one row of 16 indices per round (RFC 7693 §2.7).
    private static let sigma: [UInt8] = [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
        11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4,
        7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8,
        9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13,
        2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9,
        12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11,
        13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10,
        6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5,
        10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0,
    ]

    /// Mixes one 64-byte block into `h`. `byteCount` is the total hashed so far including
    /// this block; `isLast` sets the finalization flag.
    ///
    /// Scalar, with the 4x4 working matrix in sixteen locals: LLVM keeps them in registers
    /// and emits native rotates, which measured faster here than SIMD4 rows whose
    /// diagonal shuffles and per-round message gathers it lowered poorly.
    static func compress(_ h: inout SIMD8<UInt32>, block: UnsafeRawPointer, byteCount: UInt64, isLast: Bool) {
        var v0 = h[0], v1 = h[1], v2 = h[2], v3 = h[3], v4 = h[4], v5 = h[5], v6 = h[6], v7 = h[7]
        var v8 = iv[0], v9 = iv[1], v10 = iv[2], v11 = iv[3]
        var v12 = iv[4] ^ UInt32(truncatingIfNeeded: byteCount)
        var v13 = iv[5] ^ UInt32(truncatingIfNeeded: byteCount >> 32)
        var v14 = isLast ? ~iv[6] : iv[6]
        var v15 = iv[7]

        @inline(__always) func m(_ i: UInt8) -> UInt32 {
            UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 4 * Int(i), as: UInt32.self))
        }
        sigma.withUnsafeBufferPointer { s in
            for round in 0..<10 {
                let r = s.baseAddress! + 16 * round
                g(&v0, &v4, &v8, &v12, m(r[0]), m(r[1]))
                g(&v1, &v5, &v9, &v13, m(r[2]), m(r[3]))
                g(&v2, &v6, &v10, &v14, m(r[4]), m(r[5]))
                g(&v3, &v7, &v11, &v15, m(r[6]), m(r[7]))
                g(&v0, &v5, &v10, &v15, m(r[8]), m(r[9]))
                g(&v1, &v6, &v11, &v12, m(r[10]), m(r[11]))
                g(&v2, &v7, &v8, &v13, m(r[12]), m(r[13]))
                g(&v3, &v4, &v9, &v14, m(r[14]), m(r[15]))
            }
        }
        h ^= SIMD8(v0 ^ v8, v1 ^ v9, v2 ^ v10, v3 ^ v11, v4 ^ v12, v5 ^ v13, v6 ^ v14, v7 ^ v15)
    }

    /// The G function of RFC 7693 §3.1.
    @inline(__always)
    private static func g(_ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32, _ d: inout UInt32, _ x: UInt32, _ y: UInt32) {
        a = a &+ b &+ x; d = rotateRight(d ^ a, 16)
        c = c &+ d; b = rotateRight(b ^ c, 12)
        a = a &+ b &+ y; d = rotateRight(d ^ a, 8)
        c = c &+ d; b = rotateRight(b ^ c, 7)
    }

    @inline(__always)
    private static func rotateRight(_ x: UInt32, _ n: UInt32) -> UInt32 {
        (x >> n) | (x << (32 - n))
    }
}
