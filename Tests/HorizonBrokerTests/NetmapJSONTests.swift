import Foundation
@testable import HorizonBroker
import Synchronization
import Testing

/// The netmap body assembled from encoded peers is the generated encoder's output byte for
/// byte, peers are encoded once while they stay the same, and the fetch's fast path takes only
/// the queries it can read exactly.
@Suite struct NetmapJSONTests {
    static func member(_ name: String, kind: Node.Kind, load: Double? = nil, located: Bool = false) -> Netmap.Member {
        Netmap.Member(
            id: UUID(), kind: kind, name: name, publicKey: "key-\(name)=", status: .approved,
            addresses: ["100.64.0.\(name.count)", "fd00::\(name.count)"], endpoints: ["198.51.100.7:51820", "[2001:db8::1]:51820"],
            location: located ? Netmap.Location(country: "DE", city: "Köln \"Süd\"", latitude: 50.94, longitude: 6.96) : nil,
            load: load)
    }

    static func sample() -> Netmap {
        let me = member("laptop", kind: .device)
        var map = Netmap(node: me, peers: [
            member("gw-a", kind: .server, load: 0.25, located: true), member("gw-b/2", kind: .server, load: 0),
            member("gw-c", kind: .server),
        ])
        let other = NetmapNetworks.Member(
            nodeID: UUID(), kind: .device, name: "desk", publicKey: "k=", addresses: ["10.9.0.3", "fd01::3"],
            mac: "02:00:00:00:00:03", endpoints: [])
        map.networks = NetmapNetworks(
            networks: [NetmapNetworks.Entry(
                id: UUID(), name: "lab", mode: .l2, tag: 7, ipv4CIDR: "10.9.0.0/24", ipv6Prefix: "fd01::/64",
                addresses: ["10.9.0.2", "fd01::2"], mac: "02:00:00:00:00:02", members: [other],
                services: [NetmapNetworks.Service(id: UUID(), nodeID: other.nodeID, name: "smb", port: 445, transport: .tcp)])],
            relays: [RelayServer(kind: .turn, host: "relay.example", port: 3478, username: "u", password: "p/w")])
        return map
    }

    static func generated(_ map: Netmap) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return Array(try encoder.encode(Components.Schemas.Netmap(map)))
    }

    @Test func bodyIsTheGeneratedEncodersOutput() throws {
        let json = NetmapJSON()
        let full = Self.sample()
        #expect(try json.encode(full) == Self.generated(full))
        let bare = Netmap(node: Self.member("alone", kind: .server), peers: [])
        #expect(try json.encode(bare) == Self.generated(bare))
        // Again, now from held fragments.
        #expect(try json.encode(full) == Self.generated(full))
    }

    @Test func peersAreEncodedOnceWhileTheyStayTheSame() throws {
        let fragments = NetmapPeerFragments()
        let encodings = Mutex(0)
        let encode: (Netmap.Member) throws -> [UInt8] = { peer in
            encodings.withLock { $0 += 1 }
            return Array(peer.name.utf8)
        }
        var map = Self.sample()
        #expect(try fragments.fragments(of: map, encode: encode).map { String(decoding: $0, as: UTF8.self) } == map.peers.map(\.name))
        _ = try fragments.fragments(of: map, encode: encode)
        #expect(encodings.withLock { $0 } == 3)

        // A new load is a new fragment for that peer only.
        var peers = map.peers
        peers[0].load = 0.75
        map = Netmap(node: map.node, peers: peers)
        _ = try fragments.fragments(of: map, encode: encode)
        #expect(encodings.withLock { $0 } == 4)
    }

    @Test func heldFragmentsAreBounded() throws {
        let fragments = NetmapPeerFragments(capacity: 4)
        let maps = (0..<5).map { index in
            Netmap(node: Self.member("n\(index)", kind: .device), peers: (0..<3).map { Self.member("s\(index)-\($0)", kind: .server) })
        }
        for map in maps { _ = fragments.fragments(of: map) { Array($0.name.utf8) } }
        #expect(fragments.count <= 2 * 4)
        let encodings = Mutex(0)
        _ = fragments.fragments(of: maps[4]) { peer in
            encodings.withLock { $0 += 1 }
            return Array(peer.name.utf8)
        }
        #expect(encodings.withLock { $0 } == 0, "the latest map's peers are still held")
    }

    @Test func fastPathTakesOnlyPlainQueries() {
        let plain = NetmapFetchQuery(path: "/api/v1/node/netmap")
        #expect(plain != nil && plain?.since == nil && plain?.wait == 0)
        let poll = NetmapFetchQuery(path: "/api/v1/node/netmap?since=ab12&wait=55")
        #expect(poll?.since == "ab12" && poll?.wait == 55)
        let reordered = NetmapFetchQuery(path: "/api/v1/node/netmap?wait=0&since=x-y_z.~")
        #expect(reordered?.since == "x-y_z.~" && reordered?.wait == 0)
        for refused in [
            "?wait=61", "?wait=-1", "?wait=abc", "?wait=", "?since=", "?since=a%20b", "?since=a+b", "?since=a&since=b",
            "?wait=1&wait=2", "?other=1", "?since", "?since=a&", "?&",
        ] {
            #expect(NetmapFetchQuery(path: "/api/v1/node/netmap" + refused) == nil, "\(refused)")
        }
    }
}
