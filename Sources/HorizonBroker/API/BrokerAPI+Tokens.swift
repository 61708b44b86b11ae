import Foundation

/// Personal API tokens: `/api/v1/tokens`, `/api/v1/tokens/{tokenId}`, `/api/v1/users/{userId}/tokens`.
extension BrokerAPI {
    func listMyTokens(_ input: Operations.ListMyTokens.Input) async throws -> Operations.ListMyTokens.Output {
        let context = try RequestContext.get()
        let principal = try context.requireUser()
        let tokens = try await services.tokens.personalTokens(of: principal.userID, on: context.db)
        return .ok(.init(body: .json(try tokens.map(Components.Schemas.APIToken.init))))
    }

    func createToken(_ input: Operations.CreateToken.Input) async throws -> Operations.CreateToken.Output {
        let context = try RequestContext.get()
        let principal = try context.requireUser()
        guard case .json(let body) = input.body else { throw APIError.badRequest("expected a JSON body") }
        let (secret, token) = try await services.tokens.createPersonal(
            for: principal.userID, name: body.name, expiresAt: body.expiresAt, by: context.actor, on: context.db)
        return .created(.init(body: .json(.init(token: secret, info: try .init(token)))))
    }

    func revokeToken(_ input: Operations.RevokeToken.Input) async throws -> Operations.RevokeToken.Output {
        let context = try RequestContext.get()
        let principal = try context.requireUser()
        let tokenID = try Self.uuid(input.path.tokenId, "tokenId")
        try await services.tokens.revokePersonal(tokenID, by: principal, address: context.sourceAddress, on: context.db)
        return .noContent(.init())
    }

    func listUserTokens(_ input: Operations.ListUserTokens.Input) async throws -> Operations.ListUserTokens.Output {
        let context = try RequestContext.get()
        _ = try context.requireUser()
        let userID = try Self.uuid(input.path.userId, "userId")
        _ = try context.requireSelfOrAdmin(userID)
        _ = try await services.accounts.find(id: userID, on: context.db)
        let tokens = try await services.tokens.personalTokens(of: userID, on: context.db)
        return .ok(.init(body: .json(try tokens.map(Components.Schemas.APIToken.init))))
    }
}
