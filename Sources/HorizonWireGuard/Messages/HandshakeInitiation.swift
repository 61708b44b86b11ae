import HorizonCore
import HorizonCrypto

/// Handshake initiation, message type 1 (148 bytes): the first Noise_IKpsk2 message.
public struct HandshakeInitiation: MACProtectedMessage, Equatable, Sendable {
    public static let size = 148
    static let encryptedStaticSize = 32 + 16
    static let encryptedTimestampSize = TAI64N.size + 16

    public var senderIndex: UInt32
    public var ephemeral: PublicKey
    /// The initiator's static public key, sealed (48 bytes).
    public var encryptedStatic: [UInt8]
    /// The TAI64N timestamp, sealed (28 bytes).
    public var encryptedTimestamp: [UInt8]
    public var mac1: Bytes16
    public var mac2: Bytes16

    public init(senderIndex: UInt32, ephemeral: PublicKey, encryptedStatic: [UInt8], encryptedTimestamp: [UInt8],
                mac1: Bytes16 = .zero, mac2: Bytes16 = .zero) {
        precondition(encryptedStatic.count == Self.encryptedStaticSize && encryptedTimestamp.count == Self.encryptedTimestampSize)
        self.senderIndex = senderIndex
        self.ephemeral = ephemeral
        self.encryptedStatic = encryptedStatic
        self.encryptedTimestamp = encryptedTimestamp
        self.mac1 = mac1
        self.mac2 = mac2
    }

    /// Parses a datagram; nil unless it is exactly 148 bytes of type 1 with zero reserved bytes.
    public init?(_ datagram: some BytesView) {
        guard let parsed = datagram.withUnsafeBytes({ bytes -> HandshakeInitiation? in
            guard bytes.count == Self.size, MessageType(datagram: bytes) == .handshakeInitiation else { return nil }
            var reader = WireReader(bytes)
            _ = reader.uint32()
            return HandshakeInitiation(
                senderIndex: reader.uint32(), ephemeral: PublicKey(raw: reader.bytes32()),
                encryptedStatic: reader.array(Self.encryptedStaticSize),
                encryptedTimestamp: reader.array(Self.encryptedTimestampSize),
                mac1: reader.bytes16(), mac2: reader.bytes16())
        }) else { return nil }
        self = parsed
    }

    public func serialized() -> [UInt8] {
        var writer = WireWriter(capacity: Self.size)
        writer.uint32(MessageType.handshakeInitiation.headerWord)
        writer.uint32(senderIndex)
        writer.append(ephemeral.raw)
        writer.append(encryptedStatic)
        writer.append(encryptedTimestamp)
        writer.append(mac1)
        writer.append(mac2)
        return writer.bytes
    }
}
