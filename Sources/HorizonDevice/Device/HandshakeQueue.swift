import HorizonWireGuard
import Synchronization

/// Handshake messages handed from the receive threads to the handshake thread, so the
/// Diffie-Hellman work of a handshake never stalls transport data. Bounded and
/// preallocated: when full, new messages are dropped (and counted by the caller); how
/// full it is tells the engine whether the device is under load.
final class HandshakeQueue: @unchecked Sendable {
    static let capacity = 1024
    /// The largest handshake message (an initiation).
    static let slotSize = HandshakeInitiation.size

    private let storage: UnsafeMutableRawPointer
    private let lengths: UnsafeMutablePointer<Int>
    private let sources: UnsafeMutablePointer<PeerEndpoint>
    private let ring = Mutex<(head: Int, count: Int)>((0, 0))

    init() {
        storage = .allocate(byteCount: Self.capacity * Self.slotSize, alignment: 16)
        lengths = .allocate(capacity: Self.capacity)
        lengths.initialize(repeating: 0, count: Self.capacity)
        sources = .allocate(capacity: Self.capacity)
        sources.initialize(repeating: PeerEndpoint(address: .v4(.init(0)), port: 0), count: Self.capacity)
    }

    deinit {
        storage.deallocate()
        lengths.deallocate()
        sources.deinitialize(count: Self.capacity).deallocate()
    }

    /// Copies a message in; false when it is too big for a handshake message or the queue is full.
    func push(_ message: UnsafeRawBufferPointer, source: PeerEndpoint) -> Bool {
        guard message.count <= Self.slotSize, let base = message.baseAddress else { return false }
        return ring.withLock { ring in
            guard ring.count < Self.capacity else { return false }
            let slot = (ring.head + ring.count) % Self.capacity
            (storage + slot * Self.slotSize).copyMemory(from: base, byteCount: message.count)
            lengths[slot] = message.count
            sources[slot] = source
            ring.count += 1
            return true
        }
    }

    /// Copies the oldest message into `buffer` (`slotSize` bytes); returns its length,
    /// sender and how many messages still wait, or nil when empty.
    func pop(into buffer: UnsafeMutableRawPointer) -> (length: Int, source: PeerEndpoint, backlog: Int)? {
        ring.withLock { ring in
            guard ring.count > 0 else { return nil }
            let slot = ring.head
            buffer.copyMemory(from: storage + slot * Self.slotSize, byteCount: lengths[slot])
            ring.head = (ring.head + 1) % Self.capacity
            ring.count -= 1
            return (lengths[slot], sources[slot], ring.count)
        }
    }
}
