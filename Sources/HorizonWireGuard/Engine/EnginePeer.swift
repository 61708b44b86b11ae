import HorizonCore
import Synchronization

/// One remote peer inside a `WireGuardEngine`: its identity and its protocol state behind
/// a lock of its own, so work on different peers never contends and a device takes the
/// lock once per run of packets, not per packet. Handles stay valid (and inert) after the
/// peer is removed.
public final class EnginePeer: Sendable, CustomStringConvertible {
    public let id: PeerID
    public let publicKey: PublicKey
    let state: Mutex<PeerState>

    init(id: PeerID, publicKey: PublicKey, handshake: PeerHandshake?, random: RandomSource) {
        self.id = id
        self.publicKey = publicKey
        state = Mutex(PeerState(handshake: handshake, timers: PeerTimers(jitter: random)))
    }

    public var description: String { "\(id) \(publicKey)" }
}

/// Everything the protocol keeps per peer (paper §5.4, §6). Only `WireGuardEngine`
/// touches it, under the peer's lock.
struct PeerState: Sendable {
    /// nil while the device has no private key: no handshake is possible.
    var handshake: PeerHandshake?
    var timers: PeerTimers
    var keypairs = KeypairSet()
    var endpoint: PeerEndpoint?
    var staged = StagedPackets()
    var presharedKey = PresharedKey(raw: .zero)
    var txBytes: UInt64 = 0
    var rxBytes: UInt64 = 0
    var lastHandshake: MonotonicTime?
    /// The index table holds this index for our pending initiation.
    var pendingIndex: UInt32?
    /// Work for the next `tick`: asked for by the packet path, which must not do
    /// Diffie-Hellman or allocate itself.
    var wantsInitiation = false
    var wantsFlush = false
    var wantsKeepalive = false
    var removed = false

    /// The session to send with now, if there is one.
    func sendingKeypair(at now: MonotonicTime) -> Keypair? {
        guard let current = keypairs.current, !current.isExpired(at: now) else { return nil }
        return current
    }

    var hasServiceRequest: Bool { wantsInitiation || wantsFlush || wantsKeepalive }
}
