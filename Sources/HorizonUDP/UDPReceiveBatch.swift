#if canImport(Glibc)
import Glibc
#endif
import CHorizonLinux

/// Preallocated state for one `recvmmsg`: message buffers, addresses, control blocks, and
/// after a receive the list of datagrams, with GRO-coalesced messages already split at
/// their segment size.
///
/// Ownership: datagrams point into the batch's buffers and stay valid until the next
/// receive into the same batch; they may be modified in place (e.g. decrypted).
/// One thread per batch.
public final class UDPReceiveBatch {
    /// UDP GRO never merges more than this many datagrams into one message (UDP_GRO_CNT_MAX).
    public static let maxSegmentsPerMessage = 64

    public let messageSlots: Int
    public let bufferSize: Int
    /// Datagrams from the last receive.
    public internal(set) var count = 0
    /// Messages (syscall-level results) from the last receive.
    public internal(set) var messageCount = 0
    /// Totals across receives: messages cut short by a too-small buffer, dropped.
    public internal(set) var droppedTruncated = 0

    struct Segment {
        var message: Int32
        var offset: Int32
        var length: Int32
    }

    let messages: UnsafeMutablePointer<hz_mmsg>
    let vectors: UnsafeMutablePointer<iovec>
    let names: UnsafeMutablePointer<sockaddr_storage>
    let controls: UnsafeMutableRawPointer
    let buffers: UnsafeMutableRawPointer
    let sources: UnsafeMutablePointer<UDPAddress>
    let destinations: UnsafeMutablePointer<LocalAddress?>
    let segments: UnsafeMutablePointer<Segment>

    /// `bufferSize` 65535+ lets one message hold a whole GRO train.
    public init(messageSlots: Int = 64, bufferSize: Int = 65_536) {
        precondition(messageSlots > 0 && bufferSize > 0)
        self.messageSlots = messageSlots
        self.bufferSize = bufferSize
        messages = .allocate(capacity: messageSlots)
        vectors = .allocate(capacity: messageSlots)
        names = .allocate(capacity: messageSlots)
        controls = .allocate(byteCount: messageSlots * Int(HZ_UDP_CONTROL_SIZE), alignment: 16)
        buffers = .allocate(byteCount: messageSlots * bufferSize, alignment: 64)
        sources = .allocate(capacity: messageSlots)
        sources.initialize(repeating: UDPAddress(ip: .v4(.init(0)), port: 0), count: messageSlots)
        destinations = .allocate(capacity: messageSlots)
        destinations.initialize(repeating: nil, count: messageSlots)
        segments = .allocate(capacity: messageSlots * Self.maxSegmentsPerMessage)
        for i in 0..<messageSlots {
            vectors[i] = iovec(iov_base: buffers + i * bufferSize, iov_len: bufferSize)
            messages[i] = hz_mmsg(hdr: msghdr(), len: 0)
            messages[i].hdr.msg_name = UnsafeMutableRawPointer(names + i)
            messages[i].hdr.msg_iov = vectors + i
            messages[i].hdr.msg_iovlen = 1
            messages[i].hdr.msg_control = controls + i * Int(HZ_UDP_CONTROL_SIZE)
        }
    }

    deinit {
        messages.deallocate()
        vectors.deallocate()
        names.deallocate()
        controls.deallocate()
        buffers.deallocate()
        sources.deinitialize(count: messageSlots).deallocate()
        destinations.deinitialize(count: messageSlots).deallocate()
        segments.deallocate()
    }

    /// Datagram `index` of the last receive (`0..<count`).
    public func datagram(_ index: Int) -> UDPDatagram {
        let s = segments[index]
        let message = Int(s.message)
        return UDPDatagram(
            bytes: UnsafeMutableRawBufferPointer(start: buffers + message * bufferSize + Int(s.offset), count: Int(s.length)),
            source: sources[message], destination: destinations[message])
    }

    /// Re-arms the lengths the kernel overwrote on the last receive.
    func prepare() {
        for i in 0..<messageSlots {
            messages[i].hdr.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
            messages[i].hdr.msg_controllen = Int(HZ_UDP_CONTROL_SIZE)
            messages[i].hdr.msg_flags = 0
        }
    }

    /// Turns `received` messages into the datagram list.
    func index(received: Int) {
        messageCount = received
        count = 0
        for m in 0..<received {
            let header = messages[m].hdr
            let length = Int(messages[m].len)
            guard header.msg_flags & Int32(MSG_TRUNC) == 0, let source = UDPAddress(sockaddr: names + m) else {
                droppedTruncated += 1
                continue
            }
            var segmentSize: UInt16 = 0
            var local = hz_local_address()
            hz_udp_control_parse(header.msg_control, header.msg_controllen, &segmentSize, &local)
            sources[m] = source
            destinations[m] = LocalAddress(local)
            let step = segmentSize > 0 ? Int(segmentSize) : max(length, 1)
            var offset = 0
            // An empty datagram is still a datagram (WireGuard ignores it, but counts it).
            repeat {
                guard count < messageSlots * Self.maxSegmentsPerMessage else { return }
                segments[count] = Segment(message: Int32(m), offset: Int32(offset), length: Int32(min(step, length - offset)))
                count += 1
                offset += step
            } while offset < length
        }
    }
}

/// One received datagram: bytes inside a `UDPReceiveBatch`, who sent it, and the local
/// address it was sent to (nil if the kernel did not say).
public struct UDPDatagram {
    public var bytes: UnsafeMutableRawBufferPointer
    public var source: UDPAddress
    public var destination: LocalAddress?
}
