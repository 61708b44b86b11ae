import Fluent

/// Failed-login counter and lockout time on each user (kept in the store so a lockout
/// holds across several brokers).
struct AddLoginLockoutToUsers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(User.schema)
            .field("failed_logins", .int, .required, .sql(.default(0)))
            .update()
        try await database.schema(User.schema)
            .field("locked_until", .datetime)
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(User.schema).deleteField("locked_until").update()
        try await database.schema(User.schema).deleteField("failed_logins").update()
    }
}
