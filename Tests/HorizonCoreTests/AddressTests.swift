import HorizonCore
import Testing

@Suite struct AddressTests {
    @Test func prefixesParseMaskAndContain() throws {
        let p = try IPPrefix.parse("10.1.2.3/16")
        #expect(p.masked.description == "10.1.0.0/16")
        #expect(p.contains(IPAddress("10.1.255.1")!))
        #expect(!p.contains(IPAddress("10.2.0.1")!))
        #expect(try IPPrefix.parse("0.0.0.0/0").contains(IPAddress("192.0.2.1")!))
        let v6 = try IPPrefix.parse("fd00:1::5/64")
        #expect(v6.masked.description == "fd00:1::/64")
        #expect(v6.contains(IPAddress("fd00:1::ffff")!))
        #expect(!v6.contains(IPAddress("10.0.0.1")!))
        #expect(try IPPrefix.parse("2001:db8::1").length == 128)
    }

    @Test func prefixErrorsSayWhatIsWrong() {
        #expect(throws: IPPrefix.ParseError.badLength("33")) { try IPPrefix.parse("10.0.0.0/33") }
        #expect(throws: IPPrefix.ParseError.badAddress("10.0.0")) { try IPPrefix.parse("10.0.0/8") }
        #expect(throws: IPPrefix.ParseError.badLength("")) { try IPPrefix.parse("10.0.0.0/") }
        #expect(throws: IPPrefix.ParseError.badLength("+8")) { try IPPrefix.parse("10.0.0.0/+8") }
    }

    @Test func endpointsParseLikeWg() throws {
        #expect(try Endpoint.parse("192.0.2.1:51820").description == "192.0.2.1:51820")
        #expect(try Endpoint.parse("[2001:db8::1]:443").description == "[2001:db8::1]:443")
        #expect(try Endpoint.parse("vpn.example.com:51820").host == .name("vpn.example.com"))
        #expect(throws: Endpoint.ParseError.missingPort("192.0.2.1")) { try Endpoint.parse("192.0.2.1") }
        #expect(throws: Endpoint.ParseError.badPort("70000")) { try Endpoint.parse("192.0.2.1:70000") }
        #expect(throws: Endpoint.ParseError.badHost("2001:db8::1")) { try Endpoint.parse("2001:db8::1:51820") }
        #expect(throws: Endpoint.ParseError.badHost("bad_host")) { try Endpoint.parse("bad_host:1") }
    }

    @Test func ipv6TextIsCanonical() {
        #expect(IPv6Address("2001:0db8:0000:0000:0000:0000:0000:0001")?.description == "2001:db8::1")
        #expect(IPv4Address("10.1") == nil)
    }

    @Test func monotonicTimeArithmetic() {
        let t = MonotonicTime(nanoseconds: 5_000_000_000)
        #expect((t + .milliseconds(1500)).nanoseconds == 6_500_000_000)
        #expect((t + .seconds(2)).since(t) == .seconds(2))
        #expect(t.since(t + .seconds(1)) == .zero)
    }
}
