import HorizonCore
import HorizonCrypto

extension PeerHandshake {
    /// Builds a handshake initiation (paper §5.4.2) and remembers it until the response.
    ///
    /// - Parameters:
    ///   - localIndex: a sender index the caller has reserved for the resulting session.
    ///   - ephemeral: a fresh private key per initiation (fixed only in tests).
    ///   - timestamp: the current wall-clock time; its sub-2^24 ns part is dropped so the
    ///     message does not reveal the clock finely, as wireguard-go and the kernel do.
    ///   - now: monotonic time, to decide whether our stored cookie is still fresh for mac2.
    public mutating func createInitiation(
        localIndex: UInt32, ephemeral: PrivateKey, timestamp: TAI64N, now: MonotonicTime
    ) -> Result<HandshakeInitiation, HandshakeFailure> {
        guard let staticStatic else { return .failure(.lowOrderKey) }
        var noise = initiatorStart
        let ephemeralPublic = ephemeral.publicKey
        noise.mixKey(ephemeralPublic.raw)
        noise.mixHash(ephemeralPublic.raw)
        guard let ephemeralStatic = X25519.sharedSecret(ephemeral, remoteStatic) else { return .failure(.lowOrderKey) }
        let staticKey = noise.mixKeyForCipher(ephemeralStatic)
        let encryptedStatic = noise.encryptAndHash(local.publicKey.raw, key: staticKey)
        let timestampKey = noise.mixKeyForCipher(staticStatic)
        let encryptedTimestamp = noise.encryptAndHash(timestamp.whitened.bytes, key: timestampKey)

        var initiation = HandshakeInitiation(
            senderIndex: localIndex, ephemeral: ephemeralPublic,
            encryptedStatic: encryptedStatic, encryptedTimestamp: encryptedTimestamp)
        cookies.stamp(&initiation, now: now)
        pending = PendingInitiation(localIndex: localIndex, ephemeral: ephemeral, noise: noise)
        return .success(initiation)
    }

    /// Completes our handshake with the responder's message (paper §5.4.3, initiator side).
    /// The caller has checked mac1 (`CookieChecker`). A response that fails leaves the
    /// pending initiation in place, so a forged one cannot cancel a real handshake.
    public mutating func consumeResponse(_ response: HandshakeResponse) -> Result<TransportKeys, HandshakeFailure> {
        guard let pending, pending.localIndex == response.receiverIndex else { return .failure(.unexpectedResponse) }
        var noise = pending.noise
        noise.mixKey(response.ephemeral.raw)
        noise.mixHash(response.ephemeral.raw)
        guard let ephemeralEphemeral = X25519.sharedSecret(pending.ephemeral, response.ephemeral),
              let staticEphemeral = X25519.sharedSecret(local.privateKey, response.ephemeral)
        else { return .failure(.lowOrderKey) }
        noise.mixKey(ephemeralEphemeral)
        noise.mixKey(staticEphemeral)
        let key = noise.mixPresharedKey(presharedKey)
        guard noise.decryptAndHash(response.encryptedNothing, key: key) != nil else { return .failure(.undecryptableResponse) }

        self.pending = nil
        let keys = noise.transportKeys()
        return .success(TransportKeys(
            sendKey: keys.initiatorSend, receiveKey: keys.responderSend,
            localIndex: pending.localIndex, remoteIndex: response.senderIndex, isInitiator: true))
    }
}
