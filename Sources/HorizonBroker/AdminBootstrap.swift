import Fluent
import Vapor

/// On a store without any administrator, creates the `admin` account so a fresh install can
/// be logged in to — also when the operator's first command was `user create` for a plain
/// user. The password comes from HORIZON_ADMIN_PASSWORD or is generated and shown once.
enum AdminBootstrap {
    static let username = "admin"

    struct Created: Sendable {
        let username: String
        /// Set only when the broker generated the password: it must be shown to the operator.
        let generatedPassword: String?
    }

    static func ensureAdmin(_ services: BrokerServices, on db: any Database, password: String?) async throws -> Created? {
        guard try await User.query(on: db).filter(\.$role == .admin).count() == 0,
              try await User.query(on: db).filter(\.$username == username).count() == 0
        else { return nil }
        let chosen = password ?? generatePassword()
        let admin = User(username: username, passwordHash: try await services.hasher.hash(chosen), role: .admin)
        try await db.transaction { tx in
            try await admin.create(on: tx)
            try await services.audit.record(
                .userCreated, by: .commandLine(), target: .user(admin), detail: "first administrator, created at start", on: tx)
        }
        return Created(username: username, generatedPassword: password == nil ? chosen : nil)
    }

    /// 20 characters from an alphabet without look-alikes (~114 bits).
    static func generatePassword() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var rng = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet.randomElement(using: &rng)! })
    }
}
