#if canImport(Glibc)
import Glibc
#endif
import HorizonCore
import HorizonLAN
import HorizonTUN
import HorizonWireGuard

/// The thread of one L2 network: TAP → switch → members. Per batch: read frames (with a
/// virtio header: the kernel hands over TCP superframes of up to 64 KiB, which
/// `TAPFrameSplitter` cuts into MTU-sized frames) until the TAP is drained or the batch
/// cannot take the next one, ask the switch about each (a unicast frame to a learned MAC
/// goes to one member, anything else is flooded to every member once), put the Horizon
/// header in front and the padding behind, copy flooded frames once per further member, then
/// seal and send everything with the same `TransportBatchSender` as the IP path.
///
/// Slot layout: the Horizon header and the Ethernet header sit in the headroom before
/// `batch.start(k)` (`leading` bytes), the rest of the frame and its padding from there on.
/// Buffers are allocated once, with slots sized for the TAP's MTU (small slots keep a batch
/// in cache); again only when the MTU or the member count outgrows them.
final class LANTransmitLoop {
    /// Largest frame taken whole from the TAP: a 9000-byte jumbo payload plus Ethernet and 802.1Q headers.
    static let maxFrame = 9000 + EthernetHeader.length + 4
    /// Largest read: a 64 KiB superframe behind the virtio header.
    static let stagingSize = 65_536 + VirtioNetHeader.size + EthernetHeader.length + 512
    /// The Horizon and Ethernet headers in front of `batch.start(k)`.
    static let leading = HorizonFrameHeader.size + EthernetHeader.length
    static let slots = 128

    private let device: Device
    private let network: LANNetwork
    private var batch: PacketBatch
    private var sender: TransportBatchSender
    private var routes: UnsafeMutablePointer<Int32>
    private let staging: UnsafeMutableRawBufferPointer
    /// Bytes of a read in `staging` still to be switched (0: none).
    private var pending = 0
    private var counts = DeviceCounters()
    private var mtu: Int

    init(device: Device, network: LANNetwork, mtu: Int) {
        self.device = device
        self.network = network
        self.mtu = mtu
        staging = .allocate(byteCount: Self.stagingSize, alignment: 64)
        (batch, sender, routes) = Self.buffers(slots: Self.slots, mtu: mtu)
    }

    deinit {
        routes.deallocate()
        staging.deallocate()
    }

    /// Slots hold an MTU-sized frame after its Ethernet header (802.1Q tag included), padding and tag.
    private static func buffers(slots: Int, mtu: Int) -> (PacketBatch, TransportBatchSender, UnsafeMutablePointer<Int32>) {
        let capacity = mtu + 4 + TransmitLoop.slack
        return (PacketBatch(slots: slots, capacity: capacity, headroom: TransportHeader.size + RelayChannelFraming.headroom + leading),
                TransportBatchSender(slots: slots), .allocate(capacity: slots))
    }

    func run() {
        let tap = network.tap
        while !device.isStopping, !network.isDetached {
            let n = fill(from: tap, now: MonotonicTime.now())
            if n == -Int(EAGAIN) || n == -Int(EINTR) {
                _ = tap.waitReadable(timeoutMilliseconds: 100)
                continue
            }
            guard n >= 0 else {
                // EBADFD and friends: the TAP was deleted under us; the rest of the device runs on.
                network.markDetached()
                return
            }
            if n > 0 {
                let table = device.routing.withLock { $0 }
                sender.send(batch, leading: Self.leading, routes: routes, count: n, table: table, mtu: device.engine.mtu,
                            device: device, now: MonotonicTime.now(), counts: &counts)
                counts.lan.framesSent &+= UInt64(n)
            }
            device.addCounters(counts)
            counts = DeviceCounters()
        }
    }

    /// Reads and switches frames into the batch; returns the packets to send, or -errno
    /// when nothing could be read. At most `slots` reads per batch: in a storm whose frames
    /// the flood limit drops, the TAP never runs dry, and a batch must still end — to send
    /// the frames it holds and to let the limit's clock (`now`) move on.
    private func fill(from tap: TUNDevice, now: MonotonicTime) -> Int {
        let segment = network.segment
        let fanout = max(1, segment.members.count)
        if fanout > batch.slots { reallocate(slots: 2 * fanout) }
        let tunnelMTU = device.engine.mtu
        batch.count = 0
        var reads = 0
        while batch.count + fanout <= batch.slots {
            if pending == 0 {
                guard reads < Self.slots else { break }
                reads += 1
                let n = tap.read(into: staging)
                guard n >= 0 else { return batch.count > 0 ? batch.count : n }
                counts.lan.framesRead &+= 1
                pending = n
            }
            guard pending >= VirtioNetHeader.size + EthernetHeader.length, let base = staging.baseAddress else {
                counts.lan.droppedTAPMalformed &+= 1
                pending = 0
                continue
            }
            let header = VirtioNetHeader(from: base)
            let frame = UnsafeMutableRawBufferPointer(start: base + VirtioNetHeader.size, count: pending - VirtioNetHeader.size)
            // A superframe and its copies must fit together; otherwise it waits for the next batch.
            let pieces = header.gsoSize > 0 ? frame.count / Int(header.gsoSize) + 1 : 1
            if batch.count > 0, batch.count + pieces * fanout > batch.slots { break }
            pending = 0
            switch segment.forward(UnsafeRawBufferPointer(frame), from: .local, at: now) {
            case (.send(let member), _):
                split(frame, header: header, copies: [member], tunnelMTU: tunnelMTU)
            case (.flood, let members) where !members.isEmpty:
                split(frame, header: header, copies: members, tunnelMTU: tunnelMTU)
            case (.flood, _), (.deliverLocally, _), (.drop, _):
                break  // nobody to send to; the switch counted its drops
            }
        }
        return batch.count
    }

    /// Cuts `frame` into MTU-sized frames at the end of the batch, one run per member in
    /// `members` (the first in place, the others copies), each with the Horizon header in
    /// front and padding behind.
    private func split(_ frame: UnsafeMutableRawBufferPointer, header: VirtioNetHeader, copies members: [PeerIndex], tunnelMTU: Int) {
        let first = batch.count
        let outcome = TAPFrameSplitter.split(frame, header: header, into: batch)
        guard case .split(let pieces) = outcome, batch.count + pieces * (members.count - 1) <= batch.slots else {
            batch.count = first
            counts.lan.droppedTAPMalformed &+= 1
            // A frame too big for the slots: the TAP's MTU was raised (`ip link set mtu`).
            if outcome == .dropped(.noRoom), first == 0 { followMTU() }
            return
        }
        for k in first..<(first + pieces) { addHeader(slot: k, to: members[0], tunnelMTU: tunnelMTU) }
        for member in members.dropFirst() {
            for k in first..<(first + pieces) { copy(k, to: batch.count, for: member) }
        }
    }

    private func followMTU() {
        guard let current = try? network.tap.mtu(), current > mtu else { return }
        mtu = current
        reallocate(slots: batch.slots)
    }

    /// New buffers; only between batches (the old ones hold nothing then).
    private func reallocate(slots: Int) {
        routes.deallocate()
        (batch, sender, routes) = Self.buffers(slots: slots, mtu: mtu)
    }

    /// Puts the Horizon header in front of slot `slot`'s frame and the padding behind it.
    private func addHeader(slot: Int, to member: PeerIndex, tunnelMTU: Int) {
        let start = batch.start(slot), length = batch.length(slot)
        let padding = HorizonFrameHeader.padding(frameLength: EthernetHeader.length + length, limit: tunnelMTU)
        HorizonFrameHeader(tag: network.tag, padding: padding).write(to: start - Self.leading)
        (start + length).initializeMemory(as: UInt8.self, repeating: 0, count: padding)
        batch.setLength(length + padding, at: slot)
        routes[slot] = Int32(member.rawValue)
    }

    /// A flooded frame's copy for one more member (sealing works in place, so each needs its
    /// own), appended at `target` (= `batch.count`).
    private func copy(_ slot: Int, to target: Int, for member: PeerIndex) {
        let length = batch.length(slot)
        (batch.start(target) - Self.leading).copyMemory(from: batch.start(slot) - Self.leading, byteCount: Self.leading + length)
        batch.setLength(length, at: target)
        routes[target] = Int32(member.rawValue)
        batch.count += 1
    }
}
