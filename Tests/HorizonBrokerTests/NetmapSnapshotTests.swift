import Fluent
import Foundation
import SQLKit
@testable import HorizonBroker
import Synchronization
import Testing
import Vapor
import VaporTesting

/// Netmaps built from one snapshot of approved nodes per change revision: read once however
/// many nodes ask, renewed by every change and after `NetmapSnapshotCache.maxAge`, and the
/// same version on every broker.
@Suite struct NetmapSnapshotTests {
    typealias Nodes = NodeAuthenticationTests

    static let empty = NetmapSnapshot(servers: .init([], kind: .server), devices: .init([], kind: .device))

    @Test func oneReadPerRevisionHoweverManyAsk() async throws {
        let cache = NetmapSnapshotCache()
        let reads = Mutex(0)
        let read: NetmapSnapshotCache.Read = { _ in
            reads.withLock { $0 += 1 }
            try await Task.sleep(for: .milliseconds(50))
            return Self.empty
        }
        let start = Date()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<100 { group.addTask { _ = try await cache.snapshot(revision: 1, now: start, read: read) } }
            try await group.waitForAll()
        }
        #expect(reads.withLock { $0 } == 1, "callers during the read share it")
        _ = try await cache.snapshot(revision: 1, now: start.addingTimeInterval(NetmapSnapshotCache.maxAge / 2), read: read)
        #expect(reads.withLock { $0 } == 1, "reused while fresh")
        _ = try await cache.snapshot(revision: 2, now: start.addingTimeInterval(NetmapSnapshotCache.maxAge / 2), read: read)
        #expect(reads.withLock { $0 } == 2, "a change means a new read")
        _ = try await cache.snapshot(revision: 2, now: start.addingTimeInterval(NetmapSnapshotCache.maxAge * 2), read: read)
        #expect(reads.withLock { $0 } == 3, "and so does age")
    }

    @Test(.timeLimit(.minutes(1))) func renewedInTheBackgroundBeforeItExpires() async throws {
        let cache = NetmapSnapshotCache()
        let start = Date()
        _ = try await cache.snapshot(revision: 1, now: start) { _ in Self.empty }
        let release = AsyncStream<Void>.makeStream()
        let renewals = Mutex(0)
        // The held snapshot comes back at once while its renewal is still held up here.
        _ = try await cache.snapshot(revision: 1, now: start.addingTimeInterval(NetmapSnapshotCache.renewAfter)) { renewing in
            #expect(renewing != nil, "a renewal gets the snapshot it renews")
            renewals.withLock { $0 += 1 }
            for await _ in release.stream { break }
            return Self.empty
        }
        _ = try await cache.snapshot(revision: 1, now: start.addingTimeInterval(NetmapSnapshotCache.renewAfter)) { _ in
            Issue.record("a second renewal while one runs")
            return Self.empty
        }
        release.continuation.yield()
        // Past the first snapshot's expiry: the renewal answers (awaited if it is still
        // running), and then it is the snapshot held.
        let expired = start.addingTimeInterval(NetmapSnapshotCache.maxAge)
        for _ in 0..<2 {
            _ = try await cache.snapshot(revision: 1, now: expired) { _ in
                Issue.record("read again although the renewal fits")
                return Self.empty
            }
        }
        #expect(renewals.withLock { $0 } == 1)
    }

    @Test func aFailedReadIsNotKept() async throws {
        struct Failure: Error {}
        let cache = NetmapSnapshotCache()
        await #expect(throws: Failure.self) { _ = try await cache.snapshot(revision: 1, now: Date()) { _ in throw Failure() } }
        let again = try await cache.snapshot(revision: 1, now: Date()) { _ in Self.empty }
        #expect(again.servers.members.isEmpty)
    }

    @Test(arguments: TestStore.available)
    func manyNodesAtOneRevisionGetTheirOwnMaps(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let services = try #require(app.brokerServices)
            let (gw, _) = try await NetmapTests.insertOnlineServer("gw", status: .approved, on: app.db)
            var devices: [Node] = []
            for index in 0..<40 {
                devices.append(try await Nodes.insertNode(.device, name: "d\(index)", status: .approved, on: app.db).node)
            }
            let (pending, _) = try await Nodes.insertNode(.device, name: "pending", status: .pending, on: app.db)
            try NetmapTests.hub(app).publish()
            let ids = try devices.map { try $0.requireID() }
            let maps = try await withThrowingTaskGroup(of: Netmap.self) { group in
                for id in ids { group.addTask { try await services.netmap.current(for: id, on: app.db) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(maps.map(\.node.id)) == Set(ids))
            let gwID = try gw.requireID()
            #expect(maps.allSatisfy { $0.peers.map(\.id) == [gwID] })
            #expect(Set(maps.map(\.version)).count == ids.count, "each version covers the node itself")

            let server = try await services.netmap.current(for: gwID, on: app.db)
            #expect(server.peers.map(\.id) == ids.sorted { $0.uuidString < $1.uuidString })
            let outsider = try await services.netmap.current(for: try pending.requireID(), on: app.db)
            #expect(outsider.node.status == .pending && outsider.peers.isEmpty)
            await #expect(throws: APIError.self) { _ = try await services.netmap.current(for: UUID(), on: app.db) }
        }
    }

    /// A renewal at the same revision reads the servers again (load, heartbeats) and keeps
    /// devices younger than `devicesMaxAge`, which only announced changes alter.
    @Test(arguments: TestStore.available)
    func renewalsReadServersAndKeepRecentDevices(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let sql = try #require(app.db as? any SQLDatabase)
            let now = Date()
            _ = try await Nodes.insertNode(.device, name: "d0", status: .approved, on: app.db)
            let first = try await NetmapSnapshot.read(on: sql, now: now, renewing: nil)
            let (gw, _) = try await NetmapTests.insertOnlineServer("gw", status: .approved, on: app.db)
            _ = try await Nodes.insertNode(.device, name: "d1", status: .approved, on: app.db)

            let renewed = try await NetmapSnapshot.read(on: sql, now: now.addingTimeInterval(1), renewing: first)
            #expect(renewed.servers.members.map(\.id) == [try gw.requireID()])
            #expect(renewed.devices.members.map(\.name) == ["d0"])
            #expect(renewed.devicesReadAt == first.devicesReadAt)

            let later = now.addingTimeInterval(NetmapSnapshot.devicesMaxAge)
            let reread = try await NetmapSnapshot.read(on: sql, now: later, renewing: renewed)
            #expect(Set(reread.devices.members.map(\.name)) == ["d0", "d1"])
            #expect(reread.devicesReadAt == later)
        }
    }

    /// A server that stops heartbeating leaves devices' maps without a sweep; one that comes
    /// back is in them once the snapshot is renewed (or at once, when the sweep announces it).
    @Test(arguments: TestStore.available)
    func serversLeaveAndReturnWithTheirHeartbeats(store: TestStore) async throws {
        let clock = TestClock()
        try await store.withBroker(clock: clock.brokerClock) { app, _ in
            let api = APIClient(app: app)
            let (gw, gwCredential) = try await Nodes.insertNode(.server, name: "gw", status: .approved, on: app.db)
            let (_, credential) = try await Nodes.insertNode(.device, name: "laptop", status: .approved, on: app.db)
            let gwID = try gw.requireID().uuidString
            #expect(try await api.send(.POST, "api/v1/node/heartbeat", token: gwCredential, json: HeartbeatBody()).status == .ok)
            #expect(try await NetmapTests.fetch(api, credential).peers.map(\.id) == [gwID])

            clock.advance(31)
            #expect(try await NetmapTests.fetch(api, credential).peers.isEmpty, "offline by its heartbeat's age")

            #expect(try await api.send(.POST, "api/v1/node/heartbeat", token: gwCredential, json: HeartbeatBody()).status == .ok)
            clock.advance(NetmapSnapshotCache.maxAge)
            #expect(try await NetmapTests.fetch(api, credential).peers.map(\.id) == [gwID])

            clock.advance(31)
            let before = try await NetmapTests.fetch(api, credential)
            #expect(before.peers.isEmpty)
            #expect(try await api.send(.POST, "api/v1/node/heartbeat", token: gwCredential, json: HeartbeatBody()).status == .ok)
            try await #require(app.brokerServices).serverPresence.sweep(now: clock.now, on: app.db)
            #expect(try await NetmapTests.fetch(api, credential).peers.count == 1, "the sweep's announcement renews the snapshot")
        }
    }

    /// Two brokers reading one PostgreSQL store hand a node the same version.
    @Test func everyBrokerComputesTheSameVersion() async throws {
        try await TestStore.withTwoBrokers { brokerA, brokerB in
            let (_, gwCredential) = try await NetmapTests.insertOnlineServer("gw", status: .approved, on: brokerA.db)
            for index in 0..<5 { _ = try await Nodes.insertNode(.device, name: "d\(index)", status: .approved, on: brokerA.db) }
            let onA = try await NetmapTests.fetch(APIClient(app: brokerA), gwCredential)
            let onB = try await NetmapTests.fetch(APIClient(app: brokerB), gwCredential)
            #expect(onA.peers.count == 5 && onA.version == onB.version)
        }
    }
}
