import Testing
@testable import HorizonTUN

@Suite struct GSOSplitterTests {
    @Test func tcpv4SuperpacketSplitsIntoChecksummedSegments() throws {
        var spec = TCPPacketSpec()
        spec.flags = 0x18 | 0x01            // ACK PSH FIN: PSH and FIN belong on the last segment only
        spec.payload = pattern(10 * 1400 + 321)
        let (bytes, header) = kernelSuperpacket(spec.build(), gsoSize: 1400)
        let batch = PacketBatch(slots: 64, capacity: 1500)

        #expect(split(bytes, header: header, into: batch) == .split(11))
        let segments = packets(of: batch)
        for (i, segment) in segments.enumerated() {
            let last = i == segments.count - 1
            #expect(segment.count == 40 + (last ? 321 : 1400))
            #expect(segment.be16(at: 2) == UInt16(segment.count), "IPv4 total length")
            #expect(segment.be16(at: 4) == spec.ipID &+ UInt16(i), "IPv4 ID increments")
            #expect(segment.tcpSequence == spec.sequence &+ UInt32(i * 1400))
            #expect(segment.tcpFlags == (last ? 0x19 : 0x10))
            #expect(ReferenceChecksum.packetIsValid(segment), "segment \(i) checksums")
        }
        #expect(Array(segments.map(\.tcpPayload).joined()) == spec.payload)
    }

    @Test func tcpv6WithOptionsAndExactMultiple() throws {
        var spec = TCPPacketSpec.ipv6Spec()
        spec.options = [1, 1, 8, 10, 0, 0, 0, 42, 0, 0, 0, 7]   // NOP NOP timestamps
        spec.payload = pattern(4 * 1208, seed: 3)
        let (bytes, header) = kernelSuperpacket(spec.build(), gsoSize: 1208)
        let batch = PacketBatch(slots: 8, capacity: 1500)

        #expect(split(bytes, header: header, into: batch) == .split(4))
        for (i, segment) in packets(of: batch).enumerated() {
            #expect(segment.count == 40 + 32 + 1208)
            #expect(segment.be16(at: 4) == UInt16(32 + 1208), "IPv6 payload length")
            #expect(Array(segment[60..<72]) == spec.options, "options copied to every segment")
            #expect(segment.tcpSequence == spec.sequence &+ UInt32(i * 1208))
            #expect(ReferenceChecksum.packetIsValid(segment))
            #expect(Array(segment.tcpPayload) == Array(spec.payload[(i * 1208)..<((i + 1) * 1208)]))
        }
    }

    @Test func cwrStaysOnTheFirstSegmentOnly() {
        var spec = TCPPacketSpec()
        spec.flags = 0x80 | 0x10
        spec.payload = pattern(3000)
        let (bytes, header) = kernelSuperpacket(spec.build(), gsoSize: 1000)
        let batch = PacketBatch(slots: 4, capacity: 1100)
        #expect(split(bytes, header: header, into: batch) == .split(3))
        #expect(packets(of: batch).map(\.tcpFlags) == [0x90, 0x10, 0x10])
    }

    @Test(arguments: [false, true])
    func udpL4SuperpacketSplitsIntoDatagrams(ipv6: Bool) {
        let payload = pattern(3 * 1200 + 17, seed: 9)
        let (bytes, header) = kernelSuperpacket(
            IPPacket.udp(ipv6: ipv6, sourcePort: 51820, destinationPort: 51821, payload: payload), gsoSize: 1200)
        let batch = PacketBatch(slots: 8, capacity: 1500)

        #expect(split(bytes, header: header, into: batch) == .split(4))
        let datagrams = packets(of: batch)
        let l4 = ipv6 ? 40 : 20
        for (i, datagram) in datagrams.enumerated() {
            let size = i == 3 ? 17 : 1200
            #expect(datagram.be16(at: l4 + 4) == UInt16(8 + size), "UDP length")
            #expect(ReferenceChecksum.packetIsValid(datagram))
        }
        #expect(Array(datagrams.map { $0[(l4 + 8)...] }.joined()) == payload)
    }

    @Test func singlePacketWithPartialChecksumIsCompleted() {
        var spec = TCPPacketSpec()
        spec.payload = pattern(333)
        var (bytes, header) = kernelSuperpacket(spec.build(), gsoSize: 0)
        header.gsoType = VirtioNetHeader.gsoNone
        let batch = PacketBatch(slots: 2, capacity: 1500)

        #expect(split(bytes, header: header, into: batch) == .split(1))
        #expect(packets(of: batch)[0] == spec.build())
    }

    @Test func plainPacketIsCopiedUnchanged() {
        let packet = IPPacket.udp(ipv6: false, sourcePort: 1, destinationPort: 2, payload: pattern(99))
        let batch = PacketBatch(slots: 1, capacity: 1500)
        #expect(split(packet, header: VirtioNetHeader(), into: batch) == .split(1))
        #expect(packets(of: batch) == [packet])
    }

    @Test func appendsAfterPacketsAlreadyInTheBatch() {
        let packet = IPPacket.udp(ipv6: false, sourcePort: 1, destinationPort: 2, payload: pattern(10))
        let batch = PacketBatch(slots: 3, capacity: 1500)
        _ = split(packet, header: VirtioNetHeader(), into: batch)
        var spec = TCPPacketSpec()
        spec.payload = pattern(2000)
        let (bytes, header) = kernelSuperpacket(spec.build(), gsoSize: 1000)
        #expect(split(bytes, header: header, into: batch) == .split(2))
        #expect(batch.count == 3)
        #expect(packets(of: batch)[0] == packet)
    }

    @Test func refusesWhenTheBatchIsTooSmall() {
        var spec = TCPPacketSpec()
        spec.payload = pattern(5000)
        let (bytes, header) = kernelSuperpacket(spec.build(), gsoSize: 1000)
        #expect(split(bytes, header: header, into: PacketBatch(slots: 4, capacity: 1500)) == .dropped(.noRoom))
        #expect(split(bytes, header: header, into: PacketBatch(slots: 8, capacity: 900)) == .dropped(.noRoom))
    }

    @Test func rejectsInconsistentHeaders() {
        var spec = TCPPacketSpec()
        spec.payload = pattern(3000)
        let (bytes, header) = kernelSuperpacket(spec.build(), gsoSize: 1000)
        let batch = PacketBatch(slots: 8, capacity: 1500)

        var wrongStart = header
        wrongStart.checksumStart = 24
        #expect(split(bytes, header: wrongStart, into: batch) == .dropped(.malformed))
        var wrongFamily = header
        wrongFamily.gsoType = VirtioNetHeader.gsoTCPv6
        #expect(split(bytes, header: wrongFamily, into: batch) == .dropped(.malformed))
        var noSize = header
        noSize.gsoSize = 0
        #expect(split(bytes, header: noSize, into: batch) == .dropped(.malformed))
        var ufo = header
        ufo.gsoType = VirtioNetHeader.gsoUDP
        #expect(split(bytes, header: ufo, into: batch) == .dropped(.unsupportedGSO))
        #expect(split(Array(bytes[0..<30]), header: header, into: batch) == .dropped(.malformed))
        #expect(batch.count == 0)
    }
}
