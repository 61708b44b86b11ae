import Foundation

// Mapping the networks part of a netmap (``NetmapNetworks``) to the API's schemas.

extension Components.Schemas.NetmapNetwork {
    init(_ entry: NetmapNetworks.Entry) {
        self.init(
            id: entry.id.uuidString, name: entry.name, mode: .init(entry.mode), tag: entry.tag, cidr: entry.ipv4CIDR,
            ipv6Prefix: entry.ipv6Prefix, addresses: entry.addresses, mac: entry.mac,
            members: entry.members.map {
                .init(id: $0.nodeID.uuidString, kind: .init($0.kind), name: $0.name, publicKey: $0.publicKey,
                      addresses: $0.addresses, mac: $0.mac, endpoints: $0.endpoints)
            },
            services: entry.services.map {
                .init(id: $0.id.uuidString, nodeId: $0.nodeID.uuidString, name: $0.name, port: $0.port, _protocol: .init($0.transport))
            })
    }
}

extension Components.Schemas.Relay {
    init(_ relay: RelayServer) {
        self.init(
            uri: relay.uri, kind: relay.kind == .turn ? .turn : .stun, host: relay.host, port: relay.port,
            username: relay.username, password: relay.password)
    }
}
