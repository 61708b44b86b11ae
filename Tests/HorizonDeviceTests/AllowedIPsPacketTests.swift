import HorizonCore
import HorizonDevice
import Testing

/// Lookups straight from IP headers, as the TUN and UDP paths make them.
@Suite struct AllowedIPsPacketTests {
    let table: AllowedIPs = {
        var t = AllowedIPs()
        t.insert(IPPrefix("10.0.0.0/24")!, for: 1)
        t.insert(IPPrefix("10.0.1.0/24")!, for: 2)
        t.insert(IPPrefix("fd00:1::/64")!, for: 3)
        return t
    }()

    private func ipv4(source: String, destination: String) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: 20)
        header[0] = 0x45
        header[12..<16] = ArraySlice(IPv4Address(source)!.octets)
        header[16..<20] = ArraySlice(IPv4Address(destination)!.octets)
        return header + [1, 2, 3]
    }

    private func ipv6(source: String, destination: String) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: 40)
        header[0] = 0x60
        header[8..<24] = ArraySlice(IPv6Address(source)!.bytes)
        header[24..<40] = ArraySlice(IPv6Address(destination)!.bytes)
        return header
    }

    @Test func routesByDestination() {
        #expect(ipv4(source: "1.1.1.1", destination: "10.0.1.9").withUnsafeBytes(table.lookup(destinationOf:)) == 2)
        #expect(ipv4(source: "10.0.1.9", destination: "1.1.1.1").withUnsafeBytes(table.lookup(destinationOf:)) == nil)
        #expect(ipv6(source: "::1", destination: "fd00:1::9").withUnsafeBytes(table.lookup(destinationOf:)) == 3)
    }

    @Test func sourceMustRouteBackToTheSendingPeer() {
        let fromOne = ipv4(source: "10.0.0.5", destination: "192.0.2.1")
        #expect(fromOne.withUnsafeBytes { table.allowsSource(of: $0, from: 1) })
        #expect(!fromOne.withUnsafeBytes { table.allowsSource(of: $0, from: 2) })
        let spoofed = ipv6(source: "fd00:2::1", destination: "fd00:1::1")
        #expect(!spoofed.withUnsafeBytes { table.allowsSource(of: $0, from: 3) })
        let v6 = ipv6(source: "fd00:1::77", destination: "::1")
        #expect(v6.withUnsafeBytes { table.allowsSource(of: $0, from: 3) })
    }

    @Test func shortOrForeignBuffersMatchNothing() {
        let v4 = ipv4(source: "10.0.0.5", destination: "10.0.0.6")
        #expect(Array(v4.prefix(19)).withUnsafeBytes(table.lookup(destinationOf:)) == nil)
        #expect(Array(ipv6(source: "fd00:1::1", destination: "fd00:1::2").prefix(39))
            .withUnsafeBytes { table.allowsSource(of: $0, from: 3) } == false)
        var other = v4
        other[0] = 0x55
        #expect(other.withUnsafeBytes(table.lookup(destinationOf:)) == nil)
        #expect([UInt8]().withUnsafeBytes(table.lookup(destinationOf:)) == nil)
    }
}
