import Foundation

/// `GET /api/v1/node/netmap`: the node's netmap, at once or by long-poll.
extension BrokerAPI {
    func getNodeNetmap(_ input: Operations.GetNodeNetmap.Input) async throws -> Operations.GetNodeNetmap.Output {
        let context = try RequestContext.get()
        let node = try context.requireNode()
        let wait = input.query.wait ?? 0
        guard (0...60).contains(wait) else { throw APIError.badRequest("wait must be between 0 and 60 seconds") }
        guard let map = try await services.netmap.next(
            for: node.nodeID, since: input.query.since, wait: .seconds(wait), on: context.db)
        else { return .notModified(.init()) }
        return .ok(.init(body: .json(.init(map))))
    }
}

extension Components.Schemas.Netmap {
    /// `peers`, when given, stands in for the map's own (``NetmapJSON`` splices them in encoded).
    init(_ map: Netmap, peers: [Components.Schemas.NetmapNode]? = nil) {
        let me = map.node
        self.init(
            version: map.version,
            _self: .init(
                id: me.id.uuidString, kind: .init(me.kind), name: me.name, publicKey: me.publicKey,
                status: .init(me.status), addresses: me.addresses),
            peers: peers ?? map.peers.map(Components.Schemas.NetmapNode.init),
            networks: map.networks.networks.map(Components.Schemas.NetmapNetwork.init),
            relays: map.networks.relays.map(Components.Schemas.Relay.init))
    }
}

extension Components.Schemas.NetmapNode {
    init(_ peer: Netmap.Member) {
        self.init(
            id: peer.id.uuidString, kind: .init(peer.kind), name: peer.name, publicKey: peer.publicKey,
            addresses: peer.addresses, allowedIPs: peer.allowedIPs, endpoints: peer.endpoints,
            location: peer.location.map {
                .init(country: $0.country, city: $0.city, latitude: $0.latitude, longitude: $0.longitude)
            },
            load: peer.load)
    }
}
