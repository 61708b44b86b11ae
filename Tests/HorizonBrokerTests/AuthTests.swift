import Foundation
import HorizonBroker
import Testing
import Vapor

@Suite struct AuthTests {
    static let adminPassword = "test-admin-password"

    @Test(arguments: TestStore.available)
    func goodPasswordGivesAWorkingSessionToken(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let res = try await api.send(.POST, "api/v1/auth/login", json: LoginBody(username: "admin", password: Self.adminPassword))
            #expect(res.status == .ok)
            let login = try res.decode(LoginResult.self)
            #expect(login.tokenType == "Bearer")
            #expect(login.token.hasPrefix("hzn_"))
            #expect(login.user.username == "admin" && login.user.role == "admin")
            #expect(login.expiresAt > Date().addingTimeInterval(11 * 3600))
            let me = try await api.send(.GET, "api/v1/me", token: login.token)
            #expect(me.status == .ok)
            #expect(try me.decode(UserBody.self).username == "admin")
        }
    }

    @Test(arguments: TestStore.available)
    func badPasswordAndUnknownUserAre401(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let wrong = try await api.send(.POST, "api/v1/auth/login", json: LoginBody(username: "admin", password: "not-the-password"))
            #expect(wrong.status == .unauthorized)
            #expect(wrong.errorCode == "invalid_credentials")
            let unknown = try await api.send(.POST, "api/v1/auth/login", json: LoginBody(username: "nobody", password: "whatever-password"))
            #expect(unknown.status == .unauthorized)
            #expect(unknown.errorCode == "invalid_credentials")
            #expect(wrong.text == unknown.text, "the answer must not tell whether a username exists")

            let admin = try await api.login("admin", Self.adminPassword)
            let failures = try await api.audit("action=auth.login_failed", adminToken: admin)
            #expect(Set(failures.map(\.actor)) == ["admin", "nobody"])
            #expect(failures.allSatisfy { $0.sourceAddress != nil })
            #expect(try await api.audit("action=auth.login", adminToken: admin).count == 1)
        }
    }

    @Test(arguments: TestStore.available)
    func repeatedFailuresLockTheAccountUntilTheLockoutEnds(store: TestStore) async throws {
        var policy = TestStore.testPolicy
        policy.lockoutThreshold = 3
        policy.lockoutDuration = 600
        policy.maxFailuresPerUsernameAndAddress = 100
        let clock = TestClock()
        try await store.withBroker(security: policy, clock: clock.brokerClock) { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", Self.adminPassword)
            _ = try await api.createUser("bob", password: "bobs-password", adminToken: admin)
            for _ in 0..<3 {
                let res = try await api.send(.POST, "api/v1/auth/login", json: LoginBody(username: "bob", password: "guess-guess"))
                #expect(res.status == .unauthorized)
            }
            // Locked: even the right password is refused, with a hint when to retry.
            let locked = try await api.send(.POST, "api/v1/auth/login", json: LoginBody(username: "bob", password: "bobs-password"))
            #expect(locked.status == .tooManyRequests)
            #expect(locked.errorCode == "account_locked")
            #expect(locked.headers.first(name: .retryAfter) == "600")
            let users = try await api.send(.GET, "api/v1/users", token: admin).decode([UserBody].self)
            #expect(users.first { $0.username == "bob" }?.locked == true)

            clock.advance(601)
            _ = try await api.login("bob", "bobs-password")
            let lockouts = try await api.audit("action=auth.lockout", adminToken: admin)
            #expect(lockouts.count == 1)
            #expect(lockouts.first?.targetName == "bob")
        }
    }

    @Test(arguments: TestStore.available)
    func failedLoginsAreRateLimitedPerUsernameAndAddress(store: TestStore) async throws {
        var policy = TestStore.testPolicy
        policy.maxFailuresPerUsernameAndAddress = 2
        policy.maxFailuresPerAddress = 4
        policy.rateLimitWindow = 300
        policy.lockoutThreshold = 1000
        let clock = TestClock()
        try await store.withBroker(security: policy, clock: clock.brokerClock) { app, _ in
            let api = APIClient(app: app)
            for _ in 0..<2 {
                _ = try await api.send(.POST, "api/v1/auth/login", json: LoginBody(username: "admin", password: "wrong-password"))
            }
            let limited = try await api.send(.POST, "api/v1/auth/login", json: LoginBody(username: "admin", password: Self.adminPassword))
            #expect(limited.status == .tooManyRequests)
            #expect(limited.errorCode == "rate_limited")
            #expect(limited.headers.first(name: .retryAfter).flatMap(Int.init) ?? 0 > 0)
            // Another name from the same address still has its own budget, until the address runs out.
            for _ in 0..<2 {
                let res = try await api.send(.POST, "api/v1/auth/login", json: LoginBody(username: "carol", password: "wrong-password"))
                #expect(res.status == .unauthorized)
            }
            let byAddress = try await api.send(.POST, "api/v1/auth/login", json: LoginBody(username: "dave", password: "wrong-password"))
            #expect(byAddress.status == .tooManyRequests)

            clock.advance(301)
            _ = try await api.login("admin", Self.adminPassword)
        }
    }

    @Test(arguments: TestStore.available)
    func sessionsExpire(store: TestStore) async throws {
        var policy = TestStore.testPolicy
        policy.sessionLifetime = 3600
        let clock = TestClock()
        try await store.withBroker(security: policy, clock: clock.brokerClock) { app, _ in
            let api = APIClient(app: app)
            let token = try await api.login("admin", Self.adminPassword)
            clock.advance(3599)
            #expect(try await api.send(.GET, "api/v1/me", token: token).status == .ok)
            clock.advance(2)
            let expired = try await api.send(.GET, "api/v1/me", token: token)
            #expect(expired.status == .unauthorized)
            #expect(expired.errorCode == "token_expired")
        }
    }

    @Test(arguments: TestStore.available)
    func logoutEndsTheSessionOnly(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let session = try await api.login("admin", Self.adminPassword)
            let personal = try await api.createToken("ci", token: session)
            let notSession = try await api.send(.POST, "api/v1/auth/logout", token: personal.secret)
            #expect(notSession.status == .badRequest)
            #expect(notSession.errorCode == "not_a_session_token")
            #expect(try await api.send(.POST, "api/v1/auth/logout", token: session).status == .noContent)
            let after = try await api.send(.GET, "api/v1/me", token: session)
            #expect(after.status == .unauthorized)
            #expect(try await api.send(.GET, "api/v1/me", token: personal.secret).status == .ok)
            #expect(try await api.audit("action=auth.logout", adminToken: personal.secret).count == 1)
        }
    }

    @Test(arguments: TestStore.available)
    func personalTokensAreShownOnceExpireAndCanBeRevoked(store: TestStore) async throws {
        let clock = TestClock()
        try await store.withBroker(clock: clock.brokerClock) { app, _ in
            let api = APIClient(app: app)
            let session = try await api.login("admin", Self.adminPassword)
            let lasting = try await api.createToken("automation", token: session)
            let shortLived = try await api.createToken("short", token: session, expiresAt: clock.now.addingTimeInterval(60))

            let list = try await api.send(.GET, "api/v1/tokens", token: session)
            #expect(list.status == .ok)
            #expect(!list.text.contains(lasting.secret) && !list.text.contains("hzn_"), "secrets are never listed")
            #expect(Set(try list.decode([TokenBody].self).map(\.name)) == ["automation", "short"])
            #expect(!list.text.contains("\n"), "compact JSON")

            #expect(try await api.send(.GET, "api/v1/me", token: shortLived.secret).status == .ok)
            clock.advance(61)
            #expect(try await api.send(.GET, "api/v1/me", token: shortLived.secret).errorCode == "token_expired")

            let past = try await api.send(.POST, "api/v1/tokens", token: session, json: CreateTokenBody(name: "old", expiresAt: clock.now.addingTimeInterval(-1)))
            #expect(past.status == .badRequest)
            let fractional = try await api.send(.POST, "api/v1/tokens", token: session, raw: #"{"name": "f", "expiresAt": "2099-01-01T00:00:00.250Z"}"#)
            #expect(fractional.status == .created, "fractional seconds are accepted: \(fractional.text)")

            #expect(try await api.send(.DELETE, "api/v1/tokens/\(lasting.id)", token: session).status == .noContent)
            #expect(try await api.send(.GET, "api/v1/me", token: lasting.secret).status == .unauthorized)
            #expect(try await api.send(.DELETE, "api/v1/tokens/\(lasting.id)", token: session).status == .notFound)

            let actions = try await api.audit(adminToken: session).map(\.action)
            #expect(actions.filter { $0 == "token.created" }.count == 3)
            #expect(actions.filter { $0 == "token.revoked" }.count == 1)
        }
    }

    @Test(arguments: TestStore.available)
    func disabledUsersCannotLogInAndTheirTokensStopWorking(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", Self.adminPassword)
            let bobID = try await api.createUser("bob", password: "bobs-password", adminToken: admin)
            let bobSession = try await api.login("bob", "bobs-password")
            let bobToken = try await api.createToken("bob-ci", token: bobSession)

            let disable = try await api.send(.PATCH, "api/v1/users/\(bobID)", token: admin, json: ["disabled": true])
            #expect(disable.status == .ok)
            #expect(try disable.decode(UserBody.self).disabled)
            #expect(try await api.send(.GET, "api/v1/me", token: bobSession).status == .unauthorized)
            #expect(try await api.send(.GET, "api/v1/me", token: bobToken.secret).errorCode == "account_disabled")
            let login = try await api.send(.POST, "api/v1/auth/login", json: LoginBody(username: "bob", password: "bobs-password"))
            #expect(login.status == .unauthorized)

            #expect(try await api.send(.PATCH, "api/v1/users/\(bobID)", token: admin, json: ["disabled": false]).status == .ok)
            #expect(try await api.send(.GET, "api/v1/me", token: bobToken.secret).status == .ok, "a personal token works again once enabled")
            #expect(try await api.send(.GET, "api/v1/me", token: bobSession).status == .unauthorized, "sessions stay ended")
            _ = try await api.login("bob", "bobs-password")

            let actions = try await api.audit(adminToken: admin).map(\.action)
            #expect(actions.contains("user.disabled") && actions.contains("user.enabled"))
        }
    }

    @Test(arguments: TestStore.available)
    func changingTheOwnPasswordNeedsTheCurrentOneAndEndsOtherSessions(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", Self.adminPassword)
            _ = try await api.createUser("bob", password: "bobs-password", adminToken: admin)
            let first = try await api.login("bob", "bobs-password")
            let second = try await api.login("bob", "bobs-password")

            let wrong = try await api.send(.POST, "api/v1/me/password", token: first,
                                           json: ["currentPassword": "nope-nope", "newPassword": "new-password-1"])
            #expect(wrong.status == .forbidden)
            #expect(wrong.errorCode == "wrong_password")
            let weak = try await api.send(.POST, "api/v1/me/password", token: first,
                                          json: ["currentPassword": "bobs-password", "newPassword": "short"])
            #expect(weak.status == .badRequest)
            #expect(weak.errorCode == "weak_password")

            let ok = try await api.send(.POST, "api/v1/me/password", token: first,
                                        json: ["currentPassword": "bobs-password", "newPassword": "new-password-1"])
            #expect(ok.status == .noContent)
            #expect(try await api.send(.GET, "api/v1/me", token: first).status == .ok, "the session that changed it stays")
            #expect(try await api.send(.GET, "api/v1/me", token: second).status == .unauthorized, "other sessions end")
            let old = try await api.send(.POST, "api/v1/auth/login", json: LoginBody(username: "bob", password: "bobs-password"))
            #expect(old.status == .unauthorized)
            _ = try await api.login("bob", "new-password-1")

            let changes = try await api.audit("action=user.password_changed", adminToken: admin)
            #expect(changes.count == 1)
            #expect(changes.first?.actor == "bob" && changes.first?.targetName == "bob")
        }
    }

    @Test(arguments: TestStore.available)
    func missingMalformedAndUnknownTokensAre401(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let none = try await api.send(.GET, "api/v1/me")
            #expect(none.status == .unauthorized)
            #expect(none.errorCode == "unauthorized")
            let unknown = try await api.send(.GET, "api/v1/me", token: "hzn_not-a-real-token")
            #expect(unknown.status == .unauthorized)
            let basic = try await api.send(.GET, "api/v1/me", headers: [("Authorization", "Basic YWRtaW46eA==")])
            #expect(basic.status == .unauthorized)
            let empty = try await api.send(.GET, "api/v1/me", headers: [("Authorization", "Bearer")])
            #expect(empty.status == .unauthorized)
            #expect(empty.errorCode != nil)
        }
    }
}
