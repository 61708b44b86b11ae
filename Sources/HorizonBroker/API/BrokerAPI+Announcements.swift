import Foundation

/// A node's service announcements: `/api/v1/node/announcements…` (node credential).
extension BrokerAPI {
    func listNodeAnnouncements(_ input: Operations.ListNodeAnnouncements.Input) async throws -> Operations.ListNodeAnnouncements.Output {
        let context = try RequestContext.get()
        let node = try context.requireNode()
        let announcements = try await services.announcements.announcements(of: node.nodeID, on: context.db)
        return .ok(.init(body: .json(try announcements.map { try .init($0, member: $0.member, nodeName: node.name) })))
    }

    func announceService(_ input: Operations.AnnounceService.Input) async throws -> Operations.AnnounceService.Output {
        let context = try RequestContext.get()
        let node = try context.requireNode()
        guard case .json(let body) = input.body else { throw APIError.badRequest("expected a JSON body") }
        let (announcement, created) = try await services.announcements.announce(
            .init(network: body.network, name: body.name, port: body.port, transport: body._protocol.model),
            by: node, actor: context.actor, on: context.db)
        let json = try Components.Schemas.ServiceAnnouncement(announcement, member: announcement.member, nodeName: node.name)
        return created ? .created(.init(body: .json(json))) : .ok(.init(body: .json(json)))
    }

    func withdrawAnnouncement(_ input: Operations.WithdrawAnnouncement.Input) async throws -> Operations.WithdrawAnnouncement.Output {
        let context = try RequestContext.get()
        let node = try context.requireNode()
        try await services.announcements.withdraw(
            try Self.uuid(input.path.announcementId, "announcementId"), by: node, actor: context.actor, on: context.db)
        return .noContent(.init())
    }
}
