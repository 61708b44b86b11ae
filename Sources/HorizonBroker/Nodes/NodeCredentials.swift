import Fluent
import Foundation
import SQLKit

/// Node credentials: the bearer secret a server or device receives once, when it registers,
/// and presents on every node operation. Only its SHA-256 is stored (in ``Node``).
struct NodeCredentials: Sendable {
    let clock: BrokerClock
    /// Its revision tells the cache when a node may have changed.
    let changes: NetmapChangeHub
    let activity: NodeActivityWriter
    let cache = NodeCredentialCache()
    private let lookups = GroupedWork<String, CredentialRow?>(maxBatch: NodeCredentials.maxLookupBatch)

    /// Distinct from user tokens (`hzn_`) so the broker knows which table to look in and
    /// people can tell a machine's secret from their own.
    static let prefix = "hzd_"

    /// Last contact is informational (device lists show it): written at most this often per
    /// node, so frequent calls like heartbeats do not each pay for a second write.
    static let contactInterval: TimeInterval = 60

    static func isNodeCredential(_ secret: String) -> Bool { secret.hasPrefix(prefix) }

    /// A fresh secret and the hash to store with the node.
    static func issue() -> (secret: String, hash: String) {
        let secret = TokenSecret.generate(prefix: prefix)
        return (secret, TokenSecret.hash(secret))
    }

    /// A resolved credential, with the contact stamp due for its node (nil while the last
    /// one is recent), which the caller writes with ``recordContact(_:on:)`` while it handles
    /// the request: a heartbeat's own row then goes in the same group of writes instead of
    /// waiting for the stamp's.
    struct Resolution: Sendable {
        var principal: NodePrincipal
        var contact: NodeActivityWriter.Write?
    }

    /// The node a credential stands for. Revoked nodes no longer authenticate; pending and
    /// suspended ones do, so they can learn their status and keep heartbeating.
    func resolve(secret: String, on db: any Database) async throws -> Resolution {
        let hash = TokenSecret.hash(secret)
        let now = clock.now()
        // Read before the lookup: a change committed meanwhile makes the entry stale at once.
        let revision = changes.revision
        var entry: NodeCredentialCache.Entry
        var changed = false
        if let cached = cache.entry(hash, revision: revision, now: now) {
            entry = cached
        } else {
            entry = try await lookup(hash, on: db, revision: revision, now: now)
            changed = true
        }
        var contact: NodeActivityWriter.Write?
        if entry.lastSeenAt.map({ now.timeIntervalSince($0) > Self.contactInterval }) ?? true {
            contact = .contact(nodeID: entry.principal.nodeID, at: now)
            entry.lastSeenAt = now
            changed = true
        }
        if changed { cache.store(entry, for: hash) }
        return Resolution(principal: entry.principal, contact: contact)
    }

    /// Writes a contact stamp. Informational, so a failed write does not fail the request.
    func recordContact(_ contact: NodeActivityWriter.Write, on db: any Database) async {
        try? await activity.record(contact, on: db)
    }

    /// The node row by credential hash: only the columns a principal needs, by the unique
    /// index, in groups (``GroupedWork``): one `IN (…)` query answers every lookup that
    /// arrived while the previous one ran, so a burst of nodes costs a few queries.
    private func lookup(_ hash: String, on db: any Database, revision: UInt64, now: Date) async throws -> NodeCredentialCache.Entry {
        guard let sql = db as? any SQLDatabase else { throw APIError(.internalServerError, "internal_error", "the store does not speak SQL") }
        let found = try await lookups.submit(hash) { hashes in
            let rows = try await sql.select().columns(CredentialRow.CodingKeys.allCases.map { SQLIdentifier($0.rawValue) })
                .from(Node.schema).where("credential_hash", .in, SQLBind.group(Array(Set(hashes))))
                .all(decoding: CredentialRow.self)
            let byHash = Dictionary(rows.map { ($0.credentialHash, $0) }, uniquingKeysWith: { first, _ in first })
            return hashes.map { byHash[$0] }
        }
        guard let row = found else {
            throw APIError(.unauthorized, "unauthorized", "the node credential is not valid; register the node again")
        }
        guard row.status != .revoked else {
            throw APIError(.unauthorized, "node_revoked", "this \(row.kind.rawValue) has been revoked by an administrator")
        }
        return NodeCredentialCache.Entry(
            principal: NodePrincipal(nodeID: row.id, kind: row.kind, name: row.name, publicKey: row.publicKey, status: row.status),
            lastSeenAt: row.lastSeenAt, revision: revision, readAt: now)
    }

    /// Lookups per query: one bind each, far below SQLite's and PostgreSQL's limits.
    static let maxLookupBatch = 500

    struct CredentialRow: Decodable, Sendable {
        var id: UUID
        var kind: Node.Kind
        var name: String
        var publicKey: String
        var status: Node.Status
        var lastSeenAt: Date?
        var credentialHash: String

        enum CodingKeys: String, CodingKey, CaseIterable {
            case id, kind, name, publicKey = "public_key", status, lastSeenAt = "last_seen_at", credentialHash = "credential_hash"
        }
    }
}
