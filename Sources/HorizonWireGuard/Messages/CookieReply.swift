import HorizonCore
import HorizonCrypto

/// Cookie reply, message type 3 (64 bytes): a responder under load answers a handshake
/// message with this instead of doing Diffie-Hellman work.
public struct CookieReply: Equatable, Sendable {
    public static let size = 64
    static let encryptedCookieSize = 16 + 16

    /// The sender index of the handshake message this answers.
    public var receiverIndex: UInt32
    /// Random 24-byte XChaCha20-Poly1305 nonce.
    public var nonce: [UInt8]
    /// The 16-byte cookie, sealed (32 bytes).
    public var encryptedCookie: [UInt8]

    public init(receiverIndex: UInt32, nonce: [UInt8], encryptedCookie: [UInt8]) {
        precondition(nonce.count == XChaCha20Poly1305.nonceSize && encryptedCookie.count == Self.encryptedCookieSize)
        self.receiverIndex = receiverIndex
        self.nonce = nonce
        self.encryptedCookie = encryptedCookie
    }

    /// Parses a datagram; nil unless it is exactly 64 bytes of type 3 with zero reserved bytes.
    public init?(_ datagram: some BytesView) {
        guard let parsed = datagram.withUnsafeBytes({ bytes -> CookieReply? in
            guard bytes.count == Self.size, MessageType(datagram: bytes) == .cookieReply else { return nil }
            var reader = WireReader(bytes)
            _ = reader.uint32()
            return CookieReply(receiverIndex: reader.uint32(), nonce: reader.array(XChaCha20Poly1305.nonceSize),
                               encryptedCookie: reader.array(Self.encryptedCookieSize))
        }) else { return nil }
        self = parsed
    }

    public func serialized() -> [UInt8] {
        var writer = WireWriter(capacity: Self.size)
        writer.uint32(MessageType.cookieReply.headerWord)
        writer.uint32(receiverIndex)
        writer.append(nonce)
        writer.append(encryptedCookie)
        return writer.bytes
    }
}
