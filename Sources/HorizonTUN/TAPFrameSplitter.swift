/// Read side of TAP offloads: turns what a TAP opened with IFF_VNET_HDR hands over (a
/// virtio-net header and an Ethernet frame that may carry a TSO/USO superpacket or a
/// partial checksum) into ordinary, fully checksummed frames no bigger than the MTU.
///
/// Output layout, for every frame appended at slot k: its 14-byte Ethernet header sits in
/// the headroom right before `batch.start(k)` and the rest of the frame (the IP packet, for
/// IP) from `batch.start(k)` on, `batch.length(k)` bytes. Segments of a superpacket each get
/// a copy of the Ethernet header; the IP and transport work is `GSOSplitter`'s, with the
/// virtio offsets moved past the Ethernet header.
public enum TAPFrameSplitter {
    public static let ethernetHeaderLength = 14

    /// Appends the frames carried by `frame` (the bytes after the virtio header) to `batch`,
    /// starting at `batch.count`. Never allocates.
    public static func split(_ frame: UnsafeMutableRawBufferPointer, header: VirtioNetHeader,
                             into batch: PacketBatch) -> GSOSplitter.Outcome {
        precondition(batch.headroom >= ethernetHeaderLength, "the batch needs headroom for Ethernet headers")
        let eth = ethernetHeaderLength
        guard let base = frame.baseAddress, frame.count >= eth else { return .dropped(.malformed) }
        guard header.gsoKind != VirtioNetHeader.gsoNone else {
            return GSOSplitter.copyCompletingChecksum(base, count: frame.count, header: header, linkHeader: eth, into: batch)
        }
        // Offloads are only ever asked for plain IPv4/IPv6 over Ethernet (no VLAN tags).
        let etherType = UInt16(base.load(fromByteOffset: 12, as: UInt8.self)) << 8 | UInt16(base.load(fromByteOffset: 13, as: UInt8.self))
        guard etherType == 0x0800 || etherType == 0x86DD, header.checksumStart >= eth else { return .dropped(.malformed) }
        var inner = header
        inner.checksumStart -= UInt16(eth)
        inner.headerLength = header.headerLength >= eth ? header.headerLength - UInt16(eth) : 0
        let first = batch.count
        let outcome = GSOSplitter.split(UnsafeMutableRawBufferPointer(rebasing: frame[eth...]), header: inner, into: batch)
        for k in first..<batch.count {
            (batch.start(k) - eth).copyMemory(from: base, byteCount: eth)
        }
        return outcome
    }
}
