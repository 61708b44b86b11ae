import Foundation

/// `GET /api/v1/audit` (admin).
extension BrokerAPI {
    func listAuditEvents(_ input: Operations.ListAuditEvents.Input) async throws -> Operations.ListAuditEvents.Output {
        let context = try RequestContext.get()
        _ = try context.requireAdmin()
        let query = input.query
        if let actor = query.actor { try CredentialRules.checkText(actor, field: "actor", maxLength: 128) }
        if let action = query.action { try CredentialRules.checkText(action, field: "action", maxLength: 64) }
        var filter = AuditLog.Filter(actor: query.actor, action: query.action, since: query.since, until: query.until)
        if let limit = query.limit {
            guard (1...500).contains(limit) else { throw APIError.badRequest("limit must be between 1 and 500") }
            filter.limit = limit
        }
        if let offset = query.offset {
            guard (0...Int(Int32.max)).contains(offset) else {
                throw APIError.badRequest("offset must be between 0 and \(Int32.max)")
            }
            filter.offset = offset
        }
        let page = try await services.audit.page(filter, on: context.db)
        let body = Components.Schemas.AuditPage(
            events: try page.events.map(Components.Schemas.AuditEvent.init), nextOffset: page.nextOffset)
        return .ok(.init(body: .json(body)))
    }
}
