import HorizonUDP
import Synchronization

/// Datagrams on the WireGuard port that are not WireGuard but that NAT traversal wants
/// (STUN, TURN ChannelData), taken off the packet path: the receive thread copies each
/// into a bounded queue and a thread of their own hands them to the registered handler,
/// so a slow handler can only fill the queue (further datagrams are dropped and counted),
/// never stall WireGuard traffic. It also sends NAT traversal's datagrams.
final class DatagramTap: @unchecked Sendable {
    static let capacity = 256

    struct Registration {
        var accepts: @Sendable (UnsafeRawBufferPointer) -> Bool
        var handler: @Sendable (DeviceDatagram) -> Void
    }

    private struct State {
        var registration: Registration?
        var queue: [DeviceDatagram] = []
        var counters = DeviceDatagramCounters()
        var deliveryStarted = false
    }

    private let state = Mutex(State())
    private let wakeup = Wakeup()
    /// `Device.sendDatagram` is rare and may come from any thread: one batch, one lock.
    private let sendBatch = Mutex(UDPSendBatch(capacity: 1))

    /// Replaces the registration (nil: none); true the first time one is set, when the
    /// caller must start the delivery thread.
    func register(_ registration: Registration?) -> Bool {
        state.withLock { state in
            state.registration = registration
            guard registration != nil, !state.deliveryStarted else { return false }
            state.deliveryStarted = true
            return true
        }
    }

    /// Called by a receive thread for a datagram WireGuard did not recognise: false when
    /// no handler wants it (the caller counts it malformed).
    func offer(_ datagram: UDPDatagram) -> Bool {
        let bytes = UnsafeRawBufferPointer(datagram.bytes)
        guard let registration = state.withLock({ $0.registration }), registration.accepts(bytes) else { return false }
        let copy = DeviceDatagram(bytes: Array(bytes), source: datagram.source, local: datagram.destination?.ip)
        let queued = state.withLock { state in
            guard state.queue.count < Self.capacity else {
                state.counters.droppedQueueFull &+= 1
                return false
            }
            state.queue.append(copy)
            state.counters.queued &+= 1
            return true
        }
        if queued { wakeup.signal() }
        return true
    }

    /// Hands every queued datagram to the handler; waits up to `milliseconds` when none.
    func deliver(waitingUpTo milliseconds: Int32) {
        let (batch, handler) = state.withLock { state in
            defer { state.queue.removeAll(keepingCapacity: true) }
            return (state.queue, state.registration?.handler)
        }
        guard !batch.isEmpty else {
            wakeup.wait(milliseconds: milliseconds)
            return
        }
        guard let handler else { return }
        for datagram in batch { handler(datagram) }
        state.withLock { $0.counters.delivered &+= UInt64(batch.count) }
    }

    /// Sends one datagram through `udp`; false when the kernel refused it.
    func send(_ bytes: [UInt8], to destination: UDPAddress, through udp: DualStackUDP) -> Bool {
        let sent = sendBatch.withLock { batch in
            defer { batch.removeAll() }
            return bytes.withUnsafeBytes { raw in
                batch.append(raw, to: destination)
                return udp.send(batch).sent == 1
            }
        }
        state.withLock { sent ? ($0.counters.sent &+= 1) : ($0.counters.sendFailures &+= 1) }
        return sent
    }

    var counters: DeviceDatagramCounters { state.withLock { $0.counters } }
}
