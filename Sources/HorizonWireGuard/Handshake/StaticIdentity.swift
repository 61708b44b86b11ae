import HorizonCore
import HorizonCrypto

/// This device's static key pair, and the responder's first step: opening an initiation far
/// enough to learn who sent it, before any per-peer state is looked up.
public struct StaticIdentity: Sendable {
    public let privateKey: PrivateKey
    public let publicKey: PublicKey
    /// The Noise state every initiation to us starts from (our static key already mixed in).
    private let responderStart: NoiseState

    public init(privateKey: PrivateKey) {
        self.privateKey = privateKey
        publicKey = privateKey.publicKey
        responderStart = NoiseState(responderStatic: publicKey)
    }

    /// Decrypts the initiator's static key (paper §5.4.2, responder side up to `msg.static`).
    /// The caller checks mac1 first (`CookieChecker`), then finds the peer by
    /// `initiatorStatic` and finishes with `PeerHandshake.respond(to:...)`.
    public func openInitiation(_ initiation: HandshakeInitiation) -> Result<ReceivedInitiation, HandshakeFailure> {
        var noise = responderStart
        noise.mixKey(initiation.ephemeral.raw)
        noise.mixHash(initiation.ephemeral.raw)
        guard let ephemeralStatic = X25519.sharedSecret(privateKey, initiation.ephemeral) else { return .failure(.lowOrderKey) }
        let key = noise.mixKeyForCipher(ephemeralStatic)
        guard let plaintext = noise.decryptAndHash(initiation.encryptedStatic, key: key),
              let initiatorStatic = Bytes32(plaintext)
        else { return .failure(.undecryptableStatic) }
        return .success(ReceivedInitiation(
            initiatorStatic: PublicKey(raw: initiatorStatic), senderIndex: initiation.senderIndex,
            ephemeral: initiation.ephemeral, encryptedTimestamp: initiation.encryptedTimestamp, noise: noise))
    }
}

/// An initiation whose sender is known but whose timestamp is not yet checked.
public struct ReceivedInitiation: Sendable {
    /// Who claims to have sent it; `respond` proves it with the static-static secret.
    public let initiatorStatic: PublicKey
    public let senderIndex: UInt32
    let ephemeral: PublicKey
    let encryptedTimestamp: [UInt8]
    let noise: NoiseState
}
