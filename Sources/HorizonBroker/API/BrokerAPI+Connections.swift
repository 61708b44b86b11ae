import Foundation
import HorizonCore

/// `POST /api/v1/node/sessions` (nodes report) and `GET /api/v1/connections` (people list).
extension BrokerAPI {
    func reportNodeSession(_ input: Operations.ReportNodeSession.Input) async throws -> Operations.ReportNodeSession.Output {
        let context = try RequestContext.get()
        let node = try context.requireNode()
        guard case .json(let body) = input.body else { throw APIError.badRequest("expected a JSON body") }
        let report = try SessionReport(body)
        let recorded = try await services.connections.report(report, from: node, on: context.db)
        return .ok(.init(body: .json(try .init(recorded))))
    }

    func listConnections(_ input: Operations.ListConnections.Input) async throws -> Operations.ListConnections.Output {
        let context = try RequestContext.get()
        let principal = try context.requireUser()
        let query = input.query
        let limit = query.limit ?? 100
        guard (1...500).contains(limit) else { throw APIError.badRequest("limit must be between 1 and 500") }
        let offset = query.offset ?? 0
        guard (0...Int(Int32.max)).contains(offset) else { throw APIError.badRequest("offset must be between 0 and \(Int32.max)") }
        let state = ConnectionService.StateFilter(rawValue: (query.state ?? .live).rawValue) ?? .live
        let page = try await services.connections.page(
            state: state, limit: limit, offset: offset, userID: principal.isAdmin ? nil : principal.userID, on: context.db)
        return .ok(.init(body: .json(.init(connections: try page.connections.map(Components.Schemas.Connection.init), nextOffset: page.nextOffset))))
    }
}

extension SessionReport {
    /// Validates what the schema cannot make the generated code check.
    init(_ body: Components.Schemas.SessionReport) throws {
        try CredentialRules.checkText(body.peerPublicKey, field: "peerPublicKey", maxLength: 64)
        for (name, value) in [("rxBytes", body.rxBytes), ("txBytes", body.txBytes)] {
            if let value, value < 0 { throw APIError.badRequest("\(name) must not be negative") }
        }
        if let endpoint = body.endpoint, (try? Endpoint.parse(endpoint)) == nil {
            throw APIError.badRequest("endpoint must be host:port, e.g. 203.0.113.7:51820 or [2001:db8::1]:51820", code: "invalid_endpoint")
        }
        let event: Event = switch body.event {
        case .up: .up
        case .update: .update
        case .down: .down
        }
        self.init(peerPublicKey: body.peerPublicKey, event: event, rxBytes: body.rxBytes, txBytes: body.txBytes, endpoint: body.endpoint)
    }
}

extension Components.Schemas.Connection {
    init(_ listed: ConnectionService.Listed) throws {
        let row = listed.connection
        self.init(
            id: try row.requireID().uuidString, serverId: row.$server.id.uuidString, serverName: listed.serverName,
            deviceId: row.$device.id.uuidString, deviceName: listed.deviceName, live: listed.live,
            startedAt: row.startedAt, updatedAt: row.updatedAt, endedAt: row.endedAt ?? (listed.live ? nil : row.updatedAt),
            rxBytes: row.rxBytes, txBytes: row.txBytes, endpoint: row.endpoint)
    }
}
