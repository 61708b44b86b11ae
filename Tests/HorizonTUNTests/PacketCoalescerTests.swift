import Testing
@testable import HorizonTUN

@Suite struct PacketCoalescerTests {
    /// A run of segments of one flow, `sizes` payload bytes each, starting at `spec`.
    static func run(_ spec: TCPPacketSpec, sizes: [Int], pushLast: Bool = false) -> [[UInt8]] {
        var packets: [[UInt8]] = []
        var s = spec
        for (i, size) in sizes.enumerated() {
            s.payload = pattern(size, seed: i)
            s.flags = pushLast && i == sizes.count - 1 ? 0x18 : 0x10
            packets.append(s.build())
            s.sequence &+= UInt32(size)
            s.ipID &+= 1
        }
        return packets
    }

    static func header(_ write: [UInt8]) -> VirtioNetHeader {
        write.withUnsafeBytes { VirtioNetHeader(from: $0.baseAddress!) }
    }

    @Test func consecutiveSegmentsBecomeOneTSOSuperpacket() throws {
        let packets = Self.run(TCPPacketSpec(), sizes: [1000, 1000, 1000, 1000, 300], pushLast: true)
        let harness = CoalescerHarness()
        packets.forEach { harness.add($0) }
        #expect(harness.coalescer.writeCount == 1)

        let writes = harness.flush()
        try #require(writes.count == 1)
        let header = Self.header(writes[0])
        #expect(header == VirtioNetHeader(flags: VirtioNetHeader.needsChecksum, gsoType: VirtioNetHeader.gsoTCPv4,
                                          headerLength: 40, gsoSize: 1000, checksumStart: 20, checksumOffset: 16))
        let superpacket = Array(writes[0][VirtioNetHeader.size...])
        #expect(superpacket.count == 40 + 4300)
        #expect(superpacket.be16(at: 2) == 4340, "IPv4 total length covers the run")
        #expect(ReferenceChecksum.fold(ReferenceChecksum.sum(superpacket[0..<20])) == 0xFFFF, "IPv4 header checksum")
        #expect(superpacket.tcpFlags == 0x18, "PSH of the last segment carried over")
        let partial = ReferenceChecksum.fold(ReferenceChecksum.pseudoHeader(superpacket, protocol: 6, length: 4320))
        #expect(superpacket.be16(at: 36) == partial, "TCP checksum field holds the pseudo-header sum")
        #expect(ReferenceChecksum.packetIsValid(completeChecksum(superpacket, header: header)))
        #expect(Array(superpacket.tcpPayload) == Array(packets.map(\.tcpPayload).joined()))
    }

    @Test(arguments: [false, true])
    func splitAfterCoalesceGivesBackTheSamePackets(ipv6: Bool) throws {
        var spec = ipv6 ? TCPPacketSpec.ipv6Spec() : TCPPacketSpec()
        spec.options = [1, 1, 8, 10, 0, 0, 1, 0, 0, 0, 2, 0]
        let packets = Self.run(spec, sizes: Array(repeating: 1360, count: 20) + [77], pushLast: true)
        let harness = CoalescerHarness()
        packets.forEach { harness.add($0) }
        let writes = harness.flush()
        try #require(writes.count == 1)
        #expect(Self.header(writes[0]).gsoType == (ipv6 ? VirtioNetHeader.gsoTCPv6 : VirtioNetHeader.gsoTCPv4))
        #expect(resegment(writes[0]) == packets)
    }

    @Test func gapInSequenceNumbersStartsANewRun() throws {
        var packets = Self.run(TCPPacketSpec(), sizes: [1000, 1000])
        var later = TCPPacketSpec()
        later.sequence = TCPPacketSpec().sequence + 5000
        later.ipID = 102
        packets += Self.run(later, sizes: [1000, 1000])
        let harness = CoalescerHarness()
        packets.forEach { harness.add($0) }
        let writes = harness.flush()
        try #require(writes.count == 2)
        #expect(resegment(writes[0]) == Array(packets[0..<2]))
        #expect(resegment(writes[1]) == Array(packets[2..<4]))
    }

    @Test func interleavedFlowsCoalesceSeparatelyInArrivalOrder() throws {
        var other = TCPPacketSpec()
        other.sourcePort = 40_001
        other.sequence = 9
        let a = Self.run(TCPPacketSpec(), sizes: [800, 800, 800])
        let b = Self.run(other, sizes: [800, 800])
        let harness = CoalescerHarness()
        [a[0], b[0], a[1], b[1], a[2]].forEach { harness.add($0) }
        let writes = harness.flush()
        try #require(writes.count == 2)
        #expect(resegment(writes[0]) == a)
        #expect(resegment(writes[1]) == b)
    }

    @Test func aShortSegmentEndsTheRun() throws {
        let packets = Self.run(TCPPacketSpec(), sizes: [1000, 1000, 500, 1000])
        let harness = CoalescerHarness()
        packets.forEach { harness.add($0) }
        let writes = harness.flush()
        try #require(writes.count == 2)
        #expect(resegment(writes[0]) == Array(packets[0..<3]))
        #expect(Self.header(writes[1]) == VirtioNetHeader(), "a lone packet goes out with a zeroed header")
        #expect(Array(writes[1][VirtioNetHeader.size...]) == packets[3])
    }

    @Test func aLargerSegmentDoesNotJoin() throws {
        let packets = Self.run(TCPPacketSpec(), sizes: [500, 1000])
        let harness = CoalescerHarness()
        packets.forEach { harness.add($0) }
        #expect(harness.flush().count == 2)
    }

    @Test func pshEndsTheRun() throws {
        let first = Self.run(TCPPacketSpec(), sizes: [1000, 1000], pushLast: true)
        var next = TCPPacketSpec()
        next.sequence = TCPPacketSpec().sequence + 2000
        next.ipID = 102
        let second = Self.run(next, sizes: [1000])
        let harness = CoalescerHarness()
        (first + second).forEach { harness.add($0) }
        let writes = harness.flush()
        try #require(writes.count == 2)
        #expect(resegment(writes[0]) == first)
    }

    @Test func differentOptionsOrAckDoNotMerge() throws {
        var spec = TCPPacketSpec()
        spec.options = [1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 1]
        var packets = Self.run(spec, sizes: [1000])
        spec.sequence += 1000
        spec.ipID += 1
        spec.options[7] = 2                        // a newer timestamp
        packets += Self.run(spec, sizes: [1000])
        spec.sequence += 1000
        spec.ipID += 1
        spec.acknowledgment += 1                   // a new ACK
        packets += Self.run(spec, sizes: [1000])
        let harness = CoalescerHarness()
        packets.forEach { harness.add($0) }
        let writes = harness.flush()
        #expect(writes.count == 3)
        #expect(writes.map { Array($0[VirtioNetHeader.size...]) } == packets, "written untouched")
    }

    @Test func packetsWithBadChecksumsAreWrittenUntouched() throws {
        var packets = Self.run(TCPPacketSpec(), sizes: [1000, 1000, 1000])
        packets[1][100] ^= 0xFF
        let harness = CoalescerHarness()
        packets.forEach { harness.add($0) }
        let writes = harness.flush()
        #expect(writes.count == 3)
        #expect(writes.map { Array($0[VirtioNetHeader.size...]) } == packets)
    }

    /// Without verification (packets the AEAD already authenticated) the checksum field is
    /// not consulted: the run merges, and the superpacket's checksum is rebuilt as usual.
    @Test func unverifiedCoalescerMergesDespiteAStaleChecksum() throws {
        var packets = Self.run(TCPPacketSpec(), sizes: [1000, 1000, 1000])
        packets[1][36] ^= 0xFF
        let harness = CoalescerHarness(verifyingTCPChecksums: false)
        packets.forEach { harness.add($0) }
        let writes = harness.flush()
        try #require(writes.count == 1)
        let superpacket = Array(writes[0][VirtioNetHeader.size...])
        #expect(ReferenceChecksum.packetIsValid(completeChecksum(superpacket, header: Self.header(writes[0]))))
        #expect(Array(superpacket.tcpPayload) == Array(packets.map(\.tcpPayload).joined()))
    }

    @Test func nonTCPAndControlSegmentsPassThroughInOrder() throws {
        var syn = TCPPacketSpec()
        syn.flags = 0x02
        var pureAck = TCPPacketSpec()
        pureAck.payload = []
        let udp = IPPacket.udp(ipv6: true, sourcePort: 1, destinationPort: 2, payload: pattern(50))
        let packets = [syn.build(), udp, pureAck.build()]
        let harness = CoalescerHarness()
        packets.forEach { harness.add($0) }
        let writes = harness.flush()
        #expect(writes.map { Array($0[VirtioNetHeader.size...]) } == packets)
        #expect(writes.allSatisfy { Self.header($0) == VirtioNetHeader() })
    }

    @Test func runsStopBelowTheIPLengthLimit() throws {
        let packets = Self.run(TCPPacketSpec(), sizes: Array(repeating: 1400, count: 50))
        let harness = CoalescerHarness()
        packets.forEach { harness.add($0) }
        let writes = harness.flush()
        try #require(writes.count == 2)
        #expect(writes[0].count - VirtioNetHeader.size <= 65535)
        #expect(resegment(writes[0]) + resegment(writes[1]) == packets)
    }

    @Test func nonSequentialIPv4IDsWithoutDFDoNotMerge() throws {
        var spec = TCPPacketSpec()
        spec.dontFragment = false
        var packets = Self.run(spec, sizes: [1000])
        spec.sequence += 1000
        spec.ipID += 5
        packets += Self.run(spec, sizes: [1000])
        let harness = CoalescerHarness()
        packets.forEach { harness.add($0) }
        #expect(harness.flush().count == 2)
    }

    @Test func withoutTSOEveryPacketIsItsOwnWrite() throws {
        let packets = Self.run(TCPPacketSpec(), sizes: [1000, 1000])
        let withHeader = CoalescerHarness(mode: .virtioHeader)
        packets.forEach { withHeader.add($0) }
        #expect(withHeader.flush() == packets.map { Array(repeating: 0, count: VirtioNetHeader.size) + $0 })

        let plain = CoalescerHarness(mode: .plain)
        packets.forEach { plain.add($0) }
        #expect(plain.flush() == packets)
    }

    @Test func refusesPacketsBeyondCapacityAndEmptiesOnFlush() {
        let packets = Self.run(TCPPacketSpec(), sizes: [100, 100, 100])
        let harness = CoalescerHarness(capacity: 2)
        #expect(harness.add(packets[0]))
        #expect(harness.add(packets[1]))
        #expect(!harness.add(packets[2]))
        #expect(harness.flush().count == 1)
        #expect(harness.coalescer.packetCount == 0)
        #expect(harness.add(packets[2]))
    }
}
