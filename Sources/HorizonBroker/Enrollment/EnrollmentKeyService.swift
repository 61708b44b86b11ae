import Fluent
import Foundation
import SQLKit

/// Enrollment keys: created and revoked by admins (API or command line), redeemed by
/// servers and devices when they register.
struct EnrollmentKeyService: Sendable {
    let clock: BrokerClock
    let audit: AuditLog

    static let secretPrefix = "hzk_"

    func create(
        purpose: EnrollmentKey.Purpose, userID: UUID?, reusable: Bool, expiresAt: Date?, by actor: Actor, on db: any Database
    ) async throws -> (secret: String, key: EnrollmentKey) {
        let now = clock.now()
        if let expiresAt, expiresAt <= now {
            throw APIError.badRequest("expiresAt must be in the future", code: "invalid_expiry")
        }
        var ownerName: String?
        if let userID {
            guard let user = try await User.find(userID, on: db) else {
                throw APIError.notFound("no user with id \(userID.uuidString)")
            }
            ownerName = user.username
        }
        let detail = [purpose.rawValue, reusable ? "reusable" : "one-off", ownerName.map { "for user \($0)" }]
            .compactMap { $0 }.joined(separator: ", ")
        let secret = TokenSecret.generate(prefix: Self.secretPrefix)
        let key = EnrollmentKey(
            purpose: purpose, userID: userID, reusable: reusable, keyHash: TokenSecret.hash(secret),
            createdAt: now, expiresAt: expiresAt)
        try await db.transaction { tx in
            try await key.create(on: tx)
            try await audit.record(.enrollmentKeyCreated, by: actor, target: .enrollmentKey(key), detail: detail, on: tx)
        }
        return (secret, key)
    }

    /// All keys, newest first, with their users loaded.
    func all(on db: any Database) async throws -> [EnrollmentKey] {
        try await EnrollmentKey.query(on: db).with(\.$user).sort(\.$createdAt, .descending).sort(\.$id).all()
    }

    func revoke(_ id: UUID, by actor: Actor, on db: any Database) async throws {
        guard let key = try await EnrollmentKey.find(id, on: db) else {
            throw APIError.notFound("no enrollment key with id \(id.uuidString)")
        }
        try await db.transaction { tx in
            try await key.delete(on: tx)
            try await audit.record(.enrollmentKeyRevoked, by: actor, target: .enrollmentKey(key), on: tx)
        }
    }

    /// Checks `secret` for `purpose` and counts one use. A one-off key is consumed by a
    /// conditional update (`uses = 0` in its WHERE), so two registrations racing with the
    /// same key cannot both succeed. Unknown, revoked, used, expired and wrong-purpose keys
    /// all answer 401 `invalid_enrollment_key` with the reason in the message.
    func redeem(secret: String, for purpose: EnrollmentKey.Purpose, on db: any Database) async throws -> EnrollmentKey {
        guard let key = try await EnrollmentKey.query(on: db).filter(\.$keyHash == TokenSecret.hash(secret)).first() else {
            throw Self.refused("the enrollment key is not valid (revoked or never issued); ask an administrator for a new one")
        }
        let now = clock.now()
        if let expiresAt = key.expiresAt, expiresAt <= now {
            throw Self.refused("the enrollment key has expired; ask an administrator for a new one")
        }
        guard key.purpose == purpose else {
            throw Self.refused("this enrollment key is for a \(key.purpose.rawValue), not a \(purpose.rawValue)")
        }
        guard let sql = db as? any SQLDatabase else { throw APIError(.internalServerError, "internal_error", "the store does not speak SQL") }
        var update = sql.update(EnrollmentKey.schema)
            .set(SQLIdentifier("uses"), to: SQLRaw("uses + 1"))
            .set("last_used_at", to: SQLBind(now))
            .where("id", .equal, SQLBind(try key.requireID()))
        if !key.reusable { update = update.where("uses", .equal, SQLLiteral.numeric("0")) }
        let rows = try await update.returning("id").all()
        guard !rows.isEmpty else {
            throw Self.refused("this one-off enrollment key has already been used; ask an administrator for a new one")
        }
        key.uses += 1
        key.lastUsedAt = now
        return key
    }

    static func refused(_ message: String) -> APIError {
        APIError(.unauthorized, "invalid_enrollment_key", message)
    }
}

/// Durations like `30m`, `24h`, `7d` (the command line's `--expires`).
public enum DurationText {
    public static func seconds(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let number = Int(text.dropLast()), number > 0, number <= 100_000 else { return nil }
        switch unit {
        case "s": return TimeInterval(number)
        case "m": return TimeInterval(number) * 60
        case "h": return TimeInterval(number) * 3600
        case "d": return TimeInterval(number) * 86400
        default: return nil
        }
    }
}
