/// Read side of the TUN offloads: turns what the kernel hands us (a virtio-net header and
/// a packet that may be a TSO/USO superpacket with a partial checksum) into ordinary,
/// fully checksummed IP packets no bigger than the MTU the kernel segmented for.
///
/// Follows what a NIC does for TSO (and Linux's software `tcp_gso_segment`): every segment
/// gets the original headers, the IPv4 ID increases by one per segment, TCP sequence numbers
/// advance by the payload already sent, FIN and PSH stay only on the last segment and CWR
/// only on the first.
public enum GSOSplitter {
    public enum Outcome: Equatable, Sendable {
        /// This many packets were appended to the batch.
        case split(Int)
        case dropped(DropReason)
    }

    public enum DropReason: Equatable, Sendable {
        /// Headers inconsistent with the virtio header or with themselves.
        case malformed
        /// A GSO type we never enable (e.g. UFO).
        case unsupportedGSO
        /// The batch has too few free slots, or a slot is too small, for the result.
        case noRoom
    }

    static let tcpFlagFIN: UInt8 = 0x01
    static let tcpFlagPSH: UInt8 = 0x08
    static let tcpFlagCWR: UInt8 = 0x80

    /// Appends the packets carried by `packet` (the bytes after the virtio header) to
    /// `batch`, starting at `batch.count`. Never allocates.
    public static func split(_ packet: UnsafeMutableRawBufferPointer, header: VirtioNetHeader,
                             into batch: PacketBatch) -> Outcome {
        guard let base = packet.baseAddress, packet.count > 0 else { return .dropped(.malformed) }
        switch header.gsoKind {
        case VirtioNetHeader.gsoNone:
            return copyCompletingChecksum(base, count: packet.count, header: header, into: batch)
        case VirtioNetHeader.gsoTCPv4:
            return segment(base, count: packet.count, header: header, ipv6: false, proto: 6, into: batch)
        case VirtioNetHeader.gsoTCPv6:
            return segment(base, count: packet.count, header: header, ipv6: true, proto: 6, into: batch)
        case VirtioNetHeader.gsoUDPL4:
            let ipv6 = base.byte(at: 0) >> 4 == 6
            return segment(base, count: packet.count, header: header, ipv6: ipv6, proto: 17, into: batch)
        default:
            return .dropped(.unsupportedGSO)
        }
    }

    /// A single packet, whose checksum the kernel may have left for us to finish. With a
    /// `linkHeader` (a TAP's Ethernet header) in front, the packet lands in the slot and the
    /// link header in its headroom, where the sender's own header goes too.
    static func copyCompletingChecksum(_ source: UnsafeMutableRawPointer, count: Int, header: VirtioNetHeader,
                                       linkHeader: Int = 0, into batch: PacketBatch) -> Outcome {
        guard batch.count < batch.slots, count - linkHeader <= batch.capacity else { return .dropped(.noRoom) }
        let start = Int(header.checksumStart), field = start + Int(header.checksumOffset)
        if header.needsChecksum, field + 2 > count || start < linkHeader { return .dropped(.malformed) }
        let destination = batch.start(batch.count) - linkHeader
        if header.needsChecksum {
            destination.copyMemory(from: source, byteCount: start)
            // The field already holds the pseudo-header sum, so summing over it finishes the job.
            var checksum = InternetChecksum.finish(
                InternetChecksum.copyAndSum(from: source + start, to: destination + start, count: count - start))
            // UDP (checksum at offset 6) sends a computed zero as all ones (RFC 768).
            if header.checksumOffset == 6, checksum == 0 { checksum = 0xFFFF }
            destination.storeBytes(of: checksum, toByteOffset: field, as: UInt16.self)
        } else {
            destination.copyMemory(from: source, byteCount: count)
        }
        batch.setLength(count - linkHeader, at: batch.count)
        batch.count += 1
        return .split(1)
    }

    /// TSO/USO: one superpacket into `ceil(payload / gsoSize)` packets.
    private static func segment(_ source: UnsafeMutableRawPointer, count: Int, header: VirtioNetHeader,
                                ipv6: Bool, proto: UInt8, into batch: PacketBatch) -> Outcome {
        let l4 = Int(header.checksumStart)
        guard let transportHeader = transportHeaderLength(source, count: count, l4: l4, ipv6: ipv6, proto: proto)
        else { return .dropped(.malformed) }
        let headers = l4 + transportHeader
        let gso = Int(header.gsoSize)
        let payload = count - headers
        guard gso > 0, payload > 0 else { return .dropped(.malformed) }
        let segments = (payload + gso - 1) / gso
        guard batch.count + segments <= batch.slots, headers + min(gso, payload) <= batch.capacity else {
            return .dropped(.noRoom)
        }

        let firstID = ipv6 ? 0 : source.be16(at: 4)
        let firstSequence = proto == 6 ? source.be32(at: l4 + 4) : 0
        let flags = proto == 6 ? source.byte(at: l4 + 13) : 0
        for i in 0..<segments {
            let offset = headers + i * gso
            let length = min(gso, count - offset)
            let total = headers + length
            let out = batch.start(batch.count + i)
            out.copyMemory(from: source, byteCount: headers)
            // The payload is summed while it is copied; the headers are summed below, once
            // they are final. Transport headers have even lengths, so the two sums add up.
            let payloadSum = InternetChecksum.copyAndSum(from: source + offset, to: out + headers, count: length)

            if ipv6 {
                out.setBE16(UInt16(total - 40), at: 4)
            } else {
                out.setBE16(UInt16(total), at: 2)
                out.setBE16(firstID &+ UInt16(truncatingIfNeeded: i), at: 4)
                IPv4Header.updateChecksum(out)
            }

            let checksumField: Int
            if proto == 6 {
                out.setBE32(firstSequence &+ UInt32(truncatingIfNeeded: i * gso), at: l4 + 4)
                var segmentFlags = flags
                if i != segments - 1 { segmentFlags &= ~(tcpFlagFIN | tcpFlagPSH) }
                if i != 0 { segmentFlags &= ~tcpFlagCWR }
                out.setByte(segmentFlags, at: l4 + 13)
                checksumField = l4 + 16
            } else {
                out.setBE16(UInt16(8 + length), at: l4 + 4)
                checksumField = l4 + 6
            }
            out.storeBytes(of: 0, toByteOffset: checksumField, as: UInt16.self)
            let transportLength = total - l4
            let sum = InternetChecksum.sum(out + l4, count: transportHeader,
                                           initial: InternetChecksum.pseudoHeaderSum(
                                               ip: out, isIPv6: ipv6, protocol: proto, length: transportLength) &+ payloadSum)
            var checksum = InternetChecksum.finish(sum)
            if proto == 17, checksum == 0 { checksum = 0xFFFF }
            out.storeBytes(of: checksum, toByteOffset: checksumField, as: UInt16.self)
            batch.setLength(total, at: batch.count + i)
        }
        batch.count += segments
        return .split(segments)
    }

    /// Checks the IP header against what the virtio header claims and returns the
    /// transport header length. The packet's own headers are trusted over the virtio
    /// header's `headerLength`, which some kernels fill loosely.
    private static func transportHeaderLength(_ p: UnsafeMutableRawPointer, count: Int, l4: Int, ipv6: Bool,
                                     proto: UInt8) -> Int? {
        if ipv6 {
            guard count >= 40, p.byte(at: 0) >> 4 == 6, l4 == 40, p.byte(at: 6) == proto else { return nil }
        } else {
            guard count >= 20, p.byte(at: 0) >> 4 == 4, Int(p.byte(at: 0) & 0x0F) * 4 == l4,
                  p.byte(at: 9) == proto else { return nil }
        }
        let transport: Int
        if proto == 6 {
            guard count >= l4 + 20 else { return nil }
            transport = Int(p.byte(at: l4 + 12) >> 4) * 4
            guard transport >= 20, count >= l4 + transport else { return nil }
        } else {
            transport = 8
            guard count >= l4 + 8 else { return nil }
        }
        return transport
    }
}
