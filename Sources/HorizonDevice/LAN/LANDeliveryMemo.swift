import HorizonLAN

/// The last unicast frame a receive thread's switch delivered from a member in the current
/// batch, so that the frames following it with the same addresses from the same peer skip
/// the switch.
///
/// Why: a TCP stream arrives as long runs of frames with identical Ethernet addresses, and
/// within one batch (one `now`, one snapshot of the members) the switch would decide each
/// exactly as the first: learn the same source behind the same member, deliver locally.
/// Offering every frame cost a lock and several MAC-table lookups per frame — a third of the
/// tunnel processes' CPU in an L2 TCP stream (perf, docs/ARCHITECTURE.md). Broadcast and
/// multicast frames are never remembered: the flood limit must count each one. The skipped
/// frames are credited to the switch's counters when the memo settles, at the latest at the
/// end of the batch.
struct LANDeliveryMemo {
    private var segment: LANSegment?
    private var peer = PeerIndex(0)
    private var destination: UInt64 = 0
    private var source: UInt32 = 0
    private var repeats: UInt64 = 0

    /// True (and counted) when `frame` from `peer` in `segment` repeats the remembered one's
    /// addresses: deliver it without asking the switch.
    mutating func repeats(_ frame: UnsafeMutableRawBufferPointer, in segment: LANSegment, from peer: PeerIndex) -> Bool {
        guard self.segment === segment, self.peer == peer, frame.count >= 12 else { return false }
        let (destination, source) = Self.addresses(frame)
        guard destination == self.destination, source == self.source else { return false }
        repeats &+= 1
        return true
    }

    /// Remembers a frame the switch just delivered locally, if its destination is unicast.
    mutating func remember(_ frame: UnsafeMutableRawBufferPointer, in segment: LANSegment, from peer: PeerIndex) {
        settle()
        // The group bit of the destination's first byte: broadcasts and multicasts stay per frame.
        guard frame.count >= 12, frame[0] & 1 == 0 else { return }
        self.segment = segment
        self.peer = peer
        (destination, source) = Self.addresses(frame)
    }

    /// Credits the skipped frames to the switch and forgets the frame (end of a batch).
    mutating func settle() {
        if let segment, repeats > 0 { segment.creditDeliveries(repeats, from: peer) }
        segment = nil
        repeats = 0
    }

    /// All twelve address bytes: the destination MAC and the source's first two bytes in
    /// one word, the source's last four in another.
    private static func addresses(_ frame: UnsafeMutableRawBufferPointer) -> (UInt64, UInt32) {
        let base = UnsafeRawPointer(frame.baseAddress!)
        return (base.loadUnaligned(as: UInt64.self), base.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
    }
}
