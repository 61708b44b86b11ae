#if canImport(Glibc)
import Glibc
#endif

/// Write side of the TUN offloads ("GRO in userspace"): collects a batch of IP packets
/// bound for the TUN and merges runs of the same TCP connection with consecutive sequence
/// numbers into one TSO superpacket with a virtio-net header, so the kernel sees a few
/// large writes instead of many small ones.
///
/// Zero copy: a superpacket is a gather list — its virtio header, the first packet whole,
/// then only the payloads of the packets merged into it. The first packet's IP length,
/// IPv4 header checksum, PSH flag and TCP checksum (set to the pseudo-header sum, since
/// the header says NEEDS_CSUM) are rewritten in place.
///
/// For a TAP (`linkHeaderLength` 14), each packet's Ethernet header sits in the
/// `linkHeaderLength` bytes before it: writes start there, only IPv4/IPv6 frames with equal
/// Ethernet headers merge, and other frames are written whole.
///
/// Ownership: packets passed to `add` are borrowed, may be modified, and must stay valid
/// and unmoved until `flush` returns. One thread uses a coalescer at a time.
public final class PacketCoalescer {
    public enum Mode: Sendable {
        /// The TUN has no virtio-net header: write packets as they are.
        case plain
        /// Virtio-net header present but no TSO accepted: a zeroed header on every packet.
        case virtioHeader
        /// Merge TCP runs into TSO superpackets.
        case coalescingTCP
    }

    /// Linux GRO's limit on segments per superpacket (`MAX_GRO_SKBS`-like bound, and well
    /// under UIO_MAXIOV for the gather list).
    public static let maxSegments = 64

    public let mode: Mode
    public let capacity: Int
    /// Whether a TCP segment's checksum must verify before it may join a run (see `init`).
    public let verifiesTCPChecksums: Bool
    /// Bytes of link-layer header in front of every packet (0 on a TUN, 14 on a TAP).
    public let linkHeaderLength: Int
    /// Packets added since the last flush.
    public private(set) var packetCount = 0
    /// Writes the next flush will make.
    public private(set) var writeCount = 0

    private struct Packet {
        var base: UnsafeMutableRawPointer
        var length: Int
        var next: Int
    }

    private struct Run {
        var first: Int
        var last: Int
        var segments: Int
        /// Nil for a packet that can't start or join a run.
        var segment: TCPSegment?
        var gsoSize: Int
        var totalLength: Int
        var nextSequence: UInt32
        var lastIPID: UInt16
        var pushed: Bool
        var closed: Bool
    }

    private let packets: UnsafeMutablePointer<Packet>
    private let runs: UnsafeMutablePointer<Run>
    private let headers: UnsafeMutableRawPointer
    private let gather: UnsafeMutablePointer<iovec>

    /// `verifyingTCPChecksums: false` is for packets that a WireGuard session has just
    /// opened: the AEAD tag already proved them intact, so summing every payload again
    /// only costs time (Linux's WireGuard likewise marks decrypted packets as checksum-
    /// unnecessary). Any other source keeps the check, so corrupt segments stay unmerged
    /// and the kernel drops them.
    public init(capacity: Int, mode: Mode, verifyingTCPChecksums: Bool = true, linkHeaderLength: Int = 0) {
        precondition(capacity > 0 && (linkHeaderLength == 0 || linkHeaderLength >= 2))
        self.capacity = capacity
        self.mode = mode
        verifiesTCPChecksums = verifyingTCPChecksums
        self.linkHeaderLength = linkHeaderLength
        packets = .allocate(capacity: capacity)
        runs = .allocate(capacity: capacity)
        headers = .allocate(byteCount: VirtioNetHeader.size * capacity, alignment: 8)
        gather = .allocate(capacity: Self.maxSegments + 1)
    }

    deinit {
        packets.deallocate()
        runs.deallocate()
        headers.deallocate()
        gather.deallocate()
    }

    /// Adds one packet. Returns false (and takes nothing) when the coalescer is full:
    /// flush, then add again.
    @discardableResult
    public func add(_ packet: UnsafeMutableRawBufferPointer) -> Bool {
        guard packetCount < capacity, let base = packet.baseAddress else { return false }
        let index = packetCount
        packets[index] = Packet(base: base, length: packet.count, next: -1)
        packetCount += 1
        guard mode == .coalescingTCP, carriesIP(base),
              let segment = TCPSegment(base, count: packet.count, verifyingChecksum: verifiesTCPChecksums) else {
            startRun(with: index, segment: nil)
            return true
        }
        if let run = currentRun(of: segment), canAppend(segment, at: base, to: run) {
            append(index, segment: segment, at: base, to: run)
        } else {
            startRun(with: index, segment: segment)
        }
        return true
    }

    /// Hands each write — a gather list starting with the virtio header (unless plain) —
    /// to `write`, in the order the packets arrived per flow, then empties the coalescer.
    public func flush(_ write: (UnsafeBufferPointer<iovec>) -> Void) {
        for r in 0..<writeCount {
            let pieces = prepareWrite(run: r)
            write(UnsafeBufferPointer(start: gather, count: pieces))
        }
        packetCount = 0
        writeCount = 0
    }

    // MARK: - Building runs

    private func startRun(with index: Int, segment: TCPSegment?) {
        let base = packets[index].base
        runs[writeCount] = Run(
            first: index, last: index, segments: 1, segment: segment,
            gsoSize: segment?.payloadLength ?? 0, totalLength: packets[index].length,
            nextSequence: segment.map { $0.sequence &+ UInt32($0.payloadLength) } ?? 0,
            lastIPID: segment?.isIPv6 == false ? base.be16(at: 4) : 0,
            pushed: segment.map { Self.hasPSH(base, $0) } ?? false,
            closed: segment.map { Self.hasPSH(base, $0) } ?? true)
        writeCount += 1
    }

    /// The newest run of `segment`'s flow, if it is still open.
    private func currentRun(of segment: TCPSegment) -> Int? {
        var r = writeCount - 1
        while r >= 0 {
            if let head = runs[r].segment, head.flow == segment.flow, head.isIPv6 == segment.isIPv6 {
                return runs[r].closed ? nil : r
            }
            r -= 1
        }
        return nil
    }

    private func canAppend(_ segment: TCPSegment, at base: UnsafeMutableRawPointer, to r: Int) -> Bool {
        let run = runs[r]
        guard let head = run.segment, run.segments < Self.maxSegments,
              segment.sequence == run.nextSequence, segment.payloadLength <= run.gsoSize,
              segment.tcpHeaderLength == head.tcpHeaderLength else { return false }
        let ipPayload = run.totalLength + segment.payloadLength - (head.isIPv6 ? 40 : 0)
        guard ipPayload <= 65535 else { return false }
        let headBase = packets[run.first].base
        if !head.isIPv6 {
            // IDs must continue the run, or stay fixed on DF packets (RFC 6864 atomic datagrams).
            let id = base.be16(at: 4)
            let dontFragment = base.be16(at: 6) & 0x4000 != 0
            guard id == run.lastIPID &+ 1 || (dontFragment && id == run.lastIPID) else { return false }
        }
        guard linkHeaderLength == 0
                || memcmp(headBase - linkHeaderLength, base - linkHeaderLength, linkHeaderLength) == 0 else { return false }
        return TCPSegment.headersMatch(head: headBase, next: base, segment: segment)
    }

    private func append(_ index: Int, segment: TCPSegment, at base: UnsafeMutableRawPointer, to r: Int) {
        packets[runs[r].last].next = index
        runs[r].last = index
        runs[r].segments += 1
        runs[r].totalLength += segment.payloadLength
        runs[r].nextSequence = segment.sequence &+ UInt32(segment.payloadLength)
        if !segment.isIPv6 { runs[r].lastIPID = base.be16(at: 4) }
        // A short segment or PSH ends a run: only the last segment may be smaller or push.
        if Self.hasPSH(base, segment) { runs[r].pushed = true; runs[r].closed = true }
        if segment.payloadLength < runs[r].gsoSize { runs[r].closed = true }
    }

    /// Without a link header every packet is IP; behind an Ethernet header, its EtherType says.
    private func carriesIP(_ base: UnsafeMutableRawPointer) -> Bool {
        guard linkHeaderLength > 0 else { return true }
        let etherType = base.be16(at: -2)
        return etherType == 0x0800 || etherType == 0x86DD
    }

    private static func hasPSH(_ base: UnsafeMutableRawPointer, _ segment: TCPSegment) -> Bool {
        base.byte(at: segment.ipHeaderLength + 13) & TCPSegment.flagPSH != 0
    }

    // MARK: - Emitting

    /// Fills `gather` for run `r` and returns how many pieces it has.
    private func prepareWrite(run r: Int) -> Int {
        let run = runs[r]
        let first = packets[run.first]
        let header = headers + r * VirtioNetHeader.size
        var pieces = 0
        if mode != .plain {
            var vnet = VirtioNetHeader()
            if run.segments > 1, let head = run.segment {
                vnet = finishSuperpacket(first.base, head: head, run: run)
                vnet.checksumStart += UInt16(linkHeaderLength)
                vnet.headerLength += UInt16(linkHeaderLength)
            }
            vnet.write(to: header)
            gather[0] = iovec(iov_base: header, iov_len: VirtioNetHeader.size)
            pieces = 1
        }
        gather[pieces] = iovec(iov_base: first.base - linkHeaderLength, iov_len: linkHeaderLength + first.length)
        pieces += 1
        let skip = run.segment?.headersLength ?? 0
        var index = first.next
        while index >= 0 {
            let packet = packets[index]
            gather[pieces] = iovec(iov_base: packet.base + skip, iov_len: packet.length - skip)
            pieces += 1
            index = packet.next
        }
        return pieces
    }

    /// Rewrites the first packet's headers to describe the whole run and returns the
    /// virtio header for it.
    private func finishSuperpacket(_ ip: UnsafeMutableRawPointer, head: TCPSegment, run: Run) -> VirtioNetHeader {
        let l4 = head.ipHeaderLength
        if head.isIPv6 {
            ip.setBE16(UInt16(run.totalLength - 40), at: 4)
        } else {
            ip.setBE16(UInt16(run.totalLength), at: 2)
            IPv4Header.updateChecksum(ip)
        }
        if run.pushed { ip.setByte(ip.byte(at: l4 + 13) | TCPSegment.flagPSH, at: l4 + 13) }
        let tcpLength = run.totalLength - l4
        let pseudo = InternetChecksum.pseudoHeaderSum(ip: ip, isIPv6: head.isIPv6, protocol: 6, length: tcpLength)
        ip.storeBytes(of: InternetChecksum.fold(pseudo), toByteOffset: l4 + 16, as: UInt16.self)
        return VirtioNetHeader(
            flags: VirtioNetHeader.needsChecksum,
            gsoType: head.isIPv6 ? VirtioNetHeader.gsoTCPv6 : VirtioNetHeader.gsoTCPv4,
            headerLength: UInt16(head.headersLength), gsoSize: UInt16(run.gsoSize),
            checksumStart: UInt16(l4), checksumOffset: 16)
    }
}
