import Fluent
import Vapor

/// Assembles the broker: store, migrations, first admin, routes.
public enum Broker {
    /// Facts the operator must see once at start-up (e.g. a generated admin password).
    public struct StartupReport: Sendable {
        public let createdAdmin: String?
        public let generatedAdminPassword: String?
    }

    /// Configures `app` and migrates the store. Call before `execute()`/`startup()`.
    @discardableResult
    public static func configure(_ app: Application, _ config: BrokerConfiguration) async throws -> StartupReport {
        try DatabaseSetup.configure(app, store: config.store)
        try await app.autoMigrate()
        let created = try await AdminBootstrap.ensureAdmin(on: app.db, password: config.initialAdminPassword)
        try app.register(collection: HealthController(storeName: config.store.name))
        return StartupReport(createdAdmin: created?.username, generatedAdminPassword: created?.generatedPassword)
    }

    /// Applies pending migrations and stops: `horizon-broker migrate`.
    public static func migrate(_ app: Application, _ config: BrokerConfiguration) async throws {
        try DatabaseSetup.configure(app, store: config.store)
        try await app.autoMigrate()
    }
}
