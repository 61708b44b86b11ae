import Vapor

/// The netmap's version: a content hash rather than a counter, because counters kept by
/// each broker are not comparable when several brokers serve the same nodes.
///
/// Each member is hashed once into a ``Digest`` (SHA-256 over its fields, each
/// length-prefixed so no two different members produce the same byte stream); a map's
/// version hashes the node's digest, the peer count and the peers' digests in order. Peer
/// digests are computed when a snapshot is read, so a map of 1,000 peers costs 32 kB of
/// hashing, not 15,000 field encodings. Equal on every broker that reads the same rows.
enum NetmapVersion {
    /// A member's fields, hashed (load excluded: it moves with every heartbeat).
    struct Digest: Sendable, Hashable {
        let bytes: SHA256Digest

        init(_ member: Netmap.Member) {
            var hash = SHA256()
            let location = member.location
            let fields = [
                member.id.uuidString, member.kind.rawValue, member.name, member.publicKey, member.status.rawValue,
                location?.country ?? "", location?.city ?? "",
                location?.latitude.map { String($0) } ?? "", location?.longitude.map { String($0) } ?? "",
            ]
            for field in fields { NetmapVersion.feed(field, into: &hash) }
            for list in [member.addresses, member.endpoints] {
                NetmapVersion.feed(String(list.count), into: &hash)
                for item in list { NetmapVersion.feed(item, into: &hash) }
            }
            bytes = hash.finalize()
        }
    }

    /// Hex of the first 16 bytes of SHA-256 over the node's digest, the peer count and each
    /// peer's digest, in the order given.
    static func of(node: Digest, peers: some Collection<Digest>) -> String {
        var hash = SHA256()
        node.bytes.withUnsafeBytes { hash.update(bufferPointer: $0) }
        feed(String(peers.count), into: &hash)
        // One update over all digests: a thousand small updates cost more than the hashing.
        var digests: [UInt8] = []
        digests.reserveCapacity(peers.count * SHA256Digest.byteCount)
        for peer in peers { peer.bytes.withUnsafeBytes { digests.append(contentsOf: $0) } }
        hash.update(data: digests)
        return hash.finalize().prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    fileprivate static func feed(_ text: String, into hash: inout SHA256) {
        var length = UInt32(text.utf8.count).bigEndian
        withUnsafeBytes(of: &length) { hash.update(bufferPointer: $0) }
        hash.update(data: Array(text.utf8))
    }
}
