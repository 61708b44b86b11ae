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

    public init(store: Store, initialAdminPassword: String? = nil) {
        self.store = store
        self.initialAdminPassword = initialAdminPassword
    }

    /// HORIZON_DATABASE_URL (postgres://…) wins; otherwise SQLite in HORIZON_DATA_DIR.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> BrokerConfiguration {
        let password = env["HORIZON_ADMIN_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        if let url = env["HORIZON_DATABASE_URL"], !url.isEmpty {
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                throw BrokerConfigurationError.unsupportedDatabaseURL(url)
            }
            return BrokerConfiguration(store: .postgres(url: url), initialAdminPassword: password)
        }
        let dir = env["HORIZON_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultDataDirectory
        let path = URL(fileURLWithPath: dir).appendingPathComponent(sqliteFileName).path
        return BrokerConfiguration(store: .sqlite(path: path), initialAdminPassword: password)
    }
}

public enum BrokerConfigurationError: Error, CustomStringConvertible {
    case unsupportedDatabaseURL(String)
    case cannotCreateDataDirectory(String, String)

    public var description: String {
        switch self {
        case .unsupportedDatabaseURL:
            "HORIZON_DATABASE_URL must start with postgres:// (unset it to use the embedded SQLite store)"
        case .cannotCreateDataDirectory(let dir, let reason):
            "cannot create data directory \(dir): \(reason) — set HORIZON_DATA_DIR to a writable directory"
        }
    }
}
