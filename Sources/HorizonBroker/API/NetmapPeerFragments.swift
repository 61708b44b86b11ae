import Foundation
import Synchronization

/// Peers' JSON (`NetmapNode` objects), encoded once and reused by every map that lists them:
/// a server's map of 1,000 devices, and the maps of 1,000 devices that each list the same
/// servers, are mostly the same peers, and encoding them was most of a netmap's cost.
///
/// Keyed by the peer's version digest (every field but load) and its load, so an entry
/// outlives snapshots: renewing the snapshot every second re-encodes only the peers that
/// changed. Two generations bound memory: when the current one holds ``capacity`` entries
/// it becomes the previous one, and a hit in the previous one moves back; what no map used
/// for a whole generation is dropped.
final class NetmapPeerFragments: Sendable {
    struct Key: Hashable, Sendable {
        var digest: NetmapVersion.Digest
        var load: Double?
    }

    private struct Generations {
        var current: [Key: [UInt8]] = [:]
        var previous: [Key: [UInt8]] = [:]

        mutating func take(_ key: Key, capacity: Int) -> [UInt8]? {
            if let hit = current[key] { return hit }
            guard let old = previous.removeValue(forKey: key) else { return nil }
            insert(old, for: key, capacity: capacity)
            return old
        }

        mutating func insert(_ fragment: [UInt8], for key: Key, capacity: Int) {
            if current.count >= capacity {
                previous = current
                current = [:]
            }
            current[key] = fragment
        }
    }

    let capacity: Int
    private let generations = Mutex(Generations())

    init(capacity: Int = 65_536) {
        self.capacity = capacity
    }

    /// The encoded form of each of `map`'s peers, in order; `encode` runs for those not held.
    func fragments(of map: Netmap, encode: (Netmap.Member) throws -> [UInt8]) rethrows -> [[UInt8]] {
        // By index: iterating the peers themselves would copy each one.
        let keys = map.peers.indices.map { Key(digest: map.peerDigests[$0], load: map.peers[$0].load) }
        // One lock for the lookups and one for the insertions; encoding runs outside it.
        var found = generations.withLock { held in keys.map { held.take($0, capacity: capacity) } }
        var encoded: [(Key, [UInt8])] = []
        for index in found.indices where found[index] == nil {
            let fragment = try encode(map.peers[index])
            found[index] = fragment
            encoded.append((keys[index], fragment))
        }
        if !encoded.isEmpty {
            generations.withLock { held in
                for (key, fragment) in encoded { held.insert(fragment, for: key, capacity: capacity) }
            }
        }
        return found.map { $0! }
    }

    var count: Int { generations.withLock { $0.current.count + $0.previous.count } }
}
