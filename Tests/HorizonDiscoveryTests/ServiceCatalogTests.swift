import HorizonCore
@testable import HorizonDiscovery
import Testing

/// Which services a LAN's announcements add up to, and when they go.
@Suite struct ServiceCatalogTests {
    static let t0 = MonotonicTime(nanoseconds: 1_000_000_000)

    static func announcement(ttl: UInt32 = 120, address: [UInt8]? = [10, 89, 0, 7]) -> DNSMessage {
        var records: [DNSMessage.Record] = [
            .init(name: DNSName("_ipp._tcp.local"), ttl: ttl, data: .ptr(DNSName("Office Printer._ipp._tcp.local"))),
            .init(name: DNSName("Office Printer._ipp._tcp.local"), ttl: ttl, data: .srv(priority: 0, weight: 0, port: 631, target: DNSName("printer.local"))),
        ]
        if let address { records.append(.init(name: DNSName("printer.local"), ttl: ttl, data: .a(address))) }
        return DNSMessage(isResponse: true, records: records)
    }

    @Test func anAnnouncementBecomesAServiceUntilItsTTLEnds() {
        var catalog = ServiceCatalog()
        catalog.ingest(Self.announcement(), from: "10.89.0.7", at: Self.t0)
        let expected = DiscoveredService(name: "Office Printer", type: "_ipp._tcp", transport: "tcp", host: "printer", port: 631, addresses: ["10.89.0.7"])
        #expect(catalog.services(at: Self.t0) == [expected])
        #expect(catalog.services(at: Self.t0 + .seconds(119)) == [expected])
        #expect(catalog.services(at: Self.t0 + .seconds(121)).isEmpty)
    }

    @Test func aGoodbyeRemovesAtOnce() {
        var catalog = ServiceCatalog()
        catalog.ingest(Self.announcement(), from: "10.89.0.7", at: Self.t0)
        catalog.ingest(Self.announcement(ttl: 0), from: "10.89.0.7", at: Self.t0 + .seconds(1))
        #expect(catalog.services(at: Self.t0 + .seconds(1)).isEmpty)
    }

    @Test func withoutAnAddressRecordTheSenderIsTheAddressAndUDPTypesSayUDP() {
        var catalog = ServiceCatalog()
        let message = DNSMessage(isResponse: true, records: [
            .init(name: DNSName("_minecraft._udp.local"), ttl: 60, data: .ptr(DNSName("Alice World._minecraft._udp.local"))),
            .init(name: DNSName("alice world._MINECRAFT._udp.local"), ttl: 60, data: .srv(priority: 0, weight: 0, port: 19132, target: DNSName("alice-pc.local"))),
        ])
        catalog.ingest(message, from: "10.89.0.3", at: Self.t0)
        #expect(catalog.services(at: Self.t0) == [
            DiscoveredService(name: "Alice World", type: "_minecraft._udp", transport: "udp", host: "alice-pc", port: 19132, addresses: ["10.89.0.3"]),
        ])
    }

    @Test func enumeratedTypesAreWorthAQueryAndQueriesAreIgnored() {
        var catalog = ServiceCatalog()
        let enumeration = DNSMessage(isResponse: true, records: [
            .init(name: DNSName("_services._dns-sd._udp.local"), ttl: 60, data: .ptr(DNSName("_ipp._tcp.local"))),
            .init(name: DNSName("_services._dns-sd._udp.local"), ttl: 60, data: .ptr(DNSName("_http._tcp.local"))),
        ])
        #expect(catalog.ingest(enumeration, from: "10.89.0.7", at: Self.t0) == [DNSName("_ipp._tcp.local"), DNSName("_http._tcp.local")])
        var query = Self.announcement(ttl: 60)
        query.isResponse = false
        var fresh = ServiceCatalog()
        fresh.ingest(query, from: "10.89.0.7", at: Self.t0)
        #expect(fresh.services(at: Self.t0).isEmpty)
    }

    @Test func aFloodOfInstancesIsBounded() {
        var catalog = ServiceCatalog()
        let records = (0..<(ServiceCatalog.capacity + 100)).flatMap { index -> [DNSMessage.Record] in
            [.init(name: DNSName("_x._tcp.local"), ttl: 60, data: .ptr(DNSName("n\(index)._x._tcp.local"))),
             .init(name: DNSName("n\(index)._x._tcp.local"), ttl: 60, data: .srv(priority: 0, weight: 0, port: 1, target: DNSName("h.local")))]
        }
        catalog.ingest(DNSMessage(isResponse: true, records: records), from: "10.89.0.9", at: Self.t0)
        #expect(catalog.services(at: Self.t0).count == ServiceCatalog.capacity)
    }
}
