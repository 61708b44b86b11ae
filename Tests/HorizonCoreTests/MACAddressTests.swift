import HorizonCore
import Testing

@Suite struct MACAddressTests {
    @Test func parsesAndPrintsColonAndDashForms() throws {
        let mac = try #require(MACAddress("02:AB:cd:00:0f:10"))
        #expect(mac.description == "02:ab:cd:00:0f:10")
        #expect(MACAddress("02-ab-cd-00-0f-10") == mac)
        #expect(mac.value == 0x02AB_CD00_0F10)
        #expect(MACAddress((0x02, 0xAB, 0xCD, 0x00, 0x0F, 0x10)) == mac)
    }

    @Test(arguments: ["", "02:ab:cd:00:0f", "02:ab:cd:00:0f:10:11", "2:ab:cd:00:0f:10", "02:ab:cd:00:0f:1g", "02:ab::00:0f:10"])
    func refusesMalformedText(_ text: String) {
        #expect(MACAddress(text) == nil)
    }

    @Test func classifiesGroupAndLocalAddresses() throws {
        #expect(MACAddress.broadcast.isBroadcast && MACAddress.broadcast.isMulticast)
        let mdns = try #require(MACAddress("01:00:5e:00:00:fb"))
        #expect(mdns.isMulticast && !mdns.isBroadcast && !mdns.isUnicast)
        let ipv6Multicast = try #require(MACAddress("33:33:00:00:00:01"))
        #expect(ipv6Multicast.isMulticast)
        let vendor = try #require(MACAddress("00:1b:21:3a:4f:5e"))
        #expect(vendor.isUnicast && !vendor.isLocallyAdministered)
    }

    @Test func locallyAdministeredAddressesAreUnicastAndStable() {
        let seed: [UInt8] = [0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x99]
        let mac = MACAddress.locallyAdministered(seed: seed)
        #expect(mac.description == "02:de:ad:be:ef:01")
        #expect(mac.isUnicast && mac.isLocallyAdministered)
        #expect(MACAddress.locallyAdministered(seed: seed) == mac)
    }

    @Test func readsAndWritesOctetsInTransmissionOrder() throws {
        let mac = try #require(MACAddress("12:34:56:78:9a:bc"))
        var bytes = [UInt8](repeating: 0, count: 8)
        bytes.withUnsafeMutableBytes { mac.write(to: $0, at: 1) }
        #expect(bytes == [0, 0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0])
        #expect(bytes.withUnsafeBytes { MACAddress(reading: $0, at: 1) } == mac)
    }
}
