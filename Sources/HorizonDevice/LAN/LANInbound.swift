import HorizonCore
import HorizonLAN

/// The receive side's glue between tunnel and switch: a decrypted plaintext whose first
/// byte marks a Horizon frame is parsed, its tag looked up, and the frame offered to that
/// network's switch as coming from the peer it arrived from. The switch refuses peers that
/// are not members of the tagged network. Drops are counted by reason; nothing allocates.
/// Frames repeating the addresses of the last one delivered in the batch skip the switch
/// (`LANDeliveryMemo`).
enum LANInbound {
    /// The network and frame to write to its TAP, or nil when the frame was dropped.
    /// Generic over what the lookup yields so tests can run it on bare segments.
    @inline(__always)
    static func accept<Network>(_ plaintext: UnsafeMutableRawBufferPointer, from peer: PeerIndex, at now: MonotonicTime,
                                counts: inout LANPathCounters, memo: inout LANDeliveryMemo, lookup: (LANNetworkTag) -> Network?,
                                segment: (Network) -> LANSegment) -> (Network, UnsafeMutableRawBufferPointer)? {
        counts.framesReceived &+= 1
        switch HorizonFrameHeader.parse(UnsafeRawBufferPointer(plaintext)) {
        case .invalid(.short):
            counts.droppedShort &+= 1
            return nil
        case .invalid(.unknownType):
            counts.droppedUnknownType &+= 1
            return nil
        case .ethernet(let tag, let length):
            guard let network = lookup(tag) else {
                counts.droppedUnknownTag &+= 1
                return nil
            }
            let frame = UnsafeMutableRawBufferPointer(rebasing: plaintext[HorizonFrameHeader.size..<(HorizonFrameHeader.size + length)])
            let segment = segment(network)
            if memo.repeats(frame, in: segment, from: peer) { return (network, frame) }
            let (action, _) = segment.forward(UnsafeRawBufferPointer(frame), from: .member(peer), at: now)
            guard action == .deliverLocally else {
                counts.droppedBySwitch &+= 1
                return nil
            }
            memo.remember(frame, in: segment, from: peer)
            return (network, frame)
        }
    }
}
