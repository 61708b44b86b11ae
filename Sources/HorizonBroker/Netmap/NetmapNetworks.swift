import Foundation

/// The part of a netmap beyond peers: the networks the node is a member of (with the other
/// members, their MACs and announced services) and the relays it may use. Built by
/// ``NetmapNetworksBuilder``; covered by the netmap's version.
struct NetmapNetworks: Sendable, Equatable {
    /// Another member of a network, as this node sees it there.
    struct Member: Sendable, Equatable {
        var nodeID: UUID
        var kind: Node.Kind
        var name: String
        var publicKey: String
        /// Its addresses in the network, IPv4 first.
        var addresses: [String]
        var mac: String
        var endpoints: [String]
    }

    /// A service a member (this node included) announced in the network.
    struct Service: Sendable, Equatable {
        var id: UUID
        var nodeID: UUID
        var name: String
        var port: Int
        var transport: ServiceAnnouncement.TransportProtocol
    }

    /// One network the node is a member of.
    struct Entry: Sendable, Equatable {
        var id: UUID
        var name: String
        var mode: Network.Mode
        var tag: Int
        var ipv4CIDR: String
        var ipv6Prefix: String
        /// This node's addresses and MAC in the network.
        var addresses: [String]
        var mac: String
        /// The other approved members, by node id.
        var members: [Member]
        /// By node id, then protocol and port.
        var services: [Service]
    }

    /// By name.
    var networks: [Entry] = []
    var relays: [RelayServer] = []

    var isEmpty: Bool { networks.isEmpty && relays.isEmpty }
}
