/// The RFC 1071 ones'-complement checksum used by IPv4, TCP and UDP.
///
/// Sums are kept in *native* byte order: RFC 1071 §2(B) shows the sum is byte-order
/// independent, so summing native 32-bit loads and storing the folded result natively
/// yields the right network-order bytes without swapping every word.
public enum InternetChecksum {
    /// Adds `count` bytes at `bytes` to `initial`. 32-bit words into a 64-bit
    /// accumulator cannot overflow for any packet size, so there is no carry handling
    /// in the loop (which lets the compiler vectorise it).
    @inline(__always)
    public static func sum(_ bytes: UnsafeRawPointer, count: Int, initial: UInt64 = 0) -> UInt64 {
        var a: UInt64 = initial, b: UInt64 = 0, c: UInt64 = 0, d: UInt64 = 0
        var i = 0
        while i + 16 <= count {
            a &+= UInt64(bytes.loadUnaligned(fromByteOffset: i, as: UInt32.self))
            b &+= UInt64(bytes.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self))
            c &+= UInt64(bytes.loadUnaligned(fromByteOffset: i + 8, as: UInt32.self))
            d &+= UInt64(bytes.loadUnaligned(fromByteOffset: i + 12, as: UInt32.self))
            i += 16
        }
        var s = a &+ b &+ c &+ d
        while i + 4 <= count {
            s &+= UInt64(bytes.loadUnaligned(fromByteOffset: i, as: UInt32.self))
            i += 4
        }
        if i + 2 <= count {
            s &+= UInt64(bytes.loadUnaligned(fromByteOffset: i, as: UInt16.self))
            i += 2
        }
        if i < count {
            // A trailing odd byte is the high-order byte of a zero-padded 16-bit word.
            s &+= UInt64(UInt16(bigEndian: UInt16(bytes.load(fromByteOffset: i, as: UInt8.self)) << 8))
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
