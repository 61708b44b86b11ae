import HorizonCore
import HorizonLAN
import HorizonTUN
import HorizonWireGuard
import Synchronization

/// An L2 network attached to a device: its segment (tag + switch), its TAP, and the public
/// keys of its members, resolved to the device's peers whenever either changes.
final class LANNetwork: Sendable {
    let segment: LANSegment
    let tap: TUNDevice
    private let memberKeys: Mutex<[PublicKey]>
    private let detached = Atomic<Bool>(false)

    init(segment: LANSegment, tap: TUNDevice, members: [PublicKey]) {
        self.segment = segment
        self.tap = tap
        memberKeys = Mutex(members)
    }

    var tag: LANNetworkTag { segment.tag }
    var interfaceName: String { tap.name }
    var members: [PublicKey] { memberKeys.withLock { $0 } }

    /// Set when the network is detached or its TAP disappeared: its thread stops.
    var isDetached: Bool { detached.load(ordering: .relaxed) }
    func markDetached() { detached.store(true, ordering: .relaxed) }

    func setMembers(_ keys: [PublicKey], engine: WireGuardEngine) {
        memberKeys.withLock { $0 = keys }
        resolveMembers(engine: engine)
    }

    /// Member keys that name a peer of the device become member ports; a peer removed from
    /// the device stops being one (its index may be reused by another peer later).
    func resolveMembers(engine: WireGuardEngine) {
        segment.setMembers(members.compactMap { engine.peer(for: $0)?.index })
    }
}
