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
    /// When `devices` was read; renewals at the same revision may keep it (see `read`).
    let devicesReadAt: Date

    /// How long a renewal at the same change revision keeps the devices it already has: what
    /// makes a device's entry (name, key, addresses, endpoints) is only ever changed through a
    /// broker or an operator command, and both announce it, so at one revision only servers'
    /// load and heartbeats move. The bound covers an announcement that got lost, as
    /// `NodeCredentialCache.maxAge` does.
    static let devicesMaxAge: TimeInterval = 30

    init(servers: Members, devices: Members, devicesReadAt: Date = Date()) {
        self.servers = servers
        self.devices = devices
        self.devicesReadAt = devicesReadAt
    }

    /// Reads every approved node, or only the servers when `previous` (the snapshot held at the
    /// same revision) has devices younger than ``devicesMaxAge``: a renewal of a map of 1,000
    /// devices then reads ten servers, not 1,010 nodes.
    static func read(on sql: any SQLDatabase, now: Date, renewing previous: NetmapSnapshot?) async throws -> NetmapSnapshot {
        let servers = Members(try await NetmapPeerRow.approved(.server, on: sql), kind: .server)
        if let previous, (0..<devicesMaxAge).contains(now.timeIntervalSince(previous.devicesReadAt)) {
            return NetmapSnapshot(servers: servers, devices: previous.devices, devicesReadAt: previous.devicesReadAt)
        }
        let devices = Members(try await NetmapPeerRow.approved(.device, on: sql), kind: .device)
        return NetmapSnapshot(servers: servers, devices: devices, devicesReadAt: now)
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
