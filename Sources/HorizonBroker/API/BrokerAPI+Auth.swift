import Fluent
import Foundation

/// `POST /api/v1/auth/login`, `POST /api/v1/auth/logout`.
extension BrokerAPI {
    func login(_ input: Operations.Login.Input) async throws -> Operations.Login.Output {
        let context = try RequestContext.get()
        guard case .json(let body) = input.body else { throw APIError.badRequest("expected a JSON body") }
        let result = try await services.login.login(
            username: body.username, password: body.password, from: context.sourceAddress, on: context.db)
        let response = Components.Schemas.LoginResponse(
            token: result.secret, tokenType: .bearer, expiresAt: result.token.expiresAt ?? clock.now(),
            user: try .init(result.user, now: clock.now()))
        return .ok(.init(body: .json(response)))
    }

    func logout(_ input: Operations.Logout.Input) async throws -> Operations.Logout.Output {
        let context = try RequestContext.get()
        let principal = try context.requireUser()
        guard principal.tokenKind == .session else {
            throw APIError.badRequest(
                "this is a personal API token, not a login session; revoke it with DELETE /api/v1/tokens/{tokenId}",
                code: "not_a_session_token")
        }
        try await context.db.transaction { tx in
            try await AccessToken.query(on: tx).filter(\.$id == principal.tokenID).delete()
            try await services.audit.record(.logout, by: context.actor, on: tx)
        }
        return .noContent(.init())
    }
}
