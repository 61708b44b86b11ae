import Fluent
import Foundation

/// `horizon-broker enroll-key …`.
extension OperatorCommands {
    public struct EnrollmentKeySummary: Sendable {
        public let id: UUID
        public let purpose: String
        public let username: String?
        public let reusable: Bool
        public let uses: Int
        public let expiresAt: Date?
    }

    /// Creates a key and returns its secret (shown once) and summary.
    public static func createEnrollmentKey(
        _ config: BrokerConfiguration, purpose: String, username: String?, reusable: Bool, expires: String?
    ) async throws -> (secret: String, key: EnrollmentKeySummary) {
        guard let purpose = EnrollmentKey.Purpose(rawValue: purpose) else {
            throw OperatorError("--for must be server or device (got '\(purpose)')")
        }
        let lifetime = try expires.map { text in
            guard let seconds = DurationText.seconds(text) else {
                throw OperatorError("--expires must be a duration such as 30m, 24h or 7d (got '\(text)')")
            }
            return seconds
        }
        return try await withStore(config) { services, db in
            var userID: UUID?
            if let username {
                guard let user = try await services.accounts.find(username: username, on: db) else {
                    throw OperatorError("no user named '\(username)' (see: horizon-broker user list)")
                }
                userID = try user.requireID()
            }
            let (secret, key) = try await services.enrollmentKeys.create(
                purpose: purpose, userID: userID, reusable: reusable,
                expiresAt: lifetime.map { config.clock.now().addingTimeInterval($0) }, by: .commandLine(), on: db)
            return (secret, try summary(key, username: username))
        }
    }

    public static func listEnrollmentKeys(_ config: BrokerConfiguration) async throws -> [EnrollmentKeySummary] {
        try await withStore(config) { services, db in
            try await services.enrollmentKeys.all(on: db).map { try summary($0, username: $0.user?.username) }
        }
    }

    public static func revokeEnrollmentKey(_ config: BrokerConfiguration, id: String) async throws {
        guard let uuid = UUID(uuidString: id) else { throw OperatorError("'\(id)' is not a key id (see: horizon-broker enroll-key list)") }
        try await withStore(config) { services, db in
            try await services.enrollmentKeys.revoke(uuid, by: .commandLine(), on: db)
        }
    }

    private static func summary(_ key: EnrollmentKey, username: String?) throws -> EnrollmentKeySummary {
        EnrollmentKeySummary(
            id: try key.requireID(), purpose: key.purpose.rawValue, username: username, reusable: key.reusable,
            uses: key.uses, expiresAt: key.expiresAt)
    }
}
