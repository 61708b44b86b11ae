import Testing
@testable import HorizonNAT

@Suite struct TURNChannelDataTests {
    static func parse(_ bytes: [UInt8]) throws -> (channel: UInt16, data: Range<Int>) {
        try bytes.withUnsafeBytes { try TURNChannelData.parse($0) }
    }

    @Test func framesAndParses() throws {
        let framed = TURNChannelData.encode(channel: 0x4001, data: [9, 8, 7, 6, 5])
        #expect(framed == [0x40, 0x01, 0x00, 0x05, 9, 8, 7, 6, 5])
        let parsed = try Self.parse(framed)
        #expect(parsed.channel == 0x4001)
        #expect(Array(framed[parsed.data]) == [9, 8, 7, 6, 5])
        let padded = TURNChannelData.encode(channel: 0x4001, data: [9, 8, 7, 6, 5], padded: true)
        #expect(padded.count == 12)
        #expect(try Self.parse(padded).data == 4..<9)
    }

    @Test func refusesBadFrames() {
        #expect(throws: TURNChannelData.ParseError.tooShort) { try Self.parse([0x40, 0]) }
        #expect(throws: TURNChannelData.ParseError.badChannelNumber(0x3FFF)) { try Self.parse([0x3F, 0xFF, 0, 0]) }
        #expect(throws: TURNChannelData.ParseError.lengthMismatch) { try Self.parse([0x40, 0, 0, 5, 1, 2]) }
        #expect(throws: TURNChannelData.ParseError.lengthMismatch) { try Self.parse([0x40, 0, 0, 0, 1, 2, 3, 4]) }
    }
}
