import HorizonCore
import HorizonCrypto

/// Handshake response, message type 2 (92 bytes): the second Noise_IKpsk2 message.
public struct HandshakeResponse: MACProtectedMessage, Equatable, Sendable {
    public static let size = 92

    public var senderIndex: UInt32
    public var receiverIndex: UInt32
    public var ephemeral: PublicKey
    /// An empty plaintext, sealed: just the 16-byte tag that proves the responder's keys.
    public var encryptedNothing: Bytes16
    public var mac1: Bytes16
    public var mac2: Bytes16

    public init(senderIndex: UInt32, receiverIndex: UInt32, ephemeral: PublicKey, encryptedNothing: Bytes16,
                mac1: Bytes16 = .zero, mac2: Bytes16 = .zero) {
        self.senderIndex = senderIndex
        self.receiverIndex = receiverIndex
        self.ephemeral = ephemeral
        self.encryptedNothing = encryptedNothing
        self.mac1 = mac1
        self.mac2 = mac2
    }

    /// Parses a datagram; nil unless it is exactly 92 bytes of type 2 with zero reserved bytes.
    public init?(_ datagram: some BytesView) {
        guard let parsed = datagram.withUnsafeBytes({ bytes -> HandshakeResponse? in
            guard bytes.count == Self.size, MessageType(datagram: bytes) == .handshakeResponse else { return nil }
            var reader = WireReader(bytes)
            _ = reader.uint32()
            return HandshakeResponse(
                senderIndex: reader.uint32(), receiverIndex: reader.uint32(), ephemeral: PublicKey(raw: reader.bytes32()),
                encryptedNothing: reader.bytes16(), mac1: reader.bytes16(), mac2: reader.bytes16())
        }) else { return nil }
        self = parsed
    }

    public func serialized() -> [UInt8] {
        var writer = WireWriter(capacity: Self.size)
        writer.uint32(MessageType.handshakeResponse.headerWord)
        writer.uint32(senderIndex)
        writer.uint32(receiverIndex)
        writer.append(ephemeral.raw)
        writer.append(encryptedNothing)
        writer.append(mac1)
        writer.append(mac2)
        return writer.bytes
    }
}
