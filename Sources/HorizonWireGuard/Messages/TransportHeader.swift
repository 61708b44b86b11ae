/// The 16-byte header of a transport data message (type 4): receiver index and the
/// 64-bit counter that is also the AEAD nonce. The sealed payload (at least a 16-byte
/// tag; an empty payload is a keepalive) follows it.
///
/// Read and written straight in packet buffers: no allocation, no throwing.
public struct TransportHeader: Equatable, Sendable {
    public static let size = 16
    /// Header plus the tag of an empty payload: the smallest valid packet (a keepalive).
    public static let minimumPacketSize = size + 16

    public var receiverIndex: UInt32
    public var counter: UInt64

    public init(receiverIndex: UInt32, counter: UInt64) {
        self.receiverIndex = receiverIndex
        self.counter = counter
    }

    /// Reads the header of a received packet; nil when it is not type 4 with zero reserved
    /// bytes or is too short to hold a header and a tag.
    public init?(packet: UnsafeRawBufferPointer) {
        guard packet.count >= Self.minimumPacketSize, MessageType(datagram: packet) == .transportData else { return nil }
        receiverIndex = UInt32(littleEndian: packet.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        counter = UInt64(littleEndian: packet.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }

    /// Writes the 16 header bytes at `destination`.
    public func write(to destination: UnsafeMutableRawPointer) {
        destination.storeBytes(of: MessageType.transportData.headerWord.littleEndian, as: UInt32.self)
        destination.storeBytes(of: receiverIndex.littleEndian, toByteOffset: 4, as: UInt32.self)
        destination.storeBytes(of: counter.littleEndian, toByteOffset: 8, as: UInt64.self)
    }
}
