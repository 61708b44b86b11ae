/// The first four bytes of every WireGuard message: a type byte and three reserved zero
/// bytes (read as one little-endian 32-bit word, so non-zero reserved bytes make an
/// unknown type).
public enum MessageType: UInt8, Sendable {
    case handshakeInitiation = 1
    case handshakeResponse = 2
    case cookieReply = 3
    case transportData = 4

    /// The message type of a received datagram, or nil when it is too short, has non-zero
    /// reserved bytes, or an unknown type. Sizes are checked by each message's parser.
    public init?(datagram: UnsafeRawBufferPointer) {
        guard datagram.count >= 4 else { return nil }
        let word = UInt32(littleEndian: datagram.loadUnaligned(as: UInt32.self))
        guard word <= 0xFF, let type = MessageType(rawValue: UInt8(word)) else { return nil }
        self = type
    }

    /// The header as it goes on the wire.
    var headerWord: UInt32 { UInt32(rawValue) }
}
