/// The source or destination address read straight from an IP packet's header, in the
/// left-aligned integer form the prefix tries use. Reading never allocates and never
/// trusts the buffer: a short or non-IP buffer yields nil.
enum PacketAddress {
    case v4(UInt32)
    case v6(UInt128)

    static func source(of packet: UnsafeRawBufferPointer) -> PacketAddress? {
        read(packet, v4Offset: 12, v6Offset: 8)
    }

    static func destination(of packet: UnsafeRawBufferPointer) -> PacketAddress? {
        read(packet, v4Offset: 16, v6Offset: 24)
    }

    private static func read(_ packet: UnsafeRawBufferPointer, v4Offset: Int, v6Offset: Int) -> PacketAddress? {
        guard let first = packet.first else { return nil }
        switch first >> 4 {
        case 4 where packet.count >= 20:
            return .v4(UInt32(bigEndian: packet.loadUnaligned(fromByteOffset: v4Offset, as: UInt32.self)))
        case 6 where packet.count >= 40:
            let high = UInt64(bigEndian: packet.loadUnaligned(fromByteOffset: v6Offset, as: UInt64.self))
            let low = UInt64(bigEndian: packet.loadUnaligned(fromByteOffset: v6Offset + 8, as: UInt64.self))
            return .v6(UInt128(high) << 64 | UInt128(low))
        default:
            return nil
        }
    }
}
