/// The BLAKE2s compression function F (RFC 7693 §3.2), on state kept in SIMD registers
/// so a hasher is a plain value with no heap storage.
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
    static func compress(_ h: inout SIMD8<UInt32>, block: UnsafeRawPointer, byteCount: UInt64, isLast: Bool) {
        var m = SIMD16<UInt32>()
        for i in 0..<16 {
            m[i] = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
        }
        // Rows of the 4x4 working matrix: a = v0..v3, b = v4..v7, c = v8..v11, d = v12..v15.
        var a = h.lowHalf, b = h.highHalf
        var c = iv.lowHalf, d = iv.highHalf
        d[0] ^= UInt32(truncatingIfNeeded: byteCount)
        d[1] ^= UInt32(truncatingIfNeeded: byteCount >> 32)
        if isLast { d[2] = ~d[2] }

        sigma.withUnsafeBufferPointer { s in
            for round in 0..<10 {
                let r = s.baseAddress! + 16 * round
                // Column step: G on (v0,v4,v8,v12) .. (v3,v7,v11,v15), four lanes at once.
                mix(&a, &b, &c, &d,
                    x: SIMD4(m[Int(r[0])], m[Int(r[2])], m[Int(r[4])], m[Int(r[6])]),
                    y: SIMD4(m[Int(r[1])], m[Int(r[3])], m[Int(r[5])], m[Int(r[7])]))
                // Diagonal step: rotate rows so diagonals line up as columns, mix, rotate back.
                b = SIMD4(b[1], b[2], b[3], b[0])
                c = SIMD4(c[2], c[3], c[0], c[1])
                d = SIMD4(d[3], d[0], d[1], d[2])
                mix(&a, &b, &c, &d,
                    x: SIMD4(m[Int(r[8])], m[Int(r[10])], m[Int(r[12])], m[Int(r[14])]),
                    y: SIMD4(m[Int(r[9])], m[Int(r[11])], m[Int(r[13])], m[Int(r[15])]))
                b = SIMD4(b[3], b[0], b[1], b[2])
                c = SIMD4(c[2], c[3], c[0], c[1])
                d = SIMD4(d[1], d[2], d[3], d[0])
            }
        }
        h ^= SIMD8(lowHalf: a ^ c, highHalf: b ^ d)
    }

    /// The G function of RFC 7693 §3.1 applied to four columns in parallel.
    @inline(__always)
    private static func mix(
        _ a: inout SIMD4<UInt32>, _ b: inout SIMD4<UInt32>, _ c: inout SIMD4<UInt32>, _ d: inout SIMD4<UInt32>,
        x: SIMD4<UInt32>, y: SIMD4<UInt32>
    ) {
        a = a &+ b &+ x; d = rotateRight(d ^ a, 16)
        c = c &+ d; b = rotateRight(b ^ c, 12)
        a = a &+ b &+ y; d = rotateRight(d ^ a, 8)
        c = c &+ d; b = rotateRight(b ^ c, 7)
    }

    @inline(__always)
    private static func rotateRight(_ x: SIMD4<UInt32>, _ n: UInt32) -> SIMD4<UInt32> {
        (x &>> n) | (x &<< (32 - n))
    }
}
