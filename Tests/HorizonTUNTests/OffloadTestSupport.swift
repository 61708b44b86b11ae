@testable import HorizonTUN

/// How the kernel hands a TSO/USO superpacket to a TUN reader: one big packet whose
/// transport checksum field holds only the pseudo-header sum, plus a virtio header.
func kernelSuperpacket(_ packet: [UInt8], gsoSize: Int) -> (bytes: [UInt8], header: VirtioNetHeader) {
    var bytes = packet
    let l4 = packet.ipHeaderLength
    let isIPv6 = packet[0] >> 4 == 6
    let proto = isIPv6 ? packet[6] : packet[9]
    let field = l4 + (proto == 6 ? 16 : 6)
    let partial = ReferenceChecksum.fold(ReferenceChecksum.pseudoHeader(packet, protocol: proto, length: packet.count - l4))
    bytes[field] = UInt8(partial >> 8)
    bytes[field + 1] = UInt8(partial & 0xFF)
    let gsoType: UInt8 = proto == 17 ? VirtioNetHeader.gsoUDPL4 : (isIPv6 ? VirtioNetHeader.gsoTCPv6 : VirtioNetHeader.gsoTCPv4)
    let headers = l4 + (proto == 6 ? packet.tcpHeaderLength : 8)
    let header = VirtioNetHeader(flags: VirtioNetHeader.needsChecksum, gsoType: gsoType, headerLength: UInt16(headers),
                                 gsoSize: UInt16(gsoSize), checksumStart: UInt16(l4), checksumOffset: proto == 6 ? 16 : 6)
    return (bytes, header)
}

/// Runs the splitter on a copy of `bytes`.
func split(_ bytes: [UInt8], header: VirtioNetHeader, into batch: PacketBatch) -> GSOSplitter.Outcome {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
    defer { buffer.deallocate() }
    buffer.copyBytes(from: bytes)
    return GSOSplitter.split(buffer, header: header, into: batch)
}

func packets(of batch: PacketBatch) -> [[UInt8]] {
    (0..<batch.count).map { Array(batch.packet($0)) }
}

/// Feeds packets to a coalescer (from stable copies) and returns each write flattened
/// into bytes, the virtio header (if any) still in front.
final class CoalescerHarness {
    let coalescer: PacketCoalescer
    private var storage: [UnsafeMutableRawBufferPointer] = []

    init(mode: PacketCoalescer.Mode = .coalescingTCP, capacity: Int = 128, verifyingTCPChecksums: Bool = true) {
        coalescer = PacketCoalescer(capacity: capacity, mode: mode, verifyingTCPChecksums: verifyingTCPChecksums)
    }

    deinit { storage.forEach { $0.deallocate() } }

    @discardableResult
    func add(_ packet: [UInt8]) -> Bool {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: packet.count, alignment: 16)
        buffer.copyBytes(from: packet)
        storage.append(buffer)
        return coalescer.add(buffer)
    }

    func flush() -> [[UInt8]] {
        var writes: [[UInt8]] = []
        coalescer.flush { pieces in
            var bytes: [UInt8] = []
            for piece in pieces {
                bytes += UnsafeRawBufferPointer(start: piece.iov_base, count: piece.iov_len)
            }
            writes.append(bytes)
        }
        return writes
    }
}

/// Splits a write produced by the coalescer back into IP packets, as the kernel would.
func resegment(_ write: [UInt8]) -> [[UInt8]] {
    let header = write.withUnsafeBytes { VirtioNetHeader(from: $0.baseAddress!) }
    let batch = PacketBatch(slots: 64, capacity: 2048)
    let outcome = split(Array(write[VirtioNetHeader.size...]), header: header, into: batch)
    guard case .split = outcome else { return [] }
    return packets(of: batch)
}

/// What the kernel does with a NEEDS_CSUM packet: checksum from csum_start on, with the
/// field's partial value included.
func completeChecksum(_ packet: [UInt8], header: VirtioNetHeader) -> [UInt8] {
    var bytes = packet
    let start = Int(header.checksumStart), field = start + Int(header.checksumOffset)
    let checksum = ~ReferenceChecksum.fold(ReferenceChecksum.sum(bytes[start...]))
    bytes[field] = UInt8(checksum >> 8)
    bytes[field + 1] = UInt8(checksum & 0xFF)
    return bytes
}
