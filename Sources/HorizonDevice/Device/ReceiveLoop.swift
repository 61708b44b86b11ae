#if canImport(Glibc)
import Glibc
#endif
import HorizonCore
import HorizonLAN
import HorizonTUN
import HorizonUDP
import HorizonWireGuard

/// A receive thread: one UDP socket → TUN. Per batch: `recvmmsg` (GRO trains split into
/// datagrams), then per run of transport datagrams naming one session take the session's
/// receive lock once and open each in place, check it against the replay window and the
/// peer's allowed IPs, and hand it to the coalescer; one `didReceive` per run updates the
/// peer (confirmation, roaming, timers). Handshake messages are queued for the handshake
/// thread. The batch ends with one TUN write per coalesced superpacket.
final class ReceiveLoop {
    static let messageSlots = 32

    private let device: Device
    private let binding: SocketBinding
    private let socket: UDPSocket
    private let batch = UDPReceiveBatch(messageSlots: ReceiveLoop.messageSlots, bufferSize: 65_536)
    private let coalescer: PacketCoalescer
    private let lan: LANReceiver
    private var counts = DeviceCounters()
    /// Per datagram of the batch: the TURN channel it came through (0: none).
    private let channels = UnsafeMutablePointer<UInt16>.allocate(capacity: ReceiveLoop.messageSlots * UDPReceiveBatch.maxSegmentsPerMessage)

    init(device: Device, binding: SocketBinding, socket: UDPSocket) {
        self.device = device
        self.binding = binding
        self.socket = socket
        lan = LANReceiver(registry: device.lan, capacity: Self.messageSlots * UDPReceiveBatch.maxSegmentsPerMessage)
        let mode = PacketCoalescer.Mode(writingTo: device.tun)
        // Every packet reaching the coalescer was just authenticated by its session's AEAD, so
        // re-summing TCP payloads would only repeat a check the tag already made.
        coalescer = PacketCoalescer(
            capacity: Self.messageSlots * UDPReceiveBatch.maxSegmentsPerMessage, mode: mode,
            verifyingTCPChecksums: false)
    }

    deinit { channels.deallocate() }

    func run() {
        // Bounded waits, so a stop or a rebind is noticed.
        socket.setReceiveTimeout(milliseconds: 100)
        while !device.isStopping, !binding.isRetired {
            let n = socket.receive(into: batch)
            guard n > 0 else {
                if n < 0, n != -Int(EAGAIN), n != -Int(EINTR) { usleep(10_000) }
                continue
            }
            receive(count: n, now: MonotonicTime.now())
            device.addCounters(counts)
            counts = DeviceCounters()
        }
    }

    private func receive(count n: Int, now: MonotonicTime) {
        let table = device.routing.withLock { $0 }
        RelayChannelFraming.unwrapRelayed(batch, count: n, channels: channels)
        var i = 0
        while i < n {
            let first = batch.datagram(i)
            guard let header = TransportHeader(packet: UnsafeRawBufferPointer(first.bytes)) else {
                queueHandshake(first, source: source(i))
                i += 1
                continue
            }
            var j = i + 1
            while j < n, Self.receiverIndex(batch.datagram(j)) == header.receiverIndex { j += 1 }
            receive(run: i..<j, index: header.receiverIndex, table: table, now: now)
            i = j
        }
        let written = device.tun.write(coalescer)
        counts.droppedTUNWrite &+= UInt64(written.failures)
        counts.tunWrites &+= UInt64(written.writes)
        lan.flush(counts: &counts.lan)
        counts.udpReceiveCalls &+= 1
        counts.udpReceiveMessages &+= UInt64(batch.messageCount)
    }

    /// Opens a run of transport datagrams for one receiver index.
    private func receive(run: Range<Int>, index: UInt32, table: RoutingTable, now: MonotonicTime) {
        guard let (peer, keypair) = device.engine.session(forIndex: index, now: now) else {
            counts.droppedNoKey &+= UInt64(run.count)
            return
        }
        let (batch, coalescer, lan) = (self.batch, self.coalescer, self.lan)
        var delta = DeviceCounters()
        var data = 0
        var lastSource = run.lowerBound
        _ = keypair.withOpener { opener in
            for k in run {
                let datagram = batch.datagram(k)
                let counter = UInt64(littleEndian: UnsafeRawPointer(datagram.bytes.baseAddress!).loadUnaligned(fromByteOffset: 8, as: UInt64.self))
                switch opener.open(datagram.bytes, counter: counter) {
                case .replayed:
                    delta.droppedReplay &+= 1
                case .forged:
                    delta.droppedBadMAC &+= 1
                case .opened(let length):
                    delta.rxPackets &+= 1
                    delta.rxBytes &+= UInt64(datagram.bytes.count)
                    lastSource = k
                    guard length > 0 else {
                        delta.keepalivesReceived &+= 1
                        continue
                    }
                    data += 1
                    let plaintext = datagram.bytes.baseAddress! + TransportHeader.size
                    if HorizonFrameHeader.isHorizonFrame(firstByte: plaintext.load(as: UInt8.self)) {
                        lan.receive(UnsafeMutableRawBufferPointer(start: plaintext, count: length), from: peer.index, at: now, counts: &delta.lan)
                        continue
                    }
                    guard let packetLength = InnerPacket.length(plaintext, available: length) else {
                        delta.droppedInvalidPacket &+= 1
                        continue
                    }
                    let packet = UnsafeMutableRawBufferPointer(start: plaintext, count: packetLength)
                    guard table.allowedIPs.allowsSource(of: UnsafeRawBufferPointer(packet), from: peer.index) else {
                        delta.droppedSourceNotAllowed &+= 1
                        continue
                    }
                    coalescer.add(packet)
                }
            }
            return 0
        }
        counts.add(delta)
        guard delta.rxPackets > 0 else { return }
        device.engine.didReceive(on: keypair, from: peer, source: source(lastSource), packets: Int(delta.rxPackets),
                                 dataPackets: data, bytes: Int(delta.rxBytes), now: now)
    }

    private func source(_ i: Int) -> PeerEndpoint {
        var endpoint = PeerEndpoint(batch.datagram(i))
        endpoint.relayChannel = channels[i]
        return endpoint
    }

    private func queueHandshake(_ datagram: UDPDatagram, source: PeerEndpoint) {
        switch MessageType(datagram: UnsafeRawBufferPointer(datagram.bytes)) {
        case .handshakeInitiation?, .handshakeResponse?, .cookieReply?:
            if device.handshakes.push(UnsafeRawBufferPointer(datagram.bytes), source: source) {
                device.wakeup.signal()
            } else {
                counts.droppedHandshakeQueueFull &+= 1
            }
        case .transportData?, nil:
            // Not WireGuard: NAT traversal's, if its handler wants it (Device+Datagrams).
            if !device.datagramTap.offer(datagram) { counts.droppedMalformed &+= 1 }
        }
    }

    private static func receiverIndex(_ datagram: UDPDatagram) -> UInt32? {
        TransportHeader(packet: UnsafeRawBufferPointer(datagram.bytes))?.receiverIndex
    }
}

/// The IP packet inside decrypted plaintext, whose padding must not reach the TUN.
enum InnerPacket {
    /// The packet's own length from its IPv4/IPv6 header, or nil when the plaintext does
    /// not start with a whole IP packet.
    static func length(_ plaintext: UnsafeMutableRawPointer, available: Int) -> Int? {
        guard available >= 1 else { return nil }
        switch plaintext.load(as: UInt8.self) >> 4 {
        case 4 where available >= 20:
            let total = Int(UInt16(bigEndian: plaintext.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
            return total >= 20 && total <= available ? total : nil
        case 6 where available >= 40:
            let total = 40 + Int(UInt16(bigEndian: plaintext.loadUnaligned(fromByteOffset: 4, as: UInt16.self)))
            return total <= available ? total : nil
        default:
            return nil
        }
    }
}
