import HorizonCore
import HorizonCrypto

extension PeerHandshake {
    /// Finishes consuming an initiation from this peer and answers it (paper §5.4.2-5.4.3,
    /// responder side): decrypts the timestamp, refuses replays and floods, then builds the
    /// response and derives the session keys.
    ///
    /// Our own pending initiation, if any, is left alone: if both sides initiate at once,
    /// both handshakes may complete and the session layer keeps the newer keys.
    ///
    /// - Parameters:
    ///   - localIndex: a sender index the caller has reserved for the resulting session.
    ///   - ephemeral: a fresh private key per response (fixed only in tests).
    ///   - now: monotonic time, for the flood limit and mac2 on the response.
    public mutating func respond(
        to initiation: ReceivedInitiation, localIndex: UInt32, ephemeral: PrivateKey, now: MonotonicTime
    ) -> Result<(response: HandshakeResponse, keys: TransportKeys), HandshakeFailure> {
        guard initiation.initiatorStatic == remoteStatic else { return .failure(.wrongPeer) }
        guard let staticStatic else { return .failure(.lowOrderKey) }
        var noise = initiation.noise
        let timestampKey = noise.mixKeyForCipher(staticStatic)
        guard let plaintext = noise.decryptAndHash(initiation.encryptedTimestamp, key: timestampKey),
              let timestamp = TAI64N(plaintext)
        else { return .failure(.undecryptableTimestamp) }
        if let latestTimestamp, timestamp <= latestTimestamp { return .failure(.replayedTimestamp) }
        if let lastInitiationAccepted, now.since(lastInitiationAccepted) < HandshakeLimits.minimumInitiationInterval {
            return .failure(.initiationFlood)
        }

        let ephemeralPublic = ephemeral.publicKey
        noise.mixKey(ephemeralPublic.raw)
        noise.mixHash(ephemeralPublic.raw)
        guard let ephemeralEphemeral = X25519.sharedSecret(ephemeral, initiation.ephemeral),
              let ephemeralStatic = X25519.sharedSecret(ephemeral, remoteStatic)
        else { return .failure(.lowOrderKey) }
        noise.mixKey(ephemeralEphemeral)
        noise.mixKey(ephemeralStatic)
        let key = noise.mixPresharedKey(presharedKey)
        let encryptedNothing = noise.encryptAndHash([UInt8](), key: key)

        var response = HandshakeResponse(
            senderIndex: localIndex, receiverIndex: initiation.senderIndex, ephemeral: ephemeralPublic,
            encryptedNothing: Bytes16(encryptedNothing)!)
        cookies.stamp(&response, now: now)
        latestTimestamp = timestamp
        lastInitiationAccepted = now
        let keys = noise.transportKeys()
        return .success((response, TransportKeys(
            sendKey: keys.responderSend, receiveKey: keys.initiatorSend,
            localIndex: localIndex, remoteIndex: initiation.senderIndex, isInitiator: false)))
    }
}
