import Fluent
import Foundation

/// A bearer credential: a login session or a personal API token. The broker stores only
/// the SHA-256 of the secret, so a leaked database does not leak working tokens.
final class AccessToken: Model, @unchecked Sendable {
    static let schema = "access_tokens"

    enum Kind: String, Codable, Sendable {
        /// From `POST /api/v1/auth/login`; ended by logout, password change or disabling.
        case session
        /// Named, created by its owner, shown once, revoked explicitly.
        case personal
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "kind") var kind: Kind
    @Field(key: "name") var name: String
    /// Hex SHA-256 of the secret; unique.
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "expires_at") var expiresAt: Date?
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?

    init() {}

    init(userID: UUID, kind: Kind, name: String, tokenHash: String, createdAt: Date, expiresAt: Date?) {
        self.$user.id = userID
        self.kind = kind
        self.name = name
        self.tokenHash = tokenHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastUsedAt = nil
    }

    func isExpired(at now: Date) -> Bool {
        guard let expiresAt else { return false }
        return expiresAt <= now
    }
}
