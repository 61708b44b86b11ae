import HorizonCore
import HorizonCrypto

/// The sender's half of WireGuard's DoS defence (paper §5.4.4, §5.4.7), one per peer:
/// stamps mac1 and mac2 on handshake messages we send to that peer, and keeps the cookie
/// the peer handed us in a cookie reply while it is fresh.
struct CookieJar: Sendable {
    /// HASH(LABEL_MAC1 || S_peer^pub): mac1 proves we know the peer's public key.
    private let mac1Key: Bytes32
    /// HASH(LABEL_COOKIE || S_peer^pub): the peer seals cookies to us under this.
    private let cookieKey: Bytes32
    private var cookie: (value: Bytes16, received: MonotonicTime)?
    /// mac1 of the last message we sent; a cookie reply must be bound to it.
    private var lastMAC1: Bytes16?

    init(remoteStatic: PublicKey) {
        mac1Key = WireGuardKDF.hash(NoiseConstants.labelMAC1, remoteStatic.raw)
        cookieKey = WireGuardKDF.hash(NoiseConstants.labelCookie, remoteStatic.raw)
    }

    /// Sets mac1, and mac2 when we hold a cookie younger than COOKIE_REFRESH_TIME (zero otherwise).
    mutating func stamp<Message: MACProtectedMessage>(_ message: inout Message, now: MonotonicTime) {
        var bytes = message.serialized()
        let mac1 = WireGuardKDF.mac(key: mac1Key, bytes[..<Message.mac1Offset])
        message.mac1 = mac1
        lastMAC1 = mac1
        guard let cookie, now.since(cookie.received) < ProtocolConstants.cookieRefreshTime else {
            message.mac2 = .zero
            return
        }
        bytes.replaceSubrange(Message.mac1Offset..<Message.mac2Offset, with: mac1.bytes)
        message.mac2 = WireGuardKDF.mac(key: cookie.value, bytes[..<Message.mac2Offset])
    }

    /// Decrypts and stores the cookie of a reply to our last message. Each message accepts
    /// one reply, so a replayed cookie reply is refused.
    mutating func consume(_ reply: CookieReply, now: MonotonicTime) -> Bool {
        guard let lastMAC1,
              let plaintext = XChaCha20Poly1305.open(key: cookieKey, nonce: reply.nonce, sealed: reply.encryptedCookie, authenticating: lastMAC1),
              let value = Bytes16(plaintext)
        else { return false }
        cookie = (value, now)
        self.lastMAC1 = nil
        return true
    }
}
