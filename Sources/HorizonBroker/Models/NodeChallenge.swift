import Fluent
import Foundation

/// A nonce a would-be server or device must answer to prove it holds the private key of
/// `publicKey`. Single-use: answering deletes the row. Kept in the store, not in memory,
/// so the challenge from one broker can be answered at another sharing the database.
final class NodeChallenge: Model, @unchecked Sendable {
    static let schema = "node_challenges"

    @ID(key: .id) var id: UUID?
    /// The public key (canonical base64) the challenge was issued for.
    @Field(key: "public_key") var publicKey: String
    /// 32 random bytes, base64.
    @Field(key: "nonce") var nonce: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date

    init() {}

    init(publicKey: String, nonce: String, createdAt: Date, expiresAt: Date) {
        self.publicKey = publicKey
        self.nonce = nonce
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
