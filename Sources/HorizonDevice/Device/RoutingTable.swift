import HorizonWireGuard

/// An immutable snapshot of cryptokey routing: allowed IPs to peer ids, and the peers by
/// id. The packet threads take the current snapshot once per batch and then route
/// without any lock; configuration changes publish a new snapshot.
final class RoutingTable: Sendable {
    let allowedIPs: AllowedIPs
    private let peers: [EnginePeer?]

    init(allowedIPs: AllowedIPs, peers: [EnginePeer]) {
        self.allowedIPs = allowedIPs
        var byID = [EnginePeer?](repeating: nil, count: (peers.map { Int($0.id.rawValue) }.max() ?? -1) + 1)
        for peer in peers { byID[Int(peer.id.rawValue)] = peer }
        self.peers = byID
    }

    static let empty = RoutingTable(allowedIPs: AllowedIPs(), peers: [])

    func peer(_ index: PeerIndex) -> EnginePeer? {
        Int(index.rawValue) < peers.count ? peers[Int(index.rawValue)] : nil
    }
}

extension EnginePeer {
    /// The engine's dense peer id is the device's peer index.
    var index: PeerIndex { PeerIndex(id.rawValue) }
}
