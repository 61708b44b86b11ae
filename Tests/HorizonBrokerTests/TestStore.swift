import FluentPostgresDriver
import Foundation
import HorizonBroker
import SQLKit
import Testing
import Vapor
import VaporTesting

/// The stores every broker test runs on: SQLite always, PostgreSQL when scripts/test
/// (or the developer) provides HORIZON_TEST_POSTGRES_URL. Each test gets a store of its own.
enum TestStore: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["HORIZON_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The stores available in this run.
    static var available: [TestStore] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    var testDescription: String { rawValue }

    /// The policy tests run with: production rules, but bcrypt at its cheapest cost.
    static var testPolicy: SecurityPolicy {
        var policy = SecurityPolicy()
        policy.bcryptCost = 4
        return policy
    }

    /// Runs `body` against a broker configured on a brand-new, empty store.
    func withBroker(
        adminPassword: String? = "test-admin-password",
        security: SecurityPolicy = TestStore.testPolicy,
        clock: BrokerClock? = nil,
        nodes: NodePolicy? = nil,
        _ body: (Application, Broker.StartupReport) async throws -> Void
    ) async throws {
        try await withFreshStore(adminPassword: adminPassword) { base in
            var config = base
            config.security = security
            config.clock = clock ?? .system
            // A background sweep would publish netmap changes at moments no test controls;
            // tests call `ServerPresence.sweep(now:on:)` themselves unless they pass a policy.
            config.nodes = nodes ?? {
                var policy = NodePolicy()
                policy.runsPresenceSweep = false
                // On the wall clock a loaded machine can take longer than the 30 s offline
                // timeout between a test's heartbeat and its check; tests of going offline
                // pass a manual clock, which keeps the real timeout.
                if clock == nil { policy.serverOfflineAfter = 3600 }
                return policy
            }()
            try await withApp { app in
                app.logger.logLevel = .warning
                try await body(app, try await Broker.configure(app, config))
            }
        }
    }

    /// A broker configured on a brand-new store, and that configuration, for the operator
    /// commands, which open the same store on their own (as `horizon-broker user …` does next
    /// to a running broker).
    func withBrokerAndConfiguration(_ body: (Application, BrokerConfiguration) async throws -> Void) async throws {
        try await withFreshStore(adminPassword: "test-admin-password") { base in
            var config = base
            config.security = TestStore.testPolicy
            try await withApp { app in
                app.logger.logLevel = .warning
                try await Broker.configure(app, config)
                try await body(app, config)
            }
        }
    }

    /// Two brokers configured on one brand-new PostgreSQL store, as behind a load balancer;
    /// changes on one reach the other only through the database (LISTEN/NOTIFY). Does nothing
    /// without PostgreSQL (SQLite stores have one broker).
    static func withTwoBrokers(
        nodes: NodePolicy? = nil, _ body: (_ brokerA: Application, _ brokerB: Application) async throws -> Void
    ) async throws {
        guard available.contains(.postgres) else { return }
        try await TestStore.postgres.withFreshStore(adminPassword: "test-admin-password") { base in
            var config = base
            config.security = TestStore.testPolicy
            if let nodes { config.nodes = nodes }
            try await withApp { brokerA in
                brokerA.logger.logLevel = .warning
                try await Broker.configure(brokerA, config)
                try await withApp { brokerB in
                    brokerB.logger.logLevel = .warning
                    try await Broker.configure(brokerB, config)
                    try await body(brokerA, brokerB)
                }
            }
        }
    }

    /// Hands `body` the configuration of a brand-new, empty store and removes the store after.
    func withFreshStore(adminPassword: String?, _ body: (BrokerConfiguration) async throws -> Void) async throws {
        let (config, dispose) = try await makeFreshStore(adminPassword: adminPassword)
        do {
            try await body(config)
        } catch {
            try? await dispose()
            throw error
        }
        try await dispose()
    }

    private func makeFreshStore(adminPassword: String?) async throws -> (BrokerConfiguration, () async throws -> Void) {
        switch self {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("horizon-test-\(UUID().uuidString)")
            let config = BrokerConfiguration(
                store: .sqlite(path: dir.appendingPathComponent(BrokerConfiguration.sqliteFileName).path),
                initialAdminPassword: adminPassword)
            return (config, { try? FileManager.default.removeItem(at: dir) })
        case .postgres:
            let baseURL = try #require(Self.postgresURL)
            let name = "hz_test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
            try await Self.adminSQL(baseURL) { try await $0.raw("CREATE DATABASE \(ident: name)").run() }
            var components = try #require(URLComponents(string: baseURL))
            components.path = "/\(name)"
            let config = BrokerConfiguration(store: .postgres(url: try #require(components.string)), initialAdminPassword: adminPassword)
            return (config, {
                try await Self.adminSQL(baseURL) { try await $0.raw("DROP DATABASE IF EXISTS \(ident: name) WITH (FORCE)").run() }
            })
        }
    }

    /// Runs statements on the server's base database (to create and drop per-test databases).
    private static func adminSQL(_ url: String, _ body: (any SQLDatabase) async throws -> Void) async throws {
        try await withApp { app in
            app.databases.use(.postgres(configuration: try SQLPostgresConfiguration(url: url)), as: .psql)
            try await body(try #require(app.db as? any SQLDatabase))
        }
    }
}
