import HorizonCore
@testable import HorizonDevice
import Testing

@Suite struct AllowedIPsTests {
    private func p(_ text: String) -> IPPrefix { IPPrefix(text)! }
    private func a(_ text: String) -> IPAddress { IPAddress(text)! }

    @Test func longestPrefixWins() {
        var table = AllowedIPs()
        table.insert(p("10.0.0.0/8"), for: 1)
        table.insert(p("10.1.0.0/16"), for: 2)
        table.insert(p("10.1.2.3/32"), for: 3)
        table.insert(p("10.1.2.0/24"), for: 4)
        #expect(table.lookup(a("10.9.9.9")) == 1)
        #expect(table.lookup(a("10.1.9.9")) == 2)
        #expect(table.lookup(a("10.1.2.4")) == 4)
        #expect(table.lookup(a("10.1.2.3")) == 3)
        #expect(table.lookup(a("11.0.0.0")) == nil)
        #expect(table.count == 4)
    }

    @Test func defaultRoutesPerFamily() {
        var table = AllowedIPs()
        table.insert(p("0.0.0.0/0"), for: 1)
        #expect(table.lookup(a("203.0.113.9")) == 1)
        #expect(table.lookup(a("2001:db8::1")) == nil)
        table.insert(p("::/0"), for: 2)
        table.insert(p("2001:db8::/32"), for: 3)
        #expect(table.lookup(a("2001:db8:ffff::1")) == 3)
        #expect(table.lookup(a("2001:db9::1")) == 2)
        // An IPv4-mapped IPv6 address is IPv6 for routing.
        #expect(table.lookup(a("::ffff:10.0.0.1")) == 2)
    }

    @Test func hostBitsAreIgnored() {
        var table = AllowedIPs()
        table.insert(p("10.1.2.3/16"), for: 1)
        table.insert(p("fd00::1234/64"), for: 1)
        #expect(table.prefixes(for: 1) == [p("10.1.0.0/16"), p("fd00::/64")])
        #expect(table.remove(p("10.1.255.255/16")) == 1)
        #expect(table.count == 1)
    }

    @Test func insertingAnOwnedPrefixMovesIt() {
        var table = AllowedIPs()
        #expect(table.insert(p("10.0.0.0/24"), for: 1) == nil)
        table.insert(p("10.0.1.0/24"), for: 1)
        #expect(table.insert(p("10.0.0.0/24"), for: 2) == 1)
        #expect(table.insert(p("10.0.0.0/24"), for: 2) == 2)
        #expect(table.prefixes(for: 1) == [p("10.0.1.0/24")])
        #expect(table.prefixes(for: 2) == [p("10.0.0.0/24")])
        #expect(table.lookup(a("10.0.0.7")) == 2)
        #expect(table.count == 2)
    }

    @Test func removingFallsBackToTheShorterPrefix() {
        var table = AllowedIPs()
        table.insert(p("10.0.0.0/8"), for: 1)
        table.insert(p("10.1.0.0/16"), for: 2)
        table.insert(p("10.2.0.0/16"), for: 3)
        #expect(table.remove(p("10.1.0.0/16")) == 2)
        #expect(table.lookup(a("10.1.0.1")) == 1)
        #expect(table.remove(p("10.1.0.0/16")) == nil)
        // 10.0.0.0/14 exists only as the branch point between the /16s: not a stored prefix.
        #expect(table.remove(p("10.0.0.0/14")) == nil)
        #expect(table.remove(p("10.0.0.0/8")) == 1)
        #expect(table.lookup(a("10.2.3.4")) == 3)
        #expect(table.lookup(a("10.1.0.1")) == nil)
    }

    @Test func removeAllTakesOnlyThatPeersPrefixes() {
        var table = AllowedIPs()
        for i in 0..<50 {
            table.insert(p("10.\(i).0.0/16"), for: PeerIndex(UInt32(i % 3)))
            table.insert(p("fd00:\(i)::/32"), for: PeerIndex(UInt32(i % 3)))
        }
        table.removeAll(for: 1)
        #expect(table.prefixes(for: 1).isEmpty)
        #expect(table.lookup(a("10.1.0.1")) == nil)
        #expect(table.lookup(a("10.3.0.1")) == 0)
        #expect(table.lookup(a("fd00:2::1")) == 2)
        #expect(table.count == 2 * (17 + 16))
        table.removeAll(for: 7)
        #expect(table.count == 66)
    }

    @Test func prefixesKeepTheOrderTheyWereGiven() {
        var table = AllowedIPs()
        let given = ["10.3.0.0/16", "10.1.0.0/16", "10.2.0.0/24", "192.168.0.0/16", "10.0.0.0/8"].map(p)
        for prefix in given { table.insert(prefix, for: 9) }
        #expect(table.prefixes(for: 9) == given)
    }

    @Test func reusesFreedSlotsAcrossChurn() {
        var table = AllowedIPs()
        for round in 0..<UInt32(20) {
            for i in 0..<500 { table.insert(p("10.\(i / 256).\(i % 256).0/24"), for: PeerIndex(round)) }
            #expect(table.count == 500)
            table.removeAll(for: PeerIndex(round))
            #expect(table.count == 0)
            #expect(table.nodeCount == 0)
        }
        #expect(table.lookup(a("10.0.0.1")) == nil)
    }
}
