import Foundation
import Synchronization

/// Node credentials that authenticated recently, by hash, so a node that calls several
/// times a minute (heartbeat, netmap, session reports) is looked up once.
///
/// An entry is used only while the ``NetmapChangeHub`` revision is the one it was read at:
/// every approval, suspension, revocation or removal publishes a change after its commit —
/// on this broker, or on another one and relayed by PostgreSQL `NOTIFY`, and a relay that
/// lost its listener bumps the revision when it is back — so such a change takes effect on
/// the very next request. ``maxAge`` only bounds what no broker announces: a change written
/// by an operator command in another process. It equals the default offline period, the
/// time a silent server already takes to drop out of maps.
///
/// Memory is bounded by `capacity` entries: when it is full, expired entries go, and if that is
/// not enough, everything does (the next calls read the store again).
final class NodeCredentialCache: Sendable {
    static let maxAge: TimeInterval = 30
    static let defaultCapacity = 50_000

    struct Entry: Sendable {
        var principal: NodePrincipal
        /// The last contact the store has (written at most once a minute).
        var lastSeenAt: Date?
        var revision: UInt64
        var readAt: Date
    }

    private let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(capacity: Int = NodeCredentialCache.defaultCapacity) {
        self.capacity = capacity
    }

    /// The entry for `hash` if it was read at `revision` less than ``maxAge`` before `now`.
    func entry(_ hash: String, revision: UInt64, now: Date) -> Entry? {
        entries.withLock { entries in
            guard let entry = entries[hash] else { return nil }
            guard entry.revision == revision, Self.fresh(entry, now: now) else {
                entries[hash] = nil
                return nil
            }
            return entry
        }
    }

    func store(_ entry: Entry, for hash: String) {
        entries.withLock { entries in
            if entries[hash] == nil, entries.count >= capacity {
                entries = entries.filter { Self.fresh($0.value, now: entry.readAt) && $0.value.revision == entry.revision }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[hash] = entry
        }
    }

    var count: Int { entries.withLock { $0.count } }

    private static func fresh(_ entry: Entry, now: Date) -> Bool {
        let age = now.timeIntervalSince(entry.readAt)
        return age >= 0 && age < maxAge
    }
}
