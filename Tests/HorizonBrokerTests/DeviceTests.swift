import Fluent
import Foundation
@testable import HorizonBroker
import Testing
import Vapor

/// Devices: each user enrolls, sees and removes only their own; admins see and revoke all.
@Suite struct DeviceTests {
    @Test(arguments: TestStore.available)
    func usersOnlyEverTouchTheirOwnDevices(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            let aliceID = try await api.createUser("alice", adminToken: admin)
            _ = try await api.createUser("bob", adminToken: admin)
            let alice = try await api.login("alice", "password-of-user")
            let bob = try await api.login("bob", "password-of-user")

            let enrolled = try await api.enrollDevice("laptop", token: alice)
            #expect(enrolled.status == .created, "\(enrolled.text)")
            let laptop = try enrolled.decode(EnrolledDeviceBody.self)
            #expect(laptop.credential.hasPrefix("hzd_") && laptop.device.status == "approved")
            #expect(laptop.device.ownerId == aliceID && laptop.device.owner == "alice")
            #expect(laptop.device.ipv4Address?.hasPrefix("100.64.0.") == true)
            // Bob may use the same name for his own device, Alice may not twice.
            #expect(try await api.enrollDevice("laptop", token: bob).status == .created)
            let twice = try await api.enrollDevice("Laptop", token: alice)
            #expect(twice.status == .conflict && twice.errorCode == "name_taken")

            #expect(try await devices(api, token: alice).map(\.owner) == ["alice"])
            #expect(try await devices(api, token: bob).map(\.owner) == ["bob"])
            #expect(try await api.send(.GET, "api/v1/devices?all=true", token: bob).status == .forbidden)
            let everyone = try await api.send(.GET, "api/v1/devices?all=true", token: admin).decode([DeviceBody].self)
            #expect(everyone.map(\.owner) == ["alice", "bob"])

            // Bob cannot remove or revoke Alice's device, and cannot tell it exists.
            let bobDeletes = try await api.send(.DELETE, "api/v1/devices/\(laptop.device.id)", token: bob)
            #expect(bobDeletes.status == .notFound && bobDeletes.errorCode == "not_found")
            let missing = try await api.send(.DELETE, "api/v1/devices/\(UUID())", token: bob)
            #expect(missing.status == bobDeletes.status && missing.errorCode == bobDeletes.errorCode)
            #expect(try await api.send(.POST, "api/v1/devices/\(laptop.device.id)/revoke", token: bob).status == .forbidden)
            #expect(try await devices(api, token: alice).count == 1)

            // A device credential is not a user token.
            #expect(try await api.send(.GET, "api/v1/devices", token: laptop.credential).status == .forbidden)

            // The admin revokes; the owner removes (releasing the address).
            let revoked = try await api.send(.POST, "api/v1/devices/\(laptop.device.id)/revoke", token: admin)
            #expect(try revoked.status == .ok && revoked.decode(DeviceBody.self).status == "revoked")
            #expect(try await api.send(.GET, "api/v1/node", token: laptop.credential).errorCode == "node_revoked")
            let allocations = try await AddressAllocation.query(on: app.db).count()
            #expect(try await api.send(.DELETE, "api/v1/devices/\(laptop.device.id)", token: alice).status == .noContent)
            #expect(try await AddressAllocation.query(on: app.db).count() == allocations - 1)
            #expect(try await devices(api, token: alice).isEmpty)

            let actions = try await api.audit("", adminToken: admin).filter { $0.targetId == laptop.device.id }.map(\.action)
            #expect(Set(actions) == ["device.enrolled", "device.revoked", "device.deleted"])
        }
    }

    @Test(arguments: TestStore.available)
    func unattendedRegistrationWithAUsersDeviceKey(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            let carolID = try await api.createUser("carol", adminToken: admin)
            let carol = try await api.login("carol", "password-of-user")

            func register(_ name: String, enrollmentKey: String) async throws -> APIResponse {
                let key = TestNodeKey()
                let challenge = try await api.challenge(for: key)
                return try await api.send(.POST, "api/v1/devices/register", json: [
                    "enrollmentKey": enrollmentKey, "name": name, "publicKey": key.publicKey,
                    "challengeId": challenge.challengeId, "proof": try key.proof(for: challenge),
                ])
            }

            let carolsKey = try await api.enrollmentKey("device", adminToken: admin, userId: carolID)
            let res = try await register("kiosk", enrollmentKey: carolsKey)
            #expect(res.status == .created, "\(res.text)")
            #expect(try res.decode(EnrolledDeviceBody.self).device.owner == "carol")
            #expect(try await devices(api, token: carol).map(\.name) == ["kiosk"])

            let ownerless = try await api.enrollmentKey("device", adminToken: admin, reusable: false)
            let refused = try await register("orphan", enrollmentKey: ownerless)
            #expect(refused.status == .unauthorized && refused.errorCode == "invalid_enrollment_key")
            #expect(refused.text.contains("names no user"))
            let serverKey = try await api.enrollmentKey("server", adminToken: admin)
            #expect(try await register("sneaky", enrollmentKey: serverKey).errorCode == "invalid_enrollment_key")
            #expect(try await api.send(.PATCH, "api/v1/users/\(carolID)", token: admin, json: ["disabled": true]).status == .ok)
            let disabled = try await register("kiosk-2", enrollmentKey: carolsKey)
            #expect(disabled.status == .unauthorized && disabled.text.contains("disabled"))
            #expect(try await Node.query(on: app.db).count() == 1)
            #expect(try await AddressAllocation.query(on: app.db).count() == 1)
        }
    }

    @Test(arguments: TestStore.available)
    func deletingAUserRemovesItsDevicesAndTheSweepFreesTheirAddresses(store: TestStore) async throws {
        let clock = TestClock()
        try await store.withBroker(clock: clock.brokerClock) { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            let frankID = try await api.createUser("frank", adminToken: admin)
            let frank = try await api.login("frank", "password-of-user")
            let phone = try await api.enrollDevice("phone", token: frank).decode(EnrolledDeviceBody.self)
            _ = try await api.enrollDevice("tablet", token: admin)
            #expect(try await api.send(.DELETE, "api/v1/users/\(frankID)", token: admin).status == .noContent)
            #expect(try await api.send(.GET, "api/v1/node", token: phone.credential).status == .unauthorized)
            #expect(try await AddressAllocation.query(on: app.db).count() == 2, "the store cascades to nodes only")

            let presence = try #require(app.brokerServices).serverPresence
            try await presence.sweep(now: clock.now, on: app.db)
            #expect(try await AddressAllocation.query(on: app.db).count() == 2, "young allocations may be registrations in flight")
            clock.advance(OrphanedAddresses.minimumAge + 1)
            try await presence.sweep(now: clock.now, on: app.db)
            let left = try await AddressAllocation.query(on: app.db).all()
            #expect(left.map(\.ipv4Address) == [try #require(try await devices(api, token: admin).first?.ipv4Address)])
        }
    }

    private func devices(_ api: APIClient, token: String) async throws -> [DeviceBody] {
        let res = try await api.send(.GET, "api/v1/devices", token: token)
        #expect(res.status == .ok, "\(res.text)")
        return try res.decode([DeviceBody].self)
    }
}
