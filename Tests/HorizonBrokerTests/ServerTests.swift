import Fluent
import Foundation
@testable import HorizonBroker
import Testing
import Vapor

/// Servers: registration with proof of key possession, verification by an admin,
/// heartbeats and presence, and what clients see.
@Suite struct ServerTests {
    @Test(arguments: TestStore.available)
    func verificationFlowEndToEnd(store: TestStore) async throws {
        let clock = TestClock()
        try await store.withBroker(clock: clock.brokerClock) { app, _ in
            let api = APIClient(app: app)
            let services = try #require(app.brokerServices)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            _ = try await api.createUser("ursula", adminToken: admin)
            let user = try await api.login("ursula", "password-of-user")
            let enrollmentKey = try await api.enrollmentKey("server", adminToken: admin, reusable: false)

            let key = TestNodeKey()
            let res = try await api.registerServer("gw-fra-1", key: key, enrollmentKey: enrollmentKey)
            #expect(res.status == .created, "\(res.text)")
            let registered = try res.decode(RegisteredServerBody.self)
            #expect(registered.credential.hasPrefix("hzd_"))
            #expect(registered.server.status == "pending" && registered.server.publicKey == key.publicKey)
            #expect(registered.server.location == LocationBody(country: "DE", city: "Frankfurt", latitude: 50.11, longitude: 8.68))
            let ipv4 = try #require(registered.server.ipv4Address)
            #expect(ipv4.hasPrefix("100.64.0.") && registered.server.ipv6Address?.hasPrefix("fd") == true)
            let credential = registered.credential
            let serverID = registered.server.id

            // Pending: heartbeats are taken, but clients do not see it.
            let beat = try await api.send(.POST, "api/v1/node/heartbeat", token: credential, json: HeartbeatBody())
            #expect(beat.status == .ok, "\(beat.text)")
            #expect(try beat.decode(HeartbeatAckBody.self).status == "pending")
            #expect(try await listed(api, token: user).isEmpty)
            #expect(try await api.send(.GET, "api/v1/servers/\(serverID)", token: user).status == .notFound)
            let all = try await api.send(.GET, "api/v1/servers?all=true", token: admin).decode([ServerBody].self)
            #expect(all.map(\.status) == ["pending"])
            #expect(try await api.send(.GET, "api/v1/servers?all=true", token: user).status == .forbidden)

            // Approved and heartbeating: listed, for users and for nodes, without admin fields.
            let approved = try await api.send(.POST, "api/v1/servers/\(serverID)/approve", token: admin)
            #expect(try approved.status == .ok && approved.decode(ServerBody.self).status == "approved")
            let seen = try await listed(api, token: user)
            #expect(seen.map(\.name) == ["gw-fra-1"])
            #expect(seen.first?.online == true && seen.first?.load == 0.25 && seen.first?.peerCount == 3)
            #expect(seen.first?.status == nil && seen.first?.lastHeartbeatAt == nil)
            #expect(try await listed(api, token: credential).map(\.name) == ["gw-fra-1"])
            try await services.serverPresence.sweep(now: clock.now, on: app.db)
            #expect(try await presence(api, admin, serverID) == ["server.online"])

            // Silent past the timeout: offline at once for readers, reported once by the sweep.
            clock.advance(31)
            #expect(try await listed(api, token: user).isEmpty)
            let before = services.netmapChanges.revision
            try await services.serverPresence.sweep(now: clock.now, on: app.db)
            #expect(try await presence(api, admin, serverID) == ["server.online", "server.offline"])
            #expect(services.netmapChanges.revision > before)
            #expect(try await services.serverPresence.sweep(now: clock.now, on: app.db) == .init())
            #expect(try await api.send(.POST, "api/v1/node/heartbeat", token: credential, json: HeartbeatBody()).status == .ok)
            #expect(try await listed(api, token: user).count == 1)

            // Revoked: final, and the credential is refused.
            let revoked = try await api.send(.POST, "api/v1/servers/\(serverID)/revoke", token: admin)
            #expect(revoked.status == .ok)
            #expect(try await listed(api, token: user).isEmpty)
            let refused = try await api.send(.POST, "api/v1/node/heartbeat", token: credential, json: HeartbeatBody())
            #expect(refused.status == .unauthorized && refused.errorCode == "node_revoked")
            let again = try await api.send(.POST, "api/v1/servers/\(serverID)/approve", token: admin)
            #expect(again.status == .conflict && again.errorCode == "node_revoked")

            let actions = try await api.audit("", adminToken: admin).filter { $0.targetId == serverID }.map(\.action)
            #expect(Set(actions) == ["server.registered", "server.approved", "server.online", "server.offline", "server.revoked"])
        }
    }

    @Test(arguments: TestStore.available)
    func badProofsAreRefused(store: TestStore) async throws {
        let clock = TestClock()
        try await Self.withServerKey(store, clock: clock) { app, api, admin, enrollmentKey in
            let key = TestNodeKey(), other = TestNodeKey()

            func register(_ challenge: ChallengeBody, proof: String, publicKey: String = key.publicKey) async throws -> APIResponse {
                try await api.send(.POST, "api/v1/servers", object: [
                    "enrollmentKey": enrollmentKey, "challengeId": challenge.challengeId, "proof": proof,
                    "name": "gw", "publicKey": publicKey, "endpoints": ["198.51.100.7:51820"], "capacity": 10,
                ])
            }

            // A proof made with another private key.
            let c1 = try await api.challenge(for: key)
            let wrongKey = try await register(c1, proof: try other.proof(for: c1))
            #expect(wrongKey.status == .unauthorized && wrongKey.errorCode == "invalid_proof", "\(wrongKey.text)")
            // The challenge is gone after one try, right or wrong.
            let reusedAfterFailure = try await register(c1, proof: try key.proof(for: c1))
            #expect(reusedAfterFailure.status == .unauthorized && reusedAfterFailure.errorCode == "invalid_challenge")

            // Another node's challenge, answered correctly by that node, for this key.
            let c2 = try await api.challenge(for: other)
            let stolen = try await register(c2, proof: try other.proof(for: c2))
            #expect(stolen.status == .unauthorized && stolen.errorCode == "invalid_challenge")

            // Expired.
            let c3 = try await api.challenge(for: key)
            clock.advance(301)
            let expired = try await register(c3, proof: try key.proof(for: c3))
            #expect(expired.status == .unauthorized && expired.errorCode == "invalid_challenge")
            #expect(expired.text.contains("expired"))

            // Garbage proof and unknown challenge.
            let c4 = try await api.challenge(for: key)
            #expect(try await register(c4, proof: "not base64!").errorCode == "invalid_proof")
            var unknown = c4
            unknown.challengeId = UUID().uuidString
            #expect(try await register(unknown, proof: "AAAA").errorCode == "invalid_challenge")

            // The right proof once, then never again.
            let c5 = try await api.challenge(for: key)
            let proof = try key.proof(for: c5)
            #expect(try await register(c5, proof: proof).status == .created)
            #expect(try await register(c5, proof: proof).errorCode == "invalid_challenge")
            #expect(try await Node.query(on: app.db).count() == 1)

            // Unanswered challenges are swept once expired.
            #expect(try await NodeChallenge.query(on: app.db).count() == 0, "answered ones are gone at once")
            _ = try await api.challenge(for: key)
            try await #require(app.brokerServices).serverPresence.sweep(now: clock.now, on: app.db)
            #expect(try await NodeChallenge.query(on: app.db).count() == 1)
            clock.advance(301)
            try await #require(app.brokerServices).serverPresence.sweep(now: clock.now, on: app.db)
            #expect(try await NodeChallenge.query(on: app.db).count() == 0)
        }
    }

    @Test(arguments: TestStore.available)
    func challengesAreRateLimitedPerAddress(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let key = TestNodeKey()
            for _ in 0..<60 { _ = try await api.challenge(for: key) }
            let refused = try await api.send(.POST, "api/v1/nodes/challenges", json: ["publicKey": key.publicKey])
            #expect(refused.status == .tooManyRequests && refused.errorCode == "rate_limited")
            #expect(refused.headers.first(name: "Retry-After").flatMap(Int.init) != nil)
        }
    }

    @Test(arguments: TestStore.available)
    func brokersRacingToCreateTheProofKeyAgreeOnOne(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let publicKeys = try await withThrowingTaskGroup(of: Data.self) { group in
                for _ in 0..<6 {
                    // Each store stands for another broker: its own cache, one database.
                    group.addTask { try await BrokerKeyStore(clock: .system).privateKey(on: app.db).publicKey.rawRepresentation }
                }
                return try await group.reduce(into: Set<Data>()) { $0.insert($1) }
            }
            #expect(publicKeys.count == 1)
            #expect(try await BrokerKey.query(on: app.db).count() == 1)
        }
    }

    @Test(arguments: TestStore.available)
    func namesAndKeysAreUnique(store: TestStore) async throws {
        try await Self.withServerKey(store) { app, api, admin, enrollmentKey in
            let key = TestNodeKey()
            #expect(try await api.registerServer("gw-1", key: key, enrollmentKey: enrollmentKey).status == .created)
            let sameName = try await api.registerServer("GW-1", key: TestNodeKey(), enrollmentKey: enrollmentKey)
            #expect(sameName.status == .conflict && sameName.errorCode == "name_taken", "\(sameName.text)")
            let sameKey = try await api.registerServer("gw-2", key: key, enrollmentKey: enrollmentKey)
            #expect(sameKey.status == .conflict && sameKey.errorCode == "public_key_taken", "\(sameKey.text)")
            // Refused registrations give their overlay addresses back.
            #expect(try await AddressAllocation.query(on: app.db).count() == 1)
        }
    }

    @Test(arguments: TestStore.available)
    func oneOffKeyRegistersExactlyOneOfManyRacingServers(store: TestStore) async throws {
        try await Self.withServerKey(store, reusable: false) { app, api, admin, enrollmentKey in
            let statuses = try await withThrowingTaskGroup(of: (HTTPStatus, String?).self) { group in
                for index in 0..<8 {
                    group.addTask {
                        let res = try await api.registerServer("gw-\(index)", key: TestNodeKey(), enrollmentKey: enrollmentKey)
                        return (res.status, res.errorCode)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0.0 == .created }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0.1 == "invalid_enrollment_key" }.count == 7, "\(statuses)")
            #expect(try await Node.query(on: app.db).count() == 1)
            #expect(try await AddressAllocation.query(on: app.db).count() == 1)
        }
    }

    @Test(arguments: TestStore.available)
    func badInputIsA400WithTheFieldsCode(store: TestStore) async throws {
        try await Self.withServerKey(store) { app, api, admin, enrollmentKey in
            let cases: [(String, [String: Any], String)] = [
                ("bad base64 key", ["publicKey": "not base64!"], "invalid_public_key"),
                ("short key", ["publicKey": Data(repeating: 7, count: 31).base64EncodedString()], "invalid_public_key"),
                ("bad name", ["name": "gw 1"], "invalid_name"),
                ("no endpoint", ["endpoints": [String]()], "invalid_endpoint"),
                ("bad endpoint", ["endpoints": ["198.51.100.7"]], "invalid_endpoint"),
                ("bad port", ["endpoints": ["198.51.100.7:70000"]], "invalid_endpoint"),
                ("too many endpoints", ["endpoints": (1...9).map { "198.51.100.\($0):51820" }], "invalid_endpoint"),
                ("zero capacity", ["capacity": 0], "invalid_capacity"),
                ("bad country", ["location": ["country": "Germany"]], "invalid_location"),
                ("digits as country", ["location": ["country": "D1"]], "invalid_location"),
                ("latitude only", ["location": ["country": "DE", "latitude": 50.0]], "invalid_location"),
                ("latitude out of range", ["location": ["country": "DE", "latitude": 91.0, "longitude": 0.0]], "invalid_location"),
                ("unknown field", ["color": "blue"], "invalid_body"),
                ("wrong type", ["capacity": "many"], "invalid_body"),
            ]
            for (what, overrides, code) in cases {
                let res = try await api.registerServer("gw", key: TestNodeKey(), enrollmentKey: enrollmentKey, overrides: overrides)
                #expect(res.status == .badRequest && res.errorCode == code, "\(what): \(res.status) \(res.text)")
            }
            let badChallenge = try await api.send(.POST, "api/v1/nodes/challenges", json: ["publicKey": "AAAA"])
            #expect(badChallenge.status == .badRequest && badChallenge.errorCode == "invalid_public_key")
            #expect(try await Node.query(on: app.db).count() == 0)

            let key = TestNodeKey()
            let registered = try await api.registerServer("gw", key: key, enrollmentKey: enrollmentKey).decode(RegisteredServerBody.self)
            let beats: [(HeartbeatBody, String)] = [
                (HeartbeatBody(load: 1.5), "invalid_heartbeat"),
                (HeartbeatBody(peerCount: -1), "invalid_heartbeat"),
                (HeartbeatBody(rxBytes: -5), "invalid_heartbeat"),
                (HeartbeatBody(endpoints: ["nowhere"]), "invalid_endpoint"),
            ]
            for (beat, code) in beats {
                let res = try await api.send(.POST, "api/v1/node/heartbeat", token: registered.credential, json: beat)
                #expect(res.status == .badRequest && res.errorCode == code, "\(beat): \(res.text)")
            }
            let health = try await api.send(.POST, "api/v1/node/heartbeat", token: registered.credential,
                                            object: ["load": 0, "peerCount": 0, "rxBytes": 0, "txBytes": 0, "health": "dying"])
            #expect(health.status == .badRequest && health.errorCode == "invalid_body")
            #expect(try await api.send(.POST, "api/v1/servers/not-a-uuid/approve", token: admin).errorCode == "invalid_id")
            #expect(try await api.send(.POST, "api/v1/servers/\(UUID())/approve", token: admin).status == .notFound)
        }
    }

    @Test(arguments: TestStore.available)
    func heartbeatEndpointsAndStatusChangesPublishNetmapChanges(store: TestStore) async throws {
        try await Self.withServerKey(store) { app, api, admin, enrollmentKey in
            let hub = try #require(app.brokerServices).netmapChanges
            let registered = try await api.registerServer("gw", key: TestNodeKey(), enrollmentKey: enrollmentKey)
                .decode(RegisteredServerBody.self)
            var revision = hub.revision
            #expect(try await api.send(.POST, "api/v1/servers/\(registered.server.id)/approve", token: admin).status == .ok)
            #expect(hub.revision > revision)
            revision = hub.revision
            #expect(try await api.send(.POST, "api/v1/servers/\(registered.server.id)/approve", token: admin).status == .ok)
            #expect(hub.revision == revision, "approving an approved server changes nothing")

            var beat = HeartbeatBody(endpoints: ["[2001:db8::7]:51820", "198.51.100.9:51820"])
            #expect(try await api.send(.POST, "api/v1/node/heartbeat", token: registered.credential, json: beat).status == .ok)
            #expect(hub.revision > revision)
            let server = try await api.send(.GET, "api/v1/servers/\(registered.server.id)", token: admin).decode(ServerBody.self)
            #expect(server.endpoints == ["[2001:db8::7]:51820", "198.51.100.9:51820"] && server.lastHeartbeatAt != nil)
            revision = hub.revision
            beat.load = 0.9
            #expect(try await api.send(.POST, "api/v1/node/heartbeat", token: registered.credential, json: beat).status == .ok)
            #expect(hub.revision == revision, "same endpoints: no change")

            #expect(try await api.send(.POST, "api/v1/servers/\(registered.server.id)/suspend", token: admin).status == .ok)
            #expect(hub.revision > revision)
            #expect(try await api.send(.DELETE, "api/v1/servers/\(registered.server.id)", token: admin).status == .noContent)
            #expect(try await AddressAllocation.query(on: app.db).count() == 0)
            let actions = try await api.audit("", adminToken: admin).map(\.action)
            #expect(Set(["server.suspended", "server.deleted"]).isSubset(of: Set(actions)))
        }
    }

    /// The broker's own background sweep (the one production runs) notices a server that
    /// starts heartbeating and records it, without any test calling `sweep`.
    @Test(arguments: TestStore.available)
    func theBackgroundSweepRecordsPresenceByItself(store: TestStore) async throws {
        var policy = NodePolicy()
        policy.serverOfflineAfter = 6  // a sweep every second
        try await store.withBroker(nodes: policy) { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            let enrollmentKey = try await api.enrollmentKey("server", adminToken: admin)
            let registered = try await api.registerServer("gw", key: TestNodeKey(), enrollmentKey: enrollmentKey)
                .decode(RegisteredServerBody.self)
            #expect(try await api.send(.POST, "api/v1/servers/\(registered.server.id)/approve", token: admin).status == .ok)
            #expect(try await api.send(.POST, "api/v1/node/heartbeat", token: registered.credential, json: HeartbeatBody()).status == .ok)
            var events: [String] = []
            for _ in 0..<100 where events.isEmpty {
                try await Task.sleep(for: .milliseconds(100))
                events = try await presence(api, admin, registered.server.id)
            }
            #expect(events == ["server.online"])
        }
    }

    /// Runs `body` on a fresh broker with the admin's session and a server enrollment key.
    private static func withServerKey(
        _ store: TestStore, reusable: Bool = true, clock: TestClock = TestClock(),
        _ body: (Application, APIClient, _ admin: String, _ enrollmentKey: String) async throws -> Void
    ) async throws {
        try await store.withBroker(clock: clock.brokerClock) { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            try await body(app, api, admin, try await api.enrollmentKey("server", adminToken: admin, reusable: reusable))
        }
    }

    /// The server's online/offline events, oldest first.
    private func presence(_ api: APIClient, _ admin: String, _ serverID: String) async throws -> [String] {
        try await api.audit("", adminToken: admin)
            .filter { $0.targetId == serverID && $0.action.hasPrefix("server.o") }.map(\.action).reversed()
    }

    private func listed(_ api: APIClient, token: String) async throws -> [ServerBody] {
        let res = try await api.send(.GET, "api/v1/servers", token: token)
        #expect(res.status == .ok, "\(res.text)")
        return try res.decode([ServerBody].self)
    }
}
