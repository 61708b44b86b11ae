/// The RFC 1071 ones'-complement checksum used by IPv4, TCP and UDP.
///
/// Sums are kept in *native* byte order: RFC 1071 §2(B) shows the sum is byte-order
/// independent, so summing native 32-bit loads and storing the folded result natively
/// yields the right network-order bytes without swapping every word.
public enum InternetChecksum {
    /// Adds `count` bytes at `bytes` to `initial`.
    @inline(__always)
    public static func sum(_ bytes: UnsafeRawPointer, count: Int, initial: UInt64 = 0) -> UInt64 {
        sum(bytes, count: count, initial: initial, copyingTo: nil)
    }

    /// Copies `count` bytes from `source` to `destination` (which must not overlap) and
    /// returns their sum added to `initial`: one pass over a payload instead of a copy
    /// followed by a second pass to sum it.
    @inline(__always)
    public static func copyAndSum(from source: UnsafeRawPointer, to destination: UnsafeMutableRawPointer,
                                  count: Int, initial: UInt64 = 0) -> UInt64 {
        sum(source, count: count, initial: initial, copyingTo: destination)
    }

    /// The one summing loop, optionally storing every 16-byte block it loads. Blocks are
    /// summed as 16-bit halves of 32-bit lanes (congruent modulo 0xFFFF to summing the
    /// 32-bit words, which is all the folded checksum keeps), so the vector adds cannot
    /// carry out of a lane: each lane grows by at most 2 * 0xFFFF per block, and a packet
    /// (at most 64 KiB) is far from the 2^31 / 0xFFFF blocks that would overflow it.
    @inline(__always)
    private static func sum(_ bytes: UnsafeRawPointer, count: Int, initial: UInt64,
                            copyingTo destination: UnsafeMutableRawPointer?) -> UInt64 {
        var lanes0 = SIMD4<UInt32>(), lanes1 = SIMD4<UInt32>()
        let low16 = SIMD4<UInt32>(repeating: 0xFFFF)
        var i = 0
        while i + 32 <= count {
            let a = bytes.loadUnaligned(fromByteOffset: i, as: SIMD4<UInt32>.self)
            let b = bytes.loadUnaligned(fromByteOffset: i + 16, as: SIMD4<UInt32>.self)
            if let destination {
                destination.storeBytes(of: a, toByteOffset: i, as: SIMD4<UInt32>.self)
                destination.storeBytes(of: b, toByteOffset: i + 16, as: SIMD4<UInt32>.self)
            }
            lanes0 &+= (a & low16) &+ (a &>> 16)
            lanes1 &+= (b & low16) &+ (b &>> 16)
            i += 32
        }
        let lanes = lanes0 &+ lanes1
        var s = initial &+ UInt64(lanes[0]) &+ UInt64(lanes[1]) &+ UInt64(lanes[2]) &+ UInt64(lanes[3])
        // The tail is copied word by word here rather than by a libc call: on the
        // measured machine the return from libc's AVX-512 memmove into this code cost
        // more than the copy itself.
        while i + 4 <= count {
            let word = bytes.loadUnaligned(fromByteOffset: i, as: UInt32.self)
            destination?.storeBytes(of: word, toByteOffset: i, as: UInt32.self)
            s &+= UInt64(word)
            i += 4
        }
        if i + 2 <= count {
            let half = bytes.loadUnaligned(fromByteOffset: i, as: UInt16.self)
            destination?.storeBytes(of: half, toByteOffset: i, as: UInt16.self)
            s &+= UInt64(half)
            i += 2
        }
        if i < count {
            let byte = bytes.load(fromByteOffset: i, as: UInt8.self)
            destination?.storeBytes(of: byte, toByteOffset: i, as: UInt8.self)
            // A trailing odd byte is the high-order byte of a zero-padded 16-bit word.
            s &+= UInt64(UInt16(bigEndian: UInt16(byte) << 8))
        }
        return s
    }

    /// Adds a 16-bit value given in host order (a length or protocol number).
    @inline(__always)
    public static func add(hostOrder value: UInt16, to sum: UInt64) -> UInt64 {
        sum &+ UInt64(value.bigEndian)
    }

    /// Folds a sum to 16 bits without complementing it (the "partial" value the kernel
    /// expects in the checksum field when it finishes the checksum itself).
    @inline(__always)
    public static func fold(_ sum: UInt64) -> UInt16 {
        var s = sum
        while s >> 16 != 0 { s = (s & 0xFFFF) &+ (s >> 16) }
        return UInt16(truncatingIfNeeded: s)
    }

    /// The value to store in a checksum field: the complement of the folded sum,
    /// in native order (store it with `storeBytes`, not as big-endian).
    @inline(__always)
    public static func finish(_ sum: UInt64) -> UInt16 { ~fold(sum) }

    /// Pseudo-header sum for TCP/UDP (RFC 793 / RFC 8200 §8.1): addresses as they sit in
    /// the IP header at `ip`, plus protocol and upper-layer length (at most 65535 here:
    /// superpackets are bounded by the 16-bit IP length fields).
    @inline(__always)
    static func pseudoHeaderSum(ip: UnsafeRawPointer, isIPv6: Bool, protocol proto: UInt8, length: Int) -> UInt64 {
        let addresses = isIPv6 ? sum(ip + 8, count: 32) : sum(ip + 12, count: 8)
        return add(hostOrder: UInt16(truncatingIfNeeded: length), to: add(hostOrder: UInt16(proto), to: addresses))
    }
}
