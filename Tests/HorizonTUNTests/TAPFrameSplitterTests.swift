import Testing
@testable import HorizonTUN

/// Ethernet superframes from a TAP with offloads: cut into MTU-sized frames, each with the
/// original Ethernet header in the headroom and a finished checksum.
@Suite struct TAPFrameSplitterTests {
    static let ethernet: [UInt8] = [2, 0, 0, 7, 0, 2, 2, 0, 0, 7, 0, 1, 0x08, 0x00]

    /// The kernel's superframe: Ethernet header, then the superpacket; offsets count from the frame.
    func superframe(_ packet: [UInt8], gsoSize: Int) -> ([UInt8], VirtioNetHeader) {
        var (bytes, header) = kernelSuperpacket(packet, gsoSize: gsoSize)
        header.checksumStart += 14
        header.headerLength += 14
        return (Self.ethernet + bytes, header)
    }

    func run(_ bytes: [UInt8], header: VirtioNetHeader, into batch: PacketBatch) -> GSOSplitter.Outcome {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
        defer { buffer.deallocate() }
        buffer.copyBytes(from: bytes)
        return TAPFrameSplitter.split(buffer, header: header, into: batch)
    }

    func frames(of batch: PacketBatch) -> [[UInt8]] {
        (0..<batch.count).map { Array(UnsafeRawBufferPointer(start: batch.start($0) - 14, count: 14 + batch.length($0))) }
    }

    @Test func tcpSuperframeBecomesFramesWithTheirOwnEthernetHeaders() {
        var spec = TCPPacketSpec()
        spec.payload = pattern(3 * 1388 + 100)
        let (bytes, header) = superframe(spec.build(), gsoSize: 1388)
        let batch = PacketBatch(slots: 8, capacity: 1500, headroom: 34)
        #expect(run(bytes, header: header, into: batch) == .split(4))
        for (i, frame) in frames(of: batch).enumerated() {
            #expect(Array(frame.prefix(14)) == Self.ethernet)
            let packet = Array(frame.dropFirst(14))
            #expect(packet.count == 40 + (i == 3 ? 100 : 1388))
            #expect(ReferenceChecksum.packetIsValid(packet), "segment \(i)")
        }
        #expect(Array(frames(of: batch).map { Array($0.dropFirst(14)).tcpPayload }.joined()) == spec.payload)
    }

    @Test func aSingleFrameIsCopiedWholeWithItsChecksumFinished() {
        var spec = TCPPacketSpec()
        spec.payload = pattern(300)
        var (bytes, header) = superframe(spec.build(), gsoSize: 0)
        header.gsoType = VirtioNetHeader.gsoNone
        let batch = PacketBatch(slots: 2, capacity: 1500, headroom: 14)
        #expect(run(bytes, header: header, into: batch) == .split(1))
        let frame = frames(of: batch)[0]
        #expect(frame.count == bytes.count && Array(frame.prefix(14)) == Self.ethernet)
        #expect(ReferenceChecksum.packetIsValid(Array(frame.dropFirst(14))))
    }

    @Test func nonIPFramesPassUntouchedAndJunkIsRefused() {
        let arp = [UInt8](repeating: 0xFF, count: 6) + [2, 0, 0, 7, 0, 1, 0x08, 0x06] + [UInt8](repeating: 7, count: 28)
        let batch = PacketBatch(slots: 2, capacity: 1500, headroom: 14)
        #expect(run(arp, header: VirtioNetHeader(), into: batch) == .split(1))
        #expect(frames(of: batch)[0] == arp)
        #expect(run([1, 2, 3], header: VirtioNetHeader(), into: batch) == .dropped(.malformed))
        var vlan = VirtioNetHeader(gsoType: VirtioNetHeader.gsoTCPv4, gsoSize: 1000, checksumStart: 34)
        vlan.flags = VirtioNetHeader.needsChecksum
        #expect(run(Array(arp.prefix(12)) + [0x81, 0x00] + [UInt8](repeating: 0, count: 80), header: vlan, into: batch) == .dropped(.malformed))
    }
}
