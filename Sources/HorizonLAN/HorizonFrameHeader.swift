/// The 4 bytes in front of an Ethernet frame when it travels inside the WireGuard transport
/// between Horizon nodes (docs/ARCHITECTURE.md, "LAN emulation"):
///
///     byte 0     type: 0x10 | p — an Ethernet frame followed by p (0-15) zero bytes of padding
///     bytes 1-3  the network tag, big-endian
///
/// Every type byte below 0x40 is Horizon's: IP packets start with 0x4_ or 0x6_, so a receiver
/// tells the two apart by the first byte, and a stock WireGuard peer drops a Horizon frame as
/// an invalid IP packet. The padding count is in the header because Ethernet frames, unlike IP
/// packets, do not carry their own length, and WireGuard pads plaintext to 16 bytes.
public struct HorizonFrameHeader: Equatable, Sendable {
    public static let size = 4
    /// Type bytes below this one are Horizon frames.
    public static let firstIPTypeByte: UInt8 = 0x40
    static let ethernetType: UInt8 = 0x10

    public var tag: LANNetworkTag
    /// Zero bytes after the frame (0-15).
    public var padding: Int

    public init(tag: LANNetworkTag, padding: Int = 0) {
        precondition((0..<16).contains(padding), "Horizon frames carry 0-15 bytes of padding")
        self.tag = tag
        self.padding = padding
    }

    /// True when decrypted plaintext starting with `byte` is a Horizon frame, not an IP packet.
    @inline(__always)
    public static func isHorizonFrame(firstByte byte: UInt8) -> Bool { byte < firstIPTypeByte }

    public func write(to bytes: UnsafeMutableRawPointer) {
        bytes.storeBytes(of: Self.ethernetType | UInt8(padding), as: UInt8.self)
        bytes.storeBytes(of: UInt8(truncatingIfNeeded: tag.value >> 16), toByteOffset: 1, as: UInt8.self)
        bytes.storeBytes(of: UInt8(truncatingIfNeeded: tag.value >> 8), toByteOffset: 2, as: UInt8.self)
        bytes.storeBytes(of: UInt8(truncatingIfNeeded: tag.value), toByteOffset: 3, as: UInt8.self)
    }

    /// What a Horizon frame's plaintext holds.
    public enum Parsed: Equatable, Sendable {
        /// An Ethernet frame of `length` bytes at offset `HorizonFrameHeader.size`.
        case ethernet(tag: LANNetworkTag, length: Int)
        case invalid(HorizonFrameError)
    }

    /// Reads the plaintext of a Horizon frame (padding included). Never traps, whatever the bytes.
    public static func parse(_ plaintext: UnsafeRawBufferPointer) -> Parsed {
        guard plaintext.count >= size else { return .invalid(.short) }
        let type = plaintext[0]
        guard type & 0xF0 == ethernetType else { return .invalid(.unknownType) }
        let length = plaintext.count - size - Int(type & 0x0F)
        guard length >= EthernetHeader.length else { return .invalid(.short) }
        let tag = UInt32(plaintext[1]) << 16 | UInt32(plaintext[2]) << 8 | UInt32(plaintext[3])
        return .ethernet(tag: LANNetworkTag(tag)!, length: length)
    }

    /// Bytes of padding that bring `header + frame` to WireGuard's multiple of 16 without
    /// passing `limit` (the tunnel MTU): a full-size frame goes unpadded, as WireGuard does
    /// with a full-size IP packet, so padding never makes a datagram outgrow the path.
    public static func padding(frameLength: Int, limit: Int) -> Int {
        let unpadded = size + frameLength
        let rounded = (unpadded + 15) & ~15
        return max(0, min(rounded, limit) - unpadded)
    }
}

/// Why a Horizon frame was refused before reaching a switch.
public enum HorizonFrameError: Int, Equatable, Sendable, CaseIterable {
    /// Shorter than the header plus an Ethernet header (or its padding count says so).
    case short
    /// A type byte below 0x40 this version does not know.
    case unknownType
}
