#if canImport(Glibc)
import Glibc
#endif
import HorizonCore
import HorizonUDP
import HorizonWireGuard

/// The handshake thread: everything off the packet path. It sleeps until the engine's
/// next timer deadline, a queued handshake message, or a request from the packet threads
/// (a handshake to start, staged packets to send), then lets the engine work and sends
/// what it returns.
final class HandshakeLoop {
    /// Longest sleep, so a stop is noticed even without a wake-up.
    static let maximumWait: Duration = .seconds(1)

    private let device: Device
    private let message = UnsafeMutableRawPointer.allocate(byteCount: HandshakeQueue.slotSize, alignment: 16)
    private let sendBatch = UDPSendBatch(capacity: 256)
    private var arena: [UInt8] = []

    init(device: Device) { self.device = device }

    deinit { message.deallocate() }

    func run() {
        let engine = device.engine
        while !device.isStopping {
            device.wakeup.wait(milliseconds: waitMilliseconds(until: engine.nextDeadline()))
            var now = MonotonicTime.now()
            var out: [OutgoingDatagram] = []
            while let (length, source, backlog) = device.handshakes.pop(into: message) {
                now = MonotonicTime.now()
                out += engine.receiveHandshake(UnsafeRawBufferPointer(start: message, count: length), from: source,
                                               backlog: backlog, now: now)
                if out.count >= sendBatch.capacity { send(&out) }
            }
            out += engine.tick(now: now)
            send(&out)
        }
    }

    private func waitMilliseconds(until deadline: MonotonicTime?) -> Int32 {
        let longest = Int32(Self.maximumWait.totalNanoseconds / 1_000_000)
        guard let deadline else { return longest }
        let nanoseconds = Int64(deadline.nanoseconds) - Int64(MonotonicTime.now().nanoseconds)
        guard nanoseconds > 0 else { return 0 }
        return Int32(min(Int64(longest), nanoseconds / 1_000_000 + 1))
    }

    /// Sends and empties `out`, copying the datagrams into one reused arena first so the
    /// batch can point at stable memory.
    private func send(_ out: inout [OutgoingDatagram]) {
        defer { out.removeAll(keepingCapacity: true) }
        guard !out.isEmpty, let udp = device.sockets else { return }
        var delta = DeviceCounters()
        var start = 0
        while start < out.count {
            let chunk = out[start..<min(out.count, start + sendBatch.capacity)]
            arena.removeAll(keepingCapacity: true)
            for datagram in chunk {
                let channel = datagram.endpoint.relayChannel
                if channel != 0 { ChannelDataHeader(channel: channel, length: datagram.bytes.count).append(to: &arena) }
                arena += datagram.bytes
            }
            arena.withUnsafeBytes { all in
                sendBatch.removeAll()
                var offset = 0
                for datagram in chunk {
                    let size = datagram.bytes.count + (datagram.endpoint.relayChannel == 0 ? 0 : ChannelDataHeader.size)
                    let bytes = UnsafeRawBufferPointer(rebasing: all[offset..<offset + size])
                    sendBatch.append(bytes, to: datagram.endpoint.udpAddress, from: datagram.endpoint.localSource)
                    offset += size
                    if datagram.bytes.first == MessageType.transportData.rawValue {
                        delta.txPackets &+= 1
                        delta.txBytes &+= UInt64(datagram.bytes.count)
                    }
                }
                let result = udp.send(sendBatch)
                delta.droppedSendFailed &+= UInt64(result.dropped)
                delta.udpSendCalls &+= UInt64(result.syscalls)
                delta.udpSendMessages &+= UInt64(result.messages)
            }
            start += chunk.count
        }
        device.addCounters(delta)
    }
}
