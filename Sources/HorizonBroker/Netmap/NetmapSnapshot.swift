import Foundation
import SQLKit

/// Every approved node, as the store had them at one change revision: read once (two
/// indexed queries), then shared by every netmap built until the next change, so 1,000
/// watchers woken by one change cost two queries, not 2,000.
///
/// Peers are kept in netmap order (by id string) with their version digests, so a map is
/// assembled without sorting or re-hashing its peers.
struct NetmapSnapshot: Sendable {
    /// The approved nodes of one kind.
    struct Members: Sendable {
        var members: [Netmap.Member] = []
        var digests: [NetmapVersion.Digest] = []
        /// Servers: the last heartbeat, for the online test at read time.
        var lastHeartbeats: [Date?] = []
        var index: [UUID: Int] = [:]

        init(_ rows: [NetmapPeerRow], kind: Node.Kind) {
            let sorted = rows.map { ($0.id.uuidString, $0) }.sorted { $0.0 < $1.0 }.map(\.1)
            members.reserveCapacity(sorted.count)
            for (position, row) in sorted.enumerated() {
                let member = row.member(kind: kind)
                members.append(member)
                digests.append(NetmapVersion.Digest(member))
                lastHeartbeats.append(row.lastHeartbeatAt)
                index[row.id] = position
            }
        }
    }

    let servers: Members
    let devices: Members

    static func read(on sql: any SQLDatabase) async throws -> NetmapSnapshot {
        let servers = try await NetmapPeerRow.approved(.server, on: sql)
        let devices = try await NetmapPeerRow.approved(.device, on: sql)
        return NetmapSnapshot(servers: Members(servers, kind: .server), devices: Members(devices, kind: .device))
    }

    /// The node itself, if it is approved.
    func member(_ id: UUID) -> Netmap.Member? {
        if let position = servers.index[id] { return servers.members[position] }
        if let position = devices.index[id] { return devices.members[position] }
        return nil
    }

    /// The map of `node` (which sees peers): approved devices for a server; approved servers
    /// that heartbeat at or after `onlineSince` for a device.
    func netmap(of node: Netmap.Member, onlineSince: Date) -> Netmap {
        switch NetmapPolicy.peerKind(of: node.kind) {
        case .device:
            return Netmap(node: node, sortedPeers: devices.members, digests: devices.digests)
        case .server:
            let online = servers.lastHeartbeats.indices.filter { servers.lastHeartbeats[$0].map { $0 >= onlineSince } ?? false }
            return Netmap(node: node, sortedPeers: online.map { servers.members[$0] }, digests: online.map { servers.digests[$0] })
        }
    }
}
