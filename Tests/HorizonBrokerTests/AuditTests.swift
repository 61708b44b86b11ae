import Foundation
import HorizonBroker
import Testing
import Vapor

/// `GET /api/v1/audit`: what is recorded, and the filters and paging admins use.
@Suite struct AuditTests {
    @Test(arguments: TestStore.available)
    func recordsActorTargetTimeAndAddress(store: TestStore) async throws {
        let clock = TestClock()
        try await store.withBroker(clock: clock.brokerClock) { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            let bobID = try await api.createUser("bob", adminToken: admin)
            clock.advance(10)
            _ = try await api.send(.PATCH, "api/v1/users/\(bobID)", token: admin, json: ["disabled": true])

            let events = try await api.audit(adminToken: admin)
            // Newest first; the first admin's creation at start is recorded too.
            #expect(events.first?.action == "user.disabled")
            #expect(events.dropFirst().map(\.action).sorted() == ["auth.login", "user.created", "user.created"])
            let disabled = try #require(events.first)
            #expect(disabled.actor == "admin")
            #expect(disabled.actorId != nil)
            #expect(disabled.targetType == "user" && disabled.targetId == bobID && disabled.targetName == "bob")
            #expect(disabled.sourceAddress != nil)
            #expect(disabled.time == clock.now)
            #expect(events.contains { $0.action == "user.created" && $0.actor == "operator" && $0.targetName == "admin" },
                    "the bootstrap admin is created by the operator")
        }
    }

    @Test(arguments: TestStore.available)
    func filtersByActorActionAndTimeAndPages(store: TestStore) async throws {
        let clock = TestClock()
        try await store.withBroker(clock: clock.brokerClock) { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            let start = clock.now
            for name in ["u1", "u2", "u3", "u4", "u5"] {
                clock.advance(60)
                _ = try await api.createUser(name, adminToken: admin)
            }
            clock.advance(60)
            _ = try await api.send(.POST, "api/v1/auth/login", json: LoginBody(username: "u1", password: "wrong-password"))

            #expect(try await api.audit("action=user.created&actor=admin", adminToken: admin).map(\.targetName)
                    == ["u5", "u4", "u3", "u2", "u1"])
            #expect(try await api.audit("actor=u1", adminToken: admin).map(\.action) == ["auth.login_failed"])
            let since = ISO8601DateFormatter().string(from: start.addingTimeInterval(120))
            let until = ISO8601DateFormatter().string(from: start.addingTimeInterval(240))
            #expect(try await api.audit("action=user.created&since=\(since)&until=\(until)", adminToken: admin).map(\.targetName)
                    == ["u3", "u2"], "since is inclusive, until exclusive")

            var seen: [String] = []
            var offset: Int? = 0
            var pages = 0
            while let next = offset, pages < 10 {
                let page = try await api.send(.GET, "api/v1/audit?action=user.created&limit=2&offset=\(next)", token: admin)
                    .decode(AuditPageBody.self)
                seen += page.events.compactMap(\.targetName)
                offset = page.nextOffset
                pages += 1
            }
            #expect(seen == ["u5", "u4", "u3", "u2", "u1", "admin"])
            #expect(pages == 3)
        }
    }
}
