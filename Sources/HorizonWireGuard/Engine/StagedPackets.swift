/// Packets waiting for a session (a handshake is under way), bounded in count and bytes.
/// They are copied into one byte arena whose capacity is kept across handshakes, so
/// staging allocates only while the arena first grows. When full, the newest packet is
/// refused (and counted by the caller); the oldest ones are closest to being sent.
struct StagedPackets: Sendable {
    static let maximumCount = 128
    static let maximumBytes = 1 << 20

    private var bytes: [UInt8] = []
    private var lengths: [Int] = []

    var count: Int { lengths.count }
    var isEmpty: Bool { lengths.isEmpty }

    /// Copies `packet` in; false when the queue is full.
    mutating func append(_ packet: UnsafeRawBufferPointer) -> Bool {
        guard lengths.count < Self.maximumCount, bytes.count + packet.count <= Self.maximumBytes else { return false }
        if lengths.isEmpty { lengths.reserveCapacity(Self.maximumCount) }
        bytes.append(contentsOf: packet)
        lengths.append(packet.count)
        return true
    }

    /// Hands every packet, oldest first, to `body`, then empties the queue.
    mutating func drain(_ body: (UnsafeRawBufferPointer) -> Void) {
        bytes.withUnsafeBytes { all in
            var offset = 0
            for length in lengths {
                body(UnsafeRawBufferPointer(rebasing: all[offset..<offset + length]))
                offset += length
            }
        }
        removeAll()
    }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        lengths.removeAll(keepingCapacity: true)
    }
}
