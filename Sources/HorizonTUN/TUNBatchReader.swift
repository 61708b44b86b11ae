/// Reads from a TUN into a `PacketBatch`, splitting offloaded superpackets.
///
/// With a virtio header, each read lands in one 64 KiB staging buffer (a TSO superpacket
/// can be that big) and is split into the batch; a superpacket that does not fit the
/// batch's free slots waits there for the next batch instead of being dropped. Without a
/// virtio header, packets are read straight into the batch. Drops are counted, never
/// thrown. One thread per reader.
public final class TUNBatchReader {
    /// Largest read: a 64 KiB IP packet behind the virtio header, with slack.
    public static let stagingSize = 65_536 + VirtioNetHeader.size + 512

    public private(set) var droppedMalformed = 0
    public private(set) var droppedNoRoom = 0
    public private(set) var droppedUnsupported = 0
    /// Reads that arrived as TSO/USO superpackets (how much the offload is doing).
    public private(set) var superpackets = 0
    /// read(2) calls that returned a packet.
    public private(set) var reads = 0

    private let staging: UnsafeMutableRawBufferPointer
    /// Bytes in `staging` still to split (0: none).
    private var pending = 0

    public init() {
        staging = .allocate(byteCount: Self.stagingSize, alignment: 64)
    }

    deinit { staging.deallocate() }

    /// Reads until `batch` is full or nothing more is queued, appending from `batch.count`
    /// on. Returns `batch.count`, or -errno when not even one packet could be read
    /// (-EAGAIN: nothing queued; wait with `TUNDevice.waitReadable`).
    public func readBatch(from device: TUNDevice, into batch: PacketBatch) -> Int {
        while batch.count < batch.slots {
            if pending == 0 {
                let n = device.read(into: device.hasVirtioHeader ? staging : batch.storage(batch.count))
                guard n > 0 else {
                    if batch.count == 0 { return n < 0 ? n : 0 }
                    break
                }
                reads += 1
                guard device.hasVirtioHeader else {
                    batch.setLength(n, at: batch.count)
                    batch.count += 1
                    continue
                }
                pending = n
            }
            if !splitPending(into: batch) { break }
        }
        return batch.count
    }

    /// Splits the staged read into `batch`. False when it must wait for an emptier batch.
    func splitPending(into batch: PacketBatch) -> Bool {
        guard pending > VirtioNetHeader.size, let base = staging.baseAddress else {
            droppedMalformed += 1
            pending = 0
            return true
        }
        let header = VirtioNetHeader(from: base)
        let packet = UnsafeMutableRawBufferPointer(start: base + VirtioNetHeader.size, count: pending - VirtioNetHeader.size)
        switch GSOSplitter.split(packet, header: header, into: batch) {
        case .split:
            if header.gsoKind != VirtioNetHeader.gsoNone { superpackets += 1 }
        case .dropped(.noRoom) where batch.count > 0:
            return false
        case .dropped(.noRoom):
            droppedNoRoom += 1
        case .dropped(.malformed):
            droppedMalformed += 1
        case .dropped(.unsupportedGSO):
            droppedUnsupported += 1
        }
        pending = 0
        return true
    }
}
