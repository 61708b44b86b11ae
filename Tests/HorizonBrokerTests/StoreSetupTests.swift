import Foundation
import HorizonBroker
import HorizonProtocol
import Testing
import Vapor
import VaporTesting

@Suite struct StoreSetupTests {
    /// scripts/test sets HORIZON_REQUIRE_POSTGRES so a missing database fails loudly
    /// instead of silently testing SQLite only.
    @Test func postgresIsPresentWhenRequired() {
        if ProcessInfo.processInfo.environment["HORIZON_REQUIRE_POSTGRES"] == "1" {
            #expect(TestStore.postgresURL != nil, "HORIZON_TEST_POSTGRES_URL is not set")
        }
    }

    @Test(arguments: TestStore.available)
    func healthReportsTheStore(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            try await app.testing().test(.GET, "health") { res in
                #expect(res.status == .ok)
                let health = try res.content.decode(HealthStatus.self)
                #expect(health.status == .ok)
                #expect(health.databaseReachable)
                #expect(health.database == store.rawValue)
            }
        }
    }

    @Test(arguments: TestStore.available)
    func firstStartCreatesAdminOnceWithGivenPassword(store: TestStore) async throws {
        try await store.withFreshStore(adminPassword: "s3cret-enough") { config in
            let first = try await withApp { app in try await Broker.configure(app, config) }
            #expect(first.createdAdmin == "admin")
            #expect(first.generatedAdminPassword == nil)
            let second = try await withApp { app in try await Broker.configure(app, config) }
            #expect(second.createdAdmin == nil, "a restarted broker must not create another admin")
        }
    }

    @Test(arguments: TestStore.available)
    func aStoreWithOnlyPlainUsersStillGetsAnAdmin(store: TestStore) async throws {
        try await store.withFreshStore(adminPassword: "s3cret-enough") { config in
            _ = try await OperatorCommands.createUser(config, username: "early", admin: false, password: "early-password")
            let first = try await withApp { app in try await Broker.configure(app, config) }
            #expect(first.createdAdmin == "admin")
            _ = try await OperatorCommands.createUser(config, username: "boss", admin: true, password: "boss-password")
            let second = try await withApp { app in try await Broker.configure(app, config) }
            #expect(second.createdAdmin == nil)
        }
    }

    @Test(arguments: TestStore.available)
    func generatedAdminPasswordIsReportedOnce(store: TestStore) async throws {
        try await store.withBroker(adminPassword: nil) { _, report in
            let password = try #require(report.generatedAdminPassword)
            #expect(password.count == 20)
        }
    }

    @Test func environmentSelectsTheStore() throws {
        let sqlite = try BrokerConfiguration.fromEnvironment(["HORIZON_DATA_DIR": "/tmp/hz"])
        #expect(sqlite.store == .sqlite(path: "/tmp/hz/horizon.sqlite"))
        let pg = try BrokerConfiguration.fromEnvironment(["HORIZON_DATABASE_URL": "postgres://u:p@db/h", "HORIZON_DATA_DIR": "/x"])
        #expect(pg.store == .postgres(url: "postgres://u:p@db/h"))
        #expect(throws: BrokerConfigurationError.self) {
            try BrokerConfiguration.fromEnvironment(["HORIZON_DATABASE_URL": "mysql://db"])
        }
    }
}
