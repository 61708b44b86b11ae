import HorizonCore
import HorizonCrypto

/// The receiver's half of WireGuard's DoS defence (paper §5.4.4, §5.4.7), one per device:
/// checks mac1 on every handshake message before any Diffie-Hellman work, and when the
/// device is under load demands a valid mac2, answering without one by a cookie reply.
///
/// A cookie is MAC(secret, source address): proof that the sender can receive at that
/// address. The secret is random and replaced every COOKIE_REFRESH_TIME.
public struct CookieChecker: Sendable {
    public enum Verdict: Sendable, Equatable {
        /// Process the message.
        case accept
        /// Drop silently: mac1 is wrong, so the sender does not know our public key.
        case invalidMAC1
        /// Under load and mac2 is missing or stale: answer with `makeCookieReply`, drop the message.
        case cookieRequired
    }

    /// HASH(LABEL_MAC1 || S_local^pub).
    private let mac1Key: Bytes32
    /// HASH(LABEL_COOKIE || S_local^pub): cookies we hand out are sealed under this.
    private let cookieKey: Bytes32
    private var secret = Bytes32()
    private var secretCreated: MonotonicTime?

    public init(localStatic: PublicKey) {
        mac1Key = WireGuardKDF.hash(NoiseConstants.labelMAC1, localStatic.raw)
        cookieKey = WireGuardKDF.hash(NoiseConstants.labelCookie, localStatic.raw)
    }

    /// Checks a received handshake initiation or response, given as its raw datagram.
    /// `source` identifies the sender's address (see `sourceBytes`).
    public func verify(_ datagram: some BytesView, source: some BytesView, underLoad: Bool, now: MonotonicTime) -> Verdict {
        datagram.withUnsafeBytes { message in
            guard Self.isHandshakeMessageSize(message.count) else { return .invalidMAC1 }
            let mac1Offset = message.count - 32, mac2Offset = message.count - 16
            let mac1 = WireGuardKDF.mac(key: mac1Key, UnsafeRawBufferPointer(rebasing: message[..<mac1Offset]))
            guard mac1.constantTimeEquals(Bytes16(copying: message.baseAddress! + mac1Offset)) else { return .invalidMAC1 }
            guard underLoad else { return .accept }
            guard let cookie = currentCookie(for: source, now: now) else { return .cookieRequired }
            let mac2 = WireGuardKDF.mac(key: cookie, UnsafeRawBufferPointer(rebasing: message[..<mac2Offset]))
            return mac2.constantTimeEquals(Bytes16(copying: message.baseAddress! + mac2Offset)) ? .accept : .cookieRequired
        }
    }

    /// The cookie reply to a handshake message that `verify` answered with `.cookieRequired`.
    /// Replaces the secret first if it is older than COOKIE_REFRESH_TIME; `rng` supplies
    /// that secret and the 24-byte nonce. Nil when `datagram` is not a handshake message.
    public mutating func makeCookieReply(
        to datagram: some BytesView, source: some BytesView, now: MonotonicTime,
        using rng: inout some RandomNumberGenerator
    ) -> CookieReply? {
        guard datagram.withUnsafeBytes({ Self.isHandshakeMessageSize($0.count) }) else { return nil }
        if currentCookie(for: source, now: now) == nil {
            secret.withUnsafeMutableBytes { rng.fill($0) }
            secretCreated = now
        }
        guard let cookie = currentCookie(for: source, now: now) else { return nil }
        return datagram.withUnsafeBytes { message in
            var nonce = [UInt8](repeating: 0, count: XChaCha20Poly1305.nonceSize)
            nonce.withUnsafeMutableBytes { rng.fill($0) }
            let mac1 = Bytes16(copying: message.baseAddress! + message.count - 32)
            let sealed = XChaCha20Poly1305.seal(key: cookieKey, nonce: nonce, plaintext: cookie, authenticating: mac1)
            let senderIndex = UInt32(littleEndian: message.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
            return CookieReply(receiverIndex: senderIndex, nonce: nonce, encryptedCookie: sealed)
        }
    }

    private static func isHandshakeMessageSize(_ count: Int) -> Bool {
        count == HandshakeInitiation.size || count == HandshakeResponse.size
    }

    /// MAC(secret, source), or nil when there is no secret younger than COOKIE_REFRESH_TIME.
    private func currentCookie(for source: some BytesView, now: MonotonicTime) -> Bytes16? {
        guard let secretCreated, now.since(secretCreated) < ProtocolConstants.cookieRefreshTime else { return nil }
        return WireGuardKDF.mac(key: secret, source)
    }

    /// The bytes a cookie is bound to: the IP address (4 or 16 bytes) then the UDP port,
    /// big-endian. Only this device ever recomputes it, so the layout is ours to choose.
    public static func sourceBytes(address: IPAddress, port: UInt16) -> [UInt8] {
        let addressBytes = switch address {
        case .v4(let v4): v4.octets
        case .v6(let v6): v6.bytes
        }
        return addressBytes + [UInt8(port >> 8), UInt8(port & 0xFF)]
    }
}
