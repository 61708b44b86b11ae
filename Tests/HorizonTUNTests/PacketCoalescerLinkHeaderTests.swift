import Testing
@testable import HorizonTUN

/// The coalescer writing to a TAP: each packet's Ethernet header sits in front of it, and a
/// superframe is written with that header and offsets that count from the frame's start.
@Suite struct PacketCoalescerLinkHeaderTests {
    static let ethernet: [UInt8] = [2, 0, 0, 7, 0, 2, 2, 0, 0, 7, 0, 1, 0x08, 0x00]

    /// Frames in stable buffers; the coalescer gets the part after each Ethernet header.
    final class Frames {
        private var storage: [UnsafeMutableRawBufferPointer] = []
        let coalescer = PacketCoalescer(capacity: 64, mode: .coalescingTCP, linkHeaderLength: 14)

        deinit { storage.forEach { $0.deallocate() } }

        func add(_ frame: [UInt8]) {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: frame.count, alignment: 16)
            buffer.copyBytes(from: frame)
            storage.append(buffer)
            coalescer.add(UnsafeMutableRawBufferPointer(rebasing: buffer[14...]))
        }

        func flush() -> [[UInt8]] {
            var writes: [[UInt8]] = []
            coalescer.flush { pieces in
                writes.append(pieces.flatMap { Array(UnsafeRawBufferPointer(start: $0.iov_base, count: $0.iov_len)) })
            }
            return writes
        }
    }

    @Test func aFlowsFramesBecomeOneSuperframeThatSplitsBack() throws {
        let packets = PacketCoalescerTests.run(TCPPacketSpec(), sizes: [1000, 1000, 1000, 200], pushLast: true)
        let frames = Frames()
        packets.forEach { frames.add(Self.ethernet + $0) }
        let writes = frames.flush()
        try #require(writes.count == 1)
        let header = PacketCoalescerTests.header(writes[0])
        #expect(header.gsoType == VirtioNetHeader.gsoTCPv4 && header.checksumStart == 14 + 20 && header.headerLength == 14 + 40)
        #expect(Array(writes[0][VirtioNetHeader.size..<(VirtioNetHeader.size + 14)]) == Self.ethernet)
        // What the kernel's TAP does with it: TAPFrameSplitter's job in reverse.
        let superframe = UnsafeMutableRawBufferPointer.allocate(byteCount: writes[0].count - VirtioNetHeader.size, alignment: 16)
        defer { superframe.deallocate() }
        superframe.copyBytes(from: writes[0][VirtioNetHeader.size...])
        let batch = PacketBatch(slots: 8, capacity: 1500, headroom: 14)
        #expect(TAPFrameSplitter.split(superframe, header: header, into: batch) == .split(4))
        #expect(HorizonTUNTests.packets(of: batch) == packets)
    }

    @Test func framesWithOtherEthernetHeadersOrNoIPStayApart() {
        let packets = PacketCoalescerTests.run(TCPPacketSpec(), sizes: [1000, 1000, 1000])
        var otherSource = Self.ethernet
        otherSource[11] = 9
        var arpType = Self.ethernet
        arpType[13] = 0x06
        let frames = Frames()
        frames.add(Self.ethernet + packets[0])
        frames.add(otherSource + packets[1])
        frames.add(arpType + packets[2])
        let writes = frames.flush()
        #expect(writes.count == 3)
        #expect(writes.map { Array($0[VirtioNetHeader.size...]) } == [Self.ethernet + packets[0], otherSource + packets[1], arpType + packets[2]])
    }
}
