import Fluent
import Foundation

/// Whom one node may signal: the peers of its netmap, recomputed only when the netmap
/// change hub's revision moved (a change on any broker moves it), so a burst of candidates
/// costs one netmap computation, not one per message. Shared by a socket's message loop and
/// the watcher that closes the socket when the node is revoked or removed.
actor SignalPermissions {
    enum Verdict: Sendable {
        case allowed
        case notAPeer
        /// The node was revoked, removed or is no longer approved: end the socket.
        case ended
    }

    let nodeID: UUID
    let netmap: NetmapService
    private var peers: Set<UUID> = []
    private var revision: UInt64?
    private var ended = false

    init(nodeID: UUID, netmap: NetmapService) {
        self.nodeID = nodeID
        self.netmap = netmap
    }

    func check(_ recipient: UUID, on db: any Database) async throws -> Verdict {
        try await refresh(on: db)
        if ended { return .ended }
        return peers.contains(recipient) ? .allowed : .notAPeer
    }

    /// Recomputes the peer set if anything changed since the last computation; returns
    /// whether the node may still signal.
    @discardableResult
    func refresh(on db: any Database) async throws -> Bool {
        let current = netmap.changes.revision
        guard current != revision, !ended else { return !ended }
        do {
            let map = try await netmap.current(for: nodeID, on: db)
            ended = map.node.status != .approved
            peers = Set(map.peers.map(\.id))
        } catch let error as APIError where error.status == .notFound {
            ended = true
        }
        revision = current
        return !ended
    }
}
