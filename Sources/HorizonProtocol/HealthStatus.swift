/// The body of a broker's `GET /health`: whether it serves and whether its store answers.
public struct HealthStatus: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable {
        case ok
        case degraded
    }

    public var status: State
    public var version: String
    /// "sqlite" or "postgres".
    public var database: String
    public var databaseReachable: Bool

    public init(status: State, version: String, database: String, databaseReachable: Bool) {
        self.status = status
        self.version = version
        self.database = database
        self.databaseReachable = databaseReachable
    }
}
