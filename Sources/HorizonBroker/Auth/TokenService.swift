import Fluent
import Foundation

/// Issues, lists, revokes and resolves bearer tokens (sessions and personal API tokens).
struct TokenService: Sendable {
    let clock: BrokerClock
    let audit: AuditLog
    let sessionLifetime: TimeInterval

    /// A new session for `user`; the secret is returned once and never stored.
    func createSession(for user: User, on db: any Database) async throws -> (secret: String, token: AccessToken) {
        let now = clock.now()
        let secret = TokenSecret.generate()
        let token = AccessToken(
            userID: try user.requireID(), kind: .session, name: "login session",
            tokenHash: TokenSecret.hash(secret), createdAt: now, expiresAt: now.addingTimeInterval(sessionLifetime))
        try await token.create(on: db)
        return (secret, token)
    }

    func createPersonal(
        for userID: UUID, name: String, expiresAt: Date?, by actor: Actor, on db: any Database
    ) async throws -> (secret: String, token: AccessToken) {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw APIError.badRequest("a token needs a name", code: "invalid_name") }
        try CredentialRules.checkText(trimmed, field: "a token name", maxLength: 100)
        let now = clock.now()
        if let expiresAt, expiresAt <= now {
            throw APIError.badRequest("expiresAt must be in the future", code: "invalid_expiry")
        }
        let secret = TokenSecret.generate()
        let token = AccessToken(
            userID: userID, kind: .personal, name: trimmed, tokenHash: TokenSecret.hash(secret),
            createdAt: now, expiresAt: expiresAt)
        try await db.transaction { tx in
            try await token.create(on: tx)
            try await audit.record(.tokenCreated, by: actor, target: .token(token), on: tx)
        }
        return (secret, token)
    }

    /// A user's personal tokens, newest first.
    func personalTokens(of userID: UUID, on db: any Database) async throws -> [AccessToken] {
        try await AccessToken.query(on: db)
            .filter(\.$user.$id == userID).filter(\.$kind == .personal)
            .sort(\.$createdAt, .descending).all()
    }

    /// Revokes a personal token of `principal` (any user's, for an admin). Someone else's
    /// token answers 404 exactly like a missing one.
    func revokePersonal(_ tokenID: UUID, by principal: Principal, address: String?, on db: any Database) async throws {
        guard let token = try await AccessToken.find(tokenID, on: db), token.kind == .personal,
              principal.isAdmin || token.$user.id == principal.userID
        else { throw APIError.notFound("no personal API token with id \(tokenID.uuidString) among yours") }
        try await db.transaction { tx in
            try await token.delete(on: tx)
            try await audit.record(.tokenRevoked, by: principal.actor(from: address), target: .token(token), on: tx)
        }
    }

    /// Ends a user's login sessions, except `keeping` (the one making the request).
    func endSessions(of userID: UUID, keeping: UUID? = nil, on db: any Database) async throws {
        var query = AccessToken.query(on: db).filter(\.$user.$id == userID).filter(\.$kind == .session)
        if let keeping { query = query.filter(\.$id != keeping) }
        try await query.delete()
    }

    /// The principal a bearer secret stands for, or the reason it does not stand for one.
    func resolve(secret: String, on db: any Database) async throws -> Principal {
        guard let token = try await AccessToken.query(on: db)
            .filter(\.$tokenHash == TokenSecret.hash(secret)).with(\.$user).first()
        else { throw APIError.invalidToken }
        let now = clock.now()
        if token.isExpired(at: now) { throw APIError.expiredToken }
        let user = token.user
        if user.disabled { throw APIError.accountDisabled }
        // Last use is informational; write it at most once a minute per token.
        if token.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            token.lastUsedAt = now
            try? await token.update(on: db)
        }
        return Principal(
            userID: try user.requireID(), username: user.username, role: user.role,
            tokenID: try token.requireID(), tokenKind: token.kind)
    }
}
