import HorizonUDP

/// The relay's data path: datagrams queued for one socket leave together in one `sendmmsg`
/// (segmented when equal-sized), pointing into the receive batch they came from (client →
/// peer: ChannelData's data as is) or copied behind a 4-byte ChannelData header into a
/// preallocated arena (peer → client). Nothing is allocated per datagram. One thread each.
final class TURNChannelForwarder {
    private let batch: UDPSendBatch
    private let arena: UnsafeMutableRawPointer
    private let arenaSize: Int
    private var arenaUsed = 0
    private var socket: UDPSocket?
    /// Datagrams the kernel refused.
    private(set) var dropped: UInt64 = 0

    init(capacity: Int, arenaSize: Int) {
        batch = UDPSendBatch(capacity: capacity)
        arena = .allocate(byteCount: arenaSize, alignment: 16)
        self.arenaSize = arenaSize
    }

    deinit { arena.deallocate() }

    /// Queues `bytes` (valid until `flush`) to leave `socket` for `destination`.
    func queue(_ bytes: UnsafeRawBufferPointer, to destination: UDPAddress, through socket: UDPSocket) {
        prepare(for: socket, bytes: 0)
        batch.append(bytes, to: destination)
    }

    /// Queues `data` framed as ChannelData on `channel` to leave `socket` for `destination`.
    func queue(_ data: UnsafeRawBufferPointer, channel: UInt16, to destination: UDPAddress, through socket: UDPSocket) {
        let size = ChannelDataHeader.size + data.count
        prepare(for: socket, bytes: size)
        let start = arena + arenaUsed
        ChannelDataHeader(channel: channel, length: data.count).write(to: start)
        if let base = data.baseAddress { (start + ChannelDataHeader.size).copyMemory(from: base, byteCount: data.count) }
        arenaUsed += size
        batch.append(UnsafeRawBufferPointer(start: start, count: size), to: destination)
    }

    /// Sends what is queued.
    func flush() {
        if let socket, batch.count > 0 { dropped &+= UInt64(socket.send(batch).dropped) }
        batch.removeAll()
        arenaUsed = 0
        socket = nil
    }

    /// A batch goes out of one socket and must fit the batch and the arena.
    private func prepare(for socket: UDPSocket, bytes: Int) {
        if self.socket !== socket || batch.count == batch.capacity || arenaUsed + bytes > arenaSize { flush() }
        self.socket = socket
    }
}
