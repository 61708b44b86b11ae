import Fluent

/// Proof-of-possession challenges (``NodeChallenge``) and the broker's key pair (``BrokerKey``).
struct CreateNodeChallenges: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(NodeChallenge.schema)
            .id()
            .field("public_key", .string, .required)
            .field("nonce", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .create()
        try await database.schema(BrokerKey.schema)
            .field("purpose", .string, .identifier(auto: false))
            .field("private_key", .string, .required)
            .field("public_key", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(BrokerKey.schema).delete()
        try await database.schema(NodeChallenge.schema).delete()
    }
}
