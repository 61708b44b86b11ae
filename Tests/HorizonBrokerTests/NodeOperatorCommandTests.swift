import Foundation
@testable import HorizonBroker
import Testing
import Vapor
import VaporTesting

/// `horizon-broker servers …` and `devices …` against the store of a running broker.
@Suite struct NodeOperatorCommandTests {
    @Test(arguments: TestStore.available)
    func serversAndDevicesFromTheCommandLine(store: TestStore) async throws {
        try await store.withBrokerAndConfiguration { app, config in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", "test-admin-password")
            let enrollmentKey = try await api.enrollmentKey("server", adminToken: admin)
            let registered = try await api.registerServer("gw-1", key: TestNodeKey(), enrollmentKey: enrollmentKey)
                .decode(RegisteredServerBody.self)

            #expect(try await OperatorCommands.listServers(config).map(\.status) == ["pending"])
            try await OperatorCommands.setServerStatus(config, name: "GW-1", to: "approved")
            let listed = try await OperatorCommands.listServers(config)
            #expect(listed.map(\.status) == ["approved"] && listed.first?.online == false)
            #expect(listed.first?.ipv4Address == registered.server.ipv4Address)
            try await OperatorCommands.setServerStatus(config, name: "gw-1", to: "revoked")
            await #expect { try await OperatorCommands.setServerStatus(config, name: "gw-1", to: "approved") }
                throws: { "\($0)".contains("revoked for good") }
            await #expect { try await OperatorCommands.setServerStatus(config, name: "gw-9", to: "approved") }
                throws: { "\($0)".contains("no server named 'gw-9'") }
            await #expect { try await OperatorCommands.setServerStatus(config, name: "gw-1", to: "pending") }
                throws: { "\($0)".contains("approved, suspended or revoked") }

            _ = try await api.createUser("dora", adminToken: admin)
            _ = try await api.createUser("eve", adminToken: admin)
            let dora = try await api.login("dora", "password-of-user")
            let eve = try await api.login("eve", "password-of-user")
            let phone = try await api.enrollDevice("phone", token: dora).decode(EnrolledDeviceBody.self)
            _ = try await api.enrollDevice("phone", token: eve)
            _ = try await api.enrollDevice("tablet", token: eve)
            #expect(try await OperatorCommands.listDevices(config, username: nil).map(\.owner) == ["dora", "eve", "eve"])
            #expect(try await OperatorCommands.listDevices(config, username: "eve").map(\.name) == ["phone", "tablet"])
            await #expect { try await OperatorCommands.revokeDevice(config, idOrName: "phone") }
                throws: { "\($0)".contains("several devices are named 'phone'") }
            #expect(try await OperatorCommands.revokeDevice(config, idOrName: "tablet").owner == "eve")
            #expect(try await OperatorCommands.revokeDevice(config, idOrName: phone.device.id).status == "revoked")
            #expect(try await api.send(.GET, "api/v1/node", token: phone.credential).errorCode == "node_revoked")

            let events = try await api.audit("actor=operator", adminToken: admin)
            let nodeEvents = events.filter { $0.targetType == "server" || $0.targetType == "device" }
            #expect(Set(nodeEvents.map(\.action)) == ["server.approved", "server.revoked", "device.revoked"])
        }
    }

    /// The command line runs in a process of its own; the running broker's waiting nodes still
    /// hear of its change at once, not at the end of their long-poll.
    @Test(arguments: TestStore.available)
    func commandLineChangesWakeTheRunningBrokersWatchers(store: TestStore) async throws {
        try await store.withBrokerAndConfiguration { app, config in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", "test-admin-password")
            let enrollmentKey = try await api.enrollmentKey("server", adminToken: admin)
            _ = try await api.registerServer("gw-1", key: TestNodeKey(), enrollmentKey: enrollmentKey)
            let hub = try #require(app.brokerServices).netmapChanges
            let before = hub.revision

            try await OperatorCommands.setServerStatus(config, name: "gw-1", to: "approved")
            // Far longer than the signal needs, far shorter than a long-poll round (60 s).
            #expect(await hub.waitForChange(after: before, timeout: .seconds(15)) > before)
        }
    }
}
