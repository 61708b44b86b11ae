import Foundation
import HorizonBroker
import Testing
import Vapor
import VaporTesting

/// `horizon-broker user …` against the same store as a broker, also while it serves.
@Suite struct OperatorCommandTests {
    @Test(arguments: TestStore.available)
    func createListAndResetPasswordWhileTheBrokerRuns(store: TestStore) async throws {
        try await store.withBrokerAndConfiguration { app, config in
            let api = APIClient(app: app)

            let generated = try await OperatorCommands.createUser(config, username: "carol", admin: false, password: nil)
            let carolPassword = try #require(generated)
            #expect(carolPassword.count == 20)
            #expect(try await OperatorCommands.createUser(config, username: "dan", admin: true, password: "dans-password") == nil)
            _ = try await api.login("carol", carolPassword)
            let dan = try await api.login("dan", "dans-password")
            #expect(try await api.send(.GET, "api/v1/users", token: dan).status == .ok, "--admin makes an administrator")

            let listed = try await OperatorCommands.listUsers(config)
            #expect(listed.map(\.username) == ["admin", "carol", "dan"])
            #expect(listed.map(\.role) == ["admin", "user", "admin"])

            let carolSession = try await api.login("carol", carolPassword)
            let newPassword = try #require(try await OperatorCommands.resetPassword(config, username: "carol", password: nil))
            #expect(try await api.send(.GET, "api/v1/me", token: carolSession).status == .unauthorized)
            _ = try await api.login("carol", newPassword)

            let events = try await api.audit("actor=operator", adminToken: dan)
            #expect(Set(events.map(\.action)).isSuperset(of: ["user.created", "user.password_changed"]))
            #expect(events.allSatisfy { $0.sourceAddress == "local" })
        }
    }

    @Test(arguments: TestStore.available)
    func mistakesAreClearErrors(store: TestStore) async throws {
        try await store.withFreshStore(adminPassword: "test-admin-password") { base in
            var config = base
            config.security = TestStore.testPolicy
            _ = try await OperatorCommands.createUser(config, username: "erin", admin: false, password: "erins-password")
            await #expect { try await OperatorCommands.createUser(config, username: "erin", admin: false, password: "erins-password") }
                throws: { "\($0)".contains("already exists") }
            await #expect { try await OperatorCommands.createUser(config, username: "bad name", admin: false, password: "long-enough") }
                throws: { "\($0)".contains("username") }
            await #expect { try await OperatorCommands.createUser(config, username: "frank", admin: false, password: "short") }
                throws: { "\($0)".contains("at least 8") }
            await #expect { try await OperatorCommands.resetPassword(config, username: "nobody", password: nil) }
                throws: { "\($0)".contains("no user named 'nobody'") }
        }
    }

    @Test(arguments: TestStore.available)
    func networksCreateAndList(store: TestStore) async throws {
        try await store.withFreshStore(adminPassword: "test-admin-password") { base in
            var config = base
            config.security = TestStore.testPolicy
            let office = try await OperatorCommands.createNetwork(config, name: "office", cidr: "10.20.0.0/24", ipv6Prefix: nil, mode: "l3")
            #expect(office.capacity == 253 && office.ipv6Prefix.hasPrefix("fd"))
            _ = try await OperatorCommands.createNetwork(config, name: "lan", cidr: "10.21.0.0/24", ipv6Prefix: "fd00:aa::/64", mode: "l2")
            let listed = try await OperatorCommands.listNetworks(config)
            #expect(listed.map(\.name) == ["lan", "office"])
            #expect(listed.map(\.mode) == ["l2", "l3"])
            #expect(listed.first?.ipv6Prefix == "fd00:aa::/64" && listed.first?.allocated == 0)
            await #expect { try await OperatorCommands.createNetwork(config, name: "x", cidr: "10.20.0.0/24", ipv6Prefix: nil, mode: "l4") }
                throws: { "\($0)".contains("--mode must be l3 or l2") }
            await #expect { try await OperatorCommands.createNetwork(config, name: "x", cidr: "10.20.0.128/25", ipv6Prefix: nil, mode: "l3") }
                throws: { "\($0)".contains("overlaps network 'office'") }
            await #expect { try await OperatorCommands.createNetwork(config, name: "x", cidr: "10.99.0.1/24", ipv6Prefix: nil, mode: "l3") }
                throws: { "\($0)".contains("did you mean 10.99.0.0/24") }
        }
    }

    @Test(arguments: TestStore.available)
    func enrollmentKeysCreateListAndRevoke(store: TestStore) async throws {
        try await store.withFreshStore(adminPassword: "test-admin-password") { base in
            var config = base
            config.security = TestStore.testPolicy
            _ = try await OperatorCommands.createUser(config, username: "bob", admin: false, password: "bobs-password")
            let (secret, server) = try await OperatorCommands.createEnrollmentKey(config, purpose: "server", username: nil, reusable: false, expires: nil)
            #expect(secret.hasPrefix("hzk_") && server.expiresAt == nil && !server.reusable)
            let before = Date()
            let (_, device) = try await OperatorCommands.createEnrollmentKey(config, purpose: "device", username: "bob", reusable: true, expires: "7d")
            let expiresIn = try #require(device.expiresAt).timeIntervalSince(before)
            #expect(expiresIn > 7 * 86400 - 60 && expiresIn < 7 * 86400 + 60)
            let listed = try await OperatorCommands.listEnrollmentKeys(config)
            #expect(Set(listed.map(\.id)) == [server.id, device.id])
            #expect(listed.first { $0.id == device.id }?.username == "bob")
            try await OperatorCommands.revokeEnrollmentKey(config, id: server.id.uuidString)
            #expect(try await OperatorCommands.listEnrollmentKeys(config).map(\.id) == [device.id])

            await #expect { try await OperatorCommands.createEnrollmentKey(config, purpose: "router", username: nil, reusable: false, expires: nil) }
                throws: { "\($0)".contains("--for must be server or device") }
            await #expect { try await OperatorCommands.createEnrollmentKey(config, purpose: "device", username: nil, reusable: false, expires: "3w") }
                throws: { "\($0)".contains("--expires must be a duration") }
            await #expect { try await OperatorCommands.createEnrollmentKey(config, purpose: "device", username: "nobody", reusable: false, expires: nil) }
                throws: { "\($0)".contains("no user named 'nobody'") }
            await #expect { try await OperatorCommands.revokeEnrollmentKey(config, id: UUID().uuidString) }
                throws: { "\($0)".contains("no enrollment key with id") }
        }
    }
}
