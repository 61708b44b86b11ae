import HorizonCore

/// Cryptokey routing (WireGuard paper §2): which peer owns which IPv4 and IPv6 prefixes.
/// Outgoing packets go to the peer of the longest prefix containing their destination;
/// an incoming packet is accepted only if its source maps back to the peer it came from.
///
/// Lookups walk a path-compressed trie stored in flat arrays: no allocation, no reference
/// counting. Changes cost O(address width) each; one peer's prefixes are listed or removed
/// in time proportional to that peer's own count.
public struct AllowedIPs: Sendable {
    public typealias Peer = PeerIndex

    private var v4 = PrefixTrie<UInt32, Peer>()
    private var v6 = PrefixTrie<UInt128, Peer>()

    public init() {}

    /// Number of prefixes stored, both families.
    public var count: Int { v4.count + v6.count }

    /// Trie nodes in use, both families (memory use is proportional to it).
    var nodeCount: Int { v4.nodeCount + v6.nodeCount }

    // MARK: Changes

    /// Gives the prefix (host bits ignored) to `peer`, taking it from any previous owner,
    /// which is returned.
    @discardableResult
    public mutating func insert(_ prefix: IPPrefix, for peer: Peer) -> Peer? {
        switch prefix.address {
        case .v4(let a): v4.insert(a.value, length: prefix.length, peer: peer)
        case .v6(let a): v6.insert(Self.key(a), length: prefix.length, peer: peer)
        }
    }

    /// Removes exactly this prefix (host bits ignored); returns its owner.
    @discardableResult
    public mutating func remove(_ prefix: IPPrefix) -> Peer? {
        switch prefix.address {
        case .v4(let a): v4.remove(a.value, length: prefix.length)
        case .v6(let a): v6.remove(Self.key(a), length: prefix.length)
        }
    }

    public mutating func removeAll(for peer: Peer) {
        v4.removeAll(of: peer)
        v6.removeAll(of: peer)
    }

    /// The peer's prefixes, IPv4 first, each family in the order it was given them.
    public func prefixes(for peer: Peer) -> [IPPrefix] {
        v4.prefixes(of: peer).map { IPPrefix(address: .v4(IPv4Address($0.key)), length: $0.length) }
            + v6.prefixes(of: peer).map { IPPrefix(address: .v6(Self.address($0.key)), length: $0.length) }
    }

    // MARK: Lookup

    public func lookup(_ address: IPAddress) -> Peer? {
        switch address {
        case .v4(let a): v4.lookup(a.value)
        case .v6(let a): v6.lookup(Self.key(a))
        }
    }

    /// The peer to send an IP packet to, by its destination; nil for no route or a buffer
    /// that is not an IPv4/IPv6 packet.
    public func lookup(destinationOf packet: UnsafeRawBufferPointer) -> Peer? {
        PacketAddress.destination(of: packet).flatMap(lookup(packetAddress:))
    }

    /// Whether a packet decrypted from `peer` may enter: its source must route back to it.
    public func allowsSource(of packet: UnsafeRawBufferPointer, from peer: Peer) -> Bool {
        PacketAddress.source(of: packet).flatMap(lookup(packetAddress:)) == peer
    }

    private func lookup(packetAddress: PacketAddress) -> Peer? {
        switch packetAddress {
        case .v4(let key): v4.lookup(key)
        case .v6(let key): v6.lookup(key)
        }
    }

    private static func key(_ address: IPv6Address) -> UInt128 {
        UInt128(address.high) << 64 | UInt128(address.low)
    }

    private static func address(_ key: UInt128) -> IPv6Address {
        IPv6Address(high: UInt64(truncatingIfNeeded: key >> 64), low: UInt64(truncatingIfNeeded: key))
    }
}
