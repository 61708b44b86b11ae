import Foundation
@testable import HorizonBroker
import Testing
import Vapor

struct EnrollmentKeyBody: Codable {
    var id: String; var purpose: String; var userId: String?; var username: String?; var reusable: Bool; var uses: Int
    var createdAt: Date; var expiresAt: Date?; var lastUsedAt: Date?
}
struct CreatedEnrollmentKeyBody: Codable { var key: String; var info: EnrollmentKeyBody }
struct CreateEnrollmentKeyBody: Codable { var purpose: String; var userId: String? = nil; var reusable: Bool? = nil; var expiresAt: Date? = nil }

/// `/api/v1/enrollment-keys` and redeeming keys.
@Suite struct EnrollmentKeyTests {
    @Test(arguments: TestStore.available)
    func createListRevokeAndAudit(store: TestStore) async throws {
        let clock = TestClock()
        try await store.withBroker(clock: clock.brokerClock) { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            let bobID = try await api.createUser("bob", adminToken: admin)

            let res = try await api.send(.POST, "api/v1/enrollment-keys", token: admin, json: CreateEnrollmentKeyBody(purpose: "server"))
            #expect(res.status == .created, "\(res.text)")
            let server = try res.decode(CreatedEnrollmentKeyBody.self)
            #expect(server.key.hasPrefix("hzk_") && server.key.count > 40)
            #expect(server.info.purpose == "server" && !server.info.reusable && server.info.uses == 0 && server.info.expiresAt == nil)

            clock.advance(1)
            let expiry = clock.now.addingTimeInterval(86400)
            let device = try await api.send(.POST, "api/v1/enrollment-keys", token: admin,
                                            json: CreateEnrollmentKeyBody(purpose: "device", userId: bobID, reusable: true, expiresAt: expiry))
                .decode(CreatedEnrollmentKeyBody.self)
            #expect(device.info.userId == bobID && device.info.username == "bob" && device.info.reusable && device.info.expiresAt == expiry)

            let listed = try await api.send(.GET, "api/v1/enrollment-keys", token: admin).decode([EnrollmentKeyBody].self)
            #expect(listed.map(\.id) == [device.info.id, server.info.id], "newest first")
            #expect(listed.first?.username == "bob")
            #expect(!String(decoding: try await api.send(.GET, "api/v1/enrollment-keys", token: admin).body, as: UTF8.self).contains(server.key))

            let stored = try await EnrollmentKey.query(on: app.db).all()
            #expect(stored.allSatisfy { $0.keyHash.count == 64 && $0.keyHash != server.key && $0.keyHash != device.key },
                    "only the SHA-256 is stored")

            clock.advance(1)
            #expect(try await api.send(.DELETE, "api/v1/enrollment-keys/\(server.info.id)", token: admin).status == .noContent)
            #expect(try await api.send(.DELETE, "api/v1/enrollment-keys/\(server.info.id)", token: admin).status == .notFound)
            #expect(try await api.send(.GET, "api/v1/enrollment-keys", token: admin).decode([EnrollmentKeyBody].self).count == 1)

            let events = try await api.audit("actor=admin", adminToken: admin).filter { $0.targetType == "enrollment_key" }
            #expect(events.map(\.action) == ["enrollment_key.revoked", "enrollment_key.created", "enrollment_key.created"])
            #expect(events[1].detail == "device, reusable, for user bob")
            #expect(events.allSatisfy { !($0.detail ?? "").contains("hzk_") })
        }
    }

    @Test(arguments: TestStore.available)
    func badInputAndAuthorization(store: TestStore) async throws {
        let clock = TestClock()
        try await store.withBroker(clock: clock.brokerClock) { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            _ = try await api.createUser("bob", adminToken: admin)
            let bob = try await api.login("bob", "password-of-user")

            let past = try await api.send(.POST, "api/v1/enrollment-keys", token: admin,
                                          json: CreateEnrollmentKeyBody(purpose: "server", expiresAt: clock.now))
            #expect(past.status == .badRequest && past.errorCode == "invalid_expiry")
            let noUser = try await api.send(.POST, "api/v1/enrollment-keys", token: admin,
                                            json: CreateEnrollmentKeyBody(purpose: "device", userId: UUID().uuidString))
            #expect(noUser.status == .notFound)
            let badUser = try await api.send(.POST, "api/v1/enrollment-keys", token: admin, raw: #"{"purpose": "device", "userId": "x"}"#)
            #expect(badUser.status == .badRequest)
            let badPurpose = try await api.send(.POST, "api/v1/enrollment-keys", token: admin, raw: #"{"purpose": "router"}"#)
            #expect(badPurpose.status == .badRequest)
            #expect(try await api.send(.DELETE, "api/v1/enrollment-keys/nope", token: admin).errorCode == "invalid_id")

            for token in [bob, nil] {
                let expected: HTTPStatus = token == nil ? .unauthorized : .forbidden
                #expect(try await api.send(.GET, "api/v1/enrollment-keys", token: token).status == expected)
                #expect(try await api.send(.POST, "api/v1/enrollment-keys", token: token, json: CreateEnrollmentKeyBody(purpose: "device")).status == expected)
                #expect(try await api.send(.DELETE, "api/v1/enrollment-keys/\(UUID())", token: token).status == expected)
            }
        }
    }

    @Test(arguments: TestStore.available)
    func redeemingOneOffReusableExpiredRevokedAndWrongPurposeKeys(store: TestStore) async throws {
        let clock = TestClock()
        try await store.withBroker(clock: clock.brokerClock) { app, _ in
            let service = EnrollmentKeyService(clock: clock.brokerClock, audit: AuditLog(clock: clock.brokerClock))
            let actor = Actor.commandLine()
            let db = app.db
            func refusal(_ secret: String, _ purpose: EnrollmentKey.Purpose) async -> String? {
                do {
                    _ = try await service.redeem(secret: secret, for: purpose, on: db)
                    return nil
                } catch let error as APIError {
                    #expect(error.status == .unauthorized && error.code == "invalid_enrollment_key")
                    return error.message
                } catch {
                    return "\(error)"
                }
            }

            let (oneOff, _) = try await service.create(purpose: .server, userID: nil, reusable: false, expiresAt: nil, by: actor, on: db)
            let used = try await service.redeem(secret: oneOff, for: .server, on: db)
            #expect(used.uses == 1)
            #expect(await refusal(oneOff, .server)?.contains("already been used") == true)

            let (reusable, key) = try await service.create(
                purpose: .device, userID: nil, reusable: true, expiresAt: clock.now.addingTimeInterval(3600), by: actor, on: db)
            for _ in 0..<3 { _ = try await service.redeem(secret: reusable, for: .device, on: db) }
            #expect(try await EnrollmentKey.find(key.id, on: db)?.uses == 3)
            #expect(await refusal(reusable, .server)?.contains("for a device, not a server") == true)
            clock.advance(3600)
            #expect(await refusal(reusable, .device)?.contains("expired") == true)

            let (revoked, revokedKey) = try await service.create(purpose: .server, userID: nil, reusable: true, expiresAt: nil, by: actor, on: db)
            try await service.revoke(try revokedKey.requireID(), by: actor, on: db)
            #expect(await refusal(revoked, .server)?.contains("not valid") == true)
            #expect(await refusal("hzk_never-issued", .server)?.contains("not valid") == true)

            // Ten registrations race with one one-off key: exactly one wins.
            let (raced, _) = try await service.create(purpose: .server, userID: nil, reusable: false, expiresAt: nil, by: actor, on: db)
            let wins = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<10 { group.addTask { (try? await service.redeem(secret: raced, for: .server, on: db)) != nil } }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(wins == 1)
        }
    }

    @Test func durations() {
        #expect(DurationText.seconds("24h") == 86400)
        #expect(DurationText.seconds("7d") == TimeInterval(7 * 86400))
        #expect(DurationText.seconds("30m") == 1800)
        #expect(DurationText.seconds("45s") == 45)
        for bad in ["", "h", "0h", "-1d", "3w", "1.5h", "24"] { #expect(DurationText.seconds(bad) == nil, "\(bad)") }
    }
}
