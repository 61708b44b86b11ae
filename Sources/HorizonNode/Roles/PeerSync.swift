import HorizonCore
import HorizonDevice

/// A WireGuard peer as a role wants it on its device.
public struct DesiredPeer: Equatable, Sendable {
    public var publicKey: PublicKey
    public var endpoint: Endpoint?
    public var allowedIPs: [IPPrefix]
    public var persistentKeepalive: UInt16?

    public init(publicKey: PublicKey, endpoint: Endpoint? = nil, allowedIPs: [IPPrefix], persistentKeepalive: UInt16? = nil) {
        self.publicKey = publicKey
        self.endpoint = endpoint
        self.allowedIPs = allowedIPs
        self.persistentKeepalive = persistentKeepalive
    }
}

extension DesiredPeer {
    /// The peer as a configuration entry, for a device created with it.
    var configPeer: WireGuardConfig.Peer {
        var peer = WireGuardConfig.Peer(publicKey: publicKey)
        peer.endpoint = endpoint
        peer.allowedIPs = allowedIPs
        peer.persistentKeepalive = persistentKeepalive
        return peer
    }
}

/// The UAPI operations that turn a device's peers into the desired ones, touching only what
/// differs: peers that stay keep their sessions (and counters), which a full replace would drop.
public enum PeerSync {
    public static func operations(from current: [UAPIPeerSnapshot], to desired: [DesiredPeer]) -> [UAPISetOperation] {
        let wanted = Dictionary(desired.map { ($0.publicKey, $0) }, uniquingKeysWith: { first, _ in first })
        var operations: [UAPISetOperation] = []
        for peer in current where wanted[peer.publicKey] == nil {
            operations += [.peer(peer.publicKey), .removePeer]
        }
        let existing = Dictionary(current.map { ($0.publicKey, $0) }, uniquingKeysWith: { first, _ in first })
        for peer in desired {
            let now = existing[peer.publicKey]
            let sameIPs = now.map { Set($0.allowedIPs.map(\.masked)) == Set(peer.allowedIPs.map(\.masked)) } ?? false
            // An endpoint the peer roamed to is newer than the broker's: only set one when the
            // device has none (or the peer is new).
            let needsEndpoint = peer.endpoint != nil && now?.endpoint == nil
            let sameKeepalive = now?.persistentKeepaliveInterval == peer.persistentKeepalive
            guard now == nil || !sameIPs || needsEndpoint || !sameKeepalive else { continue }
            operations.append(.peer(peer.publicKey))
            if let endpoint = peer.endpoint, needsEndpoint { operations.append(.endpoint(endpoint)) }
            if !sameKeepalive { operations.append(.persistentKeepaliveInterval(peer.persistentKeepalive)) }
            if !sameIPs {
                operations.append(.replaceAllowedIPs)
                operations += peer.allowedIPs.map { .allowedIP($0.masked) }
            }
        }
        return operations
    }
}
