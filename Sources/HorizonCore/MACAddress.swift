/// A 48-bit Ethernet (IEEE 802 MAC) address, held in the low 48 bits of a UInt64 in
/// transmission order (the first octet is the most significant).
public struct MACAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let value: UInt64

    public init(value: UInt64) { self.value = value & 0xFFFF_FFFF_FFFF }

    public init(_ octets: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)) {
        self.init(value: UInt64(octets.0) << 40 | UInt64(octets.1) << 32 | UInt64(octets.2) << 24
            | UInt64(octets.3) << 16 | UInt64(octets.4) << 8 | UInt64(octets.5))
    }

    /// Reads six octets at `offset` (the caller checks the length).
    public init(reading bytes: UnsafeRawBufferPointer, at offset: Int) {
        var value: UInt64 = 0
        for index in offset..<(offset + 6) { value = value << 8 | UInt64(bytes[index]) }
        self.init(value: value)
    }

    /// `aa:bb:cc:dd:ee:ff` (also with `-` separators), case-insensitive.
    public init?(_ text: String) {
        let parts = text.split(omittingEmptySubsequences: false) { $0 == ":" || $0 == "-" }
        guard parts.count == 6 else { return nil }
        var value: UInt64 = 0
        for part in parts {
            guard part.count == 2, let octet = UInt8(part, radix: 16) else { return nil }
            value = value << 8 | UInt64(octet)
        }
        self.init(value: value)
    }

    public static let broadcast = MACAddress(value: 0xFFFF_FFFF_FFFF)

    public var isBroadcast: Bool { self == .broadcast }
    /// Group addresses (broadcast included) have the least significant bit of the first octet set.
    public var isMulticast: Bool { value & (1 << 40) != 0 }
    public var isUnicast: Bool { !isMulticast }
    /// Set on addresses assigned locally rather than by a manufacturer.
    public var isLocallyAdministered: Bool { value & (1 << 41) != 0 }

    /// A unicast, locally administered address made from `seed` bytes (the first five
    /// are used after a fixed first octet), for giving members stable MACs of their own.
    public static func locallyAdministered(seed: some Sequence<UInt8>) -> MACAddress {
        var value: UInt64 = 0x02
        for byte in seed.prefix(5) { value = value << 8 | UInt64(byte) }
        return MACAddress(value: value)
    }

    /// Writes the six octets at `offset`.
    public func write(to bytes: UnsafeMutableRawBufferPointer, at offset: Int) {
        for index in 0..<6 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> UInt64(40 - 8 * index)) }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }

    public var description: String {
        (0..<6).map { index in
            let octet = UInt8(truncatingIfNeeded: value >> UInt64(40 - 8 * index))
            return (octet < 16 ? "0" : "") + String(octet, radix: 16)
        }.joined(separator: ":")
    }
}
