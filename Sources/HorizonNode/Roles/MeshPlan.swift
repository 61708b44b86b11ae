import HorizonCore

/// The node's side of the networks it shares with other nodes: those members as WireGuard
/// peers. Both roles put them on their one device beside their own peers (a server's clients,
/// a client's gateway) — two devices with one key would fight over the peers' endpoints.
enum MeshPlan {
    static let keepalive: UInt16 = 25

    /// Whether the node needs an interface for its networks alone: it is an approved member
    /// of any network (an L2 one gets its TAP before anyone else joins).
    static func isMember(_ map: Netmap?) -> Bool {
        guard let map, map._self.status == .approved else { return false }
        return !(map.networks ?? []).isEmpty
    }

    /// The other members of this node's networks. A member with an announced endpoint (a
    /// server) is dialled and kept alive; the others dial in, or get a path from NAT traversal.
    static func peers(in map: Netmap) -> [DesiredPeer] {
        memberPeers(in: map).compactMap { peer in
            guard let key = PublicKey(base64: peer.publicKey) else { return nil }
            let endpoint = peer.endpoints.lazy.compactMap { try? Endpoint.parse($0) }.first
            return DesiredPeer(
                publicKey: key, endpoint: endpoint, allowedIPs: peer.allowedIPs.compactMap(IPPrefix.init),
                persistentKeepalive: endpoint == nil ? nil : keepalive)
        }
    }

    /// The members only NAT traversal can reach: those without an announced endpoint
    /// (devices), for `PeerPaths`. A server is dialled at its endpoint instead.
    static func pathPeers(in map: Netmap) -> [PathPeer] {
        memberPeers(in: map).compactMap { peer in
            guard peer.endpoints.isEmpty, let key = PublicKey(base64: peer.publicKey) else { return nil }
            return PathPeer(id: peer.id, publicKey: key)
        }
    }

    /// The netmap's peers that share a network with this node (none unless it is approved).
    private static func memberPeers(in map: Netmap) -> [NetmapPeer] {
        guard map._self.status == .approved else { return [] }
        let members = Set((map.networks ?? []).flatMap { $0.members.map(\.id) })
        return map.peers.filter { members.contains($0.id) }
    }

    /// `own` (the role's peers) with `mesh` added: a node in both keeps its role entry's
    /// endpoint and keepalive and gets both sets of allowed IPs.
    static func merge(_ own: [DesiredPeer], _ mesh: [DesiredPeer]) -> [DesiredPeer] {
        var merged = own
        var index = Dictionary(own.enumerated().map { ($1.publicKey, $0) }, uniquingKeysWith: { first, _ in first })
        for peer in mesh {
            if let at = index[peer.publicKey] {
                let known = Set(merged[at].allowedIPs.map(\.masked))
                merged[at].allowedIPs += peer.allowedIPs.filter { !known.contains($0.masked) }
                merged[at].endpoint = merged[at].endpoint ?? peer.endpoint
                merged[at].persistentKeepalive = merged[at].persistentKeepalive ?? peer.persistentKeepalive
            } else {
                index[peer.publicKey] = merged.count
                merged.append(peer)
            }
        }
        return merged
    }

    /// This node's own addresses in its L3 networks, for its interface (an L2 network's go on
    /// its TAP), with the networks' prefix lengths: the kernel then takes the network's address
    /// as the source towards its members (with a /32 it would take the overlay address, which
    /// the members' cryptokey routing refuses).
    static func addresses(in map: Netmap) -> [IPPrefix] {
        guard map._self.status == .approved else { return [] }
        let own = Set(map._self.addresses.compactMap(IPAddress.init))
        return (map.networks ?? []).filter { $0.mode == .l3 }.flatMap(prefixes).filter { !own.contains($0.address) }
    }

    /// The node's addresses in `network` with the network's prefix lengths.
    static func prefixes(_ network: NetmapNetwork) -> [IPPrefix] {
        let subnets = [IPPrefix(network.cidr), IPPrefix(network.ipv6Prefix)].compactMap { $0 }
        return network.addresses.compactMap { text in
            guard let address = IPAddress(text), let subnet = subnets.first(where: { $0.address.isIPv4 == address.isIPv4 }) else { return nil }
            return IPPrefix(address: address, length: subnet.length)
        }
    }

    /// Routes `peers` need in the main table: their addresses, except those inside a network
    /// whose subnet the node's own address there already routes to the interface (that route
    /// carries the node's address as the source; a host route would not), and never a default
    /// route, which only a gateway connection sets up, with policy routing.
    static func routes(_ peers: [DesiredPeer], in map: Netmap?) -> [IPPrefix] {
        let subnets = map.map(addresses)?.map(\.masked) ?? []
        return peers.flatMap(\.allowedIPs).filter { prefix in
            prefix.length > 0 && !subnets.contains { $0.length <= prefix.length && $0.contains(prefix.address) }
        }
    }
}
