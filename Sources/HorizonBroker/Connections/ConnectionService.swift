import Fluent
import Foundation
import Prometheus

/// Records the sessions nodes report and lists them. A session is live until an end reports
/// `down` or until neither end has reported for ``timeout``; the timeout is applied when
/// rows are read or reported on, so no broker has to sweep.
struct ConnectionService: Sendable {
    let clock: BrokerClock
    let metrics: PrometheusCollectorRegistry

    /// Long enough for nodes that report every minute to miss two reports.
    static let timeout: TimeInterval = 180

    enum StateFilter: String, Sendable {
        case live, ended, all
    }

    struct Listed: Sendable {
        var connection: NodeConnection
        var serverName: String
        var deviceName: String
        var live: Bool
    }

    /// Applies `report` from `reporter` and returns the session as recorded.
    func report(_ report: SessionReport, from reporter: NodePrincipal, on db: any Database) async throws -> Listed {
        guard reporter.status == .approved else {
            throw APIError(.forbidden, "node_not_approved", "only approved nodes report sessions; this one is \(reporter.status.rawValue)")
        }
        let peerKind = NetmapPolicy.peerKind(of: reporter.kind)
        guard let peer = try await Node.query(on: db)
            .filter(\.$publicKey == report.peerPublicKey).filter(\.$kind == peerKind).first()
        else { throw APIError.notFound("\(peerKind.rawValue) with that public key") }
        let peerID = try peer.requireID()
        let (serverID, deviceID) = reporter.kind == .server ? (reporter.nodeID, peerID) : (peerID, reporter.nodeID)
        let now = clock.now()
        metrics.makeCounter(
            name: "horizon_node_session_reports_total", labels: [("event", report.event.rawValue)],
            help: "Session reports from nodes, by event."
        ).increment()

        let row: NodeConnection
        if let live = try await liveSession(server: serverID, device: deviceID, now: now, on: db) {
            row = live
        } else {
            guard report.event != .down else { throw APIError.notFound("live session with that peer") }
            row = try await open(server: serverID, device: deviceID, now: now, on: db)
        }
        apply(report, from: reporter.kind, to: row, now: now)
        try await row.update(on: db)
        let names = reporter.kind == .server ? (reporter.name, peer.name) : (peer.name, reporter.name)
        return Listed(connection: row, serverName: names.0, deviceName: names.1, live: row.endedAt == nil)
    }

    /// The pair's live row, after ending it if it timed out.
    private func liveSession(server: UUID, device: UUID, now: Date, on db: any Database) async throws -> NodeConnection? {
        guard let row = try await NodeConnection.query(on: db)
            .filter(\.$server.$id == server).filter(\.$device.$id == device).filter(\.$endedAt == nil).first()
        else { return nil }
        guard row.updatedAt > now.addingTimeInterval(-Self.timeout) else {
            row.endedAt = row.updatedAt
            try await row.update(on: db)
            return nil
        }
        return row
    }

    /// A new live row; if the other end's report opened one first, that one.
    private func open(server: UUID, device: UUID, now: Date, on db: any Database) async throws -> NodeConnection {
        let row = NodeConnection(serverID: server, deviceID: device, startedAt: now)
        do {
            try await row.create(on: db)
            return row
        } catch {
            guard let existing = try await liveSession(server: server, device: device, now: now, on: db) else { throw error }
            return existing
        }
    }

    private func apply(_ report: SessionReport, from kind: Node.Kind, to row: NodeConnection, now: Date) {
        // Both ends count the same session; the larger figure is the more recent one.
        let (rx, tx) = report.deviceCounters(reporter: kind)
        if let rx { row.rxBytes = max(row.rxBytes, rx) }
        if let tx { row.txBytes = max(row.txBytes, tx) }
        if let endpoint = report.endpoint { row.endpoint = endpoint }
        row.updatedAt = now
        if report.event == .down { row.endedAt = now }
    }

    /// A page of sessions, newest first; with `userID`, only those of that user's devices.
    /// Two queries: the page, then the names of the nodes on it.
    func page(
        state: StateFilter, limit: Int, offset: Int, userID: UUID?, on db: any Database
    ) async throws -> (connections: [Listed], nextOffset: Int?) {
        let cutoff = clock.now().addingTimeInterval(-Self.timeout)
        var query = NodeConnection.query(on: db)
        switch state {
        case .live: query = query.filter(\.$endedAt == nil).filter(\.$updatedAt > cutoff)
        case .ended: query = query.group(.or) { $0.filter(\.$endedAt != nil).filter(\.$updatedAt <= cutoff) }
        case .all: break
        }
        if let userID {
            query = query.join(Node.self, on: \NodeConnection.$device.$id == \Node.$id).filter(Node.self, \.$user.$id == userID)
        }
        let rows = try await query.sort(\.$startedAt, .descending).sort(\.$id).range(offset..<(offset + limit + 1)).all()
        let page = Array(rows.prefix(limit))
        let ids = Set(page.flatMap { [$0.$server.id, $0.$device.id] })
        let names = Dictionary(uniqueKeysWithValues: try await Node.query(on: db).filter(\.$id ~~ ids).all().map { ($0.id, $0.name) })
        let listed = page.map { row in
            Listed(
                connection: row, serverName: names[row.$server.id] ?? "", deviceName: names[row.$device.id] ?? "",
                live: row.endedAt == nil && row.updatedAt > cutoff)
        }
        return (listed, rows.count > limit ? offset + limit : nil)
    }
}
