import HorizonUDP
import Testing

/// The TURN ChannelData header codec (RFC 8656 §12.4, §12.5) every ChannelData user shares.
@Suite struct ChannelDataHeaderTests {
    static func validated(_ bytes: [UInt8]) -> ChannelDataHeader? {
        bytes.withUnsafeBytes { ChannelDataHeader(validating: $0) }
    }

    static func fields(_ bytes: [UInt8]) -> ChannelDataHeader? {
        bytes.withUnsafeBytes { ChannelDataHeader(fieldsOf: $0) }
    }

    @Test func readsBigEndianFields() throws {
        let header = try #require(Self.validated([0x40, 0x01, 0x00, 0x03, 7, 8, 9]))
        #expect(header == ChannelDataHeader(channel: 0x4001, length: 3))
        #expect(header.data == 4..<7)
        // The largest length the field holds.
        let longest = [0x4F, 0xFF, 0xFF, 0xFF] + [UInt8](repeating: 1, count: 0xFFFF)
        #expect(Self.validated(longest) == ChannelDataHeader(channel: 0x4FFF, length: 0xFFFF))
    }

    @Test func acceptsZeroToThreePaddingBytes() {
        let data: [UInt8] = [1, 2, 3, 4, 5]
        for padding in 0...3 {
            let datagram = [0x40, 0x00, 0x00, 0x05] + data + [UInt8](repeating: 0, count: padding)
            #expect(Self.validated(datagram) == ChannelDataHeader(channel: 0x4000, length: 5), "padding \(padding)")
        }
        #expect(Self.validated([0x40, 0x00, 0x00, 0x05] + data + [0, 0, 0, 0]) == nil)
        // Empty data: the header alone, or with padding up to 3 bytes.
        #expect(Self.validated([0x40, 0x00, 0x00, 0x00]) == ChannelDataHeader(channel: 0x4000, length: 0))
        #expect(Self.validated([0x40, 0x00, 0x00, 0x00, 0, 0, 0]) == ChannelDataHeader(channel: 0x4000, length: 0))
        #expect(Self.validated([0x40, 0x00, 0x00, 0x00, 0, 0, 0, 0]) == nil)
    }

    @Test func refusesShortDatagrams() {
        for count in 0..<ChannelDataHeader.size {
            let bytes = Array([0x40, 0x00, 0x00, 0x00].prefix(count)) as [UInt8]
            #expect(Self.fields(bytes) == nil, "\(count) bytes")
            #expect(Self.validated(bytes) == nil, "\(count) bytes")
        }
        // A length beyond what arrived, by one byte.
        #expect(Self.validated([0x40, 0x00, 0x00, 0x04, 1, 2, 3]) == nil)
        #expect(Self.fields([0x40, 0x00, 0x00, 0x04, 1, 2, 3]) == ChannelDataHeader(channel: 0x4000, length: 4))
    }

    @Test func channelRangeBounds() {
        func accepted(_ channel: UInt16) -> Bool {
            Self.validated([UInt8(channel >> 8), UInt8(channel & 0xFF), 0, 1, 0xAA]) != nil
        }
        #expect(!accepted(0x3FFF))
        #expect(accepted(0x4000))
        #expect(accepted(0x4FFF))
        #expect(accepted(0x5000))
        #expect(accepted(0x7FFF))
        #expect(!accepted(0x8000))
        #expect(!accepted(0xFFFF))
        #expect(!accepted(0x0001))
        // Clients bind only the RFC 8656 range, inside what is read.
        #expect(ChannelDataHeader.bindableChannels == 0x4000...0x4FFF)
        #expect(ChannelDataHeader.channels.contains(ChannelDataHeader.bindableChannels.lowerBound))
        #expect(ChannelDataHeader.channels.contains(ChannelDataHeader.bindableChannels.upperBound))
        // The range is exactly the first bytes 0x40–0x7F, so one byte tells ChannelData apart.
        for first in 0...0xFF {
            let header = Self.fields([UInt8(first), 0x00, 0x00, 0x00])
            #expect(header?.hasChannelNumber == (0x40...0x7F).contains(first), "first byte \(first)")
        }
    }

    @Test func writesInPlaceAndAppends() {
        var slot = [UInt8](repeating: 0xEE, count: 6)
        slot.withUnsafeMutableBytes { ChannelDataHeader(channel: 0x4ABC, length: 0x0102).write(to: $0.baseAddress! + 1) }
        #expect(slot == [0xEE, 0x4A, 0xBC, 0x01, 0x02, 0xEE])
        var bytes: [UInt8] = [9]
        ChannelDataHeader(channel: 0x7FFF, length: 0xFFFF).append(to: &bytes)
        #expect(bytes == [9, 0x7F, 0xFF, 0xFF, 0xFF])
        #expect(Self.fields(Array(bytes.dropFirst())) == ChannelDataHeader(channel: 0x7FFF, length: 0xFFFF))
    }
}
