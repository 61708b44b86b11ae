import HorizonCore
@testable import HorizonDevice
import Testing
import HorizonTestKit

/// Random inserts, removals and peer removals, checked against a brute-force table that
/// scans every stored prefix. Prefixes are drawn around a few bases so they nest and part
/// at every depth, which is where a path-compressed trie can go wrong.
@Suite struct AllowedIPsRandomTests {
    @Test(arguments: 0..<12)
    func matchesBruteForceIPv4(seed: Int) {
        var random = SplitMix64(seed: UInt64(seed) &* 7919)
        let bases = (0..<4).map { _ in UInt32(truncatingIfNeeded: random.next()) }
        run(random: &random) { random in
            let base = bases[Int(random.next() % 4)]
            let noise = UInt32(truncatingIfNeeded: random.next()) >> UInt32(random.next() % 33 == 32 ? 31 : random.next() % 33)
            let address = IPv4Address(base ^ noise)
            return IPPrefix(address: .v4(address), length: Int(random.next() % 33))
        }
    }

    @Test(arguments: 0..<12)
    func matchesBruteForceIPv6(seed: Int) {
        var random = SplitMix64(seed: UInt64(seed) &* 104_729)
        let bases = (0..<4).map { _ in (random.next(), random.next()) }
        run(random: &random) { random in
            let (high, low) = bases[Int(random.next() % 4)]
            // Flip bits only below a random depth, so prefixes share long leading runs.
            let depth = Int(random.next() % 128)
            var h = high, l = low
            if depth < 64 { h ^= random.next() >> UInt64(depth); l ^= random.next() } else { l ^= random.next() >> UInt64(depth - 64) }
            return IPPrefix(address: .v6(IPv6Address(high: h, low: l)), length: Int(random.next() % 129))
        }
    }

    private func run(random: inout SplitMix64, prefix: (inout SplitMix64) -> IPPrefix) {
        var table = AllowedIPs()
        var model = BruteForceTable()
        for step in 0..<1_500 {
            switch random.next() % 20 {
            case 0..<12:
                let p = prefix(&random), peer = PeerIndex(UInt32(random.next() % 6))
                #expect(table.insert(p, for: peer) == model.insert(p, for: peer), "step \(step) insert \(p)")
            case 12..<17:
                let p = random.next() % 2 == 0 ? (model.entries.keys.randomElement(using: &random) ?? prefix(&random)) : prefix(&random)
                #expect(table.remove(p) == model.remove(p), "step \(step) remove \(p)")
            case 17:
                let peer = PeerIndex(UInt32(random.next() % 6))
                table.removeAll(for: peer)
                model.removeAll(for: peer)
            default:
                for _ in 0..<20 {
                    let address = prefix(&random).address
                    #expect(table.lookup(address) == model.lookup(address), "step \(step) lookup \(address)")
                }
            }
            #expect(table.count == model.entries.count)
            // Nodes exist only for stored prefixes and the points where two of them part.
            #expect(table.nodeCount <= max(0, 2 * table.count - 1), "step \(step)")
        }
        for peer: PeerIndex in [0, 1, 2, 3, 4, 5] {
            #expect(Set(table.prefixes(for: peer)) == model.prefixes(for: peer), "peer \(peer)")
        }
    }
}

/// Every stored prefix in a dictionary; lookups scan them all.
private struct BruteForceTable {
    var entries: [IPPrefix: PeerIndex] = [:]

    mutating func insert(_ prefix: IPPrefix, for peer: PeerIndex) -> PeerIndex? {
        entries.updateValue(peer, forKey: prefix.masked)
    }

    mutating func remove(_ prefix: IPPrefix) -> PeerIndex? {
        entries.removeValue(forKey: prefix.masked)
    }

    mutating func removeAll(for peer: PeerIndex) {
        entries = entries.filter { $0.value != peer }
    }

    func lookup(_ address: IPAddress) -> PeerIndex? {
        entries.filter { $0.key.contains(address) }.max { $0.key.length < $1.key.length }?.value
    }

    func prefixes(for peer: PeerIndex) -> Set<IPPrefix> {
        Set(entries.filter { $0.value == peer }.keys)
    }
}

