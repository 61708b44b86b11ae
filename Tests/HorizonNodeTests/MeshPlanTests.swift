import HorizonBrokerClient
import HorizonCore
@testable import HorizonNode
import Testing

/// What a node puts on its interface for the networks it shares with others.
@Suite struct MeshPlanTests {
    static let keys = (1...4).map { PublicKey(raw: Bytes32([UInt8](repeating: UInt8($0), count: 32))!).base64 }

    static func peer(_ index: Int, kind: Components.Schemas.NodeKind, allowed: [String], endpoints: [String] = []) -> NetmapPeer {
        NetmapPeer(id: "id-\(index)", kind: kind, name: "node\(index)", publicKey: keys[index], addresses: [],
                   allowedIPs: allowed, endpoints: endpoints)
    }

    static func network(_ name: String, mode: Components.Schemas.NetworkMode, addresses: [String], members: [Int]) -> NetmapNetwork {
        NetmapNetwork(
            id: "net-\(name)", name: name, mode: mode, tag: 7, cidr: "10.9.0.0/24", ipv6Prefix: "fd00:9::/64", addresses: addresses,
            mac: "02:00:00:00:00:01",
            members: members.map { .init(id: "id-\($0)", kind: .device, name: "node\($0)", publicKey: keys[$0], addresses: [],
                                         mac: "02:00:00:00:00:0\($0 + 1)", endpoints: []) },
            services: [])
    }

    static func map(status: Components.Schemas.NodeStatus = .approved, peers: [NetmapPeer], networks: [NetmapNetwork]?) -> Netmap {
        Netmap(version: "v", _self: .init(id: "me", kind: .device, name: "me", publicKey: keys[0], status: status, addresses: ["100.64.0.2"]),
               peers: peers, networks: networks)
    }

    @Test func membersOfSharedNetworksArePeersTheGatewayOnlyWhenItSharesOne() throws {
        let map = Self.map(
            peers: [Self.peer(1, kind: .server, allowed: ["100.64.0.1/32"], endpoints: ["192.0.2.1:51820"]),
                    Self.peer(2, kind: .device, allowed: ["10.9.0.3/32"]),
                    Self.peer(3, kind: .server, allowed: [], endpoints: ["192.0.2.3:51820"])],
            networks: [Self.network("office", mode: .l3, addresses: ["10.9.0.2", "fd00:9::2"], members: [2]),
                       Self.network("games", mode: .l2, addresses: ["10.9.1.2"], members: [3])])
        let peers = MeshPlan.peers(in: map)
        #expect(peers.map(\.publicKey.base64) == [Self.keys[2], Self.keys[3]])
        // A device without an endpoint dials in; a server is dialled and kept alive.
        #expect(peers[0].endpoint == nil && peers[0].persistentKeepalive == nil && peers[0].allowedIPs == [IPPrefix("10.9.0.3/32")!])
        #expect(peers[1].endpoint == (try Endpoint.parse("192.0.2.3:51820")) && peers[1].persistentKeepalive == MeshPlan.keepalive)
        // The node's own L3 addresses go on its interface with the network's prefix length (so
        // they are the source towards the members); L2 ones belong to the TAP.
        #expect(MeshPlan.addresses(in: map) == [IPPrefix("10.9.0.2/24")!, IPPrefix("fd00:9::2/64")!])
        #expect(MeshPlan.isMember(map))
        #expect(!MeshPlan.isMember(Self.map(peers: [], networks: [])) && !MeshPlan.isMember(Self.map(peers: [], networks: nil)))
    }

    @Test func anUnapprovedNodeMeshesWithNobody() {
        let map = Self.map(status: .suspended, peers: [Self.peer(2, kind: .device, allowed: ["10.9.0.3/32"])],
                           networks: [Self.network("office", mode: .l3, addresses: ["10.9.0.2"], members: [2])])
        #expect(MeshPlan.peers(in: map).isEmpty && MeshPlan.addresses(in: map).isEmpty && !MeshPlan.isMember(map))
    }

    @Test func aGatewayThatIsAlsoAMemberKeepsItsEntryAndGainsTheMembersAddresses() throws {
        let gateway = DesiredPeer(publicKey: try #require(PublicKey(base64: Self.keys[1])), endpoint: try Endpoint.parse("192.0.2.1:51820"),
                                  allowedIPs: [IPPrefix("0.0.0.0/0")!], persistentKeepalive: 25)
        let asMember = DesiredPeer(publicKey: gateway.publicKey, allowedIPs: [IPPrefix("10.9.0.1/32")!, IPPrefix("0.0.0.0/0")!])
        let other = DesiredPeer(publicKey: try #require(PublicKey(base64: Self.keys[2])), allowedIPs: [IPPrefix("10.9.0.3/32")!])
        let merged = MeshPlan.merge([gateway], [asMember, other])
        #expect(merged.count == 2)
        #expect(merged[0].endpoint == gateway.endpoint && merged[0].persistentKeepalive == 25)
        #expect(merged[0].allowedIPs == [IPPrefix("0.0.0.0/0")!, IPPrefix("10.9.0.1/32")!])
        #expect(merged[1] == other)
        // The mesh never routes a default route: only a gateway connection does, with policy
        // routing; members inside a network of the node's own go by that network's route.
        #expect(MeshPlan.routes([asMember, other], in: nil) == [IPPrefix("10.9.0.1/32")!, IPPrefix("10.9.0.3/32")!])
        let map = Self.map(peers: [], networks: [Self.network("office", mode: .l3, addresses: ["10.9.0.2"], members: [])])
        let overlay = DesiredPeer(publicKey: other.publicKey, allowedIPs: [IPPrefix("100.64.0.7/32")!, IPPrefix("10.9.0.3/32")!])
        #expect(MeshPlan.routes([overlay], in: map) == [IPPrefix("100.64.0.7/32")!])
    }

    @Test func aTAPGetsTheMembersAddressesWithTheNetworksPrefixLengths() {
        let network = Self.network("games", mode: .l2, addresses: ["10.9.0.2", "fd00:9::2", "not-an-address"], members: [])
        #expect(LANAttachments.changes(network, interface: "hzgames", mtu: 1370) == [
            .address(IPPrefix("10.9.0.2/24")!, interface: "hzgames"),
            .address(IPPrefix("fd00:9::2/64")!, interface: "hzgames"),
            .linkUp(interface: "hzgames", mtu: 1370),
        ])
    }
}
