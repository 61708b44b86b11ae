/// A fixed set of packet buffers allocated once and reused for every batch.
///
/// Each slot has `headroom` bytes in front of its packet (room for a protocol header to be
/// prepended in place, e.g. WireGuard's 16-byte data header) and `capacity` bytes for the
/// packet. One thread owns a batch at a time; hand it over, don't share it.
public final class PacketBatch {
    public let slots: Int
    public let headroom: Int
    public let capacity: Int
    /// Packets currently held: slots `0..<count` are valid.
    public var count: Int = 0

    private let stride: Int
    private let memory: UnsafeMutableRawPointer
    private let lengths: UnsafeMutablePointer<Int>

    public init(slots: Int, capacity: Int, headroom: Int = 0) {
        precondition(slots > 0 && capacity > 0 && headroom >= 0)
        self.slots = slots
        self.headroom = headroom
        self.capacity = capacity
        // Round each slot to a cache line so neighbouring packets never share one.
        stride = (headroom + capacity + 63) & ~63
        memory = .allocate(byteCount: stride * slots, alignment: 64)
        lengths = .allocate(capacity: slots)
        lengths.initialize(repeating: 0, count: slots)
    }

    deinit {
        memory.deallocate()
        lengths.deallocate()
    }

    /// Start of slot `index`'s packet area (after the headroom).
    @inline(__always)
    public func start(_ index: Int) -> UnsafeMutableRawPointer {
        memory + index * stride + headroom
    }

    /// Slot `index`'s whole packet area, for filling.
    public func storage(_ index: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: start(index), count: capacity)
    }

    /// The packet in slot `index`.
    public func packet(_ index: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: start(index), count: lengths[index])
    }

    public func length(_ index: Int) -> Int { lengths[index] }

    public func setLength(_ length: Int, at index: Int) {
        precondition(length >= 0 && length <= capacity)
        lengths[index] = length
    }

    /// The headroom in front of slot `index`'s packet.
    public func headroom(_ index: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: memory + index * stride, count: headroom)
    }
}
