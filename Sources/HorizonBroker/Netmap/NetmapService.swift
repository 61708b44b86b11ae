import Fluent
import Foundation
import SQLKit

/// Builds netmaps from the store and answers long-polls with ``NetmapChangeHub``.
struct NetmapService: Sendable {
    let changes: NetmapChangeHub
    let clock: BrokerClock
    /// Servers whose last heartbeat is older than this are offline and left out of devices'
    /// netmaps (the rule of ``ServerService``; the presence sweep publishes the transitions).
    let serverOfflineAfter: TimeInterval
    /// Adds the node's networks, their members and the relays.
    var networks = NetmapNetworksBuilder()

    /// The longest a long-poll or a watcher waits between recomputations.
    static let maxWait: Duration = .seconds(60)

    /// The netmap of `nodeID` now: two queries (the node, then all its peers, by the
    /// `nodes_netmap` index), never one per peer. Throws `404` if the node no longer exists.
    func current(for nodeID: UUID, on db: any Database) async throws -> Netmap {
        guard let node = try await Node.find(nodeID, on: db) else { throw APIError.notFound("node") }
        let me = try Self.member(node)
        guard NetmapPolicy.seesPeers(node.status) else { return Netmap(node: me, peers: []) }
        let peerKind = NetmapPolicy.peerKind(of: node.kind)
        guard let sql = db as? any SQLDatabase else { throw APIError(.internalServerError, "internal_error", "the store is not SQL") }
        let onlineSince = peerKind == .server ? clock.now().addingTimeInterval(-serverOfflineAfter) : nil
        let peers = try await NetmapPeerRow.approved(peerKind, onlineSince: onlineSince, on: sql)
        return try await networks.complete(Netmap(node: me, peers: peers.map { $0.member(kind: peerKind) }), on: sql)
    }

    /// The netmap once it differs from `since`, or nil if it still equals `since` when
    /// `wait` is over. Without `since` it returns at once.
    ///
    /// The hub's revision is read before each computation, so a change that commits while
    /// the map is being computed still ends the following wait.
    func next(for nodeID: UUID, since: String?, wait: Duration, on db: any Database) async throws -> Netmap? {
        let clock = ContinuousClock()
        let deadline = clock.now + min(wait, Self.maxWait)
        while true {
            let revision = changes.revision
            let map = try await current(for: nodeID, on: db)
            guard let since, map.version == since else { return map }
            let remaining = deadline - clock.now
            if remaining <= .zero || Task.isCancelled { return nil }
            _ = await changes.waitForChange(after: revision, timeout: remaining)
        }
    }

    private static func member(_ node: Node) throws -> Netmap.Member {
        Netmap.Member(
            id: try node.requireID(), kind: node.kind, name: node.name, publicKey: node.publicKey, status: node.status,
            addresses: [node.ipv4Address, node.ipv6Address].compactMap { $0 }, endpoints: node.endpoints,
            location: node.country.map {
                Netmap.Location(country: $0, city: node.city, latitude: node.latitude, longitude: node.longitude)
            },
            load: node.kind == .server ? node.load : nil)
    }
}
