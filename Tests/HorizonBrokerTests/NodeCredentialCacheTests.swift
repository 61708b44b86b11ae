import Fluent
import Foundation
@testable import HorizonBroker
import Testing
import Vapor
import VaporTesting

/// The in-memory cache of node credentials: a status change announced by any broker takes
/// effect on the next request, one that nobody announces within `NodeCredentialCache.maxAge`,
/// and the cache stays bounded.
@Suite struct NodeCredentialCacheTests {
    typealias Nodes = NodeAuthenticationTests

    static func status(_ api: APIClient, _ credential: String) async throws -> (HTTPStatus, String?) {
        let res = try await api.send(.GET, "api/v1/node", token: credential)
        return (res.status, res.status == .ok ? try res.decode(NodeSelfBody.self).status : res.errorCode)
    }

    @Test(arguments: TestStore.available)
    func approveSuspendAndRevokeTakeEffectOnTheNextRequest(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let lifecycle = try #require(app.brokerServices).nodeLifecycle
            let (server, credential) = try await Nodes.insertNode(.server, name: "gw", status: .pending, on: app.db)
            #expect(try await Self.status(api, credential) == (.ok, "pending"))
            try await lifecycle.setStatus(server, to: .approved, by: .commandLine(), on: app.db)
            #expect(try await Self.status(api, credential) == (.ok, "approved"))
            try await lifecycle.setStatus(server, to: .suspended, by: .commandLine(), on: app.db)
            #expect(try await Self.status(api, credential) == (.ok, "suspended"))
            try await lifecycle.setStatus(server, to: .revoked, by: .commandLine(), on: app.db)
            #expect(try await Self.status(api, credential) == (.unauthorized, "node_revoked"))
        }
    }

    @Test(arguments: TestStore.available)
    func anUnannouncedChangeTakesEffectWithinTheMaximumAge(store: TestStore) async throws {
        let clock = TestClock()
        try await store.withBroker(clock: clock.brokerClock) { app, _ in
            let api = APIClient(app: app)
            let (node, credential) = try await Nodes.insertNode(.device, name: "laptop", status: .approved, on: app.db)
            #expect(try await Self.status(api, credential) == (.ok, "approved"))
            // As an operator command in another process would: written, not announced.
            node.status = .revoked
            try await node.update(on: app.db)
            #expect(try await Self.status(api, credential) == (.ok, "approved"), "served from the cache")
            clock.advance(NodeCredentialCache.maxAge)
            #expect(try await Self.status(api, credential) == (.unauthorized, "node_revoked"))
        }
    }

    @Test(arguments: TestStore.available)
    func contactIsRecordedAtMostOncePerInterval(store: TestStore) async throws {
        let clock = TestClock()
        try await store.withBroker(clock: clock.brokerClock) { app, _ in
            let api = APIClient(app: app)
            let (node, credential) = try await Nodes.insertNode(.device, name: "laptop", status: .approved, on: app.db)
            func lastSeen() async throws -> Date? { try await Node.find(node.id, on: app.db)?.lastSeenAt }
            #expect(try await Self.status(api, credential).0 == .ok)
            let first = try #require(try await lastSeen())
            #expect(abs(first.timeIntervalSince(clock.now)) < 0.001)
            clock.advance(10)
            #expect(try await Self.status(api, credential).0 == .ok)
            #expect(try await lastSeen() == first, "not rewritten within a minute")
            clock.advance(NodeCredentials.contactInterval)
            #expect(try await Self.status(api, credential).0 == .ok)
            #expect(try #require(try await lastSeen()) > first)
        }
    }

    /// The revocation lands on broker A; broker B, which cached the credential, hears of it
    /// through PostgreSQL NOTIFY. PostgreSQL only (one broker per SQLite store).
    @Test func aRevocationOnOneBrokerReachesTheCacheOfAnother() async throws {
        try await TestStore.withTwoBrokers { brokerA, brokerB in
            let (node, credential) = try await Nodes.insertNode(.device, name: "laptop", status: .approved, on: brokerA.db)
            let onB = APIClient(app: brokerB)
            #expect(try await Self.status(onB, credential) == (.ok, "approved"))

            try await #require(brokerA.brokerServices).nodeLifecycle.setStatus(node, to: .revoked, by: .commandLine(), on: brokerA.db)
            let deadline = ContinuousClock.now + NetmapTests.wakeBound
            var refused = false
            while !refused, ContinuousClock.now < deadline {
                refused = try await Self.status(onB, credential) == (.unauthorized, "node_revoked")
                if !refused { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(refused, "broker B still accepts a credential revoked on broker A")
        }
    }

    @Test func theCacheIsBounded() {
        let cache = NodeCredentialCache(capacity: 3)
        let now = Date()
        func entry(revision: UInt64 = 1, readAt: Date = now) -> NodeCredentialCache.Entry {
            .init(principal: NodePrincipal(nodeID: UUID(), kind: .device, name: "d", publicKey: "k", status: .approved),
                  lastSeenAt: nil, revision: revision, readAt: readAt)
        }
        cache.store(entry(readAt: now.addingTimeInterval(-NodeCredentialCache.maxAge)), for: "expired")
        cache.store(entry(), for: "a")
        cache.store(entry(), for: "b")
        cache.store(entry(), for: "c")
        #expect(cache.count == 3, "the expired entry made room")
        #expect(cache.entry("a", revision: 1, now: now) != nil && cache.entry("expired", revision: 1, now: now) == nil)
        cache.store(entry(), for: "d")
        #expect(cache.count == 1, "full of live entries: all dropped, the new one kept")
        #expect(cache.entry("d", revision: 2, now: now) == nil, "a later revision makes an entry stale")
    }
}
