import Foundation

/// The JSON of a netmap (the `Netmap` schema), byte for byte what a `JSONEncoder` with
/// sorted keys makes of `Components.Schemas.Netmap`, but with the peers spliced in from
/// ``NetmapPeerFragments`` instead of encoded per response. Served by the netmap fetch
/// (``NetmapFetchMiddleware``) and the netmap WebSocket.
struct NetmapJSON: Sendable {
    let fragments: NetmapPeerFragments

    init(fragments: NetmapPeerFragments = NetmapPeerFragments()) {
        self.fragments = fragments
    }

    /// The encoder the generated code uses (`jsonEncodingOptions: [.sortedKeys]`, see `Broker`).
    private static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }

    func encode(_ map: Netmap) throws -> [UInt8] {
        let encoder = Self.encoder()
        let schema = Components.Schemas.Netmap(map, peers: [])
        let peers = try fragments.fragments(of: map) { try Array(encoder.encode(Components.Schemas.NetmapNode($0))) }
        // Members in the order of the schema's sorted keys: networks, peers, relays, self, version.
        var out: [UInt8] = []
        out.reserveCapacity(peers.reduce(256) { $0 + $1.count + 1 })
        out += #"{"#.utf8
        if let networks = schema.networks {
            out += #""networks":"#.utf8
            out += try encoder.encode(networks)
            out += #","#.utf8
        }
        out += #""peers":["#.utf8
        for (index, peer) in peers.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += peer
        }
        out += #"],"#.utf8
        if let relays = schema.relays {
            out += #""relays":"#.utf8
            out += try encoder.encode(relays)
            out += #","#.utf8
        }
        out += #""self":"#.utf8
        out += try encoder.encode(schema._self)
        out += #","version":"#.utf8
        out += try encoder.encode(schema.version)
        out += #"}"#.utf8
        return out
    }
}
