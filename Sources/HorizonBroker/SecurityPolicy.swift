import Foundation

/// The knobs of authentication, with defaults meant for production.
///
/// Failed logins are limited twice over: an in-memory limiter per broker (per source
/// address, and per username + source address) answers `429 rate_limited`, and a lockout
/// kept in the store (so it holds across brokers) locks an account after
/// `lockoutThreshold` consecutive failures for `lockoutDuration`.
public struct SecurityPolicy: Sendable {
    /// Lifetime of a session token from `POST /api/v1/auth/login`.
    public var sessionLifetime: TimeInterval = 12 * 3600
    /// Consecutive failed logins that lock an account.
    public var lockoutThreshold = 5
    /// How long a locked account stays locked.
    public var lockoutDuration: TimeInterval = 15 * 60
    /// Failed logins one source address may make per `rateLimitWindow`.
    public var maxFailuresPerAddress = 20
    /// Failed logins for one username from one source address per `rateLimitWindow`.
    public var maxFailuresPerUsernameAndAddress = 5
    public var rateLimitWindow: TimeInterval = 5 * 60
    /// bcrypt cost (4…31); each step doubles the work.
    public var bcryptCost = 12
    /// Largest request body accepted, in bytes.
    public var maxBodyBytes = 64 * 1024

    public init() {}

    static func fromEnvironment(_ env: [String: String]) throws -> SecurityPolicy {
        var policy = SecurityPolicy()
        func read(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let raw = env[name], !raw.isEmpty else { return nil }
            guard let value = Int(raw), range.contains(value) else {
                throw BrokerConfigurationError.invalidSetting(
                    name: name, value: raw, expected: "an integer from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }
        if let v = try read("HORIZON_SESSION_TTL_SECONDS", 60...(90 * 86400)) { policy.sessionLifetime = TimeInterval(v) }
        if let v = try read("HORIZON_LOGIN_MAX_FAILURES", 1...1000) { policy.lockoutThreshold = v }
        if let v = try read("HORIZON_LOGIN_LOCKOUT_SECONDS", 1...(30 * 86400)) { policy.lockoutDuration = TimeInterval(v) }
        if let v = try read("HORIZON_LOGIN_RATE_LIMIT", 1...100_000) { policy.maxFailuresPerAddress = v }
        if let v = try read("HORIZON_LOGIN_RATE_LIMIT_PER_USER", 1...100_000) { policy.maxFailuresPerUsernameAndAddress = v }
        if let v = try read("HORIZON_LOGIN_RATE_WINDOW_SECONDS", 1...86400) { policy.rateLimitWindow = TimeInterval(v) }
        if let v = try read("HORIZON_BCRYPT_COST", 4...31) { policy.bcryptCost = v }
        return policy
    }
}

/// Wall-clock time as the broker sees it. Production uses the system clock; tests pass a
/// closure over a value they move forward to test expiry and lockout without sleeping.
public struct BrokerClock: Sendable {
    public let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date) {
        self.now = now
    }

    public static let system = BrokerClock { Date() }
}
