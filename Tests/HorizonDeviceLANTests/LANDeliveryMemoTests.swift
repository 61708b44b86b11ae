import HorizonCore
@testable import HorizonDevice
import HorizonLAN
import HorizonTestKit
import Testing

/// Runs of frames with the same addresses from the same peer skip the switch within a batch,
/// and the switch's counters still see every frame once the memo settles.
@Suite struct LANDeliveryMemoTests {
    let b: PeerIndex = 2, c: PeerIndex = 3, stranger: PeerIndex = 9
    let macA = MACAddress((0x02, 0, 0, 0, 0xA, 1)), macB = MACAddress((0x02, 0, 0, 0, 0xB, 1))
    let clock = ManualClock()
    let inbound = LANInboundTests()

    func accept(_ bytes: [UInt8], from peer: PeerIndex, segment: LANSegment, memo: inout LANDeliveryMemo,
                counts: inout LANPathCounters) -> Bool {
        var bytes = bytes
        return bytes.withUnsafeMutableBytes { buffer in
            LANInbound.accept(buffer, from: peer, at: clock.now, counts: &counts, memo: &memo,
                              lookup: { $0 == segment.tag ? segment : nil }, segment: { $0 })
        } != nil
    }

    @Test func repeatedUnicastFramesAreCreditedWhenTheMemoSettles() {
        let lan = inbound.segment()
        var memo = LANDeliveryMemo(), counts = LANPathCounters()
        // The switch learns that macA is local, so frames to it are delivered.
        _ = LANTestFrame.bytes(from: macA, to: .broadcast).withUnsafeBytes { lan.forward($0, from: .local, at: clock.now) }
        let frame = inbound.plaintext(from: macB, to: macA)
        for _ in 0..<5 { #expect(accept(frame, from: b, segment: lan, memo: &memo, counts: &counts)) }
        #expect(lan.counters.deliveredLocally == 1, "four frames skipped the switch")
        memo.settle()
        #expect(lan.counters.deliveredLocally == 5 && lan.counters.fromMembers == 5)
        #expect(counts.framesReceived == 5)
    }

    /// The memo belongs to one peer: the same addresses from someone else go to the switch,
    /// which refuses a stranger.
    @Test func anotherPeerIsAskedAbout() {
        let lan = inbound.segment()
        var memo = LANDeliveryMemo(), counts = LANPathCounters()
        let frame = inbound.plaintext(from: macB, to: macA)
        #expect(accept(frame, from: b, segment: lan, memo: &memo, counts: &counts))
        #expect(!accept(frame, from: stranger, segment: lan, memo: &memo, counts: &counts))
        #expect(lan.counters.dropped(.notAMember) == 1)
    }

    /// Broadcasts are offered one by one, so the flood limit sees each.
    @Test func broadcastsAreNeverRemembered() {
        let lan = inbound.segment()
        var memo = LANDeliveryMemo(), counts = LANPathCounters()
        let frame = inbound.plaintext(from: macB, to: .broadcast)
        for _ in 0..<3 { #expect(accept(frame, from: b, segment: lan, memo: &memo, counts: &counts)) }
        #expect(lan.counters.fromMembers == 3, "each went through the switch")
        memo.settle()
        #expect(lan.counters.fromMembers == 3)
    }
}
