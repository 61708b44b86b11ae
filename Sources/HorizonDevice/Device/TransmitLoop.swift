#if canImport(Glibc)
import Glibc
#endif
import HorizonCore
import HorizonTUN
import HorizonWireGuard

/// The transmit thread: TUN → peers. Per batch: read (TSO superpackets split into
/// MTU-sized packets), route each packet by destination, then per run of packets to one
/// peer seal and send them (`TransportBatchSender`).
/// Buffers are allocated once (again only when the MTU outgrows them).
final class TransmitLoop {
    /// Room after a packet for padding (< 16) and the tag (16), rounded up.
    static let slack = 64

    private let device: Device
    private let reader = TUNBatchReader()
    private var batch: PacketBatch
    private var sender: TransportBatchSender
    /// Per packet of the batch: its peer index, or `TransportBatchSender.noRoute`/`oversize`.
    private var routes: UnsafeMutablePointer<Int32>
    private var mtu: Int
    private var nextMTUCheck = MonotonicTime.zero
    private var dropsSeen = 0
    private var tooBigSeen = 0
    private var superpacketsSeen = 0
    private var counts = DeviceCounters()

    init(device: Device, mtu: Int) {
        self.device = device
        self.mtu = mtu
        (batch, sender, routes) = Self.buffers(mtu: mtu)
    }

    deinit {
        routes.deallocate()
    }

    /// Sized so a batch holds a few 64 KiB superpackets' worth of packets.
    private static func buffers(mtu: Int) -> (PacketBatch, TransportBatchSender, UnsafeMutablePointer<Int32>) {
        let capacity = mtu + slack
        let slots = min(128, max(16, (4 << 20) / capacity))
        return (PacketBatch(slots: slots, capacity: capacity, headroom: TransportHeader.size + RelayChannelFraming.headroom),
                TransportBatchSender(slots: slots), .allocate(capacity: slots))
    }

    func run() {
        let tun = device.tun
        while !device.isStopping {
            batch.count = 0
            let n = reader.readBatch(from: tun, into: batch)
            if n < 0 {
                guard n == -Int(EAGAIN) || n == -Int(EINTR) else {
                    // EBADFD and friends: the interface is gone.
                    device.requestStop(.interfaceDeleted)
                    return
                }
                _ = tun.waitReadable(timeoutMilliseconds: 100)
                followMTU(now: MonotonicTime.now(), urgent: false)
                continue
            }
            let now = MonotonicTime.now()
            if n > 0 { transmit(count: n, now: now) }
            followMTU(now: now, urgent: reader.droppedNoRoom != tooBigSeen)
            tooBigSeen = reader.droppedNoRoom
            let drops = reader.droppedMalformed + reader.droppedNoRoom + reader.droppedUnsupported
            counts.droppedTUNMalformed &+= UInt64(drops - dropsSeen)
            dropsSeen = drops
            counts.tunReadBatches &+= 1
            counts.tunSuperpacketsRead &+= UInt64(reader.superpackets - superpacketsSeen)
            superpacketsSeen = reader.superpackets
            device.addCounters(counts)
            counts = DeviceCounters()
        }
    }

    // MARK: - One batch

    private func transmit(count n: Int, now: MonotonicTime) {
        let table = device.routing.withLock { $0 }
        for i in 0..<n {
            // Padding and the tag must fit behind the packet in its slot.
            guard batch.length(i) + Self.slack / 2 <= batch.capacity else {
                routes[i] = TransportBatchSender.oversize
                continue
            }
            routes[i] = table.allowedIPs.lookup(destinationOf: UnsafeRawBufferPointer(batch.packet(i))).map { Int32($0.rawValue) } ?? TransportBatchSender.noRoute
        }
        sender.send(batch, routes: routes, count: n, table: table, mtu: mtu, device: device, now: now, counts: &counts)
    }

    // MARK: - MTU

    /// Follows `ip link set mtu`: checked once a second, and at once when the splitter
    /// found packets too big for the buffers.
    private func followMTU(now: MonotonicTime, urgent: Bool) {
        guard urgent || now >= nextMTUCheck else { return }
        nextMTUCheck = now + .seconds(1)
        guard let current = try? device.tun.mtu(), current != mtu else { return }
        mtu = current
        device.engine.mtu = current
        if current + Self.slack > batch.capacity {
            routes.deallocate()
            (batch, sender, routes) = Self.buffers(mtu: current)
        }
    }
}

