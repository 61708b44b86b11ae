import Foundation
import SQLKit

/// Adds to a netmap what network membership brings: the node's networks with their members
/// and services, the relays, and the members themselves as peers. Members of one network
/// see each other whatever their kind, so tunnels can form between two devices of a LAN; a
/// peer that is there only through networks carries only its addresses in shared `l3`
/// networks (an `l2` network's traffic travels as tagged frames, not routed addresses), and
/// a peer that the device–server rule already lists gains those addresses.
///
/// Three indexed queries (the node's memberships, the other members of those networks, their
/// services), and only one when the node is in no network.
struct NetmapNetworksBuilder: Sendable {
    var relays: [RelayServer] = []

    func complete(_ map: Netmap, on sql: any SQLDatabase) async throws -> Netmap {
        let nodeID = map.node.id
        let own = try await sql.raw("""
            SELECT m.network_id, m.ipv4_address, m.ipv6_address, m.mac, n.name, n.mode, n.tag, n.ipv4_cidr, n.ipv6_prefix
            FROM \(ident: NetworkMember.schema) m JOIN \(ident: Network.schema) n ON n.id = m.network_id
            WHERE m.node_id = \(bind: nodeID)
            """).all(decoding: OwnMembershipRow.self)
        var result = map
        guard !own.isEmpty else {
            result.networks = NetmapNetworks(relays: relays)
            result.version = NetmapNetworksVersion.of(base: map.version, result.networks)
            return result
        }
        let networkIDs = own.map(\.networkId)
        let others = try await sql.raw("""
            SELECT m.network_id, m.node_id, m.ipv4_address, m.ipv6_address, m.mac, d.kind, d.name, d.public_key, d.endpoints
            FROM \(ident: NetworkMember.schema) m JOIN \(ident: Node.schema) d ON d.id = m.node_id
            WHERE m.network_id IN (\(binds: networkIDs)) AND m.node_id <> \(bind: nodeID)
              AND d.status = \(bind: Node.Status.approved.rawValue)
            """).all(decoding: MemberRow.self)
        let services = try await sql.raw("""
            SELECT id, network_id, node_id, name, port, protocol FROM \(ident: ServiceAnnouncement.schema)
            WHERE network_id IN (\(binds: networkIDs))
            """).all(decoding: ServiceRow.self)

        let visible = Set(others.map(\.nodeId)).union([nodeID])
        let membersByNetwork = Dictionary(grouping: others, by: \.networkId)
        let servicesByNetwork = Dictionary(grouping: services.filter { visible.contains($0.nodeId) }, by: \.networkId)
        let entries = own.map { row in
            NetmapNetworks.Entry(
                id: row.networkId, name: row.name, mode: row.mode, tag: row.tag, ipv4CIDR: row.ipv4Cidr,
                ipv6Prefix: row.ipv6Prefix, addresses: [row.ipv4Address, row.ipv6Address], mac: row.mac,
                members: (membersByNetwork[row.networkId] ?? []).map(\.member).sorted { $0.nodeID.uuidString < $1.nodeID.uuidString },
                services: (servicesByNetwork[row.networkId] ?? []).map(\.service).sorted {
                    ($0.nodeID.uuidString, $0.transport.rawValue, $0.port) < ($1.nodeID.uuidString, $1.transport.rawValue, $1.port)
                })
        }.sorted { $0.name < $1.name }

        let routed = Set(own.filter { $0.mode == .l3 }.map(\.networkId))
        result = Netmap(node: map.node, peers: Self.merge(map.peers, with: others, routedIn: routed))
        result.networks = NetmapNetworks(networks: entries, relays: relays)
        result.version = NetmapNetworksVersion.of(base: result.version, result.networks)
        return result
    }

    /// `peers` plus every member not among them, each with its addresses in the routed networks.
    private static func merge(_ peers: [Netmap.Member], with members: [MemberRow], routedIn routed: Set<UUID>) -> [Netmap.Member] {
        var byID = Dictionary(uniqueKeysWithValues: peers.map { ($0.id, $0) })
        for row in members {
            var peer = byID[row.nodeId] ?? Netmap.Member(
                id: row.nodeId, kind: row.kind, name: row.name, publicKey: row.publicKey, status: .approved,
                addresses: [], endpoints: row.endpoints, location: nil, load: nil)
            if routed.contains(row.networkId) { peer.addresses += [row.ipv4Address, row.ipv6Address] }
            byID[row.nodeId] = peer
        }
        return Array(byID.values)
    }
}

private struct OwnMembershipRow: Decodable {
    var networkId: UUID
    var ipv4Address: String
    var ipv6Address: String
    var mac: String
    var name: String
    var mode: Network.Mode
    var tag: Int
    var ipv4Cidr: String
    var ipv6Prefix: String

    enum CodingKeys: String, CodingKey {
        case networkId = "network_id", ipv4Address = "ipv4_address", ipv6Address = "ipv6_address", mac, name, mode, tag
        case ipv4Cidr = "ipv4_cidr", ipv6Prefix = "ipv6_prefix"
    }
}

private struct MemberRow: Decodable {
    var networkId: UUID
    var nodeId: UUID
    var ipv4Address: String
    var ipv6Address: String
    var mac: String
    var kind: Node.Kind
    var name: String
    var publicKey: String
    var endpoints: [String]

    enum CodingKeys: String, CodingKey {
        case networkId = "network_id", nodeId = "node_id", ipv4Address = "ipv4_address", ipv6Address = "ipv6_address"
        case mac, kind, name, publicKey = "public_key", endpoints
    }

    var member: NetmapNetworks.Member {
        NetmapNetworks.Member(
            nodeID: nodeId, kind: kind, name: name, publicKey: publicKey, addresses: [ipv4Address, ipv6Address],
            mac: mac, endpoints: endpoints)
    }
}

private struct ServiceRow: Decodable {
    var id: UUID
    var networkId: UUID
    var nodeId: UUID
    var name: String
    var port: Int
    var transport: ServiceAnnouncement.TransportProtocol

    enum CodingKeys: String, CodingKey {
        case id, networkId = "network_id", nodeId = "node_id", name, port, transport = "protocol"
    }

    var service: NetmapNetworks.Service {
        NetmapNetworks.Service(id: id, nodeID: nodeId, name: name, port: port, transport: transport)
    }
}
