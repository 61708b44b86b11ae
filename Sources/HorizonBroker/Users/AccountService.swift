import Fluent
import Foundation

/// Users and their passwords: what the API and the operator command line both do, with
/// the same rules and the same audit events.
struct AccountService: Sendable {
    let clock: BrokerClock
    let audit: AuditLog
    let hasher: PasswordHasher
    let tokens: TokenService

    func create(username: String, password: String, role: User.Role, by actor: Actor, on db: any Database) async throws -> User {
        try CredentialRules.checkUsername(username)
        try CredentialRules.checkPassword(password)
        guard try await find(username: username, on: db) == nil else {
            throw APIError.conflict("a user named '\(username)' already exists")
        }
        let user = User(username: username, passwordHash: try await hasher.hash(password), role: role)
        do {
            try await db.transaction { tx in
                try await user.create(on: tx)
                try await audit.record(.userCreated, by: actor, target: .user(user), detail: "role \(role.rawValue)", on: tx)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw APIError.conflict("a user named '\(username)' already exists")
        }
        return user
    }

    func all(on db: any Database) async throws -> [User] {
        try await User.query(on: db).sort(\.$username).all()
    }

    func find(username: String, on db: any Database) async throws -> User? {
        try await User.query(on: db).filter(\.$username == username).first()
    }

    func find(id: UUID, on db: any Database) async throws -> User {
        guard let user = try await User.find(id, on: db) else {
            throw APIError.notFound("no user with id \(id.uuidString)")
        }
        return user
    }

    /// Disables/enables and changes the role of `user`. Nobody can disable or demote
    /// themselves, so an installation always keeps the admin that is using it.
    func update(_ user: User, disabled: Bool?, role: User.Role?, by actor: Actor, on db: any Database) async throws {
        let userID = try user.requireID()
        if actor.id == userID, disabled == true || role == .user {
            throw APIError.conflict("you cannot disable or demote yourself; ask another administrator", code: "cannot_modify_self")
        }
        try await db.transaction { tx in
            if let disabled, disabled != user.disabled {
                user.disabled = disabled
                try await user.update(on: tx)
                if disabled { try await tokens.endSessions(of: userID, on: tx) }
                try await audit.record(disabled ? .userDisabled : .userEnabled, by: actor, target: .user(user), on: tx)
            }
            if let role, role != user.role {
                let old = user.role
                user.role = role
                try await user.update(on: tx)
                try await audit.record(.userRoleChanged, by: actor, target: .user(user), detail: "\(old.rawValue) → \(role.rawValue)", on: tx)
            }
        }
    }

    func delete(_ user: User, by actor: Actor, on db: any Database) async throws {
        if actor.id == user.id {
            throw APIError.conflict("you cannot delete yourself; ask another administrator", code: "cannot_modify_self")
        }
        let userID = try user.requireID()
        try await db.transaction { tx in
            // Explicitly, rather than trusting every store to cascade.
            try await AccessToken.query(on: tx).filter(\.$user.$id == userID).delete()
            try await user.delete(on: tx)
            try await audit.record(.userDeleted, by: actor, target: .user(user), on: tx)
        }
    }

    /// The user changes its own password: the current one must match. Other sessions end.
    func changeOwnPassword(_ principal: Principal, current: String, new: String, address: String?, on db: any Database) async throws {
        let user = try await find(id: principal.userID, on: db)
        guard try await hasher.verify(current, against: user.passwordHash) else {
            throw APIError(.forbidden, "wrong_password", "the current password is wrong")
        }
        try await setPassword(user, to: new, by: principal.actor(from: address), keepingSession: principal.tokenID, on: db)
    }

    /// Sets a password (self-service, admin or operator), ends the user's other sessions
    /// and lifts a lockout.
    func setPassword(_ user: User, to password: String, by actor: Actor, keepingSession: UUID? = nil, on db: any Database) async throws {
        try CredentialRules.checkPassword(password)
        let hash = try await hasher.hash(password)
        let userID = try user.requireID()
        try await db.transaction { tx in
            user.passwordHash = hash
            user.failedLogins = 0
            user.lockedUntil = nil
            try await user.update(on: tx)
            try await tokens.endSessions(of: userID, keeping: keepingSession, on: tx)
            let detail = actor.id == userID ? "own password" : "set by \(actor.name)"
            try await audit.record(.passwordChanged, by: actor, target: .user(user), detail: detail, on: tx)
        }
    }
}
