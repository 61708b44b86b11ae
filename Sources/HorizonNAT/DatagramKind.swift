import HorizonUDP

/// What arrived on the node's one UDP socket, judged from the first bytes only, so the
/// receive loop can hand STUN and TURN traffic to NAT traversal and the rest to WireGuard
/// without parsing anything (see "NAT traversal" in docs/ARCHITECTURE.md for why the
/// classes cannot overlap).
public enum DatagramKind: Hashable, Sendable {
    case wireGuard
    case stun
    case turnChannelData
    case unknown

    /// The smallest WireGuard message: a transport header (16 bytes) and an empty payload's tag (16).
    public static let minimumWireGuardSize = 32

    public static func classify(_ bytes: UnsafeRawBufferPointer) -> DatagramKind {
        guard let first = bytes.first else { return .unknown }
        if (1...4).contains(first), bytes.count >= minimumWireGuardSize, bytes[1] == 0, bytes[2] == 0, bytes[3] == 0 {
            return .wireGuard
        }
        if first & 0xC0 == 0, bytes.count >= STUNMessage.headerSize,
           UInt32(bytes[4]) << 24 | UInt32(bytes[5]) << 16 | UInt32(bytes[6]) << 8 | UInt32(bytes[7]) == STUNMessage.magicCookie,
           Int(UInt16(bytes[2]) << 8 | UInt16(bytes[3])) + STUNMessage.headerSize == bytes.count {
            return .stun
        }
        if let header = ChannelDataHeader(fieldsOf: bytes), header.hasChannelNumber { return .turnChannelData }
        return .unknown
    }

    /// The filter to give `Device.setDatagramHandler`: STUN and ChannelData, nothing else.
    public static func isNATTraversal(_ bytes: UnsafeRawBufferPointer) -> Bool {
        switch classify(bytes) {
        case .stun, .turnChannelData: true
        case .wireGuard, .unknown: false
        }
    }

    public static func classify(_ bytes: [UInt8]) -> DatagramKind {
        bytes.withUnsafeBytes { classify($0) }
    }
}
