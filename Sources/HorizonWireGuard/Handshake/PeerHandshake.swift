import HorizonCore
import HorizonCrypto

/// Noise_IKpsk2 handshake state for one remote peer, in either role (WireGuard paper §5.4).
///
/// Sans-IO: callers pass in messages, keys, indices, the wall-clock timestamp and the
/// monotonic time, and get messages and `TransportKeys` back. The initiator side lives in
/// `PeerHandshake+Initiator.swift`, the responder side in `PeerHandshake+Responder.swift`.
public struct PeerHandshake: Sendable {
    public let local: StaticIdentity
    public let remoteStatic: PublicKey
    /// All zeros when the peer has none, which is how the protocol defines "no PSK".
    public var presharedKey: PresharedKey
    /// mac1/mac2 for messages we send to this peer, and the cookie it may have given us.
    var cookies: CookieJar

    /// DH(S_local, S_remote), fixed for the pair; nil when the remote key has low order,
    /// in which case no handshake with it can succeed.
    let staticStatic: Bytes32?
    /// The Noise state our initiations start from (the peer's static key mixed in).
    let initiatorStart: NoiseState
    /// Our initiation awaiting its response.
    var pending: PendingInitiation?
    /// Replay protection: the newest timestamp accepted from this peer.
    public internal(set) var latestTimestamp: TAI64N?
    var lastInitiationAccepted: MonotonicTime?

    public init(local: StaticIdentity, remoteStatic: PublicKey, presharedKey: PresharedKey = PresharedKey(raw: .zero)) {
        self.local = local
        self.remoteStatic = remoteStatic
        self.presharedKey = presharedKey
        cookies = CookieJar(remoteStatic: remoteStatic)
        staticStatic = X25519.sharedSecret(local.privateKey, remoteStatic)
        initiatorStart = NoiseState(responderStatic: remoteStatic)
    }

    /// The sender index of our initiation awaiting a response, so the caller can route
    /// responses and cookie replies addressed to it.
    public var pendingInitiationIndex: UInt32? { pending?.localIndex }

    /// Forgets our pending initiation and its ephemeral key (e.g. when the caller gives up
    /// after REKEY_ATTEMPT_TIME); a late response then fails as unexpected.
    public mutating func abandonPendingInitiation() {
        pending = nil
    }

    /// Takes the cookie from a reply to our last handshake message; later messages carry
    /// mac2. False when it does not decrypt or answers no message we sent.
    public mutating func consumeCookieReply(_ reply: CookieReply, now: MonotonicTime) -> Bool {
        cookies.consume(reply, now: now)
    }
}

/// What the initiator keeps between sending an initiation and receiving the response.
struct PendingInitiation: Sendable {
    let localIndex: UInt32
    let ephemeral: PrivateKey
    let noise: NoiseState
}
