#if canImport(Glibc)
import Glibc
#endif
import HorizonCore
import HorizonCrypto
import HorizonTUN
import HorizonUDP
import HorizonWireGuard

/// The transmit thread: TUN → peers. Per batch: read (TSO superpackets split into
/// MTU-sized packets), route each packet by destination, then per run of packets to one
/// peer take the peer's lock once (`planSend`), seal the run in place under the session's
/// send lock, and send everything with one `sendmmsg` (UDP GSO merges equal-sized runs).
/// Buffers are allocated once (again only when the MTU outgrows them).
final class TransmitLoop {
    /// Room after a packet for padding (< 16) and the tag (16), rounded up.
    static let slack = 64
    /// `routes` entries that are not peer indices.
    private static let noRoute: Int32 = -1
    private static let oversize: Int32 = -2

    private let device: Device
    private let reader = TUNBatchReader()
    private var batch: PacketBatch
    private var sendBatch: UDPSendBatch
    /// Per packet of the batch: its peer index, `noRoute` or `oversize`.
    private var routes: UnsafeMutablePointer<Int32>
    private var padded: UnsafeMutablePointer<Int>
    private var mtu: Int
    private var nextMTUCheck = MonotonicTime.zero
    private var dropsSeen = 0
    private var tooBigSeen = 0
    private var superpacketsSeen = 0
    private var counts = DeviceCounters()

    init(device: Device, mtu: Int) {
        self.device = device
        self.mtu = mtu
        (batch, sendBatch, routes, padded) = Self.buffers(mtu: mtu)
    }

    deinit {
        routes.deallocate()
        padded.deallocate()
    }

    /// Sized so a batch holds a few 64 KiB superpackets' worth of packets.
    private static func buffers(mtu: Int) -> (PacketBatch, UDPSendBatch, UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int>) {
        let capacity = mtu + slack
        let slots = min(128, max(16, (4 << 20) / capacity))
        return (PacketBatch(slots: slots, capacity: capacity, headroom: TransportHeader.size),
                UDPSendBatch(capacity: slots), .allocate(capacity: slots), .allocate(capacity: slots))
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
                routes[i] = Self.oversize
                continue
            }
            routes[i] = table.allowedIPs.lookup(destinationOf: UnsafeRawBufferPointer(batch.packet(i))).map { Int32($0.rawValue) } ?? Self.noRoute
        }
        sendBatch.removeAll()
        var i = 0
        while i < n {
            var j = i + 1
            while j < n, routes[j] == routes[i] { j += 1 }
            if routes[i] == Self.oversize {
                counts.droppedTUNMalformed &+= UInt64(j - i)
            } else if routes[i] == Self.noRoute {
                counts.droppedNoRoute &+= UInt64(j - i)
            } else if let peer = table.peer(PeerIndex(UInt32(routes[i]))) {
                transmit(run: i..<j, to: peer, now: now)
            } else {
                counts.droppedNoRoute &+= UInt64(j - i)
            }
            i = j
        }
        guard sendBatch.count > 0 else { return }
        guard let udp = device.sockets else {
            counts.droppedSendFailed &+= UInt64(sendBatch.count)
            return
        }
        let result = udp.send(sendBatch)
        counts.droppedSendFailed &+= UInt64(result.dropped)
        counts.udpSendCalls &+= UInt64(result.syscalls)
        counts.udpSendMessages &+= UInt64(result.messages)
        if result.dropped > 0, result.lastErrno == EMSGSIZE || result.lastErrno == EINVAL {
            // Segments bigger than the path allows (a large MTU): send datagrams one by one
            // from now on and let the kernel fragment them.
            udp.ipv4.sendsSegmented = false
            udp.ipv6?.sendsSegmented = false
        }
    }

    private func transmit(run: Range<Int>, to peer: EnginePeer, now: MonotonicTime) {
        var bytes = 0
        for k in run {
            let length = batch.length(k)
            padded[k] = TransportPadding.paddedLength(length, mtu: mtu)
            bytes += TransportHeader.size + padded[k] + ChaCha20Poly1305Context.tagSize
        }
        switch device.engine.planSend(to: peer, packets: run.count, bytes: bytes, now: now) {
        case .noEndpoint:
            counts.droppedNoEndpoint &+= UInt64(run.count)
        case .stage:
            device.engine.stage(to: peer, count: run.count, now: now) { UnsafeRawBufferPointer(batch.packet(run.lowerBound + $0)) }
        case .seal(let grant):
            let destination = grant.endpoint.udpAddress, source = grant.endpoint.localSource
            let (batch, sendBatch, padded) = (self.batch, self.sendBatch, self.padded)
            grant.keypair.withSealer { sealer in
                for k in run {
                    let packet = batch.start(k)
                    let size = sealer.seal(packet: packet, length: batch.length(k), paddedLength: padded[k],
                                           counter: grant.firstCounter + UInt64(k - run.lowerBound))
                    sendBatch.append(UnsafeRawBufferPointer(start: packet - TransportHeader.size, count: size),
                                     to: destination, from: source)
                }
            }
            counts.txPackets &+= UInt64(run.count)
            counts.txBytes &+= UInt64(bytes)
        }
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
            padded.deallocate()
            (batch, sendBatch, routes, padded) = Self.buffers(mtu: current)
        }
    }
}

