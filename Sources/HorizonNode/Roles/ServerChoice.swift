/// Picking a gateway: by name or id, or the best by measured latency weighted by load.
public struct ServerCandidate: Codable, Equatable, Sendable {
    public var id: String
    public var name: String
    public var publicKey: String
    public var endpoints: [String]
    public var country: String?
    public var city: String?
    /// 0 to 1, from the server's last heartbeat.
    public var load: Double?
    /// Round-trip time to the endpoint; nil when it did not answer the probe.
    public var rttMilliseconds: Double?

    init(_ peer: NetmapPeer) {
        id = peer.id
        name = peer.name
        publicKey = peer.publicKey
        endpoints = peer.endpoints
        country = peer.location?.country
        city = peer.location?.city
        load = peer.load
    }

    /// Lower is better: latency grows with load (a full server is as bad as one twice as far),
    /// and a server that did not answer ranks after every one that did.
    var score: Double {
        guard let rtt = rttMilliseconds else { return .infinity }
        return rtt * (1 + (load ?? 0))
    }
}

enum ServerChoice {
    /// The servers in a device's netmap that can be connected to (approved, online, reachable somewhere).
    static func candidates(in map: Netmap) -> [ServerCandidate] {
        map.peers.filter { $0.kind == .server && !$0.endpoints.isEmpty }.map(ServerCandidate.init)
    }

    /// `reference` is a name or an id; nil picks the best.
    static func pick(_ reference: String?, from candidates: [ServerCandidate]) -> ServerCandidate? {
        if let reference {
            return candidates.first { $0.id == reference } ?? candidates.first { $0.name == reference }
        }
        return candidates.min { ($0.score, $0.load ?? 0) < ($1.score, $1.load ?? 0) }
    }

    /// Fills in each candidate's latency to its first endpoint.
    static func probed(_ candidates: [ServerCandidate]) async -> [ServerCandidate] {
        let rtts = await LatencyProbe.measure(candidates.compactMap(\.endpoints.first))
        return candidates.map { candidate in
            var probed = candidate
            probed.rttMilliseconds = candidate.endpoints.first.flatMap { rtts[$0] }
            return probed
        }
    }
}
