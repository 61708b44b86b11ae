#if canImport(Glibc)
import Glibc
#endif
import HorizonCore
import HorizonCrypto
import HorizonTUN
import HorizonUDP
import HorizonWireGuard

/// The sealing half of a transmit thread, shared by the TUN loop (IP packets) and the LAN
/// loops (Horizon frames): for each run of consecutive packets routed to one peer, take the
/// peer's lock once (`planSend`), seal the run in place under the session's send lock, and
/// send the whole batch with one `sendmmsg` (UDP GSO merges equal-sized runs).
///
/// Packet i starts `leading` bytes before `batch.start(i)` (headers the caller keeps in the
/// headroom, such as a Horizon frame's) and is `leading + batch.length(i)` bytes long; the
/// headroom holds `TransportHeader.size` + `RelayChannelFraming.headroom` more bytes in
/// front (a relayed peer's ChannelData header goes there), and the slot room for padding
/// and the tag behind. `routes[i]` is packet i's peer index or a negative code.
final class TransportBatchSender {
    /// `routes` entries that are not peer indices.
    static let noRoute: Int32 = -1
    static let oversize: Int32 = -2

    private let sendBatch: UDPSendBatch
    private let padded: UnsafeMutablePointer<Int>

    init(slots: Int) {
        sendBatch = UDPSendBatch(capacity: slots)
        padded = .allocate(capacity: slots)
    }

    deinit { padded.deallocate() }

    /// Seals and sends packets `0..<count` of `batch`; drops are added to `counts`.
    func send(_ batch: PacketBatch, leading: Int = 0, routes: UnsafePointer<Int32>, count n: Int, table: RoutingTable,
              mtu: Int, device: Device, now: MonotonicTime, counts: inout DeviceCounters) {
        precondition(batch.headroom >= leading + TransportHeader.size + RelayChannelFraming.headroom, "no room for the headers")
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
                seal(batch, leading: leading, run: i..<j, to: peer, mtu: mtu, device: device, now: now, counts: &counts)
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

    private func seal(_ batch: PacketBatch, leading: Int, run: Range<Int>, to peer: EnginePeer, mtu: Int, device: Device,
                      now: MonotonicTime, counts: inout DeviceCounters) {
        var bytes = 0
        for k in run {
            let length = leading + batch.length(k)
            padded[k] = TransportPadding.paddedLength(length, mtu: mtu)
            bytes += TransportHeader.size + padded[k] + ChaCha20Poly1305Context.tagSize
        }
        switch device.engine.planSend(to: peer, packets: run.count, bytes: bytes, now: now) {
        case .noEndpoint:
            counts.droppedNoEndpoint &+= UInt64(run.count)
        case .stage:
            device.engine.stage(to: peer, count: run.count, now: now) { i in
                let k = run.lowerBound + i
                return UnsafeRawBufferPointer(start: batch.start(k) - leading, count: leading + batch.length(k))
            }
        case .seal(let grant):
            let destination = grant.endpoint.udpAddress, source = grant.endpoint.localSource
            let channel = grant.endpoint.relayChannel
            let (sendBatch, padded) = (self.sendBatch, self.padded)
            grant.keypair.withSealer { sealer in
                for k in run {
                    let packet = batch.start(k) - leading
                    let size = sealer.seal(packet: packet, length: leading + batch.length(k), paddedLength: padded[k],
                                           counter: grant.firstCounter + UInt64(k - run.lowerBound))
                    let sealed = packet - TransportHeader.size
                    sendBatch.append(channel == 0 ? UnsafeRawBufferPointer(start: sealed, count: size)
                                                  : RelayChannelFraming.frame(sealed, length: size, channel: channel),
                                     to: destination, from: source)
                }
            }
            counts.txPackets &+= UInt64(run.count)
            counts.txBytes &+= UInt64(bytes)
        }
    }
}
