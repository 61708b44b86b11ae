import Fluent
import Foundation

/// The broker's static X25519 key pair for node proofs of possession. One row, made by the
/// first broker that needs it; every broker sharing the store uses the same pair, so a
/// challenge issued by one can be verified by another.
final class BrokerKey: Model, @unchecked Sendable {
    static let schema = "broker_keys"
    /// The primary key of the one row.
    static let nodeProofPurpose = "node-proof-x25519"

    @ID(custom: "purpose", generatedBy: .user) var id: String?
    /// Raw private key, base64. Whoever reads the store could answer proofs for any key;
    /// whoever reads the store can also write it, so this adds no exposure.
    @Field(key: "private_key") var privateKey: String
    @Field(key: "public_key") var publicKey: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(purpose: String, privateKey: String, publicKey: String, createdAt: Date) {
        self.id = purpose
        self.privateKey = privateKey
        self.publicKey = publicKey
        self.createdAt = createdAt
    }
}
