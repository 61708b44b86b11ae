/// Reads from a TUN into a `PacketBatch`, splitting offloaded superpackets.
///
/// With a virtio header, each read lands in one 64 KiB staging buffer (a TSO superpacket
/// can be that big) and is split into the batch; without one, packets are read straight
/// into the batch. Drops are counted, never thrown. One thread per reader.
public final class TUNBatchReader {
    /// Largest read: a 64 KiB IP packet behind the virtio header, with slack.
    public static let stagingSize = 65_536 + VirtioNetHeader.size + 512

    public private(set) var droppedMalformed = 0
    public private(set) var droppedNoRoom = 0
    public private(set) var droppedUnsupported = 0
    /// Reads that arrived as TSO/USO superpackets (how much the offload is doing).
    public private(set) var superpackets = 0

    private let staging: UnsafeMutableRawBufferPointer

    public init() {
        staging = .allocate(byteCount: Self.stagingSize, alignment: 64)
    }

    deinit { staging.deallocate() }

    /// One read from `device`, appended to `batch` from `batch.count` on. Returns how many
    /// packets were appended (0 when the read was dropped), or -errno from read(2)
    /// (-EAGAIN when nothing is queued).
    public func read(from device: TUNDevice, into batch: PacketBatch) -> Int {
        guard device.hasVirtioHeader else {
            guard batch.count < batch.slots else { droppedNoRoom += 1; return 0 }
            let n = device.read(into: batch.storage(batch.count))
            guard n > 0 else { return n }
            batch.setLength(n, at: batch.count)
            batch.count += 1
            return 1
        }
        let n = device.read(into: staging)
        guard n > 0 else { return n }
        return split(count: n, into: batch)
    }

    /// Splits `count` staged bytes (virtio header + packet) into `batch`.
    func split(count: Int, into batch: PacketBatch) -> Int {
        guard count > VirtioNetHeader.size, let base = staging.baseAddress else {
            droppedMalformed += 1
            return 0
        }
        let header = VirtioNetHeader(from: base)
        if header.gsoKind != VirtioNetHeader.gsoNone { superpackets += 1 }
        let packet = UnsafeMutableRawBufferPointer(start: base + VirtioNetHeader.size,
                                                   count: count - VirtioNetHeader.size)
        switch GSOSplitter.split(packet, header: header, into: batch) {
        case .split(let packets):
            return packets
        case .dropped(.malformed):
            droppedMalformed += 1
        case .dropped(.noRoom):
            droppedNoRoom += 1
        case .dropped(.unsupportedGSO):
            droppedUnsupported += 1
        }
        return 0
    }
}
