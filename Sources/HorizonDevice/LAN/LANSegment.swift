import HorizonCore
import HorizonLAN
import Synchronization

/// One L2 network as the packet threads see it: its tag and its switch, whose ports are the
/// local TAP and the member peers. Kept apart from the TAP so the glue between tunnel and
/// switch can be tested without a kernel. The switch is behind a lock taken once per frame
/// (the TAP thread and the receive threads share it).
final class LANSegment: Sendable {
    typealias Switch = LANSwitch<PeerIndex>

    let tag: LANNetworkTag
    private let fabric: Mutex<Switch>

    init(tag: LANNetworkTag, switch fabric: Switch = Switch()) {
        self.tag = tag
        self.fabric = Mutex(fabric)
    }

    /// The switch's decision for one frame and, for a flood, the members to send it to
    /// (the switch's own array: handing it out copies nothing).
    func forward(_ frame: UnsafeRawBufferPointer, from port: Switch.Port, at now: MonotonicTime) -> (Switch.Action, [PeerIndex]) {
        fabric.withLock { fabric in
            let action = fabric.forward(frame: frame, from: port, at: now)
            return (action, action == .flood ? fabric.members : [])
        }
    }

    /// Credits the switch with `frames` frames from `peer` delivered locally without being
    /// offered to it (`LANDeliveryMemo`): one lock for a whole run.
    func creditDeliveries(_ frames: UInt64, from peer: PeerIndex) {
        fabric.withLock { $0.countRepeated(frames, of: .deliverLocally, from: .member(peer)) }
    }

    /// Makes exactly `members` the member ports, keeping what was learned about those that stay.
    func setMembers(_ members: [PeerIndex]) {
        fabric.withLock { fabric in
            let wanted = Set(members)
            for gone in fabric.members where !wanted.contains(gone) { fabric.leave(gone) }
            for member in members { fabric.join(member) }
        }
    }

    var members: [PeerIndex] { fabric.withLock { $0.members } }

    var counters: LANSwitchCounters { fabric.withLock { $0.counters } }
}
