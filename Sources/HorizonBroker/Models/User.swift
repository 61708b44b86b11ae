import Fluent
import Foundation

/// An account that logs in to the broker. Only the bcrypt hash of the password is stored.
final class User: Model, @unchecked Sendable {
    static let schema = "users"

    enum Role: String, Codable, Sendable {
        case admin
        case user
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "username") var username: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "role") var role: Role
    @Field(key: "disabled") var disabled: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    /// Consecutive failed logins since the last success (reset on success or unlock).
    @Field(key: "failed_logins") var failedLogins: Int
    /// Set while the account is locked after too many failed logins.
    @OptionalField(key: "locked_until") var lockedUntil: Date?

    init() {}

    init(username: String, passwordHash: String, role: Role) {
        self.username = username
        self.passwordHash = passwordHash
        self.role = role
        self.disabled = false
        self.failedLogins = 0
        self.lockedUntil = nil
    }

    func isLocked(at now: Date) -> Bool {
        guard let lockedUntil else { return false }
        return lockedUntil > now
    }
}
