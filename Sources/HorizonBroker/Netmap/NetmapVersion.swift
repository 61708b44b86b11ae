import Vapor

/// The netmap's version: a content hash rather than a counter, because counters kept by
/// each broker are not comparable when several brokers serve the same nodes.
enum NetmapVersion {
    /// Hex of the first 16 bytes of SHA-256 over every field, each length-prefixed so no two
    /// different maps can produce the same byte stream.
    static func of(node: Netmap.Member, peers: [Netmap.Member]) -> String {
        var hash = SHA256()
        feed(node, into: &hash)
        feed(String(peers.count), into: &hash)
        for peer in peers { feed(peer, into: &hash) }
        return hash.finalize().prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    private static func feed(_ member: Netmap.Member, into hash: inout SHA256) {
        let location = member.location
        let fields = [
            member.id.uuidString, member.kind.rawValue, member.name, member.publicKey, member.status.rawValue,
            location?.country ?? "", location?.city ?? "",
            location?.latitude.map { String($0) } ?? "", location?.longitude.map { String($0) } ?? "",
        ]
        for field in fields { feed(field, into: &hash) }
        for list in [member.addresses, member.endpoints] {
            feed(String(list.count), into: &hash)
            for item in list { feed(item, into: &hash) }
        }
    }

    private static func feed(_ text: String, into hash: inout SHA256) {
        var length = UInt32(text.utf8.count).bigEndian
        withUnsafeBytes(of: &length) { hash.update(bufferPointer: $0) }
        hash.update(data: Data(text.utf8))
    }
}
