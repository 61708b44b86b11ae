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

    /// Approved nodes, read once per change revision and shared by every map built from it.
    let snapshots = NetmapSnapshotCache()

    /// The netmap of `nodeID` now. Throws `404` if the node no longer exists.
    func current(for nodeID: UUID, on db: any Database) async throws -> Netmap {
        try await current(for: nodeID, revision: changes.revision, on: db)
    }

    /// The map as of change `revision` or later: peers (and the node itself, when approved)
    /// come from the revision's ``NetmapSnapshot``; only a node that is not approved is
    /// looked up on its own.
    private func current(for nodeID: UUID, revision: UInt64, on db: any Database) async throws -> Netmap {
        guard let sql = db as? any SQLDatabase else { throw APIError(.internalServerError, "internal_error", "the store is not SQL") }
        let now = clock.now()
        let snapshot = try await snapshots.snapshot(revision: revision, now: now) { previous in
            try await NetmapSnapshot.read(on: sql, now: now, renewing: previous)
        }
        let me: Netmap.Member
        if let approved = snapshot.member(nodeID) {
            me = approved
        } else {
            guard let node = try await Node.find(nodeID, on: db) else { throw APIError.notFound("node") }
            me = try Self.member(node)
        }
        guard NetmapPolicy.seesPeers(me.status) else { return Netmap(node: me, peers: []) }
        return try await networks.complete(snapshot.netmap(of: me, onlineSince: now.addingTimeInterval(-serverOfflineAfter)), on: sql)
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
            let map = try await current(for: nodeID, revision: revision, on: db)
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
