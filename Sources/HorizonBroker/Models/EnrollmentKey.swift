import Fluent
import Foundation

/// A secret that lets a server or a device join: created by an admin, shown once, stored
/// only as its SHA-256 (like personal API tokens). One-off keys work once; reusable ones
/// until they expire or are revoked (deleted).
final class EnrollmentKey: Model, @unchecked Sendable {
    static let schema = "enrollment_keys"

    enum Purpose: String, Codable, Sendable, CaseIterable {
        case server
        case device
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "purpose") var purpose: Purpose
    /// The user a device enrolled with this key will belong to.
    @OptionalParent(key: "user_id") var user: User?
    @Field(key: "reusable") var reusable: Bool
    @Field(key: "key_hash") var keyHash: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "expires_at") var expiresAt: Date?
    @Field(key: "uses") var uses: Int
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?

    init() {}

    init(purpose: Purpose, userID: UUID?, reusable: Bool, keyHash: String, createdAt: Date, expiresAt: Date?) {
        self.purpose = purpose
        self.$user.id = userID
        self.reusable = reusable
        self.keyHash = keyHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.uses = 0
    }
}
