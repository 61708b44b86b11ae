import Fluent
import Foundation
import Vapor

/// What `horizon-broker user …` does, against the same store as `serve` (chosen by the
/// environment), also while a broker runs. Changes are audited with the actor `operator`.
public enum OperatorCommands {
    public struct UserSummary: Sendable {
        public let username: String
        public let role: String
        public let disabled: Bool
        public let locked: Bool
        public let createdAt: Date?
    }

    /// Creates a user; returns the generated password when none was given.
    public static func createUser(
        _ config: BrokerConfiguration, username: String, admin: Bool, password: String?
    ) async throws -> String? {
        try await withStore(config) { services, db in
            let chosen = password ?? AdminBootstrap.generatePassword()
            _ = try await services.accounts.create(
                username: username, password: chosen, role: admin ? .admin : .user, by: .commandLine(), on: db)
            return password == nil ? chosen : nil
        }
    }

    public static func listUsers(_ config: BrokerConfiguration) async throws -> [UserSummary] {
        try await withStore(config) { services, db in
            let now = config.clock.now()
            return try await services.accounts.all(on: db).map {
                UserSummary(username: $0.username, role: $0.role.rawValue, disabled: $0.disabled,
                            locked: $0.isLocked(at: now), createdAt: $0.createdAt)
            }
        }
    }

    /// Sets a new password (ending the user's sessions and lifting a lockout); returns the
    /// generated password when none was given.
    public static func resetPassword(_ config: BrokerConfiguration, username: String, password: String?) async throws -> String? {
        try await withStore(config) { services, db in
            guard let user = try await services.accounts.find(username: username, on: db) else {
                throw OperatorError("no user named '\(username)' (see: horizon-broker user list)")
            }
            let chosen = password ?? AdminBootstrap.generatePassword()
            try await services.accounts.setPassword(user, to: chosen, by: .commandLine(), on: db)
            return password == nil ? chosen : nil
        }
    }

    static func withStore<T: Sendable>(
        _ config: BrokerConfiguration, _ body: @Sendable (BrokerServices, any Database) async throws -> T
    ) async throws -> T {
        var env = Environment.production
        env.arguments = ["horizon-broker"]
        let app = try await Application.make(env)
        app.logger.logLevel = .error
        do {
            let services: BrokerServices
            do {
                services = try await Broker.openStore(app, config)
            } catch let error as BrokerConfigurationError {
                throw error
            } catch {
                throw OperatorError("cannot open the store (\(config.store.name)): \(String(describing: error))")
            }
            let result = try await body(services, app.db)
            if services.netmapChanges.revision > 0 {
                try await OperatorChangeSignal.announce(for: config.store, on: app.db)
            }
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            if let apiError = error as? APIError { throw OperatorError(apiError.message) }
            throw error
        }
    }
}

/// A failure of an operator command, with a message meant to be printed as is.
public struct OperatorError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
