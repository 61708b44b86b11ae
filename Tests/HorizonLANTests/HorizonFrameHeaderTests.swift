import HorizonLAN
import Testing

/// The 4-byte header in front of Ethernet frames inside the WireGuard transport.
@Suite struct HorizonFrameHeaderTests {
    func parse(_ bytes: [UInt8]) -> HorizonFrameHeader.Parsed {
        bytes.withUnsafeBytes { HorizonFrameHeader.parse($0) }
    }

    func encode(tag: UInt32, padding: Int, frameLength: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0xEE, count: HorizonFrameHeader.size + frameLength + padding)
        bytes.withUnsafeMutableBytes { HorizonFrameHeader(tag: LANNetworkTag(tag)!, padding: padding).write(to: $0.baseAddress!) }
        return bytes
    }

    @Test func writesTypeWithPaddingAndTagBigEndian() {
        let bytes = encode(tag: 0x12_3456, padding: 5, frameLength: 60)
        #expect(Array(bytes.prefix(4)) == [0x15, 0x12, 0x34, 0x56])
    }

    @Test(arguments: [(0, 0, 14), (7, 15, 60), (LANNetworkTag.maxValue, 3, 1514), (1, 0, 9018)])
    func roundTrips(tag: UInt32, padding: Int, frameLength: Int) {
        #expect(parse(encode(tag: tag, padding: padding, frameLength: frameLength)) == .ethernet(tag: LANNetworkTag(tag)!, length: frameLength))
    }

    @Test func refusesWhatIsNotAWholeFrame() {
        #expect(parse([]) == .invalid(.short))
        #expect(parse([0x10, 0, 0]) == .invalid(.short))
        #expect(parse([0x10, 0, 0, 1] + [UInt8](repeating: 0, count: 13)) == .invalid(.short), "one byte short of an Ethernet header")
        // 15 bytes of padding claimed, but header + 14-byte frame + 15 needs 33 bytes.
        #expect(parse([0x1F, 0, 0, 1] + [UInt8](repeating: 0, count: 28)) == .invalid(.short))
        #expect(parse([0x00, 0, 0, 1] + [UInt8](repeating: 0, count: 60)) == .invalid(.unknownType))
        #expect(parse([0x3F, 0, 0, 1] + [UInt8](repeating: 0, count: 60)) == .invalid(.unknownType))
    }

    @Test func tellsHorizonFramesFromIPPackets() {
        #expect(HorizonFrameHeader.isHorizonFrame(firstByte: 0x00))
        #expect(HorizonFrameHeader.isHorizonFrame(firstByte: 0x1F))
        #expect(HorizonFrameHeader.isHorizonFrame(firstByte: 0x3F))
        #expect(!HorizonFrameHeader.isHorizonFrame(firstByte: 0x45), "IPv4")
        #expect(!HorizonFrameHeader.isHorizonFrame(firstByte: 0x60), "IPv6")
    }

    @Test func tagsAreTwentyFourBits() {
        #expect(LANNetworkTag(0xFF_FFFF) != nil)
        #expect(LANNetworkTag(0x100_0000) == nil)
    }

    /// Padding rounds header + frame up to 16 but never past the tunnel MTU, like WireGuard's.
    @Test(arguments: [(60, 1420, 0), (42, 1420, 2), (14, 1420, 14), (1402 + 14, 1420, 0), (1400, 1420, 4), (1410, 1420, 6), (1500, 1420, 0)])
    func paddingStopsAtTheMTU(frameLength: Int, limit: Int, expected: Int) {
        let padding = HorizonFrameHeader.padding(frameLength: frameLength, limit: limit)
        #expect(padding == expected)
        let total = HorizonFrameHeader.size + frameLength + padding
        #expect(total % 16 == 0 || total == limit || padding == 0)
    }
}
