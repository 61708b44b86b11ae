import Foundation

/// Where the broker keeps its data and how it bootstraps, read from the environment
/// (12-factor) so the same variables select the store for `serve` and operator commands.
public struct BrokerConfiguration: Sendable {
    public enum Store: Sendable, Equatable {
        /// The embedded default: one SQLite file inside the data directory.
        case sqlite(path: String)
        /// Production / several brokers: a PostgreSQL URL.
        case postgres(url: String)

        public var name: String {
            switch self {
            case .sqlite: "sqlite"
            case .postgres: "postgres"
            }
        }
    }

    public static let defaultDataDirectory = "./horizon-data"
    public static let sqliteFileName = "horizon.sqlite"

    public var store: Store
    /// Password for the `admin` account created on first start; generated when nil.
    public var initialAdminPassword: String?
    /// Sessions, lockout, rate limits, password hashing and body size.
    public var security: SecurityPolicy
    /// Wall-clock time for expiries, lockouts and audit timestamps (tests inject their own).
    public var clock: BrokerClock
    /// Servers and devices: heartbeat timeout, challenge lifetime, overlay network.
    public var nodes = NodePolicy()

    public init(
        store: Store, initialAdminPassword: String? = nil,
        security: SecurityPolicy = SecurityPolicy(), clock: BrokerClock = .system
    ) {
        self.store = store
        self.initialAdminPassword = initialAdminPassword
        self.security = security
        self.clock = clock
    }

    /// HORIZON_DATABASE_URL (postgres://…) wins; otherwise SQLite in HORIZON_DATA_DIR.
    /// The HORIZON_SESSION_TTL_SECONDS, HORIZON_LOGIN_* and HORIZON_BCRYPT_COST variables
    /// tune the security policy (see ``SecurityPolicy``).
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> BrokerConfiguration {
        let password = env["HORIZON_ADMIN_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        let security = try SecurityPolicy.fromEnvironment(env)
        if let url = env["HORIZON_DATABASE_URL"], !url.isEmpty {
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                throw BrokerConfigurationError.unsupportedDatabaseURL(url)
            }
            var config = BrokerConfiguration(store: .postgres(url: url), initialAdminPassword: password, security: security)
            config.nodes = try NodePolicy.fromEnvironment(env)
            return config
        }
        let dir = env["HORIZON_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultDataDirectory
        let path = URL(fileURLWithPath: dir).appendingPathComponent(sqliteFileName).path
        var config = BrokerConfiguration(store: .sqlite(path: path), initialAdminPassword: password, security: security)
        config.nodes = try NodePolicy.fromEnvironment(env)
        return config
    }
}

public enum BrokerConfigurationError: Error, CustomStringConvertible {
    case unsupportedDatabaseURL(String)
    case cannotCreateDataDirectory(String, String)
    case invalidSetting(name: String, value: String, expected: String)

    public var description: String {
        switch self {
        case .unsupportedDatabaseURL:
            "HORIZON_DATABASE_URL must start with postgres:// (unset it to use the embedded SQLite store)"
        case .cannotCreateDataDirectory(let dir, let reason):
            "cannot create data directory \(dir): \(reason) — set HORIZON_DATA_DIR to a writable directory"
        case .invalidSetting(let name, let value, let expected):
            "\(name)=\(value) is not valid: expected \(expected)"
        }
    }
}
