import HorizonCore
@testable import HorizonDevice
import HorizonLAN
import HorizonTestKit
import Testing

/// The device's glue between decrypted tunnel plaintext and a network's switch.
@Suite struct LANInboundTests {
    let b: PeerIndex = 2, c: PeerIndex = 3, stranger: PeerIndex = 9
    let macA = MACAddress((0x02, 0, 0, 0, 0xA, 1)), macB = MACAddress((0x02, 0, 0, 0, 0xB, 1))
    let clock = ManualClock()

    func segment(tag: UInt32 = 7) -> LANSegment {
        let segment = LANSegment(tag: LANNetworkTag(tag)!)
        segment.setMembers([b, c])
        return segment
    }

    /// Plaintext as the tunnel delivers it: header, Ethernet frame, padding.
    func plaintext(tag: UInt32 = 7, from source: MACAddress, to destination: MACAddress, payload: Int = 46, padding: Int = 0) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: HorizonFrameHeader.size + 14 + payload + padding)
        bytes.withUnsafeMutableBytes { buffer in
            HorizonFrameHeader(tag: LANNetworkTag(tag)!, padding: padding).write(to: buffer.baseAddress!)
            destination.write(to: buffer, at: 4)
            source.write(to: buffer, at: 10)
        }
        bytes[16] = 0x08
        return bytes
    }

    /// Runs `LANInbound.accept` against `segments`; the delivered frame's length, or nil.
    func accept(_ bytes: [UInt8], from peer: PeerIndex, segments: [LANSegment], counts: inout LANPathCounters) -> Int? {
        var bytes = bytes
        var memo = LANDeliveryMemo()
        return bytes.withUnsafeMutableBytes { buffer in
            LANInbound.accept(buffer, from: peer, at: clock.now, counts: &counts, memo: &memo,
                              lookup: { tag in segments.first { $0.tag == tag } }, segment: { $0 })?.1.count
        }
    }

    @Test func deliversAMembersFrameWithoutItsPadding() {
        var counts = LANPathCounters()
        let frame = plaintext(from: macB, to: .broadcast, payload: 28, padding: 6)
        #expect(accept(frame, from: b, segments: [segment()], counts: &counts) == 42)
        #expect(counts.framesReceived == 1 && counts.droppedBySwitch == 0)
    }

    @Test func dropsAndCountsByReason() {
        var counts = LANPathCounters()
        let lan = segment()
        #expect(accept(plaintext(tag: 8, from: macB, to: macA), from: b, segments: [lan], counts: &counts) == nil)
        #expect(counts.droppedUnknownTag == 1)
        #expect(accept([0x10, 0, 0, 7, 1, 2, 3], from: b, segments: [lan], counts: &counts) == nil)
        #expect(counts.droppedShort == 1)
        #expect(accept([0x20, 0, 0, 7] + [UInt8](repeating: 0, count: 60), from: b, segments: [lan], counts: &counts) == nil)
        #expect(counts.droppedUnknownType == 1)
        #expect(accept(plaintext(from: macB, to: .broadcast), from: stranger, segments: [lan], counts: &counts) == nil)
        #expect(counts.droppedBySwitch == 1)
        #expect(lan.counters.dropped(.notAMember) == 1, "the switch says why")
        #expect(counts.framesReceived == 4)
    }

    /// Two networks on one node: a member of one is a stranger to the other.
    @Test func networksStayIsolatedByTagAndMembership() {
        var counts = LANPathCounters()
        let first = segment(tag: 1), second = LANSegment(tag: LANNetworkTag(2)!)
        second.setMembers([c])
        #expect(accept(plaintext(tag: 2, from: macB, to: .broadcast), from: b, segments: [first, second], counts: &counts) == nil)
        #expect(second.counters.dropped(.notAMember) == 1)
        #expect(accept(plaintext(tag: 1, from: macB, to: .broadcast), from: b, segments: [first, second], counts: &counts) == 60)
    }

    @Test func membershipFollowsTheMemberList() {
        var counts = LANPathCounters()
        let lan = segment()
        lan.setMembers([c])
        #expect(lan.members == [c])
        #expect(accept(plaintext(from: macB, to: .broadcast), from: b, segments: [lan], counts: &counts) == nil, "B left")
        lan.setMembers([c, b])
        #expect(accept(plaintext(from: macB, to: .broadcast), from: b, segments: [lan], counts: &counts) == 60, "B is back")
    }

    /// A frame from the TAP floods to every member, exactly once each; once the reply taught
    /// the switch where B is, unicast goes to B alone.
    @Test func localFramesFloodToMembersThenLearnedUnicastGoesToOne() {
        var counts = LANPathCounters()
        let lan = segment()
        var broadcast = LANTestFrame.bytes(from: macA, to: .broadcast)
        let (action, members) = broadcast.withUnsafeBytes { lan.forward($0, from: .local, at: clock.now) }
        #expect(action == .flood && members == [b, c])
        _ = accept(plaintext(from: macB, to: macA), from: b, segments: [lan], counts: &counts)
        broadcast = LANTestFrame.bytes(from: macA, to: macB)
        let (unicast, none) = broadcast.withUnsafeBytes { lan.forward($0, from: .local, at: clock.now) }
        #expect(unicast == .send(to: b) && none.isEmpty)
    }
}

enum LANTestFrame {
    static func bytes(from source: MACAddress, to destination: MACAddress) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 60)
        bytes.withUnsafeMutableBytes { buffer in
            destination.write(to: buffer, at: 0)
            source.write(to: buffer, at: 6)
        }
        return bytes
    }
}
