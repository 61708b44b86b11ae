import HorizonCore
import HorizonCrypto

/// Keys and peers: what `wg set` changes.
extension WireGuardEngine {
    public var privateKey: PrivateKey? {
        identity.withLock { $0?.identity.privateKey }
    }

    public var publicKey: PublicKey? {
        identity.withLock { $0?.identity.publicKey }
    }

    /// Sets (or with nil removes) the device's private key. Every session ends, since it
    /// was made with the old key, and a peer whose public key is now our own is removed,
    /// as wireguard-go does; those peers are returned. Setting the current key again
    /// changes nothing.
    @discardableResult
    public func setPrivateKey(_ key: PrivateKey?) -> [EnginePeer] {
        let newIdentity = key.map { key in
            let identity = StaticIdentity(privateKey: key)
            return DeviceIdentity(identity: identity, checker: CookieChecker(localStatic: identity.publicKey),
                                  load: LoadMonitor(threshold: configuration.loadThreshold))
        }
        let unchanged = identity.withLock { current in
            guard current?.identity.privateKey != key else { return true }
            current = newIdentity
            return false
        }
        guard !unchanged else { return [] }
        let ownKey = newIdentity?.identity.publicKey
        let selfPeers = peers.filter { $0.publicKey == ownKey }
        selfPeers.forEach(removePeer)
        for peer in peers {
            peer.state.withLock { state in
                endAllSessions(of: peer, &state)
                state.handshake = newIdentity.map {
                    PeerHandshake(local: $0.identity, remoteStatic: peer.publicKey, presharedKey: state.presharedKey)
                }
            }
        }
        return selfPeers
    }

    public var peers: [EnginePeer] { directory.withLock { $0.all } }

    public func peer(for publicKey: PublicKey) -> EnginePeer? {
        directory.withLock { $0.byKey[publicKey] }
    }

    public func peer(id: PeerID) -> EnginePeer? {
        directory.withLock { Int(id.rawValue) < $0.byID.count ? $0.byID[Int(id.rawValue)] : nil }
    }

    /// Adds a peer, or returns the existing one with this key.
    @discardableResult
    public func addPeer(publicKey: PublicKey) -> EnginePeer {
        let local = identity.withLock { $0?.identity }
        return directory.withLock { directory in
            if let existing = directory.byKey[publicKey] { return existing }
            return directory.add { id in
                EnginePeer(id: id, publicKey: publicKey,
                           handshake: local.map { PeerHandshake(local: $0, remoteStatic: publicKey) }, random: random)
            }
        }
    }

    /// Removes the peer: its sessions end and its staged packets are dropped.
    public func removePeer(_ peer: EnginePeer) {
        directory.withLock { $0.remove(peer) }
        peer.state.withLock { state in
            endAllSessions(of: peer, &state)
            state.staged.removeAll()
            state.removed = true
        }
    }

    /// nil means no preshared key (the protocol's all-zero key).
    public func setPresharedKey(_ key: PresharedKey?, for peer: EnginePeer) {
        peer.state.withLock { state in
            state.presharedKey = key ?? PresharedKey(raw: .zero)
            state.handshake?.presharedKey = state.presharedKey
        }
    }

    /// Sets where to reach the peer; our source address is left to the route.
    public func setEndpoint(_ endpoint: PeerEndpoint, for peer: EnginePeer) {
        peer.state.withLock { $0.endpoint = PeerEndpoint(address: endpoint.address, port: endpoint.port, relayChannel: endpoint.relayChannel) }
    }

    /// nil or zero turns persistent keepalive off; turning it on sends one soon.
    public func setPersistentKeepalive(_ interval: Duration?, for peer: EnginePeer) {
        let wake = peer.state.withLock { state in
            if state.timers.setPersistentKeepalive(interval).contains(.sendKeepalive) { state.wantsKeepalive = true }
            return state.hasServiceRequest
        }
        if wake { requestService() }
    }

    public func status(of peer: EnginePeer, now: MonotonicTime) -> PeerStatus {
        peer.state.withLock { state in
            PeerStatus(
                publicKey: peer.publicKey,
                presharedKey: state.presharedKey.raw.isZero ? nil : state.presharedKey,
                endpoint: state.endpoint, lastHandshake: state.lastHandshake,
                txBytes: state.txBytes, rxBytes: state.rxBytes,
                persistentKeepalive: state.timers.persistentKeepaliveInterval,
                hasSession: state.sendingKeypair(at: now) != nil, stagedPackets: state.staged.count)
        }
    }

    /// Drops every session and any pending initiation of a peer, releasing their indices.
    func endAllSessions(of peer: EnginePeer, _ state: inout PeerState) {
        let retired = state.keypairs.removeAll()
        let pending = state.pendingIndex
        state.pendingIndex = nil
        state.handshake?.abandonPendingInitiation()
        indices.withLock { table in
            for keypair in retired { table.release(keypair.localIndex) }
            if let pending { table.release(pending) }
        }
    }
}
