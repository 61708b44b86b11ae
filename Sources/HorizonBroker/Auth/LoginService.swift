import Fluent
import Foundation

/// `POST /api/v1/auth/login`: password check, rate limits, lockout, session issue, audit.
struct LoginService: Sendable {
    let policy: SecurityPolicy
    let clock: BrokerClock
    let audit: AuditLog
    let hasher: PasswordHasher
    let tokens: TokenService
    let limiter: LoginRateLimiter

    struct Success: Sendable {
        var secret: String
        var token: AccessToken
        var user: User
    }

    func login(username: String, password: String, from address: String, on db: any Database) async throws -> Success {
        let now = clock.now()
        let addressKey = LoginRateLimiter.addressKey(address)
        let userKey = LoginRateLimiter.userKey(username, address)
        if let wait = limiter.retryAfter(addressKey, limit: policy.maxFailuresPerAddress, now: now)
            ?? limiter.retryAfter(userKey, limit: policy.maxFailuresPerUsernameAndAddress, now: now) {
            throw APIError(.tooManyRequests, "rate_limited", "too many failed logins; try again in \(wait) s", retryAfter: wait)
        }
        let actor = Actor(name: CredentialRules.printable(username), id: nil, sourceAddress: address)

        // A name that cannot exist is not looked up (nor passed to the store as is).
        let user = CredentialRules.isValidUsername(username)
            ? try await User.query(on: db).filter(\.$username == username).first() : nil
        guard let user else {
            try await hasher.verifyAgainstDummy(password)
            try await fail(actor: actor, user: nil, countsTowardLockout: false, reason: "unknown user", keys: [addressKey, userKey], on: db)
        }
        let withID = Actor(name: user.username, id: user.id, sourceAddress: address)
        if user.isLocked(at: now), let until = user.lockedUntil {
            // Locked: the password is not even checked, so guessing cannot go on.
            limiter.recordFailure(addressKey, now: now)
            limiter.recordFailure(userKey, now: now)
            try await audit.record(.loginFailed, by: withID, target: .user(user), detail: "account locked", on: db)
            let wait = max(1, Int(until.timeIntervalSince(now).rounded(.up)))
            throw APIError(.tooManyRequests, "account_locked",
                           "the account is locked after too many failed logins; try again in \(wait) s or ask an administrator",
                           retryAfter: wait)
        }
        guard try await hasher.verify(password, against: user.passwordHash) else {
            try await fail(actor: withID, user: user, countsTowardLockout: true, reason: "wrong password", keys: [addressKey, userKey], on: db)
        }
        if user.disabled {
            try await fail(actor: withID, user: user, countsTowardLockout: false, reason: "account disabled", keys: [addressKey, userKey], on: db)
        }

        limiter.reset(userKey)
        return try await db.transaction { tx in
            if user.failedLogins != 0 || user.lockedUntil != nil {
                user.failedLogins = 0
                user.lockedUntil = nil
                try await user.update(on: tx)
            }
            let (secret, token) = try await tokens.createSession(for: user, on: tx)
            try await audit.record(.login, by: withID, target: .user(user), on: tx)
            return Success(secret: secret, token: token, user: user)
        }
    }

    /// Records a failed attempt (limiter, the user's counter and maybe a lockout, audit)
    /// and throws the one answer every failure gets.
    private func fail(
        actor: Actor, user: User?, countsTowardLockout: Bool, reason: String, keys: [String], on db: any Database
    ) async throws -> Never {
        let now = clock.now()
        for key in keys { limiter.recordFailure(key, now: now) }
        try await db.transaction { tx in
            try await audit.record(.loginFailed, by: actor, target: user.map { .user($0) }, detail: reason, on: tx)
            guard let user, countsTowardLockout else { return }
            user.failedLogins += 1
            if user.failedLogins >= policy.lockoutThreshold {
                user.failedLogins = 0
                user.lockedUntil = now.addingTimeInterval(policy.lockoutDuration)
                try await audit.record(
                    .lockout, by: actor, target: .user(user),
                    detail: "\(policy.lockoutThreshold) failed logins; locked for \(Int(policy.lockoutDuration)) s", on: tx)
            }
            try await user.update(on: tx)
        }
        throw APIError.invalidCredentials
    }
}
