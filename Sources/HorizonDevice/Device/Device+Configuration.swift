import HorizonCore
import HorizonUDP
import HorizonWireGuard

/// `wg set` / `wg setconf` and `wg show`, in UAPI terms.
extension Device {
    /// Applies one `set=1` request's operations in order, with wireguard-go's semantics:
    /// `public_key` selects a peer (creating it unless `update_only` follows), `remove`
    /// deletes it, `replace_peers` removes every peer so far, `replace_allowed_ips` clears
    /// the selected peer's before the ones that follow, `listen_port` rebinds when the
    /// port changes. Stops at the first failure (only binding can fail) and returns it;
    /// what came before stays applied. Routing changes take effect together at the end.
    public func apply(_ operations: [UAPISetOperation]) -> UAPIError? {
        configuration.withLock { configuration in
            var request = ConfigurationRequest(device: self)
            var failure: UAPIError?
            for operation in operations {
                failure = request.apply(operation, to: &configuration)
                if failure != nil { break }
            }
            request.finishSelection()
            let table = RoutingTable(allowedIPs: configuration.allowedIPs, peers: engine.peers)
            routing.withLock { $0 = table }
            lan.resolveMembers(engine: engine)
            return failure
        }
    }

    /// The device's configuration and each peer's state, as `get=1` reports them.
    public func snapshot() -> UAPIDeviceSnapshot {
        configuration.withLock { configuration in
            let now = MonotonicTime.now()
            let peers = engine.peers.map { peer in
                let status = engine.status(of: peer, now: now)
                return UAPIPeerSnapshot(
                    publicKey: peer.publicKey, presharedKey: status.presharedKey,
                    endpoint: status.endpoint.map { Endpoint(address: $0.address, port: $0.port) },
                    lastHandshake: status.lastHandshake.map { WallClock.wallTime(of: $0, now: now) },
                    txBytes: status.txBytes, rxBytes: status.rxBytes,
                    persistentKeepaliveInterval: status.persistentKeepalive.map { UInt16(clamping: $0.components.seconds) },
                    allowedIPs: configuration.allowedIPs.prefixes(for: peer.index))
            }
            return UAPIDeviceSnapshot(privateKey: engine.privateKey, listenPort: listenPort, fwmark: configuration.fwmark, peers: peers)
        }
    }
}

/// The state of one `set=1` request while it is applied: which peer its lines address.
private struct ConfigurationRequest {
    private enum Selection {
        case none
        /// Exists (or was just created).
        case peer(EnginePeer)
        /// Named but not created yet: `update_only` may still forbid that.
        case pending(PublicKey)
        /// Lines for this peer are ignored (removed, update-only and absent, or our own key).
        case ignored
    }

    let device: Device
    private var selection = Selection.none

    init(device: Device) { self.device = device }

    private var engine: WireGuardEngine { device.engine }

    mutating func apply(_ operation: UAPISetOperation, to configuration: inout DeviceConfiguration) -> UAPIError? {
        switch operation {
        case .privateKey(let key):
            for removed in engine.setPrivateKey(key) { configuration.allowedIPs.removeAll(for: removed.index) }
        case .listenPort(let port):
            guard port != device.listenPort || port == 0 else { return nil }
            do {
                try device.bind(port: port, mark: configuration.fwmark)
            } catch {
                return UAPIError(errno: error.errno, message: error.description)
            }
        case .fwmark(let mark):
            configuration.fwmark = mark
            if let udp = device.sockets { Device.setMark(mark, on: udp) }
        case .replacePeers:
            for peer in engine.peers { remove(peer, from: &configuration) }
        case .peer(let key):
            finishSelection()
            if key == engine.publicKey {
                selection = .ignored
            } else {
                selection = engine.peer(for: key).map(Selection.peer) ?? .pending(key)
            }
        case .updateOnly:
            if case .pending = selection { selection = .ignored }
        case .removePeer:
            if case .peer(let peer) = selection { remove(peer, from: &configuration) }
            selection = .ignored
        case .protocolVersion:
            break
        case .presharedKey, .endpoint, .persistentKeepaliveInterval, .replaceAllowedIPs, .allowedIP:
            guard let peer = selectedPeer() else { return nil }
            apply(operation, to: peer, &configuration)
        }
        return nil
    }

    /// A peer named without further lines is still created, as `wg set wg0 peer KEY` does.
    mutating func finishSelection() {
        _ = selectedPeer()
    }

    private mutating func selectedPeer() -> EnginePeer? {
        switch selection {
        case .peer(let peer):
            return peer
        case .pending(let key):
            let peer = engine.addPeer(publicKey: key)
            selection = .peer(peer)
            return peer
        case .none, .ignored:
            return nil
        }
    }

    private func apply(_ operation: UAPISetOperation, to peer: EnginePeer, _ configuration: inout DeviceConfiguration) {
        switch operation {
        case .presharedKey(let key):
            engine.setPresharedKey(key, for: peer)
        case .endpoint(let endpoint):
            // The UAPI carries addresses only: wg resolves names first.
            guard case .address(let address) = endpoint.host else { return }
            engine.setEndpoint(PeerEndpoint(address: address, port: endpoint.port), for: peer)
        case .persistentKeepaliveInterval(let seconds):
            engine.setPersistentKeepalive(seconds.map { .seconds(Int64($0)) }, for: peer)
        case .replaceAllowedIPs:
            configuration.allowedIPs.removeAll(for: peer.index)
        case .allowedIP(let prefix):
            configuration.allowedIPs.insert(prefix, for: peer.index)
        default:
            break
        }
    }

    private func remove(_ peer: EnginePeer, from configuration: inout DeviceConfiguration) {
        configuration.allowedIPs.removeAll(for: peer.index)
        engine.removePeer(peer)
    }
}
