import Foundation

/// What one node may know of the network: itself and the peers it may talk to. Built by
/// ``NetmapService``; the API maps it to the `Netmap` schema.
struct Netmap: Sendable, Equatable {
    /// Where a server stands, as its operator registered it.
    struct Location: Sendable, Equatable {
        var country: String
        var city: String?
        var latitude: Double?
        var longitude: Double?
    }

    /// A node as the netmap shows it (the node itself or a peer).
    struct Member: Sendable, Equatable {
        var id: UUID
        var kind: Node.Kind
        var name: String
        var publicKey: String
        var status: Node.Status
        /// Overlay addresses, IPv4 first.
        var addresses: [String]
        var endpoints: [String]
        var location: Location?
        /// A server's last reported load. Not part of the version: it moves with every
        /// heartbeat, and a map that changed with each one would wake every node each time.
        var load: Double?

        /// What a peer routes to this node: each overlay address as a host prefix.
        var allowedIPs: [String] { addresses.map { $0 + ($0.contains(":") ? "/128" : "/32") } }
    }

    var node: Member
    private(set) var peers: [Member]
    /// Each peer's digest, in the order of `peers`: the key under which its encoded form is
    /// reused (``NetmapPeerFragments``).
    private(set) var peerDigests: [NetmapVersion.Digest]
    /// A hash of everything above but load, equal on every broker that reads the same rows.
    var version: String
    /// Networks the node is a member of, and relays (covered by `version`, see ``NetmapNetworksBuilder``).
    var networks = NetmapNetworks()

    init(node: Member, peers: [Member]) {
        // Keys made once per peer, not once per comparison.
        let sorted = peers.map { ($0.id.uuidString, $0) }.sorted { $0.0 < $1.0 }.map(\.1)
        self.init(node: node, sortedPeers: sorted, digests: sorted.map(NetmapVersion.Digest.init))
    }

    /// A map from peers already in netmap order (by id string) with their digests, as a
    /// ``NetmapSnapshot`` keeps them.
    init(node: Member, sortedPeers: [Member], digests: some Collection<NetmapVersion.Digest>) {
        self.node = node
        self.peers = sortedPeers
        self.peerDigests = Array(digests)
        self.version = NetmapVersion.of(node: NetmapVersion.Digest(node), peers: peerDigests)
    }
}
